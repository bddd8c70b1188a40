#pragma once
#include "tellus_harness/mpi/mpi_session.hpp"
#include "tellus_harness/run/early_pytest_workers.hpp"
#include "tellus_harness/run/run_request.hpp"

namespace tellus_harness {

// `tellus-harness run` on every rank: rank 0 plans, broadcasts the plan's settings and grants
// each rank its tests (with their specs) as it claims them; results are gathered to rank 0,
// which writes the reports. Returns the same exit code on every rank. A UserError is printed once, by rank 0.
// `early`: this rank's pytest workers started before MPI_Init, placed if they fit the plan.
int run_distributed(const MpiSession& mpi, const RunRequest& request, EarlyPytestWorkers early = {});

}  // namespace tellus_harness
