#pragma once
#include <vector>

#include "tellus_harness/exec/executor.hpp"
#include "tellus_harness/mpi/work_channel.hpp"
#include "tellus_harness/results/journal.hpp"

namespace tellus_harness {

// One rank's loop: take tests while slots are free, wait for them, journal each result and
// send it to rank 0 as it finishes, and serve the other ranks. On an interrupt it stops
// taking work and ends its running tests. A rank keeps no result once it is sent. Each result
// carries the run's `attempt` (run.json's attempts: 1, then one more per --resume).
void run_rank_loop(Executor& executor, WorkChannel& channel, Journal& journal, int rank, int attempt);

}  // namespace tellus_harness
