#include <catch2/catch.hpp>
#include <algorithm>
#include <numeric>
#include <set>

#include "tellus_harness/plan/partition.hpp"
#include "tellus_harness/plan/work_pool.hpp"

using namespace tellus_harness;

namespace {
double makespan(const std::vector<std::vector<int>>& groups, const std::vector<double>& d) {
  double worst = 0;
  for (const auto& g : groups) {
    double sum = 0;
    for (int t : g) sum += d[t];
    worst = std::max(worst, sum);
  }
  return worst;
}
}  // namespace

TEST_CASE("LPT puts every test in exactly one group, longest first") {
  const std::vector<double> d{1, 9, 3, 7, 2, 8, 5};
  const auto groups = partition_longest_first(d, 3);
  std::multiset<int> seen;
  for (const auto& g : groups) {
    seen.insert(g.begin(), g.end());
    for (std::size_t i = 1; i < g.size(); ++i) CHECK(d[g[i - 1]] >= d[g[i]]);
  }
  CHECK(seen == std::multiset<int>{0, 1, 2, 3, 4, 5, 6});
  CHECK(makespan(groups, d) == 12);  // optimum for 35 over 3 ranks with a 9 is 12
}

TEST_CASE("LPT beats round robin on a heavy tail") {
  std::vector<double> d;
  for (int i = 0; i < 48; ++i) d.push_back(i % 12 == 0 ? 20.0 : 1.0);
  const double total = std::accumulate(d.begin(), d.end(), 0.0);
  const double bound = std::max(20.0, total / 4);
  CHECK(makespan(partition_longest_first(d, 4), d) <= bound * 1.05);
  CHECK(makespan(partition_round_robin(d.size(), 4), d) > bound * 1.5);
}

TEST_CASE("unknown durations count as the median of the known ones") {
  CHECK(fill_unknown_durations({0, 2, 4, 6}) == std::vector<double>{4, 2, 4, 6});
  CHECK(fill_unknown_durations({0, 0}) == std::vector<double>{1, 1});
}

TEST_CASE("work pool: own group first, then steal the shortest of the busiest rank") {
  // rank 0: 10, 1, 1 (12 s); rank 1: 3 (3 s)
  WorkPool pool({{0, 1, 2}, {3}}, {10, 1, 1, 3}, true, 0);
  CHECK(pool.claim(1, 1) == std::vector<int>{3});
  CHECK(pool.claim(0, 1) == std::vector<int>{0});
  CHECK(pool.claim(1, 1) == std::vector<int>{2});  // stolen from the back of rank 0
  CHECK(pool.claim(0, 2) == std::vector<int>{1});  // fewer than asked: drained
  CHECK(pool.claim(1, 1).empty());
  CHECK(pool.claimed() == 4);
}

TEST_CASE("work pool without stealing (round robin) leaves others' tests alone") {
  WorkPool pool({{0, 1}, {2}}, {1, 1, 1}, false, 0);
  CHECK(pool.claim(1, 5) == std::vector<int>{2});
  CHECK(pool.claim(1, 5).empty());
  CHECK(pool.claim(0, 5) == std::vector<int>{0, 1});
}

TEST_CASE("maxfail stops every further claim at the N-th failure") {
  WorkPool pool({{0, 1, 2, 3}, {4, 5, 6, 7}}, std::vector<double>(8, 1.0), true, 2);
  pool.claim(0, 1);
  pool.claim(1, 1);
  pool.record_finish(0, 0, true);
  CHECK(pool.claim(0, 1).size() == 1);
  pool.record_finish(4, 1, true);
  CHECK(pool.stopped_by_maxfail());
  CHECK(pool.claim(1, 3).empty());
  CHECK(pool.unclaimed() == std::vector<int>{2, 3, 5, 6, 7});
}

TEST_CASE("a stop with a reason (pytest.exit) ends every further claim, and the first reason stays") {
  WorkPool pool({{0, 1}, {2, 3}}, std::vector<double>(4, 1.0), true, 0);
  pool.claim(0, 1);
  pool.record_finish(0, 0, true);
  pool.stop("the run stopped: pytest.exit: gone (in t.py::test_a)");
  pool.stop("the run stopped: KeyboardInterrupt (in t.py::test_b)");
  CHECK(pool.claim(1, 2).empty());
  CHECK(pool.stop_reason() == "the run stopped: pytest.exit: gone (in t.py::test_a)");
  CHECK(!pool.stopped_by_maxfail());
  CHECK(pool.unclaimed() == std::vector<int>{1, 2, 3});
}

TEST_CASE("claim_own never steals") {
  WorkPool pool({{0, 1, 2}, {}}, {1, 1, 1}, true, 0);
  CHECK(pool.claim_own(1, 2).empty());
  CHECK(pool.claim_own(0, 2) == std::vector<int>{0, 1});
}
