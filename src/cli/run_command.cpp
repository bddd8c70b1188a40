#include <cstdio>
#include <exception>

#include "tellus_harness/cli/commands.hpp"
#include "tellus_harness/cli/run_options.hpp"
#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/run/distributed_run.hpp"

namespace tellus_harness {

int run_command(int argc, char** argv, const Arguments& args) {
  // pytest workers start before MPI_Init, which takes about as long as their own start
  // (run/early_pytest_workers.hpp). Options that do not parse are said below, by rank 0.
  EarlyPytestWorkers early;
  try {
    if (const auto request = parse_run_options(args, false)) early = start_early_pytest_workers(*request);
  } catch (const std::exception&) {
  }
  MpiSession mpi(&argc, &argv);
  const bool root = mpi.rank() == 0;
  std::optional<RunRequest> request;
  try {
    // Every rank parses the same command line; only rank 0 speaks.
    request = parse_run_options(args, root);
  } catch (const UserError& e) {
    if (root) std::fprintf(stderr, "tellus-harness: error: %s\n", e.what());
    return kExitUsageOrInterrupted;
  }
  if (!request) return kExitAllPassed;
  try {
    return run_distributed(mpi, *request, std::move(early));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tellus-harness: internal error on rank %d: %s\n", mpi.rank(), e.what());
    if (mpi.size() > 1) mpi.abort(kExitInternalError);
    return kExitInternalError;
  }
}

}  // namespace tellus_harness
