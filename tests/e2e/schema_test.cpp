// What a run writes and reads back against the JSON Schemas in docs/schemas/: run.json, the
// journal lines, report.json's harness object and the perf-store files of a real run (YAML and
// pytest tests, metrics, a test holding 2 slots, 2 ranks), validated by tests/schemas/validate.py (python3-jsonschema);
// and a file of a newer schema_version is refused in one line, never misread.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "harness_process.hpp"

namespace fs = std::filesystem;

TEST_CASE("run.json, journals, report.json's harness object and perf files match docs/schemas") {
  const std::string out = fresh_output_dir("schemas");
  const std::string store = out + "-store";
  fs::remove_all(store);
  const auto r = run_shell("cd " + fixture("pytest") + " && PUT_S=1.5 " + TELLUS_MPIEXEC + " -n 2 --oversubscribe " +
                           TELLUS_HARNESS_EXE + " run tests/test_outcomes.py " + fixture("suites/trend.yaml") + " " + fixture("suites/two_ranks.yaml") +
                           " --python /usr/bin/python3 --perf-store " + store + " --output-dir " + out + " --progress none");
  REQUIRE(r.exit_code == 1);  // the fixtures hold failing tests
  const auto v = run_shell("/usr/bin/python3 " TELLUS_SOURCE_DIR "/tests/schemas/validate.py " + out + " " + store);
  INFO(v.out + v.err);
  CHECK(v.exit_code == 0);
  CHECK_THAT(v.out, Catch::Contains(" 0 violations"));
  CHECK(read_json(out + "/run.json")["schema_version"] == 1);
  CHECK(read_json(out + "/report.json")["harness"]["schema_version"] == 1);
  bool multi_rank_checked = false;  // a test that held both slots is among what was validated
  const auto report = read_json(out + "/report.json");
  for (const auto& t : report["harness"]["tests"])
    multi_rank_checked = multi_rank_checked || (t.contains("slots") && t["slots"].size() == 2);
  CHECK(multi_rank_checked);
}

TEST_CASE("a run.json or journal line of a newer schema_version is refused in one line, never misread") {
  const std::string out = fresh_output_dir("schema-newer");
  REQUIRE(run_harness(2, "run " + fixture("suites/outcomes.yaml") + " --perf-store none --progress none --output-dir " + out)
              .exit_code == 1);
  // A journal line from a newer harness: skipped with a warning, the rest rebuilt.
  {
    std::ofstream journal(out + "/journal/rank-0.jsonl", std::ios::app);
    journal << R"({"schema_version": 2, "run_id": ")" << read_json(out + "/run.json")["run_id"].get<std::string>()
            << R"(", "index": 0, "nodeid": "future"})" << "\n";
  }
  const auto rebuilt = run_harness(0, "report --from " + out);
  CHECK_THAT(rebuilt.out + rebuilt.err, Catch::Contains("has schema_version 2, newer than this tellus-harness reads (1)"));
  // run.json from a newer harness: one line naming the file, exit 2.
  auto plan = read_json(out + "/run.json");
  plan["schema_version"] = 2;
  std::ofstream(out + "/run.json") << plan.dump();
  const auto refused = run_harness(0, "report --from " + out);
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains(out + "/run.json") && Catch::Contains("schema_version 2, newer than"));
  CHECK(count_lines_with(refused.err, "error") == 1);
}
