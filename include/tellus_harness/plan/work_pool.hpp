#pragma once
// Rank 0's book of which test may start where. Each rank first takes its own group in order;
// a rank whose group is empty steals the last not-yet-started test of the rank with the most
// expected work left. Claims go through this one book, so a test never starts twice, and the
// global --maxfail stops every further claim the moment the N-th failure is recorded. A test
// to rerun (--reruns) goes to whichever rank claims next, once its delay has passed.
#include <chrono>
#include <deque>
#include <vector>

namespace tellus_harness {

class WorkPool {
 public:
  WorkPool(std::vector<std::vector<int>> groups, std::vector<double> expected_durations, bool allow_stealing,
           int maxfail);

  // Up to `count` tests for `rank` to start now. Fewer than asked means the rank will get
  // nothing more (pool drained or stopped).
  std::vector<int> claim(int rank, int count);
  // Up to `count` tests from the front of `rank`'s own group only (never stolen): the first
  // batch rank 0 sends each rank unasked, so that it starts without a round trip.
  std::vector<int> claim_own(int rank, int count);
  // Records a finished test; a failure may trigger the maxfail stop.
  void record_finish(bool failed);
  // A test that failed, to run again on any rank from `not_before` on.
  void requeue(int test, std::chrono::steady_clock::time_point not_before);
  // Whether a rank that got fewer tests than it asked for should ask again later: a rerun
  // waits for its delay, or tests still running may fail and be rerun (`reruns_possible`).
  bool may_get_more(bool reruns_possible) const;
  // Stops all further claims (interrupt).
  void stop() { stopped_ = true; }

  bool stopped() const { return stopped_; }
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
  std::deque<Rerun> reruns_;  // in the order they failed; delays are equal, so due in order
  std::vector<std::deque<int>> queues_;
  std::vector<double> remaining_;  // expected seconds left per rank queue
  std::vector<double> durations_;
  bool allow_stealing_;
  int maxfail_;
  bool stopped_ = false;
  int claimed_ = 0;
  int finished_ = 0;
  int failures_ = 0;
};

}  // namespace tellus_harness
