#include "tellus_harness/plan/partition.hpp"

#include <algorithm>
#include <numeric>
#include <queue>

#include "tellus_harness/common/user_error.hpp"

namespace tellus_harness {

Schedule parse_schedule(const std::string& name) {
  if (name == "lpt") return Schedule::kLongestFirst;
  if (name == "round-robin") return Schedule::kRoundRobin;
  throw UserError("unknown --schedule '" + name + "' (use lpt or round-robin)");
}

std::vector<double> fill_unknown_durations(std::vector<double> durations) {
  std::vector<double> known;
  for (double d : durations)
    if (d > 0) known.push_back(d);
  double fallback = 1.0;
  if (!known.empty()) {
    std::nth_element(known.begin(), known.begin() + known.size() / 2, known.end());
    fallback = known[known.size() / 2];
  }
  for (double& d : durations)
    if (!(d > 0)) d = fallback;
  return durations;
}

std::vector<std::vector<int>> partition_longest_first(const std::vector<double>& durations, int ranks) {
  std::vector<std::vector<int>> groups(static_cast<std::size_t>(std::max(ranks, 1)));
  std::vector<int> order(durations.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return durations[a] > durations[b]; });
  // (load, rank): the least-loaded rank on top; ties go to the lowest rank.
  using Load = std::pair<double, int>;
  std::priority_queue<Load, std::vector<Load>, std::greater<>> loads;
  for (int r = 0; r < static_cast<int>(groups.size()); ++r) loads.push({0.0, r});
  for (int test : order) {
    auto [load, rank] = loads.top();
    loads.pop();
    groups[rank].push_back(test);
    loads.push({load + durations[test], rank});
  }
  return groups;
}

std::vector<std::vector<int>> partition_round_robin(std::size_t tests, int ranks) {
  std::vector<std::vector<int>> groups(static_cast<std::size_t>(std::max(ranks, 1)));
  for (std::size_t i = 0; i < tests; ++i) groups[i % groups.size()].push_back(static_cast<int>(i));
  return groups;
}

}  // namespace tellus_harness
