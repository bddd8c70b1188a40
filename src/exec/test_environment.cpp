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

}  // namespace tellus_harness
