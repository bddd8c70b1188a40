// The Executor's pytest workers against the real pytest of tests/fixtures/pytest: tests
// queued behind a worker that dies go to a fresh worker; an interrupt ends queued tests too.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "run_to_end.hpp"
#include "tellus_harness/exec/executor.hpp"
#include "temp_dir.hpp"

#include "tellus_harness/workloads/workload.hpp"

using namespace tellus_harness;

namespace {

ExecutionPolicy pytest_policy(const std::string& dir, int workers) {
  ExecutionPolicy p;
  p.output_dir = dir;
  p.profile_name = "unit";
  p.max_concurrent = workers;
  p.kill_grace_s = 0.5;
  p.self_exe = TELLUS_HARNESS_EXE;
  p.command_line = [](const TestSpec& spec) { return workload_command_line(spec, TELLUS_HARNESS_EXE); };
  p.pytest.python = "/usr/bin/python3";
  p.pytest.python_source = "the test";
  p.pytest.cwd = TELLUS_SOURCE_DIR "/tests/fixtures/pytest";
  p.pytest.args = {"-p", "no:cacheprovider", "tests/test_crashes.py", "tests/test_archive_class.py"};
  return p;
}

TestSpec pytest_test(const std::string& nodeid, double timeout = 30) {
  TestSpec t;
  t.kind = "pytest";
  t.nodeid = nodeid;
  t.suite = t.suite_file = nodeid.substr(0, nodeid.find("::"));
  t.name = nodeid.substr(nodeid.rfind("::") + 2);
  t.timeout_s = timeout;
  return t;
}

std::vector<TestResult> run_all(Executor& ex, const std::vector<TestSpec>& tests) {
  std::vector<std::string> problems;  // the workers killed on purpose may say they were
  return run_to_end(ex, tests, problems);
}

}  // namespace

TEST_CASE("pytest workers: tests queued behind a worker that dies or times out run on a fresh worker") {
  Executor ex(pytest_policy(fresh_temp_dir("pytest-requeue"), 1));
  const auto r = run_all(ex, {pytest_test("tests/test_crashes.py::test_exits_abruptly"),
                              pytest_test("tests/test_archive_class.py::TestArchive::test_pack"),
                              pytest_test("tests/test_crashes.py::test_hangs", 1),
                              pytest_test("tests/test_archive_class.py::test_tmp_path_is_private"),
                              pytest_test("tests/test_archive_class.py::TestArchive::test_uses_session_fixture")});
  REQUIRE(r.size() == 5);
  CHECK(r[0].outcome == Outcome::kFailed);
  CHECK_THAT(r[0].longrepr, Catch::Contains("the pytest worker running this test died: exited with status 3"));
  CHECK(r[1].outcome == Outcome::kPassed);
  CHECK(r[2].outcome == Outcome::kFailed);
  CHECK_THAT(r[2].longrepr, Catch::Contains("timed out: timeout 1 s"));
  CHECK(r[3].outcome == Outcome::kPassed);
  CHECK(r[4].outcome == Outcome::kPassed);
  for (const auto& t : r) CHECK(t.rank == 0);
}

TEST_CASE("pytest workers: stopping the run ends the running test and those queued behind it as errors") {
  Executor ex(pytest_policy(fresh_temp_dir("pytest-stop"), 1));
  ex.start(0, pytest_test("tests/test_crashes.py::test_hangs"));
  ex.start(1, pytest_test("tests/test_crashes.py::test_runs_after_the_crashes"));
  ex.start(2, pytest_test("tests/test_archive_class.py::TestArchive::test_pack"));
  std::vector<TestResult> done;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (std::chrono::steady_clock::now() < until)
    for (auto& r : ex.wait(std::chrono::milliseconds(50))) done.push_back(std::move(r));
  ex.stop_all("run interrupted (SIGTERM)");
  while (!ex.idle())
    for (auto& r : ex.wait(std::chrono::milliseconds(50))) done.push_back(std::move(r));
  ex.finish_cleanup();
  REQUIRE(done.size() == 3);
  for (const auto& t : done) {
    CHECK(t.outcome == Outcome::kError);
    CHECK_THAT(t.longrepr, Catch::StartsWith("run interrupted (SIGTERM)"));
  }
}

TEST_CASE("pytest workers: a wider fixture's failed teardown is the next test's setup error, or at the end a warning, as is what a worker left running") {
  auto p = pytest_policy(fresh_temp_dir("pytest-scoped"), 1);
  p.pytest.args = {"-p", "no:cacheprovider", "scoped/test_scoped.py", "tests/test_archive_class.py"};
  Executor ex(p);
  std::vector<std::string> problems;
  const auto r = run_to_end(ex, {pytest_test("scoped/test_scoped.py::test_first"), pytest_test("scoped/test_scoped.py::test_second"),
                                 pytest_test("tests/test_archive_class.py::test_tmp_path_is_private")},
                            problems);
  REQUIRE(r.size() == 3);
  CHECK(r[0].outcome == Outcome::kPassed);
  CHECK(r[1].outcome == Outcome::kPassed);  // the module fixture is still up for it
  CHECK(r[2].outcome == Outcome::kError);
  CHECK(r[2].phase == "setup");
  CHECK_THAT(r[2].longrepr, Catch::Contains("error in the teardown of fixtures set up for an earlier test") &&
                                Catch::Contains("module fixture could not unmount"));
  REQUIRE(problems.size() == 2);
  CHECK_THAT(problems[0], Catch::Contains("session fixture could not unload the tape"));
  CHECK_THAT(problems[1], Catch::Contains("left 1 processes running at its end") && Catch::Contains("they were killed"));
}
