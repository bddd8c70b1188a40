#include "tellus_harness/run/multi_rank_tests.hpp"

namespace tellus_harness {

// `nodes:` is at most `ranks:` (config/suite.cpp): ranks alone decide.
bool is_multi_rank(const TestSpec& spec) { return spec.ranks > 1; }

MultiRankTests sort_multi_rank_tests(const RunPlan& plan, const std::vector<bool>& done, const Allocation& allocation) {
  MultiRankTests sorted;
  for (std::size_t i = 0; i < plan.tests.size(); ++i) {
    const TestSpec& spec = plan.tests[i].spec;
    if (!plan.tests[i].runnable() || done[i] || !is_multi_rank(spec)) continue;
    const std::string reason = misfit_reason(allocation, spec.ranks, spec.nodes);
    if (reason.empty()) {
      sorted.fitting.push_back({static_cast<int>(i), spec.ranks, spec.nodes});
      continue;
    }
    TestResult r;
    r.index = static_cast<int>(i);
    r.nodeid = spec.nodeid;
    r.outcome = Outcome::kSkipped;
    r.phase = "setup";
    r.longrepr = reason;
    r.ranks = spec.ranks;
    r.attempt = plan.attempt();
    sorted.skipped.push_back(std::move(r));
  }
  return sorted;
}

}  // namespace tellus_harness
