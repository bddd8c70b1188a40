#include "tellus_harness/run/early_pytest_workers.hpp"

#include <exception>

#include "tellus_harness/common/this_process.hpp"
#include "tellus_harness/exec/child_process.hpp"

namespace tellus_harness {

EarlyPytestWorkers start_early_pytest_workers(const RunRequest& request) {
  EarlyPytestWorkers early;
  if (request.collect_only || !request.resume_dir.empty()) return early;
  try {
    Profile profile = resolve_profile(request.profile, process_environment());
    early.invocation = plan_pytest(request, profile);
    if (!early.invocation.used()) return early;
    const PytestWorkerLaunch launch = pytest_worker_launch(early.invocation, this_executable());
    become_subreaper();  // as the Executor will be: what a worker's subreaper leaves lands here
    for (int i = 0; i < profile.max_concurrent_operations; ++i) early.workers.push_back(std::make_unique<PytestWorker>(launch));
  } catch (const std::exception&) {
    early.workers.clear();
  }
  return early;
}

std::vector<std::unique_ptr<PytestWorker>> early_workers_for(EarlyPytestWorkers early, const PytestInvocation& planned) {
  const PytestInvocation& started = early.invocation;
  if (started.python == planned.python && started.cwd == planned.cwd && started.args == planned.args)
    return std::move(early.workers);
  return {};  // `early` ends its workers
}

}  // namespace tellus_harness
