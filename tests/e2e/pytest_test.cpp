// pytest suites run natively: the harness's outcomes against pytest's own for the same files
// (tests/fixtures/pytest), under mpiexec with 2 and 4 ranks.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "harness_process.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kPython = "/usr/bin/python3";  // Debian's, which has python3-pytest

std::string project() { return fixture("pytest"); }

// `tellus-harness run ARGS` in the pytest project's directory, as a tellus developer runs it.
ProcessResult harness_in_project(int ranks, const std::string& args) {
  std::string line = "cd " + project() + " && ";
  if (ranks > 0) line += std::string(TELLUS_MPIEXEC) + " -n " + std::to_string(ranks) + " --oversubscribe ";
  return run_shell(line + TELLUS_HARNESS_EXE + " run --python " + kPython + " --perf-store none " + args);
}

// pytest's own run, serial, of what a serial run survives (the `crashes` tests would end it).
const std::string& reference_junit() {
  static const std::string path = [] {
    const std::string dir = fresh_output_dir("pytest-reference");
    fs::create_directories(dir);
    const auto r = run_shell("cd " + project() + " && " + kPython + " -m pytest -p no:cacheprovider -q -m 'not crashes' "
                             "--continue-on-collection-errors --basetemp " + dir + "/tmp --junitxml " + dir + "/pytest.xml tests");
    REQUIRE(r.exit_code == 1);  // it has failures
    return dir + "/pytest.xml";
  }();
  return path;
}

std::map<std::string, nlohmann::json> tests_by_nodeid(const nlohmann::json& report) {
  std::map<std::string, nlohmann::json> m;
  for (const auto& t : report["tests"]) m[t["nodeid"].get<std::string>()] = t;
  return m;
}

}  // namespace

TEST_CASE("pytest: a project's tests run natively over 2 and 4 ranks with pytest's own outcomes, test by test") {
  for (int ranks : {2, 4}) {
    CAPTURE(ranks);
    const auto out = fresh_output_dir("pytest-np" + std::to_string(ranks));
    const auto r = harness_in_project(ranks, "tests --env-config " + fixture("profiles/every_backend.yaml") + " --output-dir " + out);
    CHECK(r.exit_code == 1);
    const auto compare = run_shell(kPython + " " + TELLUS_SOURCE_DIR + "/tests/pytest/compare_with_pytest.py " + out +
                                   "/report.json " + out + "/report.xml " + reference_junit());
    INFO(compare.out + compare.err);
    CHECK(compare.exit_code == 0);
    const auto valid = run_shell("xmllint --noout --schema " + fixture("junit/junit-10.xsd") + " " + out + "/report.xml");
    INFO(valid.err);
    CHECK(valid.exit_code == 0);

    const auto report = read_json(out + "/report.json");
    CHECK(report["summary"]["xfailed"] == 1);
    CHECK(report["summary"]["xpassed"] == 1);
    std::set<int> ranks_used;
    for (const auto& h : report["harness"]["tests"])
      if (h["rank"].get<int>() >= 0) ranks_used.insert(h["rank"].get<int>());
    CHECK(ranks_used.size() == static_cast<std::size_t>(ranks));  // spread over every rank
  }
}

TEST_CASE("pytest: phases, reasons, output, markers, crashes and timeouts are reported as pytest reports them") {
  const auto out = fresh_output_dir("pytest-fields");
  const auto r = harness_in_project(2, "tests --output-dir " + out);
  REQUIRE(r.exit_code == 1);
  const auto report = read_json(out + "/report.json");
  auto tests = tests_by_nodeid(report);
  const std::string o = "tests/test_outcomes.py::";

  // pytest-json-report's stages, with pytest's durations, reasons and captured output.
  const auto& fails = tests[o + "test_fails"];
  CHECK(fails["outcome"] == "failed");
  CHECK(fails["setup"]["outcome"] == "passed");
  CHECK(fails["call"]["outcome"] == "failed");
  CHECK(fails["call"]["crash"]["message"].get<std::string>().find("checksum mismatch after retrieval") != std::string::npos);
  CHECK(fails["call"]["longrepr"].get<std::string>().find("assert archived == expected") != std::string::npos);
  CHECK(fails["call"]["duration"].get<double>() > 0);
  CHECK(tests[o + "test_error_in_fixture_setup"]["outcome"] == "error");
  CHECK(tests[o + "test_error_in_fixture_setup"]["setup"]["outcome"] == "failed");
  CHECK(tests[o + "test_error_in_fixture_teardown"]["outcome"] == "error");
  CHECK(tests[o + "test_error_in_fixture_teardown"]["call"]["outcome"] == "passed");
  CHECK(tests[o + "test_error_in_fixture_teardown"]["teardown"]["crash"]["message"] == "RuntimeError: cannot unmount the archive");
  CHECK(tests[o + "test_skips"]["outcome"] == "skipped");
  CHECK(tests[o + "test_skipif_linux"]["setup"]["outcome"] == "skipped");
  CHECK(tests[o + "test_xfails"]["outcome"] == "xfailed");
  CHECK(tests[o + "test_xpasses"]["outcome"] == "xpassed");
  CHECK(tests[o + "test_xpasses_strict"]["outcome"] == "failed");
  CHECK(tests[o + "test_parametrized[10-2]"]["outcome"] == "failed");
  CHECK(tests[o + "test_parametrized[3-0]"]["outcome"] == "passed");
  const auto& printed = tests[o + "test_prints_and_logs"]["call"];
  CHECK(printed["stdout"] == "archived 2 files\n");
  CHECK(printed["stderr"] == "warning: slow disk\n");
  CHECK(printed["log"].get<std::string>().find("retrying put") != std::string::npos);
  const auto keywords = tests[o + "test_marked_network"]["keywords"];
  CHECK(std::find(keywords.begin(), keywords.end(), "network") != keywords.end());
  CHECK(std::find(keywords.begin(), keywords.end(), "integration") != keywords.end());
  CHECK(tests[o + "test_marked_network"]["lineno"] == 51);  // pytest's 0-based line of the def
  // The profile's gate: local enables only the file backend.
  CHECK(tests[o + "test_needs_ssh"]["outcome"] == "skipped");
  CHECK(tests[o + "test_needs_ssh"]["setup"]["longrepr"].get<std::string>().find("profile 'local'") != std::string::npos);
  // An import error is that file's error, with pytest's message; the rest ran.
  CHECK(tests["tests/broken/test_import_error.py"]["outcome"] == "error");
  CHECK(tests["tests/broken/test_import_error.py"]["setup"]["longrepr"].get<std::string>().find("tellus_module_that_does_not_exist") != std::string::npos);
  CHECK(report["collectors"].size() == 1);

  // 10 MB printed: kept bounded, head and tail.
  const auto& big = tests["tests/test_output.py::test_prints_10_mb"]["call"]["stdout"].get<std::string>();
  CHECK(big.size() < 70 * 1024);
  CHECK(big.find("bytes omitted") != std::string::npos);

  // The harness's timeout (the test's own timeout marker), a worker that exits, one that
  // segfaults: each fails its test with the cause, and fresh workers run the rest.
  const std::string c = "tests/test_crashes.py::";
  const auto hang = tests[c + "test_hangs"]["call"]["longrepr"].get<std::string>();
  CHECK(tests[c + "test_hangs"]["outcome"] == "failed");
  CHECK(hang.find("timeout 2 s × multiplier 1 = 2 s effective limit") != std::string::npos);
  CHECK(hang.find("in test_hangs") != std::string::npos);  // where it hung: Python's stack
  CHECK(tests[c + "test_exits_abruptly"]["call"]["longrepr"].get<std::string>().find("died: exited with status 3") != std::string::npos);
  CHECK(tests[c + "test_segfaults"]["call"]["longrepr"].get<std::string>().find("SIGSEGV") != std::string::npos);
  CHECK(tests[c + "test_runs_after_the_crashes"]["outcome"] == "passed");
  // The profile's memory limit holds for the worker and what it runs.
  CHECK_THAT(tests[c + "test_uses_too_much_memory"]["call"]["longrepr"].get<std::string>(),
             Catch::Contains("exceeded the memory limit") && Catch::Contains("memory_mb 512 (profile local)"));
  for (const auto& h : report["harness"]["tests"]) CHECK(h["leftover_processes"] == 0);

  // tmp_path is private to each worker: every test using it passed; a failed test's worker
  // workspace (where its basetemp is) is kept.
  CHECK(tests["tests/test_archive_class.py::test_tmp_path_is_private"]["outcome"] == "passed");
  CHECK(tests["tests/test_archive_class.py::TestArchive::test_pack"]["outcome"] == "passed");
  // Workers start before MPI_Init and learn their workspace later, yet before the project's
  // conftest.py is imported: it sees TELLUS_TEST_WORKSPACE, and tmp_path is inside it.
  CHECK(tests["tests/test_archive_class.py::test_workspace_is_set_before_the_project_loads"]["outcome"] == "passed");
  bool kept = false;
  for (const auto& h : report["harness"]["tests"])
    if (h["nodeid"] == o + "test_fails") kept = fs::is_directory(h["workspace"].get<std::string>() + "/config");
  CHECK(kept);

  // JUnit as pytest's --junitxml writes it.
  const auto xml = run_shell("cat " + out + "/report.xml").out;
  CHECK(xml.find("<testcase classname=\"tests.test_archive_class.TestArchive\" name=\"test_put[file]\"") != std::string::npos);
  CHECK(xml.find("file=\"tests/test_archive_class.py\"") != std::string::npos);
  CHECK(xml.find("<skipped type=\"pytest.xfail\" message=\"known netCDF-4 chunking bug\"/>") != std::string::npos);
  CHECK(xml.find("<failure message=\"AssertionError: checksum mismatch after retrieval") != std::string::npos);
  CHECK(xml.find("<error message=\"failed on teardown with &quot;RuntimeError: cannot unmount the archive&quot;\"") != std::string::npos);

  // report --from rebuilds the same outcomes from the journals alone.
  fs::remove(out + "/report.json");
  REQUIRE(run_shell(std::string(TELLUS_HARNESS_EXE) + " report --from " + out).exit_code == 1);
  const auto rebuilt = tests_by_nodeid(read_json(out + "/report.json"));
  for (const auto& [nodeid, t] : tests) CHECK(rebuilt.at(nodeid)["outcome"] == t["outcome"]);
  CHECK(rebuilt.at(o + "test_fails")["call"]["crash"] == fails["call"]["crash"]);
}

TEST_CASE("pytest: -m and -k select exactly what pytest selects, --pytest-args pass through, YAML suites mix in") {
  const std::string m = "not slow and not crashes", k = "parametrized or Archive or xfail";
  const auto listed = harness_in_project(0, "tests --collect-only -m '" + m + "' -k '" + k + "'");
  REQUIRE(listed.exit_code == 0);
  const auto pytest = run_shell("cd " + project() + " && " + kPython + " -m pytest -p no:cacheprovider --collect-only -q -m '" +
                                m + "' -k '" + k + "' tests/test_outcomes.py tests/test_archive_class.py tests/test_crashes.py");
  std::set<std::string> ours, theirs;
  for (std::size_t at = 0, end; (end = listed.out.find('\n', at)) != std::string::npos; at = end + 1)
    if (const auto line = listed.out.substr(at, end - at); line.find("::") != std::string::npos) ours.insert(line.substr(0, line.find("  [")));
  for (std::size_t at = 0, end; (end = pytest.out.find('\n', at)) != std::string::npos; at = end + 1)
    if (const auto line = pytest.out.substr(at, end - at); line.find("::") != std::string::npos) theirs.insert(line);
  CHECK(!ours.empty());
  CHECK(ours == theirs);

  // pytest's own options after --pytest-args, YAML and pytest in one run and one report; the
  // ci profile skips tests marked slow.
  const auto out = fresh_output_dir("pytest-mixed");
  const auto mixed = harness_in_project(2, "tests/test_archive_class.py 'tests/test_outcomes.py::test_marked_slow' " +
                                               fixture("suites/outcomes.yaml") + " -k 'not fails' --env-config ci --output-dir " +
                                               out + " --pytest-args -p no:cacheprovider -W error");
  const auto report = read_json(out + "/report.json");
  auto tests = tests_by_nodeid(report);
  CHECK(tests.at("tests/test_archive_class.py::TestArchive::test_put[ssh]")["outcome"] == "passed");
  CHECK(tests.at("tests/test_outcomes.py::test_marked_slow")["outcome"] == "skipped");
  bool yaml = false;
  for (const auto& [nodeid, t] : tests) yaml = yaml || nodeid.find("outcomes.yaml::") != std::string::npos;
  CHECK(yaml);
  CHECK(report["harness"]["profile"]["sources"]["max_concurrent_operations"].get<std::string>().find("capped") != std::string::npos);

  // What pytest refuses is one error in pytest's words, exit 2, nothing run.
  const std::string strict_out = fresh_output_dir("pytest-strict");
  const auto strict = harness_in_project(2, "tests/test_outcomes.py --output-dir " + strict_out +
                                                " --pytest-args --strict-markers -o markers=");
  CHECK(strict.exit_code == 2);
  CHECK_THAT(strict.err, Catch::Contains("not found in `markers` configuration option"));
  CHECK(run_shell("pgrep -f -- '[-]-strict-markers -o markers='").exit_code == 1);  // no worker is left
  CHECK(!fs::exists(strict_out));  // nor its workspace, nor the output directory made for it
  // A Python that does not exist is named as such by a run as by --collect-only.
  const std::string no_python_out = fresh_output_dir("pytest-no-python");
  const auto no_python_run = run_shell("cd " + project() + " && " + TELLUS_MPIEXEC + " -n 2 --oversubscribe " +
                                       TELLUS_HARNESS_EXE + " run tests --python /no/python3 --output-dir " + no_python_out);
  CHECK(no_python_run.exit_code == 2);
  CHECK_THAT(no_python_run.err, Catch::Contains("cannot run '/no/python3' (the Python for pytest, from --python)"));
  CHECK(!fs::exists(no_python_out));
  // Workers started before MPI_Init end with a run that stops before its first test.
  const auto refused = harness_in_project(2, "tests --timeout 0 --output-dir " + fresh_output_dir("pytest-refused") +
                                                 " --pytest-args -o junit_suite_name=refused_early");
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains("--timeout must be greater than zero"));
  CHECK(run_shell("pgrep -f '[j]unit_suite_name=refused_early'").exit_code == 1);
  const auto usage = harness_in_project(0, "tests --collect-only --pytest-args --no-such-pytest-option");
  CHECK(usage.exit_code == 2);
  CHECK_THAT(usage.err, Catch::Contains("unrecognized arguments: --no-such-pytest-option"));
  const auto no_python = run_shell("cd " + project() + " && " + TELLUS_HARNESS_EXE + " run tests --collect-only --python /no/python3");
  CHECK(no_python.exit_code == 2);
  CHECK_THAT(no_python.err, Catch::Contains("cannot run '/no/python3' (the Python for pytest, from --python)"));
  const auto missing = harness_in_project(0, "tests/test_nothing_here.py --collect-only");
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("tests/test_nothing_here.py: no such test file"));
}

TEST_CASE("pytest: a project's own -n and --maxfail in its addopts, the harness spreads the tests and counts the failures") {
  // pytest-xdist's -n in the project's ini would make each worker an xdist controller that
  // collects nothing; its --maxfail would count one worker's failures only.
  const std::string dir = fresh_output_dir("pytest-own-addopts");
  fs::create_directories(dir + "/project/tests");
  // A --basetemp there would be shared by every worker, each emptying it as its session starts.
  std::ofstream(dir + "/project/pytest.ini") << "[pytest]\naddopts = -n 2 --maxfail=1 -p no:cacheprovider --basetemp "
                                             << dir << "/shared-basetemp\n";
  std::ofstream tests(dir + "/project/tests/test_many.py");
  tests << "import os\n\ndef test_000_fails():\n    assert False, 'the first failure'\n";
  for (int i = 1; i < 200; ++i)
    tests << "def test_" << 1000 + i << "(tmp_path):\n    assert str(tmp_path).startswith(os.environ['TELLUS_TEST_WORKSPACE'])\n";
  tests.close();
  const auto r = run_shell("cd " + dir + "/project && " + TELLUS_MPIEXEC + " -n 2 --oversubscribe " + TELLUS_HARNESS_EXE +
                           " run tests --python " + kPython + " --perf-store none --output-dir " + dir + "/out");
  CHECK(r.exit_code == 1);
  const auto report = read_json(dir + "/out/report.json");
  CHECK(report["harness"]["maxfail"] == 1);
  CHECK(report["summary"]["failed"] == 1);
  CHECK(report["summary"]["passed"].get<int>() > 0);  // each with a tmp_path in its worker's workspace
  CHECK(report["summary"]["skipped"].get<int>() > 0);  // never started: the run stopped at its failure
  CHECK(!fs::exists(dir + "/shared-basetemp"));
  int stopped = 0;
  for (const auto& t : report["tests"])
    if (t["outcome"] == "skipped" && t["setup"]["longrepr"].get<std::string>().find("maxfail") != std::string::npos) ++stopped;
  CHECK(stopped == report["summary"]["skipped"].get<int>());
  CHECK(run_shell("pgrep -f '[x]dist'").exit_code == 1);  // no xdist worker was started
}

TEST_CASE("pytest: a conftest hook that raises is one error naming it, also when a worker collected for the plan") {
  // pytest calls pytest_collection_finish even when a hook raised: a worker must not say it is
  // ready then, or the run would start on a collection pytest gave up.
  const std::string dir = fresh_output_dir("pytest-broken-hook");
  fs::create_directories(dir + "/project/tests");
  std::ofstream(dir + "/project/pytest.ini") << "[pytest]\n";
  std::ofstream(dir + "/project/tests/conftest.py")
      << "def pytest_collection_modifyitems(config, items):\n    raise RuntimeError('the hook is broken')\n";
  std::ofstream(dir + "/project/tests/test_a.py") << "def test_a():\n    pass\n";
  const std::string expected = "pytest stopped with an internal error: RuntimeError: the hook is broken (" + dir +
                               "/project/tests/conftest.py:2, in pytest_collection_modifyitems)";
  const std::string harness = std::string(TELLUS_HARNESS_EXE) + " run tests --python " + kPython + " --perf-store none";
  const auto run = run_shell("cd " + dir + "/project && " + TELLUS_MPIEXEC + " -n 2 --oversubscribe " + harness +
                             " --output-dir " + dir + "/out");
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Catch::Contains(expected));
  CHECK_THAT(run.err, !Catch::Contains("INTERNALERROR>"));
  CHECK(!fs::exists(dir + "/out"));
  const auto listed = run_shell("cd " + dir + "/project && " + harness + " --collect-only");
  CHECK(listed.exit_code == 2);
  CHECK_THAT(listed.err, Catch::EndsWith(expected + "\n"));
}

TEST_CASE("pytest: a test that calls pytest.exit stops the run on every rank, as it stops pytest") {
  // Before, its worker died ("exited with status 2"), was replaced, and the run went on: a
  // session fixture calling pytest.exit restarted a worker for every test.
  const std::string dir = fresh_output_dir("pytest-exit");
  fs::create_directories(dir + "/project/tests");
  std::ofstream(dir + "/project/pytest.ini") << "[pytest]\n";
  std::ofstream tests(dir + "/project/tests/test_stop.py");
  tests << "import pytest\n\ndef test_000_exits():\n    pytest.exit('the archive server is gone')\n";
  for (int i = 1; i < 120; ++i) tests << "\ndef test_" << 1000 + i << "():\n    pass\n";
  tests.close();
  const auto r = run_shell("cd " + dir + "/project && " + TELLUS_MPIEXEC + " -n 2 --oversubscribe " + TELLUS_HARNESS_EXE +
                           " run tests --python " + kPython + " --perf-store none --output-dir " + dir + "/out");
  CHECK(r.exit_code == 1);
  const auto report = read_json(dir + "/out/report.json");
  auto tests_run = tests_by_nodeid(report);
  const auto& exited = tests_run.at("tests/test_stop.py::test_000_exits");
  CHECK(exited["outcome"] == "failed");
  CHECK_THAT(exited["call"]["longrepr"].get<std::string>(), Catch::StartsWith("pytest.exit: the archive server is gone"));
  CHECK(report["summary"]["failed"] == 1);
  CHECK(report["summary"]["error"] == 0);
  CHECK(report["summary"]["skipped"].get<int>() > 0);
  CHECK(report["summary"]["passed"].get<int>() + report["summary"]["skipped"].get<int>() == 119);
  for (const auto& [nodeid, t] : tests_run)
    if (t["outcome"] == "skipped")
      CHECK_THAT(t["setup"]["longrepr"].get<std::string>(),
                 Catch::Contains("the run stopped: pytest.exit: the archive server is gone (in tests/test_stop.py::test_000_exits)"));
  CHECK(report["warnings"].empty());  // no worker died or was replaced
}

TEST_CASE("pytest: with pytest-timeout installed, a test's timeout is still the harness's, times the profile's multiplier, its ini default the project's") {
  // pytest-timeout would end a test at its marker's limit, in the worker, whatever the profile
  // says: on a slow file system (multiplier 3) a test of 1.5 s under timeout(1) must pass.
  REQUIRE(run_shell(kPython + " -c 'import pytest_timeout'").exit_code == 0);  // python3-pytest-timeout
  const std::string dir = fresh_output_dir("pytest-timeout-plugin");
  fs::create_directories(dir + "/project/tests");
  // pytest-timeout's ini `timeout` is the project's default for tests without a marker: 2 s,
  // times 3, where the command line's --timeout 1 would give 3 s.
  std::ofstream(dir + "/project/pytest.ini") << "[pytest]\ntimeout = 2\n";
  std::ofstream(dir + "/project/tests/test_slow.py")
      << "import time\n\nimport pytest\n\n@pytest.mark.timeout(1)\ndef test_within_the_multiplied_limit():\n"
         "    time.sleep(1.5)\n\n@pytest.mark.timeout(1)\ndef test_past_it():\n    time.sleep(60)\n\n"
         "def test_within_the_projects_default():\n    time.sleep(3.5)\n";
  std::ofstream(dir + "/slow_fs.yaml") << "name: slow_fs\ntimeout_multiplier: 3.0\nmax_concurrent_operations: 2\n"
                                          "network_simulation: false\nlarge_file_tests: true\nstorage_backends: [file]\n"
                                          "resource_limits:\n  memory_mb: 512\n  disk_mb: 1024\n";
  const auto r = run_shell("cd " + dir + "/project && " + TELLUS_MPIEXEC + " -n 2 --oversubscribe " + TELLUS_HARNESS_EXE +
                           " run tests --python " + kPython + " --perf-store none --env-config " + dir + "/slow_fs.yaml" +
                           " --timeout 1 --output-dir " + dir + "/out");
  CHECK(r.exit_code == 1);
  auto tests = tests_by_nodeid(read_json(dir + "/out/report.json"));
  CHECK(tests.at("tests/test_slow.py::test_within_the_multiplied_limit")["outcome"] == "passed");
  CHECK(tests.at("tests/test_slow.py::test_within_the_projects_default")["outcome"] == "passed");
  const auto& past = tests.at("tests/test_slow.py::test_past_it");
  CHECK(past["outcome"] == "failed");
  CHECK_THAT(past["call"]["longrepr"].get<std::string>(), Catch::Contains("timeout 1 s × multiplier 3 = 3 s effective limit"));
}
