#pragma once
// A finished (or rebuilt) run: the plan plus one result per collected test.
#include <map>
#include <string>
#include <vector>

#include "tellus_harness/plan/run_plan.hpp"
#include "tellus_harness/results/test_result.hpp"

namespace tellus_harness {

struct RankSummary {
  int rank = 0;
  std::string host;
  int tests = 0;
  double busy_s = 0;  // time during which the rank ran at least one test
};

struct Summary {
  int passed = 0, failed = 0, skipped = 0, error = 0, xfailed = 0, xpassed = 0;
  int quarantined = 0;  // failed or errored under an unexpired quarantine entry: not in failed or error
  int total() const { return passed + failed + skipped + error + xfailed + xpassed + quarantined; }
};

struct RunOutcome {
  RunPlan plan;
  std::vector<TestResult> results;  // indexed like plan.tests: each test's last try
  // --reruns: per test index, its tries before the last (in the last attempt), in order.
  std::map<int, std::vector<TestResult>> reruns;
  // Per test index that failed or errored under a quarantine entry: the entry (plan.quarantine's
  // index). `quarantined` protects the run from the failure; `quarantine_expired` no longer does.
  std::map<int, int> quarantined;
  std::map<int, int> quarantine_expired;
  double duration_s = 0;
  bool interrupted = false;
  std::vector<std::string> warnings;
};

// Places results by index (of several for one test, the last: the latest attempt's, then the
// last to stop), skips gated tests, and fills tests without a result as errors
// with `missing_reason` ("run interrupted").
std::vector<TestResult> complete_results(const RunPlan& plan, std::vector<TestResult> finished,
                                         const std::string& missing_reason);

// A run's outcome from its plan and the results that finished: complete_results, with "run
// interrupted: the test never finished" for a runnable test without one. `interrupted` and
// `warnings` are the caller's to add: a live run hears them from its ranks, a rebuilt one
// (report --from) sees what is missing (unfinished_runnable).
// Takes `finished` by value: at 100,000 tests rank 0 holds one copy of the results, not two.
RunOutcome assemble_outcome(RunPlan plan, std::vector<TestResult> finished, double duration_s);
bool unfinished_runnable(const RunPlan& plan, const std::vector<TestResult>& finished);

// One result per test: of several (a resumed run's attempts, reruns), the last (as
// complete_results chooses).
std::vector<TestResult> latest_attempts(std::vector<TestResult> results);
// What a run's journals say finished: latest_attempts of the results of `plan`'s tests, less
// those the run's own stop ended (an interrupt, a rank that could not journal).
std::vector<TestResult> standing_results(const RunPlan& plan, std::vector<TestResult> results);
// Whether `a` comes after `b`, two results of one test.
bool later_try(const TestResult& a, const TestResult& b);
// Tests that passed only on a rerun, in plan order.
std::vector<int> flaky_tests(const RunOutcome& outcome);

Summary summarize(const std::vector<TestResult>& results);
// The run's counts: quarantined failures apart from the others.
Summary summarize(const RunOutcome& outcome);
std::vector<RankSummary> rank_summaries(const std::vector<TestResult>& results);
// pytest's exit code: 0 all passed, 1 failures or errors (or a flaky test under
// --fail-on-flaky), 2 interrupted, 5 nothing collected.
int exit_code_for(const RunOutcome& outcome);

}  // namespace tellus_harness
