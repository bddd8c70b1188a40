// The nightly loop: a killed run resumed on another number of ranks, the tests that failed
// last time run alone or first, reruns and flaky tests, the quarantine, the flaky listing from
// the history, and --count.

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "harness_process.hpp"

namespace fs = std::filesystem;

namespace {

// Every journal line of a run, parsed.
std::vector<nlohmann::json> journal_lines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  for (const auto& f : fs::directory_iterator(out + "/journal")) {
    std::ifstream in(f.path());
    for (std::string line; std::getline(in, line);) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_discarded()) lines.push_back(std::move(j));
    }
  }
  return lines;
}

std::vector<std::string> outcomes_by_nodeid(const nlohmann::json& report, const std::string& outcome) {
  std::vector<std::string> ids;
  for (const auto& t : report["tests"])
    if (t["outcome"] == outcome) ids.push_back(t["nodeid"]);
  return ids;
}

}  // namespace

TEST_CASE("a run killed with kill -9 of a rank, resumed on another number of ranks, runs every test once") {
  const auto out = fresh_output_dir("resume");
  const std::string mark = out + ".resumed";
  const std::string pid_file = out + ".victim.pid";
  fs::remove(mark);
  fs::remove(pid_file);
  std::thread killer = kill_victim_rank(pid_file);
  const std::string env = "VICTIM_PID_FILE=" + pid_file + " RESUME_MARK=" + mark + " ";
  const auto first = run_shell(env + TELLUS_MPIEXEC " -n 4 --oversubscribe " TELLUS_HARNESS_EXE " run " +
                               fixture("suites/resume.yaml") + " --max-concurrent 2 --progress none --perf-store none --output-dir " + out);
  killer.join();
  REQUIRE(first.exit_code != 0);
  REQUIRE_FALSE(fs::exists(out + "/report.json"));  // killed: no report yet
  const auto before = journal_lines(out);

  std::ofstream(mark) << "resumed\n";
  const auto resumed = run_shell(env + TELLUS_MPIEXEC " -n 2 --oversubscribe " TELLUS_HARNESS_EXE " run --resume " + out +
                                 " --progress none --perf-store none");
  CHECK(resumed.exit_code == 1);  // `fails` fails
  CHECK_THAT(resumed.out, Catch::Contains("resuming the run in " + out + " (attempt 2)"));
  CHECK_THAT(resumed.out, Catch::Contains("11 passed, 1 failed, 0 skipped, 0 error"));
  CHECK_THAT(resumed.out, Catch::Contains("2 ranks, attempt 2"));

  const auto report = read_json(out + "/report.json");
  CHECK(report["summary"]["total"] == 12);
  CHECK(report["summary"]["passed"] == 11);
  REQUIRE(report["harness"]["attempts"].size() == 2);
  CHECK(report["harness"]["attempts"][0]["ranks"] == 4);
  CHECK(report["harness"]["attempts"][1]["ranks"] == 2);
  // What the first attempt finished ran once, in it; the rest ran in the second.
  std::map<std::string, int> finished_first;
  for (const auto& line : before)
    if (!line.value("stopped_by_run", false)) ++finished_first[line["nodeid"].get<std::string>()];
  CHECK(finished_first.size() >= 8);  // the quick tests
  CHECK(finished_first.count("resume.yaml::victim") == 0);
  std::map<std::string, int> runs;
  for (const auto& line : journal_lines(out))
    if (!line.value("stopped_by_run", false)) ++runs[line["nodeid"].get<std::string>()];
  CHECK(runs.size() == 12);
  for (const auto& [nodeid, n] : runs) CHECK(n == 1);
  for (const auto& t : report["harness"]["tests"])
    CHECK(t["attempt"] == (finished_first.count(t["nodeid"].get<std::string>()) ? 1 : 2));

  // Resuming it again: it has finished; nothing runs, the exit code is its report's.
  const auto again = run_harness(0, "run --resume " + out + " --progress none --perf-store none");
  CHECK(again.exit_code == 1);
  CHECK_THAT(again.out, Catch::Contains("has finished"));
  CHECK(journal_lines(out).size() == before.size() + 12 - finished_first.size());
}

TEST_CASE("run --resume refuses what would plan another run, and a directory without a run") {
  const auto out = fresh_output_dir("resume-usage");
  auto r = run_harness(0, "run --resume " + out + " " + fixture("suites/last_failed.yaml"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--resume continues the plan of " + out + ": it takes no PATH"));
  r = run_harness(0, "run --resume " + out + " -k pass");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("it takes no -k"));
  r = run_harness(0, "run --resume " + out);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(out + "/run.json: no run plan here"));
}

TEST_CASE("run --last-failed runs exactly the tests that failed last time, --failed-first runs them first") {
  const auto root = fresh_output_dir("last-failed");
  fs::create_directories(root);
  const std::string in_root = "cd " + root + " && " TELLUS_MPIEXEC " -n 2 --oversubscribe " TELLUS_HARNESS_EXE " run " +
                              fixture("suites/last_failed.yaml") + " --max-concurrent 1 --progress none --perf-store none ";
  const auto first = run_shell(in_root);
  CHECK(first.exit_code == 1);

  // The latest run under tellus-results/: its two failures, alone.
  const auto rerun = run_shell(in_root + "--last-failed");
  CHECK(rerun.exit_code == 1);
  CHECK_THAT(rerun.out, Catch::Contains("--last-failed: 2 tests that failed in tellus-results/"));
  std::string latest;
  for (const auto& d : fs::directory_iterator(root + "/tellus-results"))
    if (latest.empty() || fs::last_write_time(d.path() / "run.json") > fs::last_write_time(fs::path(latest) / "run.json"))
      latest = d.path().string();
  auto report = read_json(latest + "/report.json");
  CHECK(report["summary"]["total"] == 2);
  CHECK(report["summary"]["deselected"] == 4);
  auto failed = outcomes_by_nodeid(report, "failed");
  std::sort(failed.begin(), failed.end());
  REQUIRE(failed.size() == 2);
  CHECK_THAT(failed[0], Catch::EndsWith("last_failed.yaml::fail1"));
  CHECK_THAT(failed[1], Catch::EndsWith("last_failed.yaml::fail2"));

  // From a named run, failures first: on each rank the failures start before any other test.
  const auto ordered = run_shell(in_root + "--failed-first=" + latest + " --output-dir " + root + "/ff");
  CHECK(ordered.exit_code == 1);
  report = read_json(root + "/ff/report.json");
  CHECK(report["summary"]["total"] == 6);
  std::map<int, std::vector<std::pair<double, std::string>>> by_rank;
  for (const auto& t : report["harness"]["tests"]) by_rank[t["rank"]].push_back({t["start"], t["nodeid"]});
  int failures_seen = 0;
  for (auto& [rank, tests] : by_rank) {
    std::sort(tests.begin(), tests.end());
    bool passes_started = false;
    for (const auto& [start, nodeid] : tests) {
      const bool failure = nodeid.find("::fail") != std::string::npos;
      if (failure) {
        CHECK_FALSE(passes_started);
        ++failures_seen;
      }
      passes_started = passes_started || !failure;
    }
  }
  CHECK(failures_seen == 2);

  // With a result history, its latest run of these tests decides (run directories aside).
  const std::string with_store = "cd " + root + " && " TELLUS_HARNESS_EXE " run " + fixture("suites/last_failed.yaml") +
                                 " --progress none --perf-store " + root + "/store ";
  CHECK(run_shell(with_store + "-k pass").exit_code == 0);  // recorded: only passes
  CHECK(run_shell(with_store).exit_code == 1);              // recorded: the two failures
  const auto from_history = run_shell(with_store + "--last-failed --output-dir " + root + "/from-history");
  CHECK_THAT(from_history.out, Catch::Contains("--last-failed: 2 tests that failed in the result history's latest run of these tests"));
  CHECK(read_json(root + "/from-history/report.json")["summary"]["total"] == 2);

  // Nothing of the selection failed before: every selected test runs, as under pytest.
  const auto none = run_shell(in_root + "-k pass --last-failed=" + latest);
  CHECK(none.exit_code == 0);
  CHECK_THAT(none.out, Catch::Contains("no test of the selection failed in " + latest + ", running all 4 tests"));
}

TEST_CASE("run --reruns: a test failing only on its first try is flaky, with every try in report.json and report.xml") {
  const auto out = fresh_output_dir("reruns");
  const std::string flaky_dir = out + ".tries";
  fs::remove_all(flaky_dir);
  fs::create_directories(flaky_dir);
  const std::string step_summary = out + ".summary.md";
  fs::remove(step_summary);
  const auto r = run_shell("GITHUB_STEP_SUMMARY=" + step_summary + " FLAKY_DIR=" + flaky_dir + " " TELLUS_MPIEXEC
                           " -n 2 --oversubscribe " TELLUS_HARNESS_EXE " run " +
                           fixture("suites/flaky.yaml") + " --reruns 2 --only-rerun 'ConnectionError' --progress none "
                           "--perf-store none --output-dir " + out);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("2 passed, 2 failed, 0 skipped, 1 flaky, 0 error"));
  CHECK_THAT(r.out, Catch::Contains("FLAKY " + fixture("suites/flaky.yaml") + "::once - passed on try 2"));
  const auto report = read_json(out + "/report.json");
  CHECK(report["summary"]["rerun"] == 3);  // once: 1, net: 2, always: none (its message does not match)
  CHECK(report["harness"]["flaky"] == nlohmann::json::array({fixture("suites/flaky.yaml") + "::once"}));
  std::map<std::string, nlohmann::json> tests;
  for (const auto& t : report["tests"]) tests[t["nodeid"].get<std::string>().substr(t["nodeid"].get<std::string>().rfind(':') + 1)] = t;
  CHECK(tests["once"]["outcome"] == "passed");
  REQUIRE(tests["once"]["reruns"].size() == 1);
  CHECK(tests["once"]["reruns"][0]["outcome"] == "rerun");
  CHECK(tests["net"]["outcome"] == "failed");
  CHECK(tests["net"]["reruns"].size() == 2);
  CHECK_FALSE(tests["always"].contains("reruns"));
  // Each try ran in a workspace of its own; the failed ones are kept.
  CHECK(fs::exists(out + "/work/net+rerun1"));
  CHECK(fs::exists(out + "/work/net+rerun2"));
  // A JUnit consumer reads the file; the tries are Surefire's flakyFailure and rerunFailure.
  const auto xml = run_shell(
      "/usr/bin/python3 -c \"import sys; from junitparser import JUnitXml\n"
      "x = JUnitXml.fromfile(sys.argv[1])\n"
      "for s in x:\n"
      "  for c in s: print(c.name, ' '.join(e.tag for e in c._elem), ' '.join(type(r).__name__ for r in c.result))\" " +
      out + "/report.xml");
  CHECK(xml.exit_code == 0);
  CHECK_THAT(xml.out, Catch::Contains("once flakyFailure \n"));
  CHECK_THAT(xml.out, Catch::Contains("net failure rerunFailure rerunFailure system-err Failure"));
  CHECK_THAT(xml.out, Catch::Contains("always failure system-err Failure"));
  // The GitHub job summary: counts, failures with their first line, the flaky test.
  const std::string md = run_shell("cat " + step_summary).out;
  CHECK_THAT(md, Catch::Contains("### tellus-harness: failed"));
  CHECK_THAT(md, Catch::Contains("| 2 | 2 | 0 | 0 | 0 | 0 | 1 | 0 |"));
  CHECK_THAT(md, Catch::Contains("::net | exited with status 1: ConnectionError: reset |"));
  CHECK_THAT(md, Catch::Contains("**Flaky** (passed on a rerun):\n- "));
  // report --from finds the tries in the journals.
  const auto rebuilt = run_harness(0, "report --from " + out + " --json-report-file " + out + "/again.json");
  CHECK(read_json(out + "/again.json")["summary"] == report["summary"]);
}

TEST_CASE("run --reruns on pytest tests, and --fail-on-flaky") {
  const auto out = fresh_output_dir("reruns-pytest");
  const std::string flaky_dir = out + ".tries";
  fs::remove_all(flaky_dir);
  fs::create_directories(flaky_dir);
  const std::string run = "cd " + fixture("pytest_flaky") + " && FLAKY_DIR=" + flaky_dir + " " TELLUS_MPIEXEC
                          " -n 2 --oversubscribe " TELLUS_HARNESS_EXE " run test_flaky.py --python /usr/bin/python3 "
                          "--reruns 1 --progress none --perf-store none ";
  const auto r = run_shell(run + "--output-dir " + out);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("2 passed, 0 failed, 0 skipped, 1 flaky, 0 error"));
  const auto report = read_json(out + "/report.json");
  CHECK(report["harness"]["flaky"] == nlohmann::json::array({"test_flaky.py::test_first_try_fails"}));
  for (const auto& t : report["tests"]) {
    if (t["nodeid"] != "test_flaky.py::test_first_try_fails") continue;
    REQUIRE(t["reruns"].size() == 1);
    CHECK_THAT(t["reruns"][0]["call"]["longrepr"].get<std::string>(), Catch::Contains("ConnectionError: the first try fails"));
  }

  fs::remove_all(flaky_dir);
  fs::create_directories(flaky_dir);
  const auto strict_out = fresh_output_dir("reruns-pytest-strict");
  const auto strict = run_shell(run + "--fail-on-flaky --output-dir " + strict_out);
  CHECK(strict.exit_code == 1);
  CHECK(read_json(strict_out + "/report.json")["exitcode"] == 1);
}

TEST_CASE("a quarantined failure does not fail the run until its entry expires") {
  const std::string suite = fixture("quarantine/known_failures.yaml");
  auto run_on = [&](const std::string& today, const std::string& out) {
    return run_shell("TELLUS_TODAY=" + today + " " TELLUS_MPIEXEC " -n 2 --oversubscribe " TELLUS_HARNESS_EXE " run " + suite +
                     " --progress none --perf-store none --output-dir " + out);
  };
  // Before expiry (the entry protects through its last day): quarantined, exit 0.
  const auto out = fresh_output_dir("quarantine");
  const auto before = run_on("2026-12-31", out);
  CHECK(before.exit_code == 0);
  CHECK_THAT(before.out, Catch::Contains("QUARANTINED " + suite + "::disk_full - node7's scratch disk is full (#42) (a.user, until 2026-12-31)"));
  CHECK_THAT(before.out, Catch::Contains("1 passed, 0 failed, 0 skipped, 1 quarantined, 0 error"));
  CHECK_THAT(before.out, Catch::Contains("quarantined: failures that do not fail the run"));
  CHECK(before.out.find("short test summary info") == std::string::npos);  // nothing else failed
  CHECK_THAT(before.err, Catch::Contains("quarantine.yaml:6: quarantine entry '*::renamed_long_ago' names none of the selected tests"));
  auto report = read_json(out + "/report.json");
  CHECK(report["exitcode"] == 0);
  CHECK(report["summary"]["quarantined"] == 1);
  CHECK(report["summary"]["failed"] == 0);
  REQUIRE(report["harness"]["quarantined"].size() == 1);
  CHECK(report["harness"]["quarantined"][0]["owner"] == "a.user");
  CHECK(report["harness"]["quarantined"][0]["expired"] == false);
  // JUnit: a skip with the reason, so that CI does not fail on it; junitparser agrees.
  const auto xml = run_shell("/usr/bin/python3 -c \"import sys; from junitparser import JUnitXml\n"
                             "for s in JUnitXml.fromfile(sys.argv[1]):\n"
                             "  for c in s: print(c.name, [(type(r).__name__, r.message) for r in c.result])\" " +
                             out + "/report.xml");
  CHECK_THAT(xml.out, Catch::Contains("disk_full [('Skipped', \"quarantined: node7's scratch disk is full (#42) (a.user, until 2026-12-31)\")]"));
  CHECK_THAT(run_shell("cat " + out + "/report.html").out, Catch::Contains("<h2 id=quarantine>Quarantined</h2>"));

  // The day after: the failure counts again, and the summary says why.
  const auto expired_out = fresh_output_dir("quarantine-expired");
  const auto after = run_on("2027-01-01", expired_out);
  CHECK(after.exit_code == 1);
  CHECK_THAT(after.out, Catch::Contains("FAILED " + suite + "::disk_full"));
  CHECK_THAT(after.out, Catch::Contains("its quarantine (" + fixture("quarantine/quarantine.yaml") + ":2, a.user) expired on 2026-12-31: the failure counts"));
  report = read_json(expired_out + "/report.json");
  CHECK(report["summary"]["failed"] == 1);
  CHECK(report["harness"]["quarantined"][0]["expired"] == true);
}

TEST_CASE("a quarantine file that is not one is one clear error") {
  const auto dir = fresh_output_dir("quarantine-bad");
  fs::create_directories(dir);
  std::ofstream(dir + "/q.yaml") << "quarantine:\n  - test: x\n    reason: r\n    owner: o\n    expires: 2026-02-30\n";
  const auto r = run_harness(0, "run " + fixture("quarantine/known_failures.yaml") + " --quarantine " + dir + "/q.yaml --output-dir " + dir + "/out");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(dir + "/q.yaml:5"));  // the expires line
  CHECK_THAT(r.err, Catch::Contains("must be a date, YYYY-MM-DD"));
}

TEST_CASE("tellus-harness flaky lists the tests whose outcome flipped in the history, worst first") {
  const auto store = fresh_output_dir("flaky-store");
  fs::create_directories(store);
  const std::vector<std::string> flipper{"passed", "failed", "passed", "passed", "failed"};
  for (int i = 0; i < 5; ++i) {
    const nlohmann::json run = {
        {"schema_version", 1}, {"timestamp", 1790000000 + i * 86400}, {"git_commit", nullptr}, {"branch", "main"},
        {"run_id", "r" + std::to_string(i)}, {"host", "node1"}, {"profile", "local"}, {"ranks", 2}, {"metrics", nlohmann::json::object()},
        {"tests", {{"suite::steady", {{"duration_s", 1}, {"outcome", "passed"}}},
                   {"suite::flipper", {{"duration_s", 1}, {"outcome", flipper[i]}}},
                   {"suite::rerun", {{"duration_s", 1}, {"outcome", "passed"}, {"tries", i == 4 ? 2 : 1}}}}}};
    std::ofstream(store + "/perf_results_" + std::to_string(1790000000 + i * 86400) + ".json") << run.dump();
  }
  const auto table = run_harness(0, "flaky --perf-store " + store + " --runs 5");
  CHECK(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains("     60%      3           0     5 failed   suite::flipper"));
  CHECK_THAT(table.out, Catch::Contains("     20%      0           1     5 passed   suite::rerun"));
  CHECK(table.out.find("suite::flipper") < table.out.find("suite::rerun"));
  CHECK(table.out.find("suite::steady") == std::string::npos);
  const auto json = nlohmann::json::parse(run_harness(0, "flaky --perf-store " + store + " --runs 2 --format json").out);
  REQUIRE(json.size() == 2);  // in the last two runs: flipper failed after passing; rerun was flaky
  CHECK(json[0]["test"] == "suite::flipper");
  CHECK(run_harness(0, "flaky --runs 1").exit_code == 2);
}

TEST_CASE("run --count N repeats every selected test N times over the ranks, each its own test") {
  const auto out = fresh_output_dir("count");
  const auto r = run_shell("cd " + fixture("pytest_flaky") + " && FLAKY_DIR=/nonexistent " TELLUS_MPIEXEC
                           " -n 2 --oversubscribe " TELLUS_HARNESS_EXE " run test_flaky.py -k passes --count 3 "
                           "--python /usr/bin/python3 --progress none --perf-store none --output-dir " + out);
  CHECK(r.exit_code == 0);
  const auto report = read_json(out + "/report.json");
  std::vector<std::string> ids;
  for (const auto& t : report["tests"]) ids.push_back(t["nodeid"]);
  CHECK(ids == std::vector<std::string>{"test_flaky.py::test_passes[1-3]", "test_flaky.py::test_passes[2-3]",
                                        "test_flaky.py::test_passes[3-3]"});
  CHECK(report["summary"]["passed"] == 3);
  std::set<int> ranks;
  for (const auto& t : report["harness"]["tests"]) ranks.insert(t["rank"].get<int>());
  CHECK(ranks.size() == 2);
  // YAML tests too, each repetition in a workspace of its own.
  const auto yaml_out = fresh_output_dir("count-yaml");
  const auto y = run_harness(2, "run " + fixture("suites/last_failed.yaml") + " -k fail1 --count 2 --progress none "
                                "--perf-store none --keep-workspaces --output-dir " + yaml_out);
  CHECK(y.exit_code == 1);
  CHECK_THAT(y.out, Catch::Contains("last_failed.yaml::fail1[1-2]") && Catch::Contains("last_failed.yaml::fail1[2-2]"));
  CHECK(fs::exists(yaml_out + "/work/fail1+1-2"));
  CHECK(fs::exists(yaml_out + "/work/fail1+2-2"));
  CHECK(run_harness(0, "run " + fixture("suites/last_failed.yaml") + " --count 0").exit_code == 2);
}
