#include "tellus_harness/config/suite.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "tellus_harness/common/nearest_word.hpp"
#include "tellus_harness/config/backend_config.hpp"
#include "tellus_harness/config/profile.hpp"
#include "tellus_harness/config/test_kind.hpp"
#include "tellus_harness/config/value_ranges.hpp"
#include "tellus_harness/config/yaml_map.hpp"
#include "tellus_harness/storage/backend_type.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

std::vector<std::string> expand_suite_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const auto ext = it->path().extension();
        if (it->is_regular_file() && (ext == ".yaml" || ext == ".yml")) found.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(path, ec)) {
      files.push_back(path);
    } else {
      throw UserError(path, 0, "no such suite file or directory");
    }
  }
  return files;
}

namespace {

// More MPI processes than any allocation a test could hold is a typing error.
constexpr int kMaxTestRanks = 1 << 20;
const std::vector<std::string> kCommonTestKeys{"name", "kind", "markers", "timeout", "expected_duration", "env", "backend"};

struct SuiteDefaults {
  std::optional<double> timeout_s;
  std::vector<std::string> markers;
  std::map<std::string, std::string> env;
  std::optional<double> expected_duration_s;
  TestSpec backend;  // backend, backend_name, backend_config
};

// `backend:` names a backend of the suite's `backends:` section, or a bare type.
void resolve_backend(const YamlMap& map, const std::map<std::string, BackendConfig>& backends, TestSpec& t) {
  const std::string backend = map.string("backend");
  if (auto it = backends.find(backend); it != backends.end()) {
    t.backend = it->second.type;
    t.backend_name = backend;
    t.backend_config = it->second.config_json;
    return;
  }
  if (find_backend_type(backend)) {
    t.backend = backend;
    t.backend_name.clear();
    t.backend_config.clear();
    return;
  }
  std::vector<std::string> known = backend_type_names();
  for (const auto& [name, b] : backends) known.push_back(name);
  std::string message = "unknown backend '" + backend + "'";
  if (auto near = nearest_word(backend, known); !near.empty()) message += "; did you mean '" + near + "'?";
  throw UserError(map.file(), map.line_of("backend"),
                  message + " (a type: " + backend_type_list() + ", or a name from the suite's backends:)");
}

SuiteDefaults read_defaults(const YamlMap& suite, const std::map<std::string, BackendConfig>& backends) {
  SuiteDefaults d;
  if (!suite.has("defaults")) return d;
  const YamlMap map = suite.map("defaults", "defaults");
  map.allow_only({"timeout", "markers", "env", "expected_duration", "backend"});
  if (map.has("timeout")) d.timeout_s = map.positive_number("timeout", kMaxTimeoutSeconds);
  if (map.has("markers")) d.markers = map.string_list("markers");
  if (map.has("env")) d.env = map.string_map("env");
  if (map.has("expected_duration")) d.expected_duration_s = map.positive_number("expected_duration");
  if (map.has("backend")) resolve_backend(map, backends, d.backend);
  return d;
}

TestSpec read_test(const YamlNode& node, const std::string& file, const std::string& suite_name,
                   const SuiteDefaults& defaults, const std::map<std::string, BackendConfig>& backends,
                   double default_timeout_s, const TestKinds& kinds) {
  static const std::regex kValidName("[A-Za-z0-9_.-]+");
  if (!node.is_map()) throw UserError(file, node.line(), "each entry of 'tests' must be a mapping");
  const YamlMap probe(node, file, "test");
  const std::string name = probe.string("name");
  if (!std::regex_match(name, kValidName))
    probe.fail("name", "'" + name + "' may only contain letters, digits, '_', '.' and '-'");
  if (name == "." || name == "..")
    probe.fail("name", "'" + name + "' is a special path component; give the test a name of its own");
  const YamlMap map(node, file, "test '" + name + "'");

  TestSpec t;
  t.suite = suite_name;
  t.suite_file = file;
  t.line = map.line();
  t.name = name;
  t.nodeid = file + "::" + name;
  t.kind = map.has("kind") ? map.string("kind") : "command";
  const TestKind* workload = kinds.find(t.kind);
  if (!workload) {
    const auto known = kinds.names();
    std::string message = "unknown kind '" + t.kind + "'";
    if (auto near = nearest_word(t.kind, known); !near.empty()) message += "; did you mean '" + near + "'?";
    message += " (known:";
    for (const auto& k : known) message += " " + k;
    throw UserError(file, map.line_of("kind"), message + ")");
  }
  auto allowed = kCommonTestKeys;
  for (const auto& k : workload->parameter_keys()) allowed.push_back(k);
  if (workload->multi_rank()) allowed.insert(allowed.end(), {"ranks", "nodes"});
  for (const char* key : {"ranks", "nodes"})
    if (!workload->multi_rank() && map.has(key))
      map.fail(key, "kind '" + t.kind + "' runs one process; '" + key +
                        "' is for kinds that run an MPI program (command, parallel_io)");
  map.allow_only(allowed);
  if (map.has("ranks")) {
    const auto ranks = map.integer("ranks");
    if (ranks < 1 || ranks > kMaxTestRanks) map.fail("ranks", "must be from 1 to " + std::to_string(kMaxTestRanks));
    t.ranks = static_cast<int>(ranks);
  }
  if (map.has("nodes")) {
    const auto nodes = map.integer("nodes");
    if (nodes < 1 || nodes > t.ranks)
      map.fail("nodes", "must be from 1 to the test's ranks (" + std::to_string(t.ranks) + "): each node runs at least one");
    t.nodes = static_cast<int>(nodes);
  }

  t.markers = defaults.markers;
  if (map.has("markers"))
    for (const auto& m : map.string_list("markers"))
      if (std::find(t.markers.begin(), t.markers.end(), m) == t.markers.end()) t.markers.push_back(m);
  t.timeout_s = map.has("timeout") ? map.positive_number("timeout", kMaxTimeoutSeconds)
                                   : defaults.timeout_s.value_or(default_timeout_s);
  if (map.has("expected_duration")) t.expected_duration_s = map.positive_number("expected_duration");
  else t.expected_duration_s = defaults.expected_duration_s.value_or(0);
  t.env = defaults.env;
  if (map.has("env"))
    for (const auto& [k, v] : map.string_map("env")) t.env[k] = v;
  t.backend = defaults.backend.backend;
  t.backend_name = defaults.backend.backend_name;
  t.backend_config = defaults.backend.backend_config;
  if (map.has("backend")) resolve_backend(map, backends, t);
  t.params_json = workload->parse_parameters(map, backends);
  return t;
}

}  // namespace

std::vector<TestSpec> load_suites(const std::vector<std::string>& paths, double default_timeout_s,
                                  const TestKinds& kinds) {
  std::vector<TestSpec> tests;
  for (const auto& file : expand_suite_paths(paths)) try {
    const YamlMap suite(load_yaml_file(file), file, "suite");
    suite.allow_only({"suite", "defaults", "backends", "tests"});
    const std::string suite_name = suite.has("suite") ? suite.string("suite") : fs::path(file).stem().string();
    const auto backends = read_backends(suite);
    const SuiteDefaults defaults = read_defaults(suite, backends);
    if (!suite.has("tests")) throw UserError(file, suite.line(), "suite has no 'tests' list");
    const YamlNode list = suite.get("tests");
    if (!list.is_sequence()) suite.fail("tests", "must be a list of tests");
    std::map<std::string, int> seen;
    tests.reserve(tests.size() + list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
      TestSpec t = read_test(list.item(i), file, suite_name, defaults, backends, default_timeout_s, kinds);
      if (auto it = seen.find(t.name); it != seen.end())
        throw UserError(file, t.line, "duplicate test name '" + t.name + "' (first defined on line " + std::to_string(it->second) + ")");
      seen[t.name] = t.line;
      tests.push_back(std::move(t));
    }
  } catch (const YamlShapeError& e) {
    throw yaml_construct_error(file, e);
  }
  // Workspace directories are named after the test; a name used by several suites gets a
  // suffix "+N", which no test name can contain, so it never collides with another test's.
  std::map<std::string, int> uses;
  for (auto& t : tests) {
    const int n = uses[t.name]++;
    t.workspace_name = n == 0 ? t.name : t.name + "+" + std::to_string(n + 1);
  }
  return tests;
}

}  // namespace tellus_harness
