#include "tellus_harness/perf/regression_detector.hpp"

#include <algorithm>
#include <cmath>

namespace tellus_harness {

namespace {

double median(std::vector<double> v) {
  const std::size_t n = v.size();
  std::nth_element(v.begin(), v.begin() + n / 2, v.end());
  const double upper = v[n / 2];
  if (n % 2) return upper;
  return (upper + *std::max_element(v.begin(), v.begin() + n / 2)) / 2;
}

// The latest `k` runs against the up to baseline_max before them.
std::optional<Regression> detect_with_recent(const std::vector<SeriesPoint>& series, Direction direction,
                                             const DetectorOptions& o, int k) {
  const int n = static_cast<int>(series.size());
  if (n < k + o.baseline_min) return std::nullopt;
  const int from = std::max(0, n - k - o.baseline_max);
  std::vector<double> baseline, recent;
  for (int i = from; i < n - k; ++i) baseline.push_back(series[i].value);
  for (int i = n - k; i < n; ++i) recent.push_back(series[i].value);
  const double b = median(baseline);
  if (b == 0) return std::nullopt;
  std::vector<double> deviations;
  for (double x : baseline) deviations.push_back(std::fabs(x - b));
  const double sigma = std::max(1.4826 * median(deviations), 0.005 * std::fabs(b));
  const double sign = direction == Direction::kLowerIsBetter ? 1.0 : -1.0;
  const double t = o.threshold_percent / 100.0;
  auto bad = [&](double x) { return sign * (x - b) / std::fabs(b); };

  // The most extreme recent run is left out before judging: a single outlier run, however
  // large, can then never be what makes a regression. The others must carry the shift.
  std::vector<double> trimmed = recent;
  std::sort(trimmed.begin(), trimmed.end(), [&](double a, double c) { return bad(a) < bad(c); });
  trimmed.pop_back();
  double mean_bad = 0, least_bad = bad(trimmed.front());
  for (double x : trimmed) mean_bad += bad(x) / trimmed.size();
  // The threshold is the minimum magnitude. Only the noise of the measurement may relax it
  // (two robust standard deviations), never below median_factor × threshold: a clean
  // metric must move by nearly the whole threshold, a noisy one still gets its real shifts found.
  const double required = std::max(o.median_factor * t, t - 2.0 * sigma / std::fabs(b));
  if (least_bad < o.point_factor * t || mean_bad < required) return std::nullopt;
  // Beyond what the baseline's own noise reached (its second-largest excursion, so that an
  // outlier inside the baseline does not hide a shift).
  std::vector<double> excursions;
  for (double x : baseline) excursions.push_back(bad(x));
  std::nth_element(excursions.begin(), excursions.end() - 2, excursions.end());
  if (mean_bad <= excursions[excursions.size() - 2]) return std::nullopt;
  const double z = mean_bad * std::fabs(b) / sigma;
  if (z < o.min_z) return std::nullopt;
  const double current = median(recent);

  Regression r;
  r.baseline_value = b;
  r.current_value = current;
  r.change_percent = (current - b) / b * 100.0;
  r.direction = direction;
  r.confidence = 0.5 * std::erfc(-z / std::sqrt(2.0));
  int i = n - 1;
  while (i >= from && bad(series[i].value) >= o.point_factor * t) --i;
  r.runs_since_change = n - 1 - i;
  r.baseline_commit = i >= 0 ? series[i].commit : "";
  r.current_commit = series.back().commit;
  return r;
}

}  // namespace

std::optional<Regression> detect_regression(const std::vector<SeriesPoint>& series, Direction direction,
                                            const DetectorOptions& o) {
  if (direction == Direction::kUnknown) return std::nullopt;
  // The shift may be 3 runs old or more: with a fixed window of the latest 3 runs, the older
  // shifted runs would sit in the baseline and mask it. Each window length is tried, shortest
  // first; each must pass every test on its own.
  for (int k = o.recent; k <= std::max(o.recent, o.recent_max); ++k)
    if (auto r = detect_with_recent(series, direction, o, k)) return r;
  return std::nullopt;
}

std::optional<Regression> seed_latest_versus_previous(const std::vector<SeriesPoint>& series, double threshold_percent) {
  if (series.size() < 2) return std::nullopt;
  const auto& latest = series.back();
  const auto& previous = series[series.size() - 2];
  if (previous.value == 0) return std::nullopt;
  const double change = (latest.value - previous.value) / previous.value * 100.0;
  if (change <= threshold_percent) return std::nullopt;
  Regression r;
  r.baseline_value = previous.value;
  r.current_value = latest.value;
  r.change_percent = change;
  r.baseline_commit = previous.commit;
  r.current_commit = latest.commit;
  r.runs_since_change = 1;
  return r;
}

}  // namespace tellus_harness
