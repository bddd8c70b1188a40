// Tests that hold several slots: packing, fit, placement, reruns and the maxfail stop.
#include <catch2/catch.hpp>

#include "tellus_harness/plan/allocation.hpp"
#include "tellus_harness/plan/work_pool.hpp"

using namespace tellus_harness;

namespace {
Allocation four_on(std::vector<std::string> hosts, bool oversubscribe = false) { return {std::move(hosts), oversubscribe}; }
}  // namespace

TEST_CASE("a test too large for the allocation has a reason naming both sides") {
  const auto one_node = four_on({"a", "a", "a", "a"});
  CHECK(misfit_reason(one_node, 4, 0).empty());
  CHECK(misfit_reason(one_node, 5, 0) ==
        "asks for 5 ranks; the allocation has 4 ranks on 1 node: give the run more ranks, or set 'launcher: "
        "{oversubscribe: true}' in the profile to run it oversubscribed");
  CHECK(misfit_reason(one_node, 2, 2).find("asks for 2 ranks on 2 nodes; the allocation has 4 ranks on 1 node") == 0);
  CHECK(misfit_reason(four_on({"a"}, true), 8, 0).empty());
  CHECK(slots_needed(four_on({"a"}, true), 8) == 1);
  // Two nodes, but the two busiest together hold 3 ranks.
  CHECK(!misfit_reason(four_on({"a", "a", "b", "c"}), 4, 2).empty());
  CHECK(misfit_reason(four_on({"a", "a", "b", "b"}), 4, 2).empty());
}

TEST_CASE("gathering slots for a test that must span two nodes never paints itself into a corner") {
  const auto a = four_on({"a", "b", "c", "c"});
  // 3 ranks on 2 nodes: a and b would leave no room for the third on either.
  CHECK(may_join(a, {}, 0, 3, 2));
  CHECK(!may_join(a, {0}, 1, 3, 2));
  CHECK(may_join(a, {0}, 2, 3, 2));
  CHECK(may_join(a, {0, 2}, 3, 3, 2));
  CHECK(!may_join(a, {0, 2, 3}, 1, 3, 2));  // full
}

TEST_CASE("processes go to the hosts of the slots held, several per slot when oversubscribed") {
  const auto a = four_on({"n1", "n2", "n1", "n2"});
  CHECK(process_hosts(a, {0, 1, 2, 3}, 4) == std::vector<std::string>{"n1", "n1", "n2", "n2"});
  CHECK(process_hosts(four_on({"solo"}, true), {0}, 3) == std::vector<std::string>{"solo", "solo", "solo"});
  // Oversubscribed on every slot of 2 hosts, but asked for 1 node: all on the first.
  CHECK(process_hosts(four_on({"n2", "n1"}, true), {0, 1}, 4, 1) == std::vector<std::string>{"n1", "n1", "n1", "n1"});
}

TEST_CASE("a multi-rank test waits for idle slots, holds them, and the others fill in") {
  // Four ranks, single tests 0..5 in their groups, a 3-rank test 6 and a 2-rank test 7.
  WorkPool pool({{0, 1}, {2}, {3}, {4, 5}}, std::vector<double>(8, 1.0), true, 0);
  pool.add_multi_rank({{7, 2, 0}, {6, 3, 0}}, four_on({"h", "h", "h", "h"}));
  CHECK(pool.claim_own(1, 1) == std::vector<int>{2});
  CHECK(pool.claim_own(2, 1) == std::vector<int>{3});
  CHECK(pool.claim_own(3, 1) == std::vector<int>{4});
  // Rank 0 is idle: it is set aside for the largest test (6), and gets nothing else.
  CHECK(pool.claim(0, 1).empty());
  CHECK(pool.may_get_more(0, false));
  pool.record_finish(2, 1, false);
  CHECK(pool.claim(1, 1).empty());  // set aside too
  pool.record_finish(3, 2, false);
  // The third idle slot completes the set: the test starts on the rank that claimed last.
  CHECK(pool.claim(2, 1) == std::vector<int>{6});
  CHECK(pool.slots_of(6) == std::vector<int>{0, 1, 2});
  // Held slots get nothing while it runs, not even the next multi-rank test.
  CHECK(pool.claim(0, 1).empty());
  CHECK(pool.claim(1, 1).empty());
  CHECK(pool.may_get_more(1, false));
  // Rank 3 is not held: it joins the gathering for test 7, and waits for a second slot.
  pool.record_finish(4, 3, false);
  CHECK(pool.claim(3, 1).empty());
  pool.record_finish(6, 2, false);  // the 3-rank test ends: its slots are free again
  CHECK(pool.claim(0, 1) == std::vector<int>{7});
  CHECK(pool.slots_of(7) == std::vector<int>{3, 0});
  // Rank 1 fills in with single-rank work (its own group is empty: it steals).
  CHECK(pool.claim(1, 2) == std::vector<int>{1, 0});
  CHECK(pool.claim(2, 1) == std::vector<int>{5});
  pool.record_finish(7, 0, false);
  CHECK(!pool.may_get_more(3, false));
  CHECK(pool.claimed() == 8);
}

TEST_CASE("a failed multi-rank test is rerun holding its slots again, and maxfail leaves the unstarted ones unclaimed") {
  WorkPool pool({{}, {}}, {1.0, 1.0, 0.5}, true, 0);
  pool.add_multi_rank({{0, 2, 0}, {1, 2, 0}, {2, 2, 0}}, four_on({"h", "h"}));
  CHECK(pool.claim(0, 1).empty());
  CHECK(pool.claim(1, 1) == std::vector<int>{0});
  pool.record_finish(0, 1, true);
  pool.requeue(0, std::chrono::steady_clock::now());  // after test 1 (as large, as long), before the shorter 2
  CHECK(pool.claim(0, 1).empty());
  CHECK(pool.claim(1, 1) == std::vector<int>{1});
  pool.record_finish(1, 1, false);
  CHECK(pool.claim(1, 1).empty());
  CHECK(pool.claim(0, 1) == std::vector<int>{0});
  CHECK(pool.slots_of(0) == std::vector<int>{1, 0});
  pool.stop();
  CHECK(pool.unclaimed() == std::vector<int>{2});
}

TEST_CASE("an oversubscribed test on a one-rank allocation holds its only slot") {
  WorkPool pool({{0}}, std::vector<double>(2, 1.0), true, 0);
  pool.add_multi_rank({{1, 4, 0}}, four_on({"solo"}, true));
  CHECK(pool.claim(0, 1) == std::vector<int>{1});
  CHECK(pool.slots_of(1) == std::vector<int>{0});
  CHECK(pool.claim(0, 1).empty());
  pool.record_finish(1, 0, false);
  CHECK(pool.claim(0, 1) == std::vector<int>{0});
}

TEST_CASE("a rank set aside for a multi-rank test backfills short tests that end before the others are free") {
  // Rank 1 runs a 30 s test; rank 0 waits for it to launch the 2-rank test 0.
  WorkPool pool({{2, 3, 4}, {1}}, {0, 30, 60, 5, 1}, true, 0);
  pool.add_multi_rank({{0, 2, 0}}, four_on({"h", "h"}));
  CHECK(pool.claim_own(1, 1) == std::vector<int>{1});
  CHECK(pool.claim(1, 1).empty());  // rank 1 is set aside: no new work, its 30 s test still runs
  // Rank 0 joins the set, which is then complete but for rank 1: it takes the shortest test
  // that ends in time (1 s), then the next (5 s), never the 60 s one.
  CHECK(pool.claim(0, 1) == std::vector<int>{4});
  CHECK(pool.claim(0, 1).empty());  // busy with it
  pool.record_finish(4, 0, false);
  CHECK(pool.claim(0, 1) == std::vector<int>{3});
  pool.record_finish(3, 0, false);
  CHECK(pool.claim(0, 1).empty());  // 60 s would delay the launch
  pool.record_finish(1, 1, false);
  CHECK(pool.claim(0, 1) == std::vector<int>{0});
  CHECK(pool.claim(1, 1).empty());  // held
  pool.record_finish(0, 0, false);
  CHECK(pool.claim(1, 1) == std::vector<int>{2});
}
