// The hostile suite (tests/hostile/) end to end under mpiexec -n 2: tests that try to outlive
// themselves, balloon, flood, write what reports cannot hold, and reach outside their
// workspaces. Afterwards the tree outside must be exactly as it was, no process of theirs may
// be alive, every test must have a result and every report must be valid.
#include <signal.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <unistd.h>

#include <chrono>
#include <map>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness_process.hpp"

namespace fs = std::filesystem;

namespace {

// Every entry below `root` with its type, mode, size, times and content: a change to any of
// them changes the text.
std::string snapshot(const std::string& root) {
  std::ostringstream out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    struct stat st {};
    lstat(e.path().c_str(), &st);
    out << e.path().string() << " mode=" << std::oct << st.st_mode << std::dec << " size=" << st.st_size
        << " links=" << st.st_nlink << " mtime=" << st.st_mtim.tv_sec << "." << st.st_mtim.tv_nsec;
    if (S_ISREG(st.st_mode)) out << " content=" << std::ifstream(e.path()).rdbuf();
    out << "\n";
  }
  return out.str();
}

// Live (not zombie) processes running `sleep SECONDS`.
int live_sleeps(int seconds) {
  const auto r = run_shell("ps -eo stat=,args= | awk '$1 !~ /^Z/ && $2 == \"sleep\" && $3 == \"" + std::to_string(seconds) +
                           "\"' | wc -l");
  return std::stoi(r.out);
}

int wait_for_no_sleeps(int seconds) {
  int live = -1;
  for (int i = 0; i < 50 && live != 0; ++i) {
    live = live_sleeps(seconds);
    if (live != 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return live;
}

std::string make_sentinel(const std::string& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir + "/dir");
  std::ofstream(dir + "/file") << "precious";
  std::ofstream(dir + "/dir/nested") << "also precious";
  return dir;
}

void check_reports_valid(const std::string& out) {
  CHECK(run_shell("xmllint --noout --schema " TELLUS_SOURCE_DIR "/tests/fixtures/junit/junit-10.xsd " + out + "/report.xml").exit_code == 0);
  CHECK(run_shell("/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding=\"utf-8\", errors=\"strict\"))' " +
                  out + "/report.json").exit_code == 0);
}

}  // namespace

TEST_CASE("hostile tests harm nothing outside their workspaces, leave no process and break no report") {
  const auto out = fresh_output_dir("hostile");
  const auto sentinel = make_sentinel("/tmp/tellus-e2e/hostile-sentinel");
  const std::string before = snapshot(sentinel);
  const auto run = run_shell("HOSTILE_SENTINEL=" + sentinel + " " TELLUS_MPIEXEC " -n 2 --oversubscribe " TELLUS_HARNESS_EXE
                             " run " TELLUS_SOURCE_DIR "/tests/hostile --env-config " + fixture("profiles/hostile.yaml") +
                             " --progress none --perf-store none --output-dir " + out);
  run_shell("umount " + out + "/work/bind_mount_inside/mnt 2>/dev/null");

  CHECK(run.exit_code == 1);  // tests failed; no rank died
  CHECK(snapshot(sentinel) == before);
  CHECK(wait_for_no_sleeps(3133) == 0);
  check_reports_valid(out);

  const auto report = read_json(out + "/report.json");
  CHECK(report["exitcode"] == 1);
  CHECK(report["summary"]["error"] == 0);  // every test ran to an outcome of its own
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& t : report["tests"]) by_name[t["nodeid"].get<std::string>().substr(t["nodeid"].get<std::string>().find("::") + 2)] = t;
  std::map<std::string, nlohmann::json> harness;
  for (const auto& t : report["harness"]["tests"]) harness[t["nodeid"].get<std::string>().substr(t["nodeid"].get<std::string>().find("::") + 2)] = t;
  for (const char* name : {"background_jobs", "setsid_daemon", "double_fork", "fork_many", "links_out",
                           "workspace_replaced_by_symlink", "bind_mount_inside", "deep_directories", "output_flood", "well_behaved"}) {
    INFO(name);
    CHECK(by_name[name]["outcome"] == "passed");
  }
  CHECK(harness["background_jobs"]["leftover_processes"] == 3);
  CHECK(harness["fork_many"]["leftover_processes"] == 40);
  CHECK_THAT(by_name["kills_its_subreaper"]["call"]["longrepr"].get<std::string>(),
             Catch::StartsWith("the test killed its containment process"));
  CHECK_THAT(by_name["memory_through_setsid"]["call"]["longrepr"].get<std::string>(), Catch::Contains("exceeded the memory limit"));
  CHECK_THAT(by_name["disk_filler"]["call"]["longrepr"].get<std::string>(), Catch::Contains("exceeded the disk limit"));
  CHECK_THAT(by_name["ignores_sigterm"]["call"]["longrepr"].get<std::string>(), Catch::Contains("then SIGKILL"));
  CHECK_THAT(by_name["stops_itself"]["call"]["longrepr"].get<std::string>(), Catch::StartsWith("timed out"));
  for (const char* name : {"metrics_deep", "metrics_huge", "metrics_fifo", "metrics_symlink_out", "metrics_not_numbers"}) {
    INFO(name);
    CHECK_THAT(by_name[name]["call"]["longrepr"].get<std::string>(), Catch::StartsWith("metrics file: "));
  }
  // Captured output is bounded, whatever was printed.
  CHECK(by_name["output_flood"]["call"]["stdout"].get<std::string>().size() < 200000);
  // What could not be removed safely is left and said.
  bool mount_reported = geteuid() != 0, depth_reported = false;
  for (const auto& w : report["warnings"]) {
    const std::string text = w.get<std::string>();
    if (text.find("bind_mount_inside/mnt: a mount point inside the workspace") != std::string::npos) mount_reported = true;
    if (text.find("nested more than 400 directories deep") != std::string::npos) depth_reported = true;
  }
  CHECK(mount_reported);
  CHECK(depth_reported);
}

// mpirun SIGKILLs the ranks odls_base_sigkill_timeout seconds after passing SIGTERM on: 1 by
// default, which is enough on an idle machine; 4 here, as ctest runs this beside other tests,
// Ceph's start among them, on two cores (2 was once not enough there); the Slurm job script
// sets 10.
TEST_CASE("SIGTERM to mpiexec: tests that ignore it are killed and the reports are written before mpiexec's SIGKILL") {
  const auto out = fresh_output_dir("sigterm");
  const auto run = run_shell(std::string("OMPI_MCA_odls_base_sigkill_timeout=4 ") + TELLUS_MPIEXEC " -n 2 --oversubscribe " TELLUS_HARNESS_EXE " run " +
                             fixture("suites/sigterm.yaml") + " --max-concurrent 2 --progress none --perf-store none --output-dir " +
                             out + " & pid=$!; "
                             "for _ in $(seq 300); do [ \"$(pgrep -fc '^sleep 3144$')\" -ge 3 ] && break; sleep 0.1; done; "
                             "kill -TERM $pid; wait $pid");
  CHECK(run.seconds < 30);
  CHECK(wait_for_no_sleeps(3144) == 0);
  REQUIRE(fs::exists(out + "/report.json"));
  check_reports_valid(out);
  const auto report = read_json(out + "/report.json");
  CHECK(report["exitcode"] == 2);  // interrupted: mpiexec's own exit status is its business
  CHECK(report["harness"]["interrupted"] == true);
  CHECK(report["summary"]["passed"] == 1);
  CHECK(report["summary"]["error"] == 3);
}

TEST_CASE("a disk that fills during the run: one clear line, no MPI abort, finished results recoverable") {
  if (geteuid() != 0) return;  // needs a small tmpfs of its own
  const std::string mnt = "/tmp/tellus-e2e/full-disk";
  run_shell("umount " + mnt + " 2>/dev/null");
  fs::create_directories(mnt);
  REQUIRE(run_shell("mount -t tmpfs -o size=1m tmpfs " + mnt).exit_code == 0);
  const auto run = run_harness(2, "run " + fixture("suites/chatty.yaml") + " --max-concurrent 1 --progress none --perf-store none "
                                   "--output-dir " + mnt + "/out");
  CHECK(run.exit_code != 0);
  CHECK_THAT(run.err, Catch::Contains("cannot write journal") && Catch::Contains("No space left on device"));
  CHECK_THAT(run.err, !Catch::Contains("internal error") && !Catch::Contains("MPI_ABORT"));
  // With space elsewhere, the journals give back every result that was finished and kept.
  const std::string elsewhere = fresh_output_dir("full-disk-reports");
  fs::create_directories(elsewhere);
  const auto rebuilt = run_harness(0, "report --from " + mnt + "/out --json-report-file " + elsewhere +
                                          "/report.json --junitxml " + elsewhere + "/report.xml");
  run_shell("umount " + mnt);
  const auto report = read_json(elsewhere + "/report.json");
  CHECK(report["summary"]["total"] == 40);
  CHECK(report["summary"]["passed"].get<int>() >= 1);
}

// The loader looks for the harness's libraries where they were linked and in its own paths,
// never in the directory a run starts from: a project (or a test that wrote there) holding a
// file named like one of them changes nothing the harness loads.
TEST_CASE("files named like the harness's libraries in the directory it starts from are not loaded") {
  const std::string dir = fresh_output_dir("files-named-like-libraries");
  fs::create_directories(dir);
  REQUIRE(run_shell("cd " + dir + " && for lib in $(ldd " TELLUS_HARNESS_EXE " | awk '$1 !~ \"/\" { print $1 }'); do "
                    "echo 'not a library' > \"$lib\"; done && test -e libstdc++.so.6").exit_code == 0);
  const auto out = fresh_output_dir("library-names");
  const auto r = run_shell("cd " + dir + " && " TELLUS_MPIEXEC " -n 2 --oversubscribe " TELLUS_HARNESS_EXE " run " +
                           fixture("suites/two_ranks.yaml") + " --progress none --perf-store none --output-dir " + out);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(read_json(out + "/report.json")["summary"]["passed"] == 1);
}
