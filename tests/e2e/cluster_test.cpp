// Cluster operations against a real Slurm (munge, slurmctld, two slurmd posing as node1 and
// node2 on loopback) that this test starts and stops, and the nightly cron entry.
#include <signal.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "harness_process.hpp"

namespace fs = std::filesystem;

namespace {
const std::string kSlurmDir = "/tmp/tellus-e2e/slurm-cluster";

struct SlurmCluster {
  bool up = false;
  SlurmCluster() {
    run_shell(fixture("slurm/stop-cluster.sh") + " " + kSlurmDir);
    fs::remove_all(kSlurmDir);
    const auto r = run_shell(fixture("slurm/start-cluster.sh") + " " + kSlurmDir);
    up = r.exit_code == 0;
    if (!up) WARN("Slurm did not start: " + r.err);
    setenv("SLURM_CONF", (kSlurmDir + "/slurm.conf").c_str(), 1);
    setenv("OMPI_MCA_btl", "self,tcp", 1);  // shared memory between the two fake nodes crashes
  }
  ~SlurmCluster() {
    run_shell(fixture("slurm/stop-cluster.sh") + " " + kSlurmDir);
    unsetenv("SLURM_CONF");
    unsetenv("OMPI_MCA_btl");
  }
};

std::string slurm(const std::string& args) { return TELLUS_HARNESS_EXE " slurm " + args; }

// 4-rank tests on the 2 nodes start through srun on both, and one that hangs is killed on
// both. (Within the test case that has the cluster up: one cluster at a time on a machine.)
void check_multi_rank_tests_span_both_nodes() {
  const std::string suite_dir = fresh_output_dir("slurm-multi-rank-suite");
  fs::create_directories(suite_dir);
  const std::string check = TELLUS_MPI_SIZE_CHECK;
  std::ofstream(suite_dir + "/multi.yaml")
      << "suite: multi\ntests:\n"
      << "  - name: comm_4\n    ranks: 4\n    nodes: 2\n    command: [\"" << check << "\", \"4\"]\n"
      << "  - name: hangs\n    ranks: 4\n    nodes: 2\n    timeout: 4\n    command: [\"" << check << "\", \"4\", \"--hang\"]\n"
#ifdef TELLUS_PARALLEL_IO_EXE
      << "  - name: pio_4\n    kind: parallel_io\n    ranks: 4\n    nodes: 2\n    size_mb: 2\n    timeout: 120\n"
#endif
      << "  - name: single\n    command: \"true\"\n";
  const std::string dir = fresh_output_dir("slurm-multi-rank");
  const auto r = run_shell(slurm("--nodes 2 --tasks-per-node 2 --time 00:10:00 --env-config local --output-dir " + dir +
                                 " --wait -- " + suite_dir + "/multi.yaml --kill-grace 2 --perf-store none"));
  INFO(r.out + r.err + run_shell("cat " + dir + "/slurm-*.out").out);
  CHECK(r.exit_code == 1);  // the hang
  const auto report = read_json(dir + "/run/report.json");
  std::map<std::string, nlohmann::json> tests, harness;
  for (const auto& t : report["tests"]) tests[t["nodeid"].get<std::string>()] = t;
  for (const auto& t : report["harness"]["tests"]) harness[t["nodeid"].get<std::string>()] = t;
  const std::string id = suite_dir + "/multi.yaml::";
  CHECK(tests[id + "comm_4"]["outcome"] == "passed");
  // srun put two of the program's ranks on each node.
  const std::string out = tests[id + "comm_4"]["call"]["stdout"].get<std::string>();
  CHECK(count_lines_with(out, "of 4 on node1") == 2);
  CHECK(count_lines_with(out, "of 4 on node2") == 2);
  CHECK(harness[id + "comm_4"]["nodes"] == 2);
  CHECK(harness[id + "comm_4"]["hosts"] == nlohmann::json::array({"node1", "node1", "node2", "node2"}));
#ifdef TELLUS_PARALLEL_IO_EXE
  CHECK(tests[id + "pio_4"]["outcome"] == "passed");
  CHECK(harness[id + "pio_4"]["nodes"] == 2);
  CHECK(harness[id + "pio_4"]["metrics"]["parallel_ranks"] == 4);
#endif
  CHECK(tests[id + "hangs"]["outcome"] == "failed");
  CHECK_THAT(tests[id + "hangs"]["call"]["longrepr"].get<std::string>(), Catch::Contains("timed out"));
  // Every rank of the hung program, on both nodes, is gone.
  const std::string workspace = harness[id + "hangs"]["workspace"].get<std::string>();
  int seen = 0;
  for (int rank = 0; rank < 4; ++rank) {
    std::ifstream in(workspace + "/pids/" + std::to_string(rank));
    int pid = 0;
    if (!(in >> pid)) continue;
    ++seen;
    CHECK(kill(pid, 0) != 0);
  }
  CHECK(seen == 4);
  CHECK(run_shell("pgrep -f 'mpi_size_chec[k] 4 --hang'").exit_code == 1);
}
}  // namespace

TEST_CASE("sbatch: a 2-node x 2-task job runs the suite once over both nodes, exit codes reach --wait, multi-rank tests span both") {
  if (run_shell("command -v slurmctld").exit_code != 0) {
    WARN("Slurm is not installed: skipped");
    return;
  }
  SlurmCluster cluster;
  REQUIRE(cluster.up);
  const std::string job = "--nodes 2 --tasks-per-node 2 --time 00:10:00 --env-config ci ";

  const std::string ok_dir = fresh_output_dir("slurm-ok");
  const auto ok = run_shell(slurm(job + "--output-dir " + ok_dir + " --wait -- " + fixture("suites/maxfail.yaml") +
                                  " -k 't0 and not t08' --perf-store none"));
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.err, Catch::Contains("job script: " + ok_dir + "/tellus-harness.sbatch"));
  const auto report = read_json(ok_dir + "/run/report.json");
  CHECK(report["summary"]["passed"] == 8);
  CHECK(report["summary"]["total"] == 8);  // once, not once per rank
  std::set<std::string> nodes;
  std::set<int> ranks;
  for (const auto& t : report["harness"]["tests"]) {
    nodes.insert(t["host"].get<std::string>());
    ranks.insert(t["rank"].get<int>());
  }
  CHECK(nodes == std::set<std::string>{"node1", "node2"});
  CHECK(ranks.size() == 4);
  CHECK(report["harness"]["profile"]["name"] == "ci");

  // A job that resumes the run: its own plan and directory, so no --env-config or --output-dir.
  const std::string resume_dir = fresh_output_dir("slurm-resume");
  const auto resumed = run_shell(slurm(job + "--output-dir " + resume_dir + " --wait -- --resume " + ok_dir + "/run"));
  CHECK(resumed.exit_code == 0);
  CHECK_THAT(run_shell("cat " + resume_dir + "/slurm-*.out").out, Catch::Contains("has finished (every test has a result)"));

  const auto failing = run_shell(slurm(job + "--output-dir " + fresh_output_dir("slurm-fail") + " --wait -- " +
                                       fixture("suites/outcomes.yaml") + " --perf-store none"));
  CHECK(failing.exit_code == 1);

  const auto submitted = run_shell(slurm(job + "--output-dir " + fresh_output_dir("slurm-submit") + " --submit -- " +
                                         fixture("suites/outcomes.yaml") + " -k passes --perf-store none"));
  CHECK(submitted.exit_code == 0);
  CHECK(std::stoi(submitted.out) > 0);  // the job id

  const auto bad_partition = run_shell(slurm("--partition nope --output-dir " + fresh_output_dir("slurm-bad") + " --submit"));
  CHECK(bad_partition.exit_code == 2);
  CHECK_THAT(bad_partition.err, Catch::Contains("invalid partition") && Catch::Contains("the job script is"));

  // The alert after the job looks for regressions in the perf store: an empty one here, not
  // the history that earlier test runs on this machine left in the e2e store.
  const auto nightly = run_shell("cd /tmp/tellus-e2e && TELLUS_PERF_STORE=" + fresh_output_dir("nightly-store") + " " TELLUS_HARNESS_EXE
                                 " nightly -- " + job + "-- " + fixture("suites/maxfail.yaml") + " -k t01 --perf-store none");
  CHECK(nightly.exit_code == 0);
  CHECK_THAT(nightly.out, Catch::Contains("alert: none needed"));

  check_multi_rank_tests_span_both_nodes();
}

TEST_CASE("slurm errors without Slurm, or with bad options, are one clear line") {
  const auto none = run_shell("PATH=/nonexistent " TELLUS_HARNESS_EXE " slurm --output-dir " + fresh_output_dir("no-slurm") + " --submit");
  CHECK(none.exit_code == 2);
  CHECK_THAT(none.err, Catch::Contains("sbatch not found") && Catch::Contains("tellus-harness.sbatch"));
  const auto no_conf = run_shell("SLURM_CONF=/nonexistent/slurm.conf " TELLUS_HARNESS_EXE " slurm --output-dir " +
                                 fresh_output_dir("no-slurm-conf") + " --submit");
  CHECK(no_conf.exit_code == 2);
  CHECK_THAT(no_conf.err, Catch::Contains("SLURM_CONF names /nonexistent/slurm.conf, which does not exist"));
  CHECK_THAT(run_shell(slurm("--time 2h")).err, Catch::Contains("--time '2h' is not a Slurm time"));
  CHECK_THAT(run_shell(slurm("--launcher ssh")).err, Catch::Contains("--launcher must be srun or mpirun"));
  CHECK_THAT(run_shell(slurm("--env-config hpc_clustr")).err, Catch::Contains("did you mean 'hpc_cluster'"));
  const auto script = run_shell(slurm("--launcher mpirun --module mpi/openmpi --account climate --output-dir " +
                                      fresh_output_dir("script") + " -- tests/integration -m 'not slow'"));
  CHECK(script.exit_code == 0);
  std::ifstream in(script.out.substr(0, script.out.find('\n')));
  std::stringstream text;
  text << in.rdbuf();
  CHECK_THAT(text.str(), Catch::Contains("#SBATCH --nodes=2") && Catch::Contains("#SBATCH --ntasks-per-node=4") &&
                             Catch::Contains("#SBATCH --partition=test") && Catch::Contains("#SBATCH --time=02:00:00") &&
                             Catch::Contains("#SBATCH --account=climate") && Catch::Contains("module load mpi/openmpi") &&
                             Catch::Contains("mpirun '") && Catch::Contains("'-m' 'not slow'") &&
                             Catch::Contains("export TELLUS_TEST_CONFIG='hpc_cluster'"));
}

TEST_CASE("cron: the nightly entry, and flock keeps a second start from submitting") {
  const std::string lock = "/tmp/tellus-e2e/cron/nightly.lock", log = "/tmp/tellus-e2e/cron/nightly.log";
  fs::remove_all("/tmp/tellus-e2e/cron");
  const auto printed = run_shell(TELLUS_HARNESS_EXE " cron --lock " + lock + " --log " + log + " -- --nodes 1");
  REQUIRE(printed.exit_code == 0);
  const std::string entry = printed.out.substr(0, printed.out.find('\n'));
  CHECK_THAT(entry, Catch::StartsWith("0 2 * * * cd "));
  CHECK_THAT(entry, Catch::Contains("flock -n '" + lock + "'") && Catch::Contains(" nightly -- '--nodes' '1'") &&
                        Catch::Contains(">> '" + log + "' 2>&1"));
  CHECK_THAT(run_shell(TELLUS_HARNESS_EXE " cron --at 03:30").out, Catch::StartsWith("30 3 * * * "));
  // The command part of the entry, as cron would run it.
  std::string command = entry;
  for (int field = 0; field < 5; ++field) command = command.substr(command.find(' ') + 1);
  command = command.substr(0, command.find("  # tellus-harness nightly"));
  std::string quoted = "'";  // run through sh -c as cron does, so its own redirections hold
  for (char c : command) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  command = "sh -c " + quoted + "'";
  const auto held = run_shell("flock " + lock + " sleep 5 & sleep 0.5; " + command + "; echo status=$?");
  CHECK_THAT(held.out, Catch::Contains("status=1"));
  CHECK(held.seconds < 3);  // at once, not after the holder
  CHECK((!fs::exists(log) || fs::file_size(log) == 0));  // nothing was started, nothing submitted
  run_shell("sleep 5");  // let the holder go
  const auto free = run_shell("SLURM_CONF=/nonexistent " + command);
  CHECK(free.exit_code == 2);  // SLURM_CONF names no file: the job is refused at once
  CHECK_THAT(run_shell("cat " + log).out, Catch::Contains("job script:"));  // the unguarded start did run
  (void)free;
}

TEST_CASE("cron --install puts one entry in the crontab and replaces it on reinstall") {
  if (run_shell("command -v crontab").exit_code != 0) {
    WARN("crontab is not installed: skipped");
    return;
  }
  const auto before = run_shell("crontab -l");
  run_shell(TELLUS_HARNESS_EXE " cron --install --at 01:15 -- --nodes 1");
  const auto installed = run_shell(TELLUS_HARNESS_EXE " cron --install --at 01:45 -- --nodes 1");
  CHECK(installed.exit_code == 0);
  const auto table = run_shell("crontab -l").out;
  CHECK(count_lines_with(table, "# tellus-harness nightly") == 1);
  CHECK_THAT(table, Catch::Contains("45 1 * * * "));
  // Leave the crontab as it was.
  if (before.exit_code == 0) {
    std::ofstream("/tmp/tellus-e2e/crontab.before") << before.out;
    run_shell("crontab /tmp/tellus-e2e/crontab.before");
  } else {
    run_shell("crontab -r");
  }
}
