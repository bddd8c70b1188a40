// `tellus-harness trends`, `regressions` and `flaky`: reading the perf-trend store.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "tellus_harness/cli/commands.hpp"
#include "tellus_harness/cli/option_parsing.hpp"
#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/common/wall_clock.hpp"
#include "tellus_harness/perf/flaky_history.hpp"
#include "tellus_harness/perf/trend_analysis.hpp"

namespace tellus_harness {

namespace {

std::vector<PerfRun> load(const std::string& store, double days) {
  std::vector<std::string> warnings;
  auto runs = load_perf_runs(store, days > 0 ? now_unix() - days * 86400 : 0, warnings);
  for (const auto& w : warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  return runs;
}

void check_format(const std::string& format) {
  if (format != "table" && format != "json") throw UserError("--format must be table or json, got '" + format + "'");
}

}  // namespace

nlohmann::json regression_json(const RegressionFinding& f) {
  const auto& r = f.regression;
  return {{"test", f.test}, {"metric", f.metric}, {"baseline_value", r.baseline_value}, {"current_value", r.current_value},
          {"change_percent", r.change_percent}, {"baseline_commit", r.baseline_commit.empty() ? nlohmann::json() : nlohmann::json(r.baseline_commit)},
          {"current_commit", r.current_commit.empty() ? nlohmann::json() : nlohmann::json(r.current_commit)},
          {"direction", direction_name(r.direction)}, {"confidence", r.confidence}, {"runs_since_change", r.runs_since_change}};
}

int trends_command(const Arguments& args) {
  std::string store = default_perf_store(), test, metric, format = "table";
  double days = 30;
  po::options_description d("tellus-harness trends [options]\n\nMetric histories from the perf-trend store.\n\nOptions");
  d.add_options()("help,h", "show this help")("perf-store", po::value(&store), "store directory (default TELLUS_PERF_STORE or ~/.tellus_perf)")(
      "days", po::value(&days)->default_value(30), "how far back (0: everything)")("test", po::value(&test), "only this test (substring)")(
      "metric", po::value(&metric), "only this metric")("format", po::value(&format)->default_value("table"), "table or json");
  const auto vm = parse_command_options("trends", args, d);
  if (vm.count("help")) {
    std::cout << d << "\n";
    return 0;
  }
  check_format(format);
  const auto histories = metric_histories(load(store, days));
  nlohmann::json out = nlohmann::json::array();
  if (format == "table")
    std::printf("%-50s %-22s %5s %12s %12s %12s %9s\n", "test", "metric", "runs", "first", "median", "latest", "change");
  for (const auto& [key, h] : histories) {
    if (!series_selected(key, test, metric)) continue;
    std::vector<double> values;
    for (const auto& p : h.points) values.push_back(p.value);
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    const double first = values.front(), latest = values.back(), med = sorted[sorted.size() / 2];
    const double change = first != 0 ? (latest - first) / first * 100 : 0;
    if (format == "table") {
      std::printf("%-50s %-22s %5zu %12.4g %12.4g %12.4g %8.1f%%\n", key.first.c_str(), key.second.c_str(), values.size(),
                  first, med, latest, change);
    } else {
      nlohmann::json points = nlohmann::json::array();
      for (const auto& p : h.points) points.push_back({{"timestamp", p.timestamp}, {"value", p.value}, {"commit", p.commit}});
      out.push_back({{"test", key.first}, {"metric", key.second}, {"direction", direction_name(h.direction)},
                     {"median", med}, {"points", points}});
    }
  }
  if (format == "json") std::cout << out.dump(2) << "\n";
  return 0;
}

int regressions_command(const Arguments& args) {
  std::string store = default_perf_store(), test, metric, format = "table";
  double threshold = 20, days = 0;
  po::options_description d("tellus-harness regressions [options]\n\n"
                            "Sustained shifts in the bad direction in the perf-trend store. Exit 1 when there are any.\n\nOptions");
  d.add_options()("help,h", "show this help")("perf-store", po::value(&store), "store directory (default TELLUS_PERF_STORE or ~/.tellus_perf)")(
      "threshold", po::value(&threshold)->default_value(20), "minimum shift, percent")(
      "days", po::value(&days)->default_value(0), "only runs of the last DAYS (0: all)")(
      "test", po::value(&test), "only this test (substring)")("metric", po::value(&metric), "only this metric")(
      "format", po::value(&format)->default_value("table"), "table or json");
  const auto vm = parse_command_options("regressions", args, d);
  if (vm.count("help")) {
    std::cout << d << "\n";
    return 0;
  }
  check_format(format);
  if (!(threshold > 0)) throw UserError("--threshold must be greater than zero");
  auto histories = metric_histories(load(store, days));
  std::erase_if(histories, [&](const auto& series) { return !series_selected(series.first, test, metric); });
  const auto findings = find_regressions(histories, DetectorOptions{threshold});
  if (format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& f : findings) out.push_back(regression_json(f));
    std::cout << out.dump(2) << "\n";
  } else if (findings.empty()) {
    std::printf("no regressions (threshold %g %%)\n", threshold);
  } else {
    std::printf("%-50s %-22s %12s %12s %9s %10s %8s\n", "test", "metric", "baseline", "current", "change", "since", "conf.");
    for (const auto& f : findings)
      std::printf("%-50s %-22s %12.4g %12.4g %8.1f%% %5d runs %7.3f\n", f.test.c_str(), f.metric.c_str(),
                  f.regression.baseline_value, f.regression.current_value, f.regression.change_percent,
                  f.regression.runs_since_change, f.regression.confidence);
  }
  return findings.empty() ? 0 : 1;
}

int flaky_command(const Arguments& args) {
  std::string store = default_perf_store(), format = "table";
  int runs = 20;
  po::options_description d("tellus-harness flaky [options]\n\nTests whose outcome flipped between passed and failed over\n"
                            "the last runs of the result history, or that passed only on a rerun; worst first.\n\nOptions");
  d.add_options()("help,h", "show this help")("perf-store", po::value(&store), "store directory (default TELLUS_PERF_STORE or ~/.tellus_perf)")(
      "runs", po::value(&runs)->default_value(20), "how many of the latest runs")("format", po::value(&format)->default_value("table"), "table or json");
  const auto vm = parse_command_options("flaky", args, d);
  if (vm.count("help")) {
    std::cout << d << "\n";
    return 0;
  }
  check_format(format);
  if (runs < 2) throw UserError("--runs must be at least 2: a flip needs two runs");
  const auto flaky = find_flaky_tests(load(store, 0), runs);
  if (format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& f : flaky)
      out.push_back({{"test", f.test}, {"runs", f.runs}, {"flips", f.flips}, {"flaky_runs", f.flaky_runs},
                     {"flip_rate", f.flip_rate}, {"last_outcome", f.last_outcome}});
    std::cout << out.dump(2) << "\n";
  } else if (flaky.empty()) {
    std::printf("no flaky tests in the last %d runs\n", runs);
  } else {
    std::printf("%9s %6s %11s %5s %-8s %s\n", "flip rate", "flips", "rerun-flaky", "runs", "last", "test");
    for (const auto& f : flaky)
      std::printf("%8.0f%% %6d %11d %5d %-8s %s\n", 100 * f.flip_rate, f.flips, f.flaky_runs, f.runs,
                  f.last_outcome.c_str(), f.test.c_str());
  }
  return 0;
}

}  // namespace tellus_harness
