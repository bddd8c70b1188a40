#include "tellus_harness/config/profile.hpp"

#include <cstdlib>
#include <filesystem>

#include "tellus_harness/common/environment_names.hpp"
#include "tellus_harness/common/nearest_word.hpp"
#include "tellus_harness/config/value_ranges.hpp"
#include "tellus_harness/config/yaml_map.hpp"
#include "tellus_harness/storage/backend_type.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

std::vector<std::string> default_profile_dirs() {
  std::vector<std::string> dirs;
  if (const char* dir = std::getenv(env::kProfilesDir); dir && *dir) dirs.emplace_back(dir);
  dirs.emplace_back(TELLUS_HARNESS_INSTALLED_PROFILES);
  dirs.emplace_back(TELLUS_HARNESS_SOURCE_PROFILES);
  return dirs;
}

namespace {

bool looks_like_path(const std::string& s) {
  return s.find('/') != std::string::npos || s.ends_with(".yaml") || s.ends_with(".yml");
}

std::vector<std::string> available_profiles(const std::vector<std::string>& dirs) {
  std::vector<std::string> names;
  for (const auto& dir : dirs) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
    }
    if (!names.empty()) break;
  }
  return names;
}

std::string known_placeholders() {
  std::string list;
  for (const auto& p : launcher_placeholders()) list += " " + p;
  return list;
}

// `launcher:` of a profile: either template may be replaced; each must start with a program
// and use only the known placeholders.
void read_launcher(const YamlMap& map, Launcher& launcher) {
  map.allow_only({"slurm", "mpirun", "oversubscribe"});
  for (auto [key, words] : {std::pair{"slurm", &launcher.slurm}, std::pair{"mpirun", &launcher.mpirun}}) {
    if (!map.has(key)) continue;
    *words = map.string_list(key);
    if (words->empty() || words->front().empty())
      map.fail(key, "must be a list of words starting with the launcher program, e.g. [mpirun, -np, '{ranks}', --host, '{hosts}']");
    for (const auto& w : *words)
      if (const auto bad = unknown_placeholder(w); !bad.empty())
        map.fail(key, "unknown placeholder '" + bad + "' in '" + w + "' (known:" + known_placeholders() + ")");
  }
  if (map.has("oversubscribe")) launcher.oversubscribe = map.boolean("oversubscribe");
}

Profile parse_profile_content(const std::string& file) {
  const YamlMap map(load_yaml_file(file), file, "profile");
  map.allow_only({"name", "timeout_multiplier", "max_concurrent_operations", "network_simulation",
                  "large_file_tests", "storage_backends", "resource_limits", "alert_webhook", "python",
                  "quarantine", "launcher"});
  Profile p;
  p.file = file;
  p.name = map.string("name");
  p.timeout_multiplier = map.positive_number("timeout_multiplier", kMaxTimeoutMultiplier);
  const auto concurrent = map.integer("max_concurrent_operations");
  if (concurrent < 1 || concurrent > kMaxConcurrency) map.fail("max_concurrent_operations", "must be from 1 to 4096");
  p.max_concurrent_operations = static_cast<int>(concurrent);
  p.network_simulation = map.boolean("network_simulation");
  p.large_file_tests = map.boolean("large_file_tests");
  p.storage_backends = map.string_list("storage_backends");
  for (const auto& backend : p.storage_backends) {
    if (!find_backend_type(backend)) {
      std::string message = "unknown storage backend '" + backend + "'";
      if (auto near = nearest_word(backend, backend_type_names()); !near.empty())
        message += "; did you mean '" + near + "'?";
      throw UserError(file, map.line_of("storage_backends"), message + " (known: " + backend_type_list() + ")");
    }
  }
  const YamlMap limits = map.map("resource_limits", "resource_limits");
  limits.allow_only({"memory_mb", "disk_mb"});
  if (limits.has("memory_mb")) p.resource_limits.memory_mb = limits.non_negative_integer("memory_mb", kMaxLimitMb);
  if (limits.has("disk_mb")) p.resource_limits.disk_mb = limits.non_negative_integer("disk_mb", kMaxLimitMb);
  if (map.has("alert_webhook")) p.alert_webhook = map.string("alert_webhook");
  if (map.has("python")) p.python = map.string("python");
  if (map.has("quarantine")) {
    // Relative to the profile's own directory, wherever the run starts.
    const std::filesystem::path q = map.string("quarantine");
    p.quarantine = q.is_absolute() ? q.string() : (std::filesystem::path(file).parent_path() / q).string();
  }
  if (map.has("launcher")) read_launcher(map.map("launcher", "launcher"), p.launcher);
  const std::string origin = "profile " + p.name + " (" + file + ")";
  for (const char* key : {"timeout_multiplier", "max_concurrent_operations", "network_simulation",
                          "large_file_tests", "storage_backends", "resource_limits"})
    p.sources[key] = origin;
  return p;
}

Profile parse_profile(const std::string& file) {
  try {
    return parse_profile_content(file);
  } catch (const YamlShapeError& e) {
    throw yaml_construct_error(file, e);
  }
}

}  // namespace

Profile load_profile(const std::string& name_or_path, const std::vector<std::string>& dirs) {
  if (looks_like_path(name_or_path)) return parse_profile(name_or_path);
  for (const auto& dir : dirs) {
    const fs::path candidate = fs::path(dir) / (name_or_path + ".yaml");
    std::error_code ec;
    if (fs::exists(candidate, ec)) return parse_profile(candidate.string());
  }
  const auto names = available_profiles(dirs);
  std::string message = "unknown profile '" + name_or_path + "'";
  if (auto near = nearest_word(name_or_path, names); !near.empty()) message += "; did you mean '" + near + "'?";
  message += " Available:";
  for (const auto& n : names) message += " " + n;
  message += " (or give a path to a profile YAML file)";
  throw UserError(message);
}

EnvironmentLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
}

namespace {
double parse_multiplier(const std::string& text, const std::string& origin) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !(v > 0) || !(v <= kMaxTimeoutMultiplier))
    throw UserError(origin + ": timeout multiplier must be a number greater than zero and at most 1000, got '" + text + "'");
  return v;
}

int parse_concurrency(const std::string& text, const std::string& origin) {
  std::size_t used = 0;
  long v = 0;
  try {
    v = std::stol(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || v < 1 || v > kMaxConcurrency)
    throw UserError(origin + ": concurrency limit must be an integer from 1 to 4096, got '" + text + "'");
  return static_cast<int>(v);
}
}  // namespace

Profile resolve_profile(const ProfileRequest& request, const EnvironmentLookup& env) {
  const auto dirs = request.profile_dirs.empty() ? default_profile_dirs() : request.profile_dirs;
  std::string selected = "local";
  std::string selected_from = "default";
  if (request.env_config) {
    selected = *request.env_config;
    selected_from = "command line --env-config";
  } else if (auto v = env(env::kTestConfig)) {
    selected = *v;
    selected_from = "environment TELLUS_TEST_CONFIG";
  }
  Profile p;
  try {
    p = load_profile(selected, dirs);
  } catch (const UserError& e) {
    if (selected_from == "default") throw;
    throw UserError(std::string(e.what()) + " [selected by " + selected_from + "]");
  }
  p.sources["name"] = selected_from;

  if (request.timeout_multiplier) {
    if (!(*request.timeout_multiplier > 0) || !(*request.timeout_multiplier <= kMaxTimeoutMultiplier))
      throw UserError("--timeout-multiplier must be greater than zero and at most 1000");
    p.timeout_multiplier = *request.timeout_multiplier;
    p.sources["timeout_multiplier"] = "command line --timeout-multiplier";
  } else if (auto v = env(env::kTimeoutMultiplier)) {
    p.timeout_multiplier = parse_multiplier(*v, "environment TELLUS_TIMEOUT_MULTIPLIER");
    p.sources["timeout_multiplier"] = "environment TELLUS_TIMEOUT_MULTIPLIER";
  }
  if (request.max_concurrent) {
    if (*request.max_concurrent < 1 || *request.max_concurrent > kMaxConcurrency)
      throw UserError("--max-concurrent must be from 1 to 4096");
    p.max_concurrent_operations = *request.max_concurrent;
    p.sources["max_concurrent_operations"] = "command line --max-concurrent";
  } else if (auto v = env(env::kConcurrentLimit)) {
    p.max_concurrent_operations = parse_concurrency(*v, "environment TELLUS_CONCURRENT_LIMIT");
    p.sources["max_concurrent_operations"] = "environment TELLUS_CONCURRENT_LIMIT";
  }
  return p;
}

}  // namespace tellus_harness
