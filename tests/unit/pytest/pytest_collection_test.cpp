// pytest paths: which run paths go to pytest, how the plugin's collection becomes tests, how
// a worker's report becomes an outcome, and the environment pytest processes get.
#include <catch2/catch.hpp>

#include <fstream>

#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/config/profile.hpp"
#include "tellus_harness/config/pytest_invocation.hpp"
#include "tellus_harness/config/run_paths.hpp"
#include "tellus_harness/config/selection.hpp"
#include "tellus_harness/exec/pytest_worker.hpp"
#include "tellus_harness/pytest/pytest_collection.hpp"
#include "temp_dir.hpp"

using namespace tellus_harness;

TEST_CASE("run paths: YAML suites to the harness, Python files, node ids and directories with Python to pytest") {
  const std::string dir = fresh_temp_dir("run-paths");
  std::filesystem::create_directories(dir + "/mixed/sub");
  std::ofstream(dir + "/mixed/sub/test_a.py") << "def test_a(): pass\n";
  std::ofstream(dir + "/mixed/archive.yaml") << "suite: s\ntests: []\n";
  std::filesystem::create_directories(dir + "/yaml_only");
  std::ofstream(dir + "/yaml_only/s.yml") << "suite: s\ntests: []\n";

  const auto p = classify_run_paths({dir + "/mixed", dir + "/yaml_only", dir + "/mixed/sub/test_a.py::test_a",
                                     dir + "/mixed/sub/test_a.py"});
  CHECK(p.suite_files == std::vector<std::string>{dir + "/mixed/archive.yaml", dir + "/yaml_only/s.yml"});
  CHECK(p.pytest_paths == std::vector<std::string>{dir + "/mixed", dir + "/mixed/sub/test_a.py::test_a", dir + "/mixed/sub/test_a.py"});
  CHECK_THROWS_WITH(classify_run_paths({dir + "/gone.py::test_x"}), Catch::Contains("gone.py: no such test file"));
  CHECK_THROWS_WITH(classify_run_paths({dir + "/nothing"}), Catch::Contains("no such suite file, pytest file or directory"));
}

TEST_CASE("pytest collection: the plugin's items become tests with pytest's node ids, markers and timeouts") {
  const std::string manifest = R"({"rootdir": "/p", "deselected": 3, "items": [
      {"nodeid": "tests/test_a.py::TestA::test_x[1-2]", "path": "tests/test_a.py", "lineno": 9, "name": "test_x[1-2]",
       "markers": ["parametrize", "slow"], "keywords": ["test_x[1-2]", "TestA", "slow"], "timeout": null},
      {"nodeid": "tests/test_a.py::test_t", "path": "tests/test_a.py", "lineno": 20, "name": "test_t",
       "markers": ["timeout"], "keywords": [], "timeout": 2.5},
      {"nodeid": "tests/test_a.py::test_bad", "path": "tests/test_a.py", "lineno": 30, "name": "test_bad",
       "markers": ["timeout"], "keywords": [], "timeout": "'soon'"}],
    "errors": [{"nodeid": "tests/test_broken.py", "longrepr": "ImportError while importing test module"}],
    "skipped": [{"nodeid": "tests/test_hsm.py", "reason": "could not import 'hsm'"}], "maxfail": 5})";
  const auto c = parse_pytest_manifest(manifest, "m.json", 30);
  REQUIRE(c.tests.size() == 5);
  CHECK(c.deselected == 3);
  CHECK(c.maxfail == 5);
  const TestSpec& x = c.tests[0].spec;
  CHECK(x.kind == "pytest");
  CHECK(x.nodeid == "tests/test_a.py::TestA::test_x[1-2]");
  CHECK(x.suite_file == "tests/test_a.py");
  CHECK(x.line == 10);
  CHECK(x.markers == std::vector<std::string>{"parametrize", "slow"});
  CHECK(x.timeout_s == 30);
  CHECK(c.tests[0].runnable());
  CHECK(c.tests[1].spec.timeout_s == 2.5);
  CHECK_THAT(c.tests[2].collect_error, Catch::Contains("test_bad: @pytest.mark.timeout needs a number of seconds"));
  CHECK(c.tests[3].spec.nodeid == "tests/test_broken.py");
  CHECK(c.tests[3].collect_error == "ImportError while importing test module");
  CHECK_FALSE(c.tests[3].runnable());
  CHECK(c.tests[4].spec.nodeid == "tests/test_hsm.py");  // a module that skipped itself
  CHECK(c.tests[4].skip_reason == "could not import 'hsm'");
  CHECK_FALSE(c.tests[4].runnable());

  // The project's pytest-timeout default (its ini `timeout`) before the harness's; a marker first.
  const auto with_default = parse_pytest_manifest(R"({"rootdir": "/p", "deselected": 0, "default_timeout": 600, "errors": [],
      "items": [{"nodeid": "t.py::test_a", "path": "t.py", "lineno": 1, "name": "test_a", "markers": [], "keywords": [],
                 "timeout": null},
                {"nodeid": "t.py::test_b", "path": "t.py", "lineno": 5, "name": "test_b", "markers": ["timeout"],
                 "keywords": [], "timeout": 2}]})", "m.json", 30);
  CHECK(with_default.tests[0].spec.timeout_s == 600);
  CHECK(with_default.tests[1].spec.timeout_s == 2);

  CHECK_THROWS_WITH(parse_pytest_manifest(R"({"rootdir": "/p", "deselected": 0, "items": [], "errors": [
      {"nodeid": "tests/t.py", "longrepr": "'slowish' not found in `markers` configuration option"}]})", "m.json", 30),
                    Catch::Contains("register the marker"));
  CHECK_THROWS_WITH(parse_pytest_manifest("{\"items\": 1}", "m.json", 30), Catch::Contains("m.json: not a collection"));
}

TEST_CASE("profile gates: a marker naming a storage backend the profile does not enable skips the test") {
  Profile p;
  p.name = "local";
  p.storage_backends = {"file"};
  TestSpec t;
  t.markers = {"integration", "s3"};
  CHECK_THAT(profile_gate_reason(t, p), Catch::Contains("marked 's3': storage backend 's3' is not enabled in profile 'local'"));
  p.storage_backends = {"file", "s3"};
  CHECK(profile_gate_reason(t, p).empty());
  p.large_file_tests = false;
  t.markers = {"slow"};
  CHECK_THAT(profile_gate_reason(t, p), Catch::Contains("large_file_tests is false"));
}

TEST_CASE("pytest processes: the plugin's directory first on PYTHONPATH, the mode set, arguments in pytest's order") {
  const auto env = pytest_environment({"HOME=/h", "PYTHONPATH=/site", "TELLUS_PYTEST_MODE=stale"}, "/plugin", "worker");
  CHECK(env == std::vector<std::string>{"HOME=/h", "PYTHONPATH=/plugin:/site", "TELLUS_PYTEST_MODE=worker"});
  PytestInvocation inv;
  inv.python = "/usr/bin/python3";
  inv.args = pytest_arguments({"-p", "no:cacheprovider"}, "not slow", "", {"tests"});
  CHECK(pytest_argv(inv, {"-q"}) == std::vector<std::string>{"/usr/bin/python3", "-m", "pytest", "-p", "tellus_harness_pytest",
                                                             "-q", "-p", "no:cacheprovider", "-m", "not slow", "tests"});
  CHECK_NOTHROW(check_pytest_args({"-p", "no:cacheprovider", "-W", "error", "--strict-markers", "-o", "xfail_strict=true"}));
  CHECK_THROWS_WITH(check_pytest_args({"-n", "4"}), Catch::Contains("--pytest-args -n: tellus-harness spreads the tests"));
  CHECK_THROWS_WITH(check_pytest_args({"-n4"}), Catch::Contains("leave out pytest-xdist's options"));
  CHECK_THROWS_WITH(check_pytest_args({"--maxfail=3"}), Catch::Contains("use the harness's own --maxfail N"));
  CHECK_THROWS_WITH(check_pytest_args({"--lf"}), Catch::Contains("pytest's cache is not shared"));
  CHECK_THROWS_WITH(check_pytest_args({"--basetemp=/tmp/t"}), Catch::Contains("a --basetemp of its own"));
  // Short options together, as pytest reads them: -x hidden among others is still -x.
  CHECK_THROWS_WITH(check_pytest_args({"-vx"}), Catch::Contains("--pytest-args -vx: use the harness's own -x"));
  CHECK_THROWS_WITH(check_pytest_args({"-xvs"}), Catch::Contains("--pytest-args -xvs: use the harness's own -x"));
  CHECK_THROWS_WITH(check_pytest_args({"-vn2"}), Catch::Contains("leave out pytest-xdist's options"));
  CHECK_NOTHROW(check_pytest_args({"-vs", "-rxX", "-pno:warnings", "-Werror", "-k", "x", "-lq"}));
  setenv("TELLUS_PYTHON", "/opt/py", 1);
  CHECK(choose_python("", "/profile/py").python == "/opt/py");
  CHECK(choose_python("/cli/py", "/profile/py").python_source == "--python");
  unsetenv("TELLUS_PYTHON");
  CHECK(choose_python("", "/profile/py").python == "/profile/py");
  CHECK(choose_python("", "").python == "python3");
}

TEST_CASE("pytest worker reports: pytest's outcome and phase durations, and a garbled report is an error") {
  const auto o = parse_pytest_outcome(R"({"nodeid": "t.py::test_x", "outcome": "xfailed", "phase": "call",
      "longrepr": "known bug", "keywords": ["xfail"], "stages": {"setup": {"duration": 0.5, "outcome": "passed"},
      "call": {"duration": 1.25, "outcome": "skipped"}, "teardown": {"duration": 0.25, "outcome": "passed"}}})");
  CHECK(o.outcome == Outcome::kXfailed);
  CHECK(o.setup_s == 0.5);
  CHECK(o.call_s == 1.25);
  CHECK(o.teardown_s == 0.25);
  CHECK_THAT(o.report_json, Catch::Contains("\"keywords\":[\"xfail\"]"));
  const auto bad = parse_pytest_outcome(R"({"nodeid": "t.py::test_x", "outcome": "exploded", "phase": "call", "longrepr": ""})");
  CHECK(bad.outcome == Outcome::kError);
  CHECK_THAT(bad.longrepr, Catch::Contains("unreadable"));
}

TEST_CASE("pytest collection: a Python without pytest is one error that says how to name another") {
  PytestInvocation python;
  python.python = "python3";
  python.python_source = "the default";
  CollectionEnd end;
  end.exited = true;
  end.exit_code = 1;
  end.output = "/opt/pyenv/versions/3.11.7/bin/python3: No module named pytest\n";
  const std::string manifest = fresh_temp_dir("no-pytest") + "/collection.json";  // never written
  CHECK_THROWS_WITH(read_pytest_collection(end, manifest, python, 60),
                    Catch::Contains("No module named pytest (install pytest for that Python, or name one that has it "
                                    "with --python PATH, TELLUS_PYTHON or the profile's python:)"));
  end.output = "ERROR: usage: pytest [options]\n";
  end.exit_code = 4;
  CHECK_THROWS_WITH(read_pytest_collection(end, manifest, python, 60), !Catch::Contains("--python PATH"));
}
