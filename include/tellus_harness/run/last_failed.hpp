#pragma once
// `run --last-failed` and `--failed-first` (pytest's --lf and --ff): the tests that failed in
// an earlier run go alone, or first.
#include <set>
#include <string>
#include <vector>

#include "tellus_harness/perf/perf_store.hpp"
#include "tellus_harness/plan/run_plan.hpp"

namespace tellus_harness {

// The default place of runs (run_request.cpp makes tellus-results/<UTC time> there).
inline constexpr char kResultsRoot[] = "tellus-results";

struct PreviousFailures {
  std::string source;            // which run, in words; empty: no earlier run found
  std::set<std::string> keys;    // its tests that failed or errored, by perf key (perf/run_recording.hpp)
};

// The run in `dir` (its journals: a killed run's too); else the latest run of the result
// history (`history`, the perf-trend store's, oldest first) that ran any of `plan`'s tests
// (a store may be shared by several suites); else the run under tellus-results started or
// resumed last, other than the plan's own. Its tests that failed, errored or could not be
// collected, not one the run's own stop ended.
PreviousFailures previous_failures(const std::string& dir, const RunPlan& plan, const std::vector<PerfRun>& history,
                                   std::vector<std::string>& warnings);

// --last-failed: keeps only the selected tests that failed before (the others count as
// deselected); --failed-first: keeps all, those first (plan.run_first). Says on stdout what it
// did, as pytest does; with no earlier failure among the selected tests every test runs.
void apply_previous_failures(RunPlan& plan, const PreviousFailures& failures, bool only_failed);

}  // namespace tellus_harness
