#pragma once
// How a rank gets tests to run and says what became of them. Rank 0's channel owns the
// WorkPool and answers the others; the other ranks' channels ask rank 0 by message. A grant
// carries each test's spec: a rank holds the tests it is given, never the whole plan.
#include <chrono>
#include <memory>
#include <vector>

#include "tellus_harness/config/test_spec.hpp"
#include "tellus_harness/mpi/claim_coordinator.hpp"
#include "tellus_harness/plan/work_pool.hpp"
#include "tellus_harness/report/progress.hpp"
#include "tellus_harness/results/test_result.hpp"

namespace tellus_harness {

class WorkChannel {
 public:
  virtual ~WorkChannel() = default;
  // Tests this rank may start now, at most `free_slots` (empty while an answer is pending).
  virtual std::vector<GrantedTest> take(int free_slots) = 0;
  // True once this rank will be given no more tests.
  virtual bool drained() const = 0;
  // A test this rank ran has finished: its result goes to rank 0 (rank 0: to its sink).
  virtual void report(const TestResult& result) = 0;
  // Serves the other ranks; true once nothing more is owed to or expected from them.
  virtual bool serve() = 0;
  // No further tests for this rank (rank 0: for any rank), e.g. after an interrupt.
  virtual void stop() = 0;
  // Called once when the rank's loop ends.
  virtual void leave() = 0;
  // How long the rank may wait for its children before serving messages again.
  virtual std::chrono::microseconds poll_interval() const = 0;
};

// Rank 0. `ranks` is the communicator size; with 1 rank no message is ever exchanged. Each
// other rank is sent its first `first_batch` tests from its own group at once, unasked
// (WorkPool::claim_own), so that it starts without a round trip. Every rank's results reach
// `sink` as they finish, each try of a test that `reruns` runs again included.
std::unique_ptr<WorkChannel> make_coordinator_channel(WorkPool& pool, ProgressDisplay& progress,
                                                      const std::vector<CollectedTest>& tests, int ranks, int first_batch,
                                                      ResultSink sink, const RerunPolicy& reruns);
// Ranks 1..N-1: the first grant comes unasked; later ones answer claims.
std::unique_ptr<WorkChannel> make_worker_channel();

}  // namespace tellus_harness
