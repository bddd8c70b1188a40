#include "tellus_harness/perf/trend_analysis.hpp"

#include <algorithm>

namespace tellus_harness {

std::map<SeriesKey, MetricHistory> metric_histories(const std::vector<PerfRun>& runs) {
  std::map<SeriesKey, MetricHistory> out;
  for (const auto& run : runs) {
    for (const auto& [test, metrics] : run.metrics)
      for (const auto& [metric, value] : metrics) {
        auto& h = out[{test, metric}];
        h.points.push_back({value, run.timestamp, run.git_commit});
        std::string explicit_direction;
        if (auto t = run.directions.find(test); t != run.directions.end())
          if (auto m = t->second.find(metric); m != t->second.end()) explicit_direction = m->second;
        h.direction = metric_direction(metric, explicit_direction);
      }
  }
  return out;
}

bool series_selected(const SeriesKey& key, const std::string& test, const std::string& metric) {
  return (test.empty() || key.first.find(test) != std::string::npos) && (metric.empty() || key.second == metric);
}

std::vector<RegressionFinding> find_regressions(const std::map<SeriesKey, MetricHistory>& histories,
                                                const DetectorOptions& options) {
  std::vector<RegressionFinding> out;
  for (const auto& [key, history] : histories)
    if (auto r = detect_regression(history.points, history.direction, options))
      out.push_back({key.first, key.second, *r});
  return out;
}

std::map<std::string, double> median_durations(const std::vector<PerfRun>& runs, std::size_t window) {
  std::map<std::string, std::vector<double>> recent;
  for (auto it = runs.rbegin(); it != runs.rend(); ++it)
    for (const auto& [test, record] : it->tests)
      if (record.duration_s > 0 && recent[test].size() < window) recent[test].push_back(record.duration_s);
  std::map<std::string, double> out;
  for (auto& [test, values] : recent) {
    std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
    out[test] = values[values.size() / 2];
  }
  return out;
}

}  // namespace tellus_harness
