// pytest workers started before the plan (before MPI_Init, in a run): placed once it is known,
// they run tests like any; a plan that wants another invocation ends them.
#include <catch2/catch.hpp>

#include <signal.h>

#include <filesystem>

#include "run_to_end.hpp"
#include "tellus_harness/run/early_pytest_workers.hpp"
#include "temp_dir.hpp"
#include "tellus_harness/workloads/workload.hpp"

using namespace tellus_harness;

namespace {

const std::string kProject = TELLUS_SOURCE_DIR "/tests/fixtures/pytest";

RunRequest pytest_request(std::vector<std::string> paths) {
  RunRequest r;
  r.paths = std::move(paths);
  r.python = "/usr/bin/python3";
  r.profile.max_concurrent = 2;
  r.pytest_args = {"-p", "no:cacheprovider"};
  return r;
}

TestSpec pytest_test(const std::string& nodeid) {
  TestSpec t;
  t.kind = "pytest";
  t.nodeid = nodeid;
  t.suite = t.suite_file = nodeid.substr(0, nodeid.find("::"));
  t.name = nodeid.substr(nodeid.rfind("::") + 2);
  t.timeout_s = 30;
  return t;
}

}  // namespace

TEST_CASE("early pytest workers: started before the plan, placed with it, they run its tests") {
  EarlyPytestWorkers early = start_early_pytest_workers(pytest_request({kProject + "/tests/test_archive_class.py"}));
  REQUIRE(early.workers.size() == 2);  // the rank's concurrency
  CHECK(early.invocation.python == "/usr/bin/python3");

  ExecutionPolicy p;
  p.output_dir = fresh_temp_dir("early-workers");
  p.profile_name = "unit";
  p.max_concurrent = 2;
  p.self_exe = TELLUS_HARNESS_EXE;
  p.command_line = [](const TestSpec& spec) { return workload_command_line(spec, TELLUS_HARNESS_EXE); };
  p.pytest = early.invocation;
  const pid_t first = early.workers.front()->pid();
  Executor ex(p);
  ex.start_pytest_workers("", early_workers_for(std::move(early), p.pytest));
  std::vector<std::string> problems;
  const auto r = run_to_end(ex, {pytest_test("tests/test_archive_class.py::test_workspace_is_set_before_the_project_loads"),
                                 pytest_test("tests/test_archive_class.py::test_tmp_path_is_private"),
                                 pytest_test("tests/test_archive_class.py::TestArchive::test_pack")},
                            problems);
  REQUIRE(r.size() == 3);
  for (const auto& t : r) {
    CHECK(t.outcome == Outcome::kPassed);
    CHECK(t.longrepr == "");
  }
  CHECK(problems.empty());
  CHECK(kill(first, 0) != 0);  // the early worker ran them, and has ended
  CHECK(std::filesystem::is_directory(p.output_dir + "/work"));
}

TEST_CASE("early pytest workers: none without pytest paths or when the run plans no new tests, and a plan for another Python ends them") {
  CHECK(start_early_pytest_workers(pytest_request({TELLUS_SOURCE_DIR "/tests/fixtures/suites/outcomes.yaml"})).workers.empty());
  auto collect_only = pytest_request({kProject + "/tests"});
  collect_only.collect_only = true;
  CHECK(start_early_pytest_workers(collect_only).workers.empty());
  auto resume = pytest_request({});
  resume.resume_dir = "/nonexistent";
  CHECK(start_early_pytest_workers(resume).workers.empty());
  // Options the run refuses start nothing: the run says what is wrong, once.
  auto refused = pytest_request({kProject + "/tests"});
  refused.pytest_args = {"-n", "2"};
  CHECK(start_early_pytest_workers(refused).workers.empty());
  CHECK(start_early_pytest_workers(pytest_request({kProject + "/tests/test_missing.py"})).workers.empty());

  // A plan with another Python: the early workers end, and none is handed on.
  EarlyPytestWorkers early = start_early_pytest_workers(pytest_request({kProject + "/tests"}));
  REQUIRE(early.workers.size() == 2);
  std::vector<pid_t> pids;
  for (const auto& w : early.workers) pids.push_back(w->pid());
  PytestInvocation planned = early.invocation;
  planned.python = "python3";
  CHECK(early_workers_for(std::move(early), planned).empty());
  for (pid_t pid : pids) CHECK(kill(pid, 0) != 0);
}
