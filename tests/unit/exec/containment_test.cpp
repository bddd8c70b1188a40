// Nothing a test starts outlives it: background jobs, setsid daemons, double forks, children
// that killed the test's own subreaper. Each case writes the pids of what it left to a file
// in its workspace; after the result, none of them may still exist.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "shell_test_spec.hpp"
#include "tellus_harness/exec/executor.hpp"
#include "temp_dir.hpp"

#include "tellus_harness/workloads/workload.hpp"

using namespace tellus_harness;

namespace {

// Runs one test in a fresh output directory under /tmp/tellus-unit/<dir>, its workspace kept.
TestResult run_one(const std::string& dir, const TestSpec& test, std::int64_t memory_mb = 0) {
  ExecutionPolicy p;
  p.output_dir = dir;
  p.limits.memory_mb = memory_mb;
  p.profile_name = "unit";
  p.kill_grace_s = 0.3;
  p.keep_workspaces = true;
  p.self_exe = TELLUS_HARNESS_EXE;
  p.command_line = [](const TestSpec& spec) { return workload_command_line(spec, TELLUS_HARNESS_EXE); };
  Executor ex(p);
  ex.start(0, test);
  std::vector<TestResult> done;
  while (!ex.idle())
    for (auto& r : ex.wait(std::chrono::milliseconds(50))) done.push_back(std::move(r));
  REQUIRE(done.size() == 1);
  return done[0];
}

// The pids a test wrote to <workspace>/pids, one per line.
std::vector<pid_t> pids_left(const std::string& dir, const std::string& name) {
  std::ifstream in(dir + "/work/" + name + "/pids");
  std::vector<pid_t> pids;
  for (pid_t p; in >> p;) pids.push_back(p);
  return pids;
}

bool alive(pid_t pid) { return kill(pid, 0) == 0; }

}  // namespace

TEST_CASE("containment: background jobs, setsid daemons and double forks die with their test") {
  const auto dir = fresh_temp_dir("contain-leftovers");
  const auto r = run_one(dir, shell_test("leaver",
                                       "sleep 300 & echo $! >> pids;"
                                       "setsid sh -c 'echo $$ >> pids; exec sleep 300' &"
                                       "sh -c '(sleep 300 & echo $! >> pids) &'; sleep 0.3"));
  CHECK(r.outcome == Outcome::kPassed);
  const auto pids = pids_left(dir, "leaver");
  REQUIRE(pids.size() == 3);
  for (pid_t pid : pids) CHECK_FALSE(alive(pid));
  CHECK(r.leftover_processes >= 3);
}

TEST_CASE("containment: a timeout kills a setsid daemon that ignores SIGTERM") {
  const auto dir = fresh_temp_dir("contain-timeout");
  const auto r = run_one(dir, shell_test("stubborn",
                                       "setsid sh -c 'trap \"\" TERM; echo $$ >> pids; while :; do sleep 1; done' &"
                                       "trap '' TERM; sleep 300",
                                       0.5));
  CHECK(r.outcome == Outcome::kFailed);
  CHECK_THAT(r.longrepr, Catch::StartsWith("timed out") && Catch::Contains("then SIGKILL"));
  const auto pids = pids_left(dir, "stubborn");
  REQUIRE(pids.size() == 1);
  CHECK_FALSE(alive(pids[0]));
}

TEST_CASE("containment: the memory limit counts descendants that left the process group") {
  const auto dir = fresh_temp_dir("contain-memory");
  const auto r = run_one(dir, shell_test("hog",
                                       "setsid sh -c 'echo $$ >> pids; head -c 300000000 /dev/zero | tail -c 250000000 "
                                       "> /dev/null; sleep 300' & wait"),
                         64);
  CHECK(r.outcome == Outcome::kFailed);
  CHECK_THAT(r.longrepr, Catch::Contains("exceeded the memory limit"));
  for (pid_t pid : pids_left(dir, "hog")) CHECK_FALSE(alive(pid));
}

TEST_CASE("containment: a test that kills its own subreaper still loses what it started") {
  const auto dir = fresh_temp_dir("contain-parricide");
  const auto r = run_one(dir, shell_test("parricide",
                                       "setsid sleep 300 & echo $! >> pids; sleep 300 & echo $! >> pids;"
                                       "kill -9 $PPID; sleep 300"));
  CHECK(r.outcome == Outcome::kFailed);
  CHECK_THAT(r.longrepr, Catch::StartsWith("the test killed its containment process"));
  const auto pids = pids_left(dir, "parricide");
  REQUIRE(pids.size() == 2);
  for (pid_t pid : pids) CHECK_FALSE(alive(pid));
}

TEST_CASE("containment: kill 0 in a test reaches the test's group, not its subreaper") {
  const auto dir = fresh_temp_dir("contain-kill0");
  const auto r = run_one(dir, shell_test("kill0", "setsid sleep 300 & echo $! >> pids; sleep 0.3; kill -9 0"));
  CHECK(r.outcome == Outcome::kFailed);
  CHECK(r.longrepr == "killed by signal SIGKILL (9)");
  CHECK(r.leftover_processes == 1);
  for (pid_t pid : pids_left(dir, "kill0")) CHECK_FALSE(alive(pid));
}

TEST_CASE("containment: a program that cannot be executed fails with the reason") {
  const auto dir = fresh_temp_dir("contain-exec");
  std::ofstream(dir + "/not-executable") << "#!/bin/sh\n";
  TestSpec t = shell_test("noexec", "");
  t.params_json = nlohmann::json{{"argv", {dir + "/not-executable"}}}.dump();
  const auto r = run_one(dir, t);
  CHECK(r.outcome == Outcome::kFailed);
  CHECK_THAT(r.longrepr, Catch::Contains("Permission denied"));
}
