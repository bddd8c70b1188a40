#pragma once
#include "tellus_harness/mpi/mpi_session.hpp"
#include "tellus_harness/run/early_pytest_workers.hpp"
#include "tellus_harness/run/run_request.hpp"

namespace tellus_harness {

// `tellus-harness run` on every rank: rank 0 plans, broadcasts the plan's settings and grants
// each rank its tests (with their specs) as it claims them; results are gathered to rank 0,
// which writes the reports while MPI is finalized. Rank 0 returns the run's exit code, the other
// ranks 0 once the run has ended, or every rank the same code when it ended before its first
// test. A UserError is printed once, by rank 0.
// `early`: this rank's pytest workers started before MPI_Init, placed if they fit the plan.
int run_distributed(MpiSession& mpi, const RunRequest& request, EarlyPytestWorkers early = {});

}  // namespace tellus_harness
