#pragma once
// The perf-trend store: one perf_results_<unix_ts>.json per run, in the seed's format
// (timestamp, git_commit, metrics: {test: {metric: value}}) plus run id, host, profile, ranks,
// branch, per test its duration and outcome, and explicit metric directions. Writes are
// atomic and never overwrite another run's file (same second, concurrent jobs on a shared
// filesystem); a file that does not parse is skipped with a warning naming it.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tellus_harness {

struct PerfTestRecord {
  double duration_s = 0;
  std::string outcome;
  int tries = 1;  // 1 + its reruns (--reruns): a passed test with more than one was flaky
};

// A perf-store file's format (docs/schemas/perf-run.schema.json).
inline constexpr int kPerfRunSchemaVersion = 1;

struct PerfRun {
  double timestamp = 0;
  std::string git_commit;  // empty when unknown
  std::string branch;
  std::string run_id;
  std::string host;
  std::string profile;
  int ranks = 1;
  std::map<std::string, std::map<std::string, double>> metrics;      // test -> metric -> value
  std::map<std::string, std::map<std::string, std::string>> directions;  // explicit: "lower" | "higher"
  std::map<std::string, PerfTestRecord> tests;
  std::string file;  // where it was read from
};

// --perf-store DIR, else TELLUS_PERF_STORE, else ~/.tellus_perf.
std::string default_perf_store();
// The store a run uses: the option's value, else TELLUS_PERF_STORE, else ~/.tellus_perf;
// "" when either says `none` (the store is off), the same from the command line or the
// environment.
std::string resolve_perf_store(const std::string& option);

// Writes the run into `dir` (created) and returns the file's path.
std::string write_perf_run(const std::string& dir, const PerfRun& run);

// Runs with timestamp >= `since` (0: all), oldest first. Unparsable files go to `warnings`.
std::vector<PerfRun> load_perf_runs(const std::string& dir, double since, std::vector<std::string>& warnings);

// The commit and branch of the working directory: TELLUS_GIT_COMMIT / TELLUS_GIT_BRANCH,
// CI variables (GITHUB_SHA, CI_COMMIT_SHA, ...), else `git` if present; empty when unknown.
std::string current_git_commit();
std::string current_git_branch();

}  // namespace tellus_harness
