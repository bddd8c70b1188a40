#pragma once
// Per-environment profiles (profiles/*.yaml): the seed's TestEnvironmentConfig, one file each.
// Each resolved value remembers where it came from (profile, environment, command line).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tellus_harness/config/launcher.hpp"

namespace tellus_harness {

struct ResourceLimits {
  std::int64_t memory_mb = 0;  // 0: no limit
  std::int64_t disk_mb = 0;    // 0: no limit
};

struct Profile {
  std::string name;
  std::string file;  // where it was loaded from
  double timeout_multiplier = 1.0;
  int max_concurrent_operations = 1;
  bool network_simulation = false;
  bool large_file_tests = true;
  std::vector<std::string> storage_backends;
  ResourceLimits resource_limits;
  std::string alert_webhook;  // optional; a secret: never printed whole
  std::string python;         // the interpreter for pytest suites; empty: python3
  std::string quarantine;     // its quarantine file, when the run names none (config/quarantine.hpp)
  Launcher launcher;          // how tests that ask for several ranks start (config/launcher.hpp)
  // value name -> where the value came from, e.g. "environment TELLUS_TIMEOUT_MULTIPLIER".
  std::map<std::string, std::string> sources;
};


// Directories searched for NAME.yaml, in order: TELLUS_PROFILES_DIR, the installed share
// directory, the source tree's profiles/.
std::vector<std::string> default_profile_dirs();

// Loads a profile by name (searched in `dirs`) or by path (contains '/' or ends in .yaml).
Profile load_profile(const std::string& name_or_path, const std::vector<std::string>& dirs);

// What the command line asked for; unset fields fall back to the environment, then the profile.
struct ProfileRequest {
  std::optional<std::string> env_config;
  std::optional<double> timeout_multiplier;
  std::optional<int> max_concurrent;
  std::vector<std::string> profile_dirs;  // empty: default_profile_dirs()
};

using EnvironmentLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvironmentLookup process_environment();

// --env-config NAME|PATH, else TELLUS_TEST_CONFIG, else "local"; then the overrides
// --timeout-multiplier / TELLUS_TIMEOUT_MULTIPLIER and --max-concurrent / TELLUS_CONCURRENT_LIMIT.
Profile resolve_profile(const ProfileRequest& request, const EnvironmentLookup& env);

}  // namespace tellus_harness
