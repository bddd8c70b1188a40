// Regression detection on synthetic metric histories: the harness's detector beside the
// seed's latest-versus-previous, on the same series.
//   - no shift: 40 runs of level × (1 + U(-noise, +noise)); flagged at the end = false alarm
//   - shift: the same, with a sustained shift of T..2.5T in the bad direction starting at run
//     30..36; found if flagged 1, 2 or 3 runs after the change
//   - outlier: no shift, but the last run (or the one before) is off by 50-150 % in the bad
//     direction: flagged = a false alarm from a single noisy run
//   - small shift: a sustained shift of 0.4T..0.8T, under the threshold: flagged = too eager
//   - improvement: a shift of T..2.5T in the good direction: flagged = wrong direction
// Half the series are "lower is better" (seconds), half "higher is better" (MB/s).
#include <chrono>
#include <cstdio>
#include <random>

#include "tellus_harness/perf/perf_store.hpp"
#include "tellus_harness/perf/regression_detector.hpp"

using namespace tellus_harness;

namespace {

struct Counts {
  int flagged = 0;
  int total = 0;
  double rate() const { return total ? 100.0 * flagged / total : 0; }
};

enum class Kind { kNoShift, kShift, kSmallShift, kOutlier, kImprovement };

}  // namespace

// `bench_regressions populate DIR RUNS METRICS`: a store of RUNS runs with METRICS metrics
// each (10 tests), for timing `tellus-harness regressions` at scale.
int populate(const std::string& dir, int runs, int metrics) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> noise(0.95, 1.05);
  for (int r = 0; r < runs; ++r) {
    PerfRun run;
    run.timestamp = 1.7e9 + r * 3600.0;
    run.git_commit = "c" + std::to_string(r);
    run.run_id = std::to_string(r);
    for (int m = 0; m < metrics; ++m) {
      const std::string test = "suite::test" + std::to_string(m % 10);
      run.metrics[test]["step" + std::to_string(m / 10) + (m % 2 ? "_s" : "_mb_per_s")] = 100 * noise(rng);
    }
    write_perf_run(dir, run);
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "populate") return populate(argv[2], std::atoi(argv[3]), std::atoi(argv[4]));
  const int series_per_case = argc > 1 ? std::atoi(argv[1]) : 2000;
  const double threshold = 20;
  DetectorOptions options{threshold};
  if (argc > 3) {  // tuning: median and point factors
    options.median_factor = std::atof(argv[2]);
    options.point_factor = std::atof(argv[3]);
  }
  std::mt19937_64 rng(12345);
  std::uniform_real_distribution<double> unit(0, 1);
  std::printf("%d series per case, threshold %.0f %%, noise uniform ±N %%\n", series_per_case, threshold);
  std::printf("%-6s %-12s %12s %12s\n", "noise", "case", "harness", "seed");
  for (double noise : {0.05, 0.10}) {
    for (Kind kind : {Kind::kNoShift, Kind::kShift, Kind::kSmallShift, Kind::kOutlier, Kind::kImprovement}) {
      Counts ours, seed;
      for (int s = 0; s < series_per_case; ++s) {
        const Direction dir = s % 2 ? Direction::kHigherIsBetter : Direction::kLowerIsBetter;
        const double bad_sign = dir == Direction::kLowerIsBetter ? 1.0 : -1.0;
        const double level = 10 + 90 * unit(rng);
        const int change_at = 30 + static_cast<int>(7 * unit(rng));
        const double magnitude = kind == Kind::kSmallShift ? threshold / 100 * (0.4 + 0.4 * unit(rng))
                                                           : threshold / 100 * (1 + 1.5 * unit(rng));
        std::vector<SeriesPoint> series;
        for (int i = 0; i < 40; ++i) {
          double v = level * (1 + noise * (2 * unit(rng) - 1));
          if ((kind == Kind::kShift || kind == Kind::kSmallShift) && i >= change_at) v *= 1 + bad_sign * magnitude;
          if (kind == Kind::kImprovement && i >= change_at) v *= 1 - bad_sign * magnitude;
          series.push_back({v, static_cast<double>(i), "c" + std::to_string(i)});
        }
        if (kind == Kind::kOutlier) series[39 - (s % 3 == 0)].value *= 1 + bad_sign * (0.5 + unit(rng)) * (bad_sign > 0 ? 1 : 0.6);
        bool ours_hit = false, seed_hit = false;
        if (kind == Kind::kShift || kind == Kind::kSmallShift) {
          for (int after = 1; after <= 3; ++after) {  // evaluated as each new run arrives
            const std::vector<SeriesPoint> prefix(series.begin(), series.begin() + change_at + after);
            ours_hit = ours_hit || detect_regression(prefix, dir, options).has_value();
            seed_hit = seed_hit || seed_latest_versus_previous(prefix, threshold).has_value();
          }
        } else {
          ours_hit = detect_regression(series, dir, options).has_value();
          seed_hit = seed_latest_versus_previous(series, threshold).has_value();
        }
        ours.flagged += ours_hit;
        seed.flagged += seed_hit;
        ++ours.total;
        ++seed.total;
      }
      const char* name = kind == Kind::kNoShift ? "no shift" : kind == Kind::kShift ? "shift≥T" : kind == Kind::kSmallShift ? "shift<T" : kind == Kind::kOutlier ? "outlier" : "improvement";
      std::printf("%-6.0f %-12s %11.2f%% %11.2f%%\n", noise * 100, name, ours.rate(), seed.rate());
    }
  }
  // The nightly loop's case: sustained shifts of 25-45 % in the bad direction that are 3, 4 or
  // 5 runs old when the history is judged (once, at its end), in 5 % and 10 % noise.
  std::printf("%-6s %-22s %12s %12s\n", "noise", "shift 25-45 %, age", "harness", "seed");
  for (double noise : {0.05, 0.10}) {
    for (int age : {3, 4, 5}) {
      Counts ours, seed;
      for (int s = 0; s < series_per_case; ++s) {
        const Direction dir = s % 2 ? Direction::kHigherIsBetter : Direction::kLowerIsBetter;
        const double bad_sign = dir == Direction::kLowerIsBetter ? 1.0 : -1.0;
        const double level = 10 + 90 * unit(rng);
        const double magnitude = 0.25 + 0.20 * unit(rng);
        const int length = 30 + age;
        std::vector<SeriesPoint> series;
        for (int i = 0; i < length; ++i) {
          double v = level * (1 + noise * (2 * unit(rng) - 1));
          if (i >= length - age) v *= 1 + bad_sign * magnitude;
          series.push_back({v, static_cast<double>(i), "c" + std::to_string(i)});
        }
        ours.flagged += detect_regression(series, dir, options).has_value();
        seed.flagged += seed_latest_versus_previous(series, threshold).has_value();
        ++ours.total;
        ++seed.total;
      }
      std::printf("%-6.0f %-22d %11.2f%% %11.2f%%\n", noise * 100, age, ours.rate(), seed.rate());
    }
  }
  // Speed of the detector alone: 500,000 series of 40 points.
  std::vector<SeriesPoint> series;
  for (int i = 0; i < 40; ++i) series.push_back({100 * (1 + 0.1 * (2 * unit(rng) - 1)), double(i), ""});
  const auto t0 = std::chrono::steady_clock::now();
  int hits = 0;
  for (int i = 0; i < 500000; ++i) hits += detect_regression(series, Direction::kLowerIsBetter, {threshold}).has_value();
  const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / 500000;
  std::printf("detector: %.2f us per series of 40 runs (%d)\n", us, hits);
  return 0;
}
