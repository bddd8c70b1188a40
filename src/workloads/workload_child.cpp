#include <csignal>
#include <cstdio>
#include <exception>

#include "tellus_harness/workloads/workload.hpp"

namespace tellus_harness {

int run_workload_child(const std::string& kind, const std::string& params_json) {
  const Workload* workload = find_workload(kind);
  if (!workload) {
    std::fprintf(stderr, "error: unknown workload kind '%s'\n", kind.c_str());
    return 2;
  }
  // A write to a connection the network broke must be an error to retry, not a death.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    return workload->execute(params_json);
  } catch (const std::exception& e) {
    // The last line of stderr becomes the test's failure message.
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}

}  // namespace tellus_harness
