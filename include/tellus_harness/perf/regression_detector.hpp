#pragma once
// Is the latest part of a metric's history a sustained shift in its bad direction?
// Two windows, as performance CI does it (Hunter / Apache Otava compare windows around a
// change point): the baseline is up to `baseline_max` runs before the last `recent` ones,
// summarised robustly (median, MAD) so outliers inside it do not move it. From the recent
// window the most extreme run is dropped, so that one outlier run, however large, is never
// what raises an alarm; the rest is a regression when, in the metric's bad direction,
//   - each of them is off by at least `point_factor` × the threshold,
//   - their mean is off by at least the threshold less two robust standard deviations of the
//     baseline (never less than `median_factor` × the threshold), and beyond the baseline's own
//     second-largest excursion, and
//   - that shift is at least `min_z` robust standard deviations of the baseline (a metric
//     noisier than the shift is not flagged).
// With recent = 3 a shift is found 3 runs after it happened. bench/regressions measures
// detection and false alarms on synthetic series beside the seed's latest-versus-previous.
#include <optional>
#include <string>
#include <vector>

#include "tellus_harness/perf/metric_direction.hpp"

namespace tellus_harness {

struct SeriesPoint {
  double value = 0;
  double timestamp = 0;
  std::string commit;
};

struct DetectorOptions {
  double threshold_percent = 20;
  int recent = 3;       // the fewest latest runs that must carry a shift
  int recent_max = 8;   // the most: a shift this many runs old is still told from the baseline
  int baseline_min = 5;
  int baseline_max = 30;
  double min_z = 2.0;
  double median_factor = 0.5;
  double point_factor = 0.3;
};

struct Regression {
  double baseline_value = 0;  // median of the baseline window
  double current_value = 0;   // median of the recent window
  double change_percent = 0;  // (current - baseline) / baseline × 100
  std::string baseline_commit;  // last run before the shift
  std::string current_commit;   // latest run
  Direction direction = Direction::kUnknown;
  double confidence = 0;  // Φ(robust z) of the shift
  int runs_since_change = 0;
};

std::optional<Regression> detect_regression(const std::vector<SeriesPoint>& series, Direction direction,
                                            const DetectorOptions& options);

// The seed's judgement, for comparison: latest run against the one before, flagged when it
// grew by more than the threshold, whatever the metric's direction.
std::optional<Regression> seed_latest_versus_previous(const std::vector<SeriesPoint>& series, double threshold_percent);

}  // namespace tellus_harness
