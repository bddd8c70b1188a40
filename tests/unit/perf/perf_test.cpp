#include <catch2/catch.hpp>

#include "temp_dir.hpp"
#include <filesystem>
#include <fstream>

#include "tellus_harness/alert/alert_decision.hpp"
#include "tellus_harness/alert/webhook.hpp"
#include "tellus_harness/perf/flaky_history.hpp"
#include "tellus_harness/perf/metric_direction.hpp"
#include "tellus_harness/perf/perf_store.hpp"
#include "tellus_harness/perf/regression_detector.hpp"
#include "tellus_harness/perf/trend_analysis.hpp"

using namespace tellus_harness;
namespace fs = std::filesystem;

namespace {
std::vector<SeriesPoint> series(std::initializer_list<double> values) {
  std::vector<SeriesPoint> s;
  int i = 0;
  for (double v : values) s.push_back({v, double(i), "c" + std::to_string(i++)});
  return s;
}
}  // namespace

TEST_CASE("metric directions from names, explicit direction wins") {
  CHECK(metric_direction("put_s") == Direction::kLowerIsBetter);
  CHECK(metric_direction("stage_seconds") == Direction::kLowerIsBetter);
  CHECK(metric_direction("p99_latency_ms") == Direction::kLowerIsBetter);
  CHECK(metric_direction("duration") == Direction::kLowerIsBetter);
  CHECK(metric_direction("put_mb_per_s") == Direction::kHigherIsBetter);
  CHECK(metric_direction("net_mbps") == Direction::kHigherIsBetter);
  CHECK(metric_direction("read_throughput") == Direction::kHigherIsBetter);
  CHECK(metric_direction("iops") == Direction::kHigherIsBetter);
  CHECK(metric_direction("file_count") == Direction::kUnknown);
  CHECK(metric_direction("put_s", "higher") == Direction::kHigherIsBetter);
}

TEST_CASE("a sustained shift in the bad direction is found with the seed's keys") {
  const auto s = series({10, 10.2, 9.9, 10.1, 9.8, 10, 10.1, 13, 13.2, 12.9});
  const auto r = detect_regression(s, Direction::kLowerIsBetter, {});
  REQUIRE(r);
  CHECK(r->baseline_value == Approx(10.0).epsilon(0.02));
  CHECK(r->current_value == Approx(13.0).epsilon(0.02));
  CHECK(r->change_percent == Approx(30).margin(3));
  CHECK(r->baseline_commit == "c6");
  CHECK(r->current_commit == "c9");
  CHECK(r->runs_since_change == 3);
  CHECK(r->confidence > 0.99);
  CHECK_FALSE(detect_regression(s, Direction::kHigherIsBetter, {}));  // faster is no regression
  CHECK_FALSE(detect_regression(s, Direction::kUnknown, {}));
}

TEST_CASE("a single outlier run is never flagged, however large") {
  for (double outlier : {15.0, 30.0, 1000.0}) {
    CHECK_FALSE(detect_regression(series({10, 10, 10, 10, 10, 10, 10, 10, outlier}), Direction::kLowerIsBetter, {}));
    CHECK_FALSE(detect_regression(series({10, 10, 10, 10, 10, 10, 10, outlier, 10}), Direction::kLowerIsBetter, {}));
  }
}

TEST_CASE("the threshold is the minimum magnitude, and too little history flags nothing") {
  const auto clean_12 = series({10, 10, 10, 10, 10, 10, 10, 11.2, 11.2, 11.2});
  CHECK_FALSE(detect_regression(clean_12, Direction::kLowerIsBetter, {20}));
  CHECK(detect_regression(clean_12, Direction::kLowerIsBetter, {10}));
  CHECK_FALSE(detect_regression(series({10, 10, 20, 20, 20}), Direction::kLowerIsBetter, {}));
  // Noisier than the shift: not flagged.
  CHECK_FALSE(detect_regression(series({10, 16, 5, 14, 7, 15, 6, 13, 13, 13}), Direction::kLowerIsBetter, {}));
}

TEST_CASE("the seed's method flags one noisy run and ignores direction") {
  CHECK(seed_latest_versus_previous(series({10, 10, 13}), 20));
  CHECK(seed_latest_versus_previous(series({100, 100, 130}), 20));  // faster MB/s: still "regression"
}

TEST_CASE("the store never overwrites: runs in the same second get files of their own") {
  const std::string dir = fresh_temp_dir("perf-store");
  PerfRun run;
  run.timestamp = 1700000000.5;
  run.git_commit = "abc";
  run.metrics["s::t"]["put_s"] = 1.5;
  run.tests["s::t"] = {1.5, "passed"};
  const auto a = write_perf_run(dir, run);
  run.metrics["s::t"]["put_s"] = 2.5;
  const auto b = write_perf_run(dir, run);
  CHECK(a != b);
  CHECK(fs::path(a).filename() == "perf_results_1700000000.json");
  std::ofstream(dir + "/perf_results_9.json") << "[truncated";
  std::vector<std::string> warnings;
  const auto runs = load_perf_runs(dir, 0, warnings);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].metrics.at("s::t").at("put_s") + runs[1].metrics.at("s::t").at("put_s") == 4.0);
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::Contains("perf_results_9.json"));
  CHECK(median_durations(runs).at("s::t") == 1.5);
}

TEST_CASE("alert severity and payload as the seed's") {
  CHECK(decide_alert({1, 3, 0, 0, "ci", "", "", {}}).severity == "critical");
  const auto warning = decide_alert({6, 4, 0, 5, "ci", "abc", "main", {}});
  CHECK(warning.severity == "warning");
  CHECK(warning.needs_alert);
  CHECK(warning.payload["color"] == "warning");
  CHECK_THAT(warning.payload["text"].get<std::string>(), Catch::Contains("Total Tests: 15") && Catch::Contains("Branch: main"));
  CHECK_FALSE(decide_alert({9, 1, 0, 0, "ci", "", "", {}}).needs_alert);  // 90 %: info, no alert
  CHECK(decide_alert({1, 3, 0, 0, "ci", "", "", {}}).payload["color"] == "danger");
  RegressionFinding f{"s::t", "put_s", {}};
  CHECK(decide_alert({10, 0, 0, 0, "ci", "", "", {f}}).needs_alert);
}

TEST_CASE("webhook URLs are shown as scheme and host only") {
  CHECK(redact_url("https://hooks.slack.com/services/T0/B0/SECRET") == "https://hooks.slack.com/…");
  CHECK(redact_url("http://user:pw@127.0.0.1:8080/x?token=1") == "http://127.0.0.1:8080/…");
  CHECK(redact_url("garbage") == "(webhook URL)");
}

TEST_CASE("flaky tests in the history: flips between passed and failed, and passes on a rerun, worst first") {
  // 6 runs: `steady` always passes, `broken` always fails, `flipper` alternates, `once` fails
  // once, `rerun` passed on a rerun twice, `skips` flips only through skips (not a flip).
  const std::vector<std::string> flipper{"passed", "failed", "passed", "failed", "passed", "failed"};
  const std::vector<std::string> once{"passed", "passed", "failed", "passed", "passed", "passed"};
  const std::vector<std::string> skips{"passed", "skipped", "passed", "skipped", "passed", "passed"};
  std::vector<PerfRun> runs;
  for (int i = 0; i < 6; ++i) {
    PerfRun r;
    r.timestamp = 1000 + i;
    r.tests["steady"] = {1, "passed"};
    r.tests["broken"] = {1, "failed"};
    r.tests["flipper"] = {1, flipper[i]};
    r.tests["once"] = {1, once[i]};
    r.tests["skips"] = {1, skips[i]};
    r.tests["rerun"] = {1, "passed", i % 3 == 0 ? 2 : 1};
    runs.push_back(r);
  }
  const auto flaky = find_flaky_tests(runs, 6);
  REQUIRE(flaky.size() == 3);
  CHECK(flaky[0].test == "flipper");
  CHECK(flaky[0].flips == 5);
  CHECK(flaky[0].flip_rate == Approx(5.0 / 6));
  CHECK(flaky[0].last_outcome == "failed");
  CHECK(flaky[1].test == "once");
  CHECK(flaky[1].flips == 2);
  CHECK(flaky[2].test == "rerun");
  CHECK(flaky[2].flaky_runs == 2);
  // Only the last K runs count: the last 3 of `once` are steady.
  const auto recent = find_flaky_tests(runs, 3);
  CHECK(std::none_of(recent.begin(), recent.end(), [](const FlakyTest& f) { return f.test == "once"; }));
}

TEST_CASE("a sustained shift is found when it is 3 to 8 runs old, not only in the latest 3") {
  for (int age = 3; age <= 8; ++age) {
    std::vector<SeriesPoint> series;
    for (int i = 0; i < 30 + age; ++i) {
      const double noise = (i % 5 - 2) * 0.02;  // deterministic ±4 %
      series.push_back({100 * (1 + noise) * (i >= 30 ? 1.3 : 1.0), double(i), "c" + std::to_string(i)});
    }
    const auto r = detect_regression(series, Direction::kLowerIsBetter, {20});
    INFO("shift " << age << " runs old");
    REQUIRE(r.has_value());
    CHECK(r->runs_since_change == age);
    CHECK(r->baseline_commit == "c29");
  }
}
