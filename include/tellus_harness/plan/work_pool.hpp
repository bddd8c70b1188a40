#pragma once
// Rank 0's book of which test may start where. Each rank first takes its own group in order;
// a rank whose group is empty steals the last not-yet-started test of the rank with the most
// expected work left. Claims go through this one book, so a test never starts twice, and the
// global --maxfail stops every further claim the moment the N-th failure is recorded. A test
// to rerun (--reruns) goes to whichever rank claims next, once its delay has passed.
//
// A test that asks for several ranks holds that many slots (harness ranks) while it runs.
// Such tests go largest first: the ranks that claim next are set aside for the first of them
// until enough are idle (they get nothing new meanwhile), and the last of them to claim
// launches it; the other ranks fill in with single-rank tests. The held ranks get nothing
// until the test ends, so no slot of the allocation runs two things at once. While a set
// aside rank waits for the others to finish, it backfills: it takes a single-rank test that
// is expected to end before the last of them does (expected durations), so the wait is not
// idle and the launch is not delayed by the estimate.
#include <chrono>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "tellus_harness/plan/allocation.hpp"

namespace tellus_harness {

class WorkPool {
 public:
  WorkPool(std::vector<std::vector<int>> groups, std::vector<double> expected_durations, bool allow_stealing,
           int maxfail);

  // A test that holds several slots: its index, its MPI processes and the hosts they must
  // span (0: any). Each must fit the allocation (misfit_reason empty).
  struct MultiRankTest {
    int test = 0;
    int ranks = 2;
    int nodes = 0;
  };
  // The run's multi-rank tests over `allocation`; they are none of the groups' tests.
  void add_multi_rank(std::vector<MultiRankTest> tests, Allocation allocation);
  // The harness ranks a multi-rank test that was just claimed holds (the claiming rank
  // among them); empty for a single-rank test.
  std::vector<int> slots_of(int test) const;
  const Allocation& allocation() const { return allocation_; }

  // Up to `count` tests for `rank` to start now. Fewer than asked means the rank will get
  // nothing more (pool drained or stopped).
  std::vector<int> claim(int rank, int count);
  // Up to `count` tests from the front of `rank`'s own group only (never stolen): the first
  // batch rank 0 sends each rank unasked, so that it starts without a round trip.
  std::vector<int> claim_own(int rank, int count);
  // Records a finished test of `rank`; a failure may trigger the maxfail stop. A
  // multi-rank test gives back the slots it held.
  void record_finish(int test, int rank, bool failed);
  // A test that failed, to run again on any rank from `not_before` on.
  void requeue(int test, std::chrono::steady_clock::time_point not_before);
  // Whether a rank that got fewer tests than it asked for should ask again later: a rerun
  // waits for its delay, or tests still running may fail and be rerun (`reruns_possible`).
  // A rank held by a multi-rank test, or one a waiting multi-rank test may need, is to ask again.
  bool may_get_more(int rank, bool reruns_possible) const;
  // Stops all further claims (interrupt).
  void stop() { stopped_ = true; }
  // Stops all further claims for a reason the tests never claimed are skipped with (a test
  // that called pytest.exit); the first reason stays.
  void stop(const std::string& reason) {
    if (!stopped_ && stop_reason_.empty()) stop_reason_ = reason;
    stopped_ = true;
  }

  bool stopped() const { return stopped_; }
  const std::string& stop_reason() const { return stop_reason_; }
  bool stopped_by_maxfail() const { return maxfail_ > 0 && failures_ >= maxfail_; }
  int claimed() const { return claimed_; }
  int finished() const { return finished_; }
  int failures() const { return failures_; }
  // Tests never claimed (after a stop), in test order.
  std::vector<int> unclaimed() const;

 private:
  struct Rerun {
    int test;
    std::chrono::steady_clock::time_point not_before;
  };
  struct WaitingLaunch {
    MultiRankTest test;
    std::chrono::steady_clock::time_point not_before;
    bool rerun = false;
  };
  // The multi-rank claim: a launch for `rank`, or nothing while the next launch gathers slots.
  // `handled` says that `rank` is set aside for it and may take nothing else.
  std::vector<int> claim_launch(int rank, bool& handled);
  // A single-rank test expected to end by `deadline`, from the shortest end of any queue; -1: none.
  int backfill(int rank, std::chrono::steady_clock::time_point deadline);
  void queue_launch(MultiRankTest test, std::chrono::steady_clock::time_point not_before, bool rerun);
  void count_claim(int rank, int test);
  std::deque<Rerun> reruns_;  // in the order they failed; delays are equal, so due in order
  std::vector<std::deque<int>> queues_;
  std::vector<double> remaining_;  // expected seconds left per rank queue
  std::vector<double> durations_;
  Allocation allocation_;
  std::deque<WaitingLaunch> launches_;   // largest first
  std::vector<int> gathering_;           // ranks set aside for launches_.front()
  std::map<int, std::vector<int>> held_; // running multi-rank test -> the slots it holds
  std::map<int, MultiRankTest> multi_;   // every multi-rank test, by index (for reruns)
  std::vector<int> running_;             // per rank: single-rank tests claimed, not finished
  std::vector<int> held_by_;             // per rank: the multi-rank test holding it, or -1
  // per rank: when its single-rank tests are expected to have ended
  std::vector<std::chrono::steady_clock::time_point> busy_until_;
  bool allow_stealing_;
  int maxfail_;
  bool stopped_ = false;
  std::string stop_reason_;
  int claimed_ = 0;
  int finished_ = 0;
  int failures_ = 0;
};

}  // namespace tellus_harness
