#include <catch2/catch.hpp>

#include "run_to_end.hpp"
#include "shell_test_spec.hpp"
#include "temp_dir.hpp"
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include "tellus_harness/exec/executor.hpp"

#include "tellus_harness/workloads/workload.hpp"

using namespace tellus_harness;
namespace fs = std::filesystem;

namespace {
ExecutionPolicy policy(const std::string& dir) {
  ExecutionPolicy p;
  p.output_dir = dir;
  p.profile_name = "unit";
  p.max_concurrent = 4;
  p.kill_grace_s = 0.5;
  p.self_exe = TELLUS_HARNESS_EXE;
  p.command_line = [](const TestSpec& spec) { return workload_command_line(spec, TELLUS_HARNESS_EXE); };
  return p;
}

std::vector<TestResult> run_all(Executor& ex, const std::vector<TestSpec>& tests) {
  std::vector<std::string> problems;
  auto done = run_to_end(ex, tests, problems);
  CHECK(problems.empty());
  return done;
}

}  // namespace

TEST_CASE("outcomes: pass, exit status, signal, output, workspaces kept only for failures") {
  const auto dir = fresh_temp_dir("outcomes");
  Executor ex(policy(dir));
  const auto r = run_all(ex, {shell_test("ok", "echo out; echo err >&2; touch $TELLUS_CACHE_DIR/x"),
                              shell_test("three", "exit 3"), shell_test("segv", "kill -SEGV $$")});
  REQUIRE(r.size() == 3);
  CHECK(r[0].outcome == Outcome::kPassed);
  CHECK(r[0].stdout_text == "out\n");
  CHECK(r[0].stderr_text == "err\n");
  CHECK_FALSE(fs::exists(dir + "/work/ok"));
  CHECK(r[1].outcome == Outcome::kFailed);
  CHECK(r[1].longrepr == "exited with status 3");
  CHECK(fs::exists(dir + "/work/three"));
  CHECK(r[2].longrepr == "killed by signal SIGSEGV (11)");
}

TEST_CASE("a timeout gives the timeout, the multiplier and the effective limit, and SIGKILL follows SIGTERM") {
  auto p = policy(fresh_temp_dir("timeout"));
  p.timeout_multiplier = 2;
  Executor ex(p);
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = run_all(ex, {shell_test("hang", "sleep 30", 0.25), shell_test("stubborn", "trap '' TERM; sleep 30", 0.25),
                              shell_test("in_time", "sleep 1.2", 1)});
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(took < 5);
  CHECK(r[0].outcome == Outcome::kFailed);
  CHECK(r[0].longrepr == "timed out: timeout 0.25 s × multiplier 2 = 0.5 s effective limit; sent SIGTERM");
  CHECK_THAT(r[1].longrepr, Catch::EndsWith("then SIGKILL after a 0.5 s grace period"));
  CHECK(r[2].outcome == Outcome::kPassed);  // 1.2 s < 1 × 2
}

TEST_CASE("memory and disk limits stop the offender and leave the others alone") {
  auto p = policy(fresh_temp_dir("limits"));
  p.limits.memory_mb = 64;
  p.limits.disk_mb = 20;
  p.disk_check_interval_s = 0.2;
  Executor ex(p);
  const auto r = run_all(ex, {shell_test("mem", "head -c 200000000 /dev/zero | tail -c 150000000 > /dev/null"),
                              shell_test("disk", "dd if=/dev/zero of=f bs=1M count=60 status=none; sleep 5"),
                              shell_test("small", "head -c 5000000 /dev/zero | tail -c 4000000 > x; sleep 0.3")});
  CHECK(r[0].outcome == Outcome::kFailed);
  CHECK_THAT(r[0].longrepr, Catch::Contains("exceeded the memory limit") && Catch::Contains("> memory_mb 64"));
  CHECK(r[1].outcome == Outcome::kFailed);
  // Stopped when a check saw it over the limit: at 60 MiB, or earlier while dd was writing.
  CHECK_THAT(r[1].longrepr, Catch::Matches("workspace exceeded the disk limit: (2[1-9]|[3-5][0-9]|60) MiB > disk_mb 20 .*"));
  CHECK(r[2].outcome == Outcome::kPassed);
}

TEST_CASE("removing a workspace never follows a symlink out of it") {
  const auto dir = fresh_temp_dir("symlink");
  const std::string outside = dir + "/precious";
  fs::create_directories(outside);
  std::ofstream(outside + "/data") << "keep me";
  Executor ex(policy(dir));
  const auto r = run_all(ex, {shell_test("linker", "ln -s " + outside + " link; ln -s " + outside + "/data file")});
  REQUIRE(r[0].outcome == Outcome::kPassed);
  CHECK_FALSE(fs::exists(dir + "/work/linker"));
  CHECK(fs::exists(outside + "/data"));
}

TEST_CASE("stop_all ends running tests as errors with the reason") {
  Executor ex(policy(fresh_temp_dir("stop")));
  ex.start(0, shell_test("long", "sleep 30"));
  ex.wait(std::chrono::milliseconds(50));
  ex.stop_all("run interrupted (SIGINT)");
  std::vector<TestResult> done;
  while (!ex.idle())
    for (auto& r : ex.wait(std::chrono::milliseconds(50))) done.push_back(r);
  REQUIRE(done.size() == 1);
  CHECK(done[0].outcome == Outcome::kError);
  CHECK(done[0].longrepr == "run interrupted (SIGINT)");
}

TEST_CASE("metrics a test writes to TELLUS_METRICS_FILE reach its result") {
  Executor ex(policy(fresh_temp_dir("metrics")));
  const auto r = run_all(ex, {shell_test("m", "echo '{\"put_s\": 1.5}' > \"$TELLUS_METRICS_FILE\"")});
  CHECK(nlohmann::json::parse(r[0].metrics_json)["put_s"] == 1.5);
}

TEST_CASE("removing a workspace leaves what is outside alone: hard links, locked directories, bind mounts") {
  const auto dir = fresh_temp_dir("removal-confined");
  const std::string outside = dir + "/precious";
  fs::create_directories(outside + "/tree");
  std::ofstream(outside + "/data") << "keep me";
  fs::permissions(outside + "/data", fs::perms::owner_read);
  const bool can_mount = geteuid() == 0;
  Executor ex(policy(dir));
  // A hard link to a file outside, inside a directory the test locked; a symlinked
  // workspace subdirectory; a bind mount of the outside tree (when run as root).
  std::string script = "mkdir -p locked/deeper && ln " + outside + "/data locked/deeper/hard && chmod 0 locked/deeper locked;"
                       "ln -s " + outside + " cache/link;";
  if (can_mount) script += "mkdir mnt && mount --bind " + outside + "/tree mnt && touch mnt/inside-mount;";
  ex.start(0, shell_test("confined", script));
  std::vector<TestResult> r;
  while (!ex.idle())
    for (auto& done : ex.wait(std::chrono::milliseconds(50))) r.push_back(done);
  REQUIRE(r.at(0).outcome == Outcome::kPassed);
  const auto problems = ex.finish_cleanup();
  CHECK(fs::exists(outside + "/data"));
  CHECK(fs::status(outside + "/data").permissions() == fs::perms::owner_read);
  if (can_mount) {
    CHECK(fs::exists(outside + "/tree/inside-mount"));  // nothing removed through the mount
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0], Catch::Contains("/work/confined/mnt: a mount point inside the workspace"));
    std::system(("umount " + dir + "/work/confined/mnt").c_str());
  } else {
    CHECK(problems.empty());
    CHECK_FALSE(fs::exists(dir + "/work/confined"));
  }
}

TEST_CASE("a workspace that another test made already is refused, not reused or removed") {
  const auto dir = fresh_temp_dir("workspace-taken");
  fs::create_directories(dir + "/work");
  fs::create_directory_symlink(dir, dir + "/work/taken");
  Executor ex(policy(dir));
  const auto r = run_all(ex, {shell_test("taken", "true")});
  CHECK(r[0].outcome == Outcome::kError);
  CHECK_THAT(r[0].longrepr, Catch::Contains("exists already"));
  CHECK(fs::is_symlink(dir + "/work/taken"));
}

TEST_CASE("a bad metrics file fails its test with the reason, whatever it holds") {
  Executor ex(policy(fresh_temp_dir("metrics-hostile")));
  const std::string m = "\"$TELLUS_METRICS_FILE\"";
  const auto r = run_all(ex, {shell_test("deep", "head -c 200000 /dev/zero | tr '\\0' '[' > " + m),
                              shell_test("huge", "head -c 3000000 /dev/zero > " + m),
                              shell_test("array", "echo '[1,2]' > " + m),
                              shell_test("text", "echo '{\"a\": \"fast\"}' > " + m),
                              shell_test("fifo", "mkfifo " + m),
                              shell_test("zero", "ln -s /dev/zero " + m),
                              shell_test("good", "echo '{\"a\": 1, \"b\": {\"value\": 2, \"direction\": \"higher\"}}' > " + m)});
  CHECK_THAT(r[0].longrepr, Catch::StartsWith("metrics file: nested more than"));
  CHECK_THAT(r[1].longrepr, Catch::StartsWith("metrics file: 3000000 bytes"));
  CHECK_THAT(r[2].longrepr, Catch::StartsWith("metrics file: not a JSON object"));
  CHECK_THAT(r[3].longrepr, Catch::StartsWith("metrics file: metric 'a' is not a finite number"));
  CHECK_THAT(r[4].longrepr, Catch::StartsWith("metrics file: not a regular file"));
  CHECK_THAT(r[5].longrepr, Catch::StartsWith("metrics file: cannot read it"));
  for (int i = 0; i < 6; ++i) CHECK(r[i].outcome == Outcome::kFailed);
  CHECK(r[6].outcome == Outcome::kPassed);
  CHECK(nlohmann::json::parse(r[6].metrics_json)["b"]["value"] == 2);
}
