#pragma once
// pytest workers started before MPI_Init. A rank's first pytest test waits for its workers'
// start and collection, and before them MPI_Init and rank 0's plan take 0.3-0.4 s, mostly
// waiting: started first, the workers start Python and pytest meanwhile. Each then waits,
// before it loads any of the project's code, for its place, which comes with the plan
// (exec/pytest_worker.hpp). When the plan's pytest invocation is not the one they were started
// with (another Python or other arguments: the settings resolved otherwise on this rank), they
// end, and the run starts its own.
#include <memory>
#include <vector>

#include "tellus_harness/config/pytest_invocation.hpp"
#include "tellus_harness/exec/pytest_worker.hpp"
#include "tellus_harness/run/run_request.hpp"

namespace tellus_harness {

struct EarlyPytestWorkers {
  PytestInvocation invocation;
  std::vector<std::unique_ptr<PytestWorker>> workers;
};

// For a run with pytest paths (not --collect-only, not --resume): as many workers as the rank
// runs tests at once. Never fails: whatever stops it (a wrong option, a missing profile or
// Python) the run itself meets again and reports, once.
EarlyPytestWorkers start_early_pytest_workers(const RunRequest& request);

// The workers started with `planned`; any others end now.
std::vector<std::unique_ptr<PytestWorker>> early_workers_for(EarlyPytestWorkers early, const PytestInvocation& planned);

}  // namespace tellus_harness
