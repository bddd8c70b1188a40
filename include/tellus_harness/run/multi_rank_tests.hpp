#pragma once
// The run's tests that ask for several ranks (`ranks:`/`nodes:`): those the allocation can
// hold go to the work pool, which packs them into its slots; the others are skipped, each
// with a reason naming what it asked for and what the allocation has.
#include <vector>

#include "tellus_harness/plan/allocation.hpp"
#include "tellus_harness/plan/run_plan.hpp"
#include "tellus_harness/plan/work_pool.hpp"
#include "tellus_harness/results/test_result.hpp"

namespace tellus_harness {

// A test the harness launches through the profile's launcher on slots it holds.
bool is_multi_rank(const TestSpec& spec);

struct MultiRankTests {
  std::vector<WorkPool::MultiRankTest> fitting;
  std::vector<TestResult> skipped;  // outcome skipped, phase setup, the reason as longrepr
};

// Over the plan's runnable tests without a result yet (`done`: a resumed run's).
MultiRankTests sort_multi_rank_tests(const RunPlan& plan, const std::vector<bool>& done, const Allocation& allocation);

}  // namespace tellus_harness
