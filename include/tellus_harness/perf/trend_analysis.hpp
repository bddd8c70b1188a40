#pragma once
// From stored runs to per-(test, metric) histories, trend summaries and regressions.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tellus_harness/perf/perf_store.hpp"
#include "tellus_harness/perf/regression_detector.hpp"

namespace tellus_harness {

using SeriesKey = std::pair<std::string, std::string>;  // test, metric

struct MetricHistory {
  std::vector<SeriesPoint> points;  // oldest first
  Direction direction = Direction::kUnknown;
};

// Every (test, metric) of the runs, test durations (duration_s) included.
std::map<SeriesKey, MetricHistory> metric_histories(const std::vector<PerfRun>& runs);

// Whether a series is one of those asked for (`--test`, `--metric`): `test` is a substring of
// its test, `metric` its metric exactly; an empty one matches every series.
bool series_selected(const SeriesKey& key, const std::string& test, const std::string& metric);

struct RegressionFinding {
  std::string test;
  std::string metric;
  Regression regression;
};

std::vector<RegressionFinding> find_regressions(const std::map<SeriesKey, MetricHistory>& histories,
                                                const DetectorOptions& options);

// Median duration of each test over its last `window` runs that had one.
std::map<std::string, double> median_durations(const std::vector<PerfRun>& runs, std::size_t window = 10);

}  // namespace tellus_harness
