// `tellus-harness run` under mpiexec -n 4: outcomes, timeouts, limits, maxfail, selection
// and bad input, checked in the reports the run writes.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>

#include "harness_process.hpp"

namespace fs = std::filesystem;

namespace {
std::map<std::string, nlohmann::json> tests_by_name(const nlohmann::json& report) {
  std::map<std::string, nlohmann::json> out;
  for (const auto& t : report["tests"]) {
    const std::string id = t["nodeid"];
    out[id.substr(id.rfind("::") + 2)] = t;
  }
  return out;
}

std::string why(const nlohmann::json& test) {
  for (const char* phase : {"call", "setup"})
    if (test.contains(phase) && test[phase].contains("longrepr")) return test[phase]["longrepr"];
  return "";
}
}  // namespace

TEST_CASE("outcomes over 4 ranks under the ci profile") {
  const auto out = fresh_output_dir("outcomes");
  const auto r = run_harness(4, "run " + fixture("suites/outcomes.yaml") + " --env-config ci --progress lines --output-dir " + out);
  CHECK(r.exit_code == 1);
  const auto report = read_json(out + "/report.json");
  CHECK(report["exitcode"] == 1);
  CHECK(report["summary"]["passed"] == 2);
  CHECK(report["summary"]["failed"] == 3);
  CHECK(report["summary"]["skipped"] == 2);
  CHECK(report["summary"]["collected"] == 7);
  auto t = tests_by_name(report);
  CHECK(t["passes_with_output"]["call"]["stdout"] == "out-passes_with_output\n");
  CHECK(t["passes_with_output"]["call"]["stderr"] == "err-line\n");
  CHECK(why(t["exits_nonzero"]) == "exited with status 3");
  CHECK(why(t["segfaults"]) == "killed by signal SIGSEGV (11)");
  CHECK_THAT(why(t["cannot_exec"]), Catch::Contains("cannot execute '/nonexistent/program'"));
  CHECK_THAT(t["marked_slow"]["setup"]["longrepr"].get<std::string>(), Catch::Contains("large_file_tests is false"));
  CHECK_THAT(t["needs_tape"]["setup"]["longrepr"].get<std::string>(), Catch::Contains("backend 'tape'"));
  CHECK(report["harness"]["profile"]["name"] == "ci");
  CHECK(report["harness"]["profile"]["timeout_multiplier"] == 2.0);
  std::set<int> ranks;
  for (const auto& h : report["harness"]["tests"])
    if (h["rank"] >= 0) ranks.insert(h["rank"].get<int>());
  CHECK(ranks.size() >= 3);
  CHECK(fs::exists(out + "/report.xml"));
  CHECK(fs::exists(out + "/journal/rank-3.jsonl"));
  CHECK_THAT(r.err, Catch::Contains("FAILED") && Catch::Contains("[tellus-harness] 5/5 done"));
  CHECK_THAT(r.out, Catch::Contains("2 passed, 3 failed, 2 skipped, 0 error"));
}

TEST_CASE("the timeout multiplier decides whether a slow test passes") {
  const auto out1 = fresh_output_dir("timeouts-x1");
  const auto r1 = run_harness(4, "run " + fixture("suites/timeouts.yaml") + " --timeout-multiplier 1 --kill-grace 0.5 --output-dir " + out1);
  auto t1 = tests_by_name(read_json(out1 + "/report.json"));
  CHECK(r1.exit_code == 1);
  CHECK(t1["slow_but_in_time"]["outcome"] == "failed");
  CHECK(why(t1["hangs"]) == "timed out: timeout 1 s × multiplier 1 = 1 s effective limit; sent SIGTERM");
  CHECK_THAT(why(t1["ignores_sigterm"]), Catch::EndsWith("then SIGKILL after a 0.5 s grace period"));
  CHECK(r1.seconds < 20);

  const auto out2 = fresh_output_dir("timeouts-x2");
  const auto r2 = run_harness(4, "run " + fixture("suites/timeouts.yaml") + " --kill-grace 0.5 --output-dir " + out2 + " --env-config ci");
  auto t2 = tests_by_name(read_json(out2 + "/report.json"));
  CHECK(t2["slow_but_in_time"]["outcome"] == "passed");
  CHECK(why(t2["hangs"]) == "timed out: timeout 1 s × multiplier 2 = 2 s effective limit; sent SIGTERM");
}

TEST_CASE("resource limits stop the offenders only") {
  const auto out = fresh_output_dir("limits");
  run_harness(4, "run " + fixture("suites/limits.yaml") + " --env-config " + fixture("profiles/tight.yaml") + " --output-dir " + out);
  auto t = tests_by_name(read_json(out + "/report.json"));
  CHECK_THAT(why(t["memory_hog"]), Catch::Contains("exceeded the memory limit") && Catch::Contains("memory_mb 100 (profile tight)"));
  // The limit is checked as the test writes: it may catch dd anywhere past 50 MiB.
  CHECK_THAT(why(t["disk_hog"]), Catch::Matches("workspace exceeded the disk limit: [0-9]+ MiB > disk_mb 50 \\(profile tight\\).*"));
  CHECK(t["memory_within"]["outcome"] == "passed");
  CHECK(t["disk_within"]["outcome"] == "passed");
  CHECK(fs::exists(out + "/work/disk_hog"));         // failed: kept
  CHECK_FALSE(fs::exists(out + "/work/disk_within"));  // passed: removed
}

TEST_CASE("maxfail is global: no test starts after the N-th failure on any rank") {
  const auto out = fresh_output_dir("maxfail");
  const auto r = run_harness(4, "run " + fixture("suites/maxfail.yaml") + " --maxfail 2 --max-concurrent 1 --perf-store none --output-dir " + out);
  CHECK(r.exit_code == 1);
  const auto report = read_json(out + "/report.json");
  const int failed = report["summary"]["failed"];
  CHECK(failed >= 2);
  CHECK(failed <= 2 + 3);  // at most the tests already running on the other ranks
  CHECK(report["summary"]["total"] == 24);
  int maxfail_skips = 0;
  for (const auto& t : report["tests"])
    if (t["outcome"] == "skipped" && t["setup"]["longrepr"] == "Skipped: maxfail: the run stopped after 2 failures") ++maxfail_skips;
  CHECK(maxfail_skips >= 24 - 3 - 2 * 4);  // no more than two waves of the others started after the failures
  CHECK(maxfail_skips == report["summary"]["skipped"]);
}

TEST_CASE("every selected test runs exactly once, spread over the ranks") {
  const auto out = fresh_output_dir("spread");
  const auto r = run_harness(4, "run " + fixture("suites/maxfail.yaml") + " -k 't0 or t1' --output-dir " + out);
  const auto report = read_json(out + "/report.json");
  CHECK(report["summary"]["collected"] == 19);  // t01..t19
  CHECK(report["summary"]["deselected"] == 5);
  std::map<int, int> per_rank;
  for (const auto& h : report["harness"]["tests"]) ++per_rank[h["rank"].get<int>()];
  CHECK(per_rank.size() == 4);
  CHECK(report["harness"]["ranks"].size() == 4);
  CHECK(r.exit_code == 1);  // t08 and t16 fail
}

TEST_CASE("collect-only lists, -m deselects, and nothing collected exits 5") {
  const auto r = run_harness(2, "run " + fixture("suites/outcomes.yaml") + " --collect-only -m 'not slow' --env-config ci");
  CHECK(r.exit_code == 0);
  CHECK(count_lines_with(r.out, "outcomes.yaml::") == 6);
  CHECK_THAT(r.out, Catch::Contains("6 tests collected (1 deselected)"));
  CHECK_THAT(r.out, Catch::Contains("[skip: backend 'tape'"));
  const auto none = run_harness(2, "run " + fixture("suites/outcomes.yaml") + " -k nothing_matches --output-dir " + fresh_output_dir("none"));
  CHECK(none.exit_code == 5);
}

TEST_CASE("bad input: one error naming file and line, exit 2, every rank ends, nothing runs") {
  const std::map<std::string, std::string> cases{
      {"bad/unknown_key.yaml", "unknown_key.yaml:5: unknown key 'timout' in test 'a'; did you mean 'timeout'?"},
      {"bad/malformed.yaml", "malformed.yaml:"},
      {"bad/duplicate.yaml", "duplicate.yaml:5: duplicate test name 'a'"},
      {"bad/negative_timeout.yaml", "negative_timeout.yaml:5:"},
      {"bad/unknown_kind.yaml", "unknown_kind.yaml:4: unknown kind 'comand'"},
      {"bad/unknown_backend.yaml", "unknown_backend.yaml:5: unknown backend 's4'"},
      {"bad/wrong_type.yaml", "wrong_type.yaml:5:"},
  };
  for (const auto& [file, message] : cases) {
    INFO(file);
    const auto out = fresh_output_dir("bad");
    const auto r = run_harness(4, "run " + fixture(file) + " --output-dir " + out);
    CHECK(r.exit_code == 2);
    CHECK(count_lines_with(r.err, "tellus-harness: error:") == 1);
    CHECK_THAT(r.err, Catch::Contains(message));
    CHECK_THAT(r.err, !Catch::Contains("MPI_ABORT") && !Catch::Contains("terminate called"));
    CHECK_FALSE(fs::exists(out));  // nothing ran, nothing was written
    CHECK(r.seconds < 30);
  }
  const std::map<std::string, std::string> flags{
      {"--env-config hpc_clustr", "unknown profile 'hpc_clustr'; did you mean 'hpc_cluster'?"},
      {"-m 'not (slow'", "bad -m expression"},
      {"--timout 3", "unknown option '--timout' for 'run'; did you mean '--timeout'?"},
      {"--maxfail -1", "--maxfail must not be negative"},
  };
  for (const auto& [args, message] : flags) {
    INFO(args);
    const auto r = run_harness(4, "run " + fixture("suites/outcomes.yaml") + " " + args);
    CHECK(r.exit_code == 2);
    CHECK(count_lines_with(r.err, "tellus-harness: error:") == 1);
    CHECK_THAT(r.err, Catch::Contains(message));
  }
  const auto env = run_shell("TELLUS_CONCURRENT_LIMIT=many " TELLUS_HARNESS_EXE " run " + fixture("suites/outcomes.yaml"));
  CHECK(env.exit_code == 2);
  CHECK_THAT(env.err, Catch::Contains("TELLUS_CONCURRENT_LIMIT"));
}

// mpirun ends the whole job as soon as one rank exits non-zero: only rank 0, which writes the
// reports after MPI's end, may say that the run failed.
TEST_CASE("after a failed run rank 0 exits 1 and the other ranks 0, and the reports are whole") {
  const auto out = fresh_output_dir("rank-exit-codes");
  const std::string codes = out + "-codes";
  fs::remove(codes);
  const auto r = run_shell(std::string(TELLUS_MPIEXEC) + " -n 3 --oversubscribe sh -c '" TELLUS_HARNESS_EXE " run " +
                           fixture("suites/outcomes.yaml") + " --env-config ci --progress none --perf-store none --output-dir " +
                           out + " >/dev/null; echo \"rank $OMPI_COMM_WORLD_RANK $?\" >> " + codes + "'");
  CHECK(r.exit_code == 0);
  const auto lines = run_shell("sort " + codes).out;
  CHECK(lines == "rank 0 1\nrank 1 0\nrank 2 0\n");
  CHECK(read_json(out + "/report.json")["summary"]["failed"] == 3);
  CHECK(run_shell("xmllint --noout --schema " TELLUS_SOURCE_DIR "/tests/fixtures/junit/junit-10.xsd " + out + "/report.xml").exit_code == 0);
}
