#include "tellus_harness/exec/test_environment.hpp"

#include "tellus_harness/common/environment_names.hpp"

namespace tellus_harness {

std::vector<std::string> test_environment(const TestEnvironment& t) {
  std::vector<std::string> out{
      env::assignment(env::kTestWorkspace, t.workspace),
      env::assignment(env::kCacheDir, t.workspace + "/cache"),
      env::assignment(env::kConfigDir, t.workspace + "/config"),
      env::assignment(env::kHarnessRank, std::to_string(t.rank)),
      env::assignment(env::kProfile, t.profile),
      env::assignment(env::kMaxConcurrentOperations, std::to_string(t.max_concurrent)),
  };
  if (t.network_simulation) out.push_back(env::assignment(env::kNetworkSimulation, "1"));
  return out;
}

namespace {
bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }
}  // namespace

bool passed_to_tests(const std::string& e) {
  if (starts_with(e, "PMIX_") || starts_with(e, "PMI_") || starts_with(e, "OMPI_COMM_WORLD_")) return false;
  if (starts_with(e, "OMPI_MCA_")) {
    // Set by mpirun for the processes it starts (Open MPI 4.1), not by a user.
    for (const char* internal : {"OMPI_MCA_orte_", "OMPI_MCA_ess", "OMPI_MCA_pmix", "OMPI_MCA_initial_wdir=",
                                 "OMPI_MCA_mpi_oversubscribe=", "OMPI_MCA_shmem_RUNTIME_QUERY_hint="})
      if (starts_with(e, internal)) return false;
    return true;
  }
  if (starts_with(e, "OMPI_ALLOW_RUN_AS_ROOT")) return true;
  return !starts_with(e, "OMPI_");  // OMPI_COMMAND, OMPI_UNIVERSE_SIZE, OMPI_FIRST_RANKS, ...
}

}  // namespace tellus_harness
