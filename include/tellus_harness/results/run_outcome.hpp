#pragma once
// A finished (or rebuilt) run: the plan plus one result per collected test.
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
  int total() const { return passed + failed + skipped + error + xfailed + xpassed; }
};

struct RunOutcome {
  RunPlan plan;
  std::vector<TestResult> results;  // indexed like plan.tests
  double duration_s = 0;
  bool interrupted = false;
  std::vector<std::string> warnings;
};

// Places results by index, skips gated tests, and fills tests without a result as errors
// with `missing_reason` ("run interrupted").
std::vector<TestResult> complete_results(const RunPlan& plan, const std::vector<TestResult>& finished,
                                         const std::string& missing_reason);

Summary summarize(const std::vector<TestResult>& results);
std::vector<RankSummary> rank_summaries(const std::vector<TestResult>& results);
// pytest's exit code: 0 all passed, 1 failures or errors, 2 interrupted, 5 nothing collected.
int exit_code_for(const RunOutcome& outcome);

}  // namespace tellus_harness
