#include "tellus_harness/config/backend_config.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "tellus_harness/config/profile.hpp"
#include "tellus_harness/config/yaml_map.hpp"
#include "tellus_harness/storage/backend_type.hpp"

namespace tellus_harness {

std::map<std::string, BackendConfig> read_backends(const YamlMap& suite) {
  std::map<std::string, BackendConfig> out;
  if (!suite.has("backends")) return out;
  const YamlMap all = suite.map("backends", "backends");
  for (const auto& entry : all.node()) {
    const std::string name = entry.first.as<std::string>();
    const YamlMap b(entry.second, suite.file(), "backend '" + name + "'");
    const std::string type = b.string("type");
    const BackendType* known = find_backend_type(type);
    if (!known) b.fail("type", "'" + type + "' is not a backend type (" + backend_type_list() + ")");
    std::vector<std::string> allowed{"type", "root"};
    for (const auto& k : known->keys) allowed.push_back(k.name);
    b.allow_only(allowed);
    nlohmann::json config = nlohmann::json::object();
    for (const auto& kv : b.node()) {
      const std::string key = kv.first.as<std::string>();
      if (!kv.second.IsScalar()) b.fail(key, "must be a single value");
      const auto spec = std::find_if(known->keys.begin(), known->keys.end(), [&](const BackendKey& k) { return k.name == key; });
      const auto kind = spec == known->keys.end() ? BackendKey::Kind::kText : spec->kind;
      if (kind == BackendKey::Kind::kNumber) config[key] = b.positive_number(key, spec->maximum);
      else if (kind == BackendKey::Kind::kBoolean) config[key] = b.boolean(key) ? "true" : "false";
      else config[key] = kv.second.Scalar();
    }
    if (known->check)
      if (const auto problem = known->check(config.dump())) {
        if (problem->key.empty()) throw UserError(suite.file(), b.line(), "backend '" + name + "': " + problem->message);
        b.fail(problem->key, problem->message);
      }
    out[name] = {name, type, config.dump()};
  }
  return out;
}

}  // namespace tellus_harness
