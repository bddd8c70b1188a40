#pragma once
// The TELLUS_* environment variables, named once. Some the harness reads from the user (the
// README lists them); the others the harness sets for a test's process and the test's side
// reads: the built-in workloads (`tellus-harness __workload`) and the pytest plugin
// (python/tellus_harness_pytest.py, which spells them out in Python).
#include <string>

namespace tellus_harness::env {

// Read from the user's environment: each means what its command-line option means.
inline constexpr char kTestConfig[] = "TELLUS_TEST_CONFIG";                // --env-config
inline constexpr char kTimeoutMultiplier[] = "TELLUS_TIMEOUT_MULTIPLIER";  // --timeout-multiplier
inline constexpr char kConcurrentLimit[] = "TELLUS_CONCURRENT_LIMIT";      // --max-concurrent
inline constexpr char kPython[] = "TELLUS_PYTHON";                         // --python
inline constexpr char kPerfStore[] = "TELLUS_PERF_STORE";                  // --perf-store
inline constexpr char kAlertWebhook[] = "TELLUS_ALERT_WEBHOOK";            // --webhook
inline constexpr char kTestCache[] = "TELLUS_TEST_CACHE";                  // the data cache
inline constexpr char kProfilesDir[] = "TELLUS_PROFILES_DIR";              // more profiles
inline constexpr char kSlurmTemplates[] = "TELLUS_SLURM_TEMPLATES";        // more job templates
inline constexpr char kGitCommit[] = "TELLUS_GIT_COMMIT";                  // for the perf store
inline constexpr char kGitBranch[] = "TELLUS_GIT_BRANCH";
inline constexpr char kToday[] = "TELLUS_TODAY";  // YYYY-MM-DD: quarantine expiry judged as of that day
inline constexpr char kMpiChunkBytes[] = "TELLUS_MPI_CHUNK_BYTES";  // tests: large messages' chunks, smaller

// Given to every test's process.
inline constexpr char kTestWorkspace[] = "TELLUS_TEST_WORKSPACE";
inline constexpr char kCacheDir[] = "TELLUS_CACHE_DIR";
inline constexpr char kConfigDir[] = "TELLUS_CONFIG_DIR";
inline constexpr char kHarnessRank[] = "TELLUS_HARNESS_RANK";
inline constexpr char kProfile[] = "TELLUS_PROFILE";
inline constexpr char kMaxConcurrentOperations[] = "TELLUS_MAX_CONCURRENT_OPERATIONS";
inline constexpr char kNetworkSimulation[] = "TELLUS_NETWORK_SIMULATION";  // "1" when the profile has it
// Given to a test of a YAML suite.
inline constexpr char kMetricsFile[] = "TELLUS_METRICS_FILE";
inline constexpr char kTestName[] = "TELLUS_TEST_NAME";
inline constexpr char kTestNodeid[] = "TELLUS_TEST_NODEID";
inline constexpr char kTestDeadline[] = "TELLUS_TEST_DEADLINE";    // Unix seconds: retries give up before
inline constexpr char kBackendConfig[] = "TELLUS_BACKEND_CONFIG";  // the test's backend, as JSON
// Given to pytest (collection and workers).
inline constexpr char kPytestPrefix[] = "TELLUS_PYTEST_";  // the user's own are dropped
inline constexpr char kPytestMode[] = "TELLUS_PYTEST_MODE";  // collect or worker
inline constexpr char kPytestManifest[] = "TELLUS_PYTEST_MANIFEST";
inline constexpr char kPytestChannelFd[] = "TELLUS_PYTEST_CHANNEL_FD";

// "NAME=value", as a process's environment holds it.
inline std::string assignment(const char* name, const std::string& value) { return std::string(name) + "=" + value; }

}  // namespace tellus_harness::env
