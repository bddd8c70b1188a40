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
  for (std::size_t i = 0; i < all.node().size(); ++i) {
    const std::string name = all.node().key(i).scalar();
    const YamlMap b(all.node().value(i), suite.file(), "backend '" + name + "'");
    const std::string type = b.string("type");
    const BackendType* known = find_backend_type(type);
    if (!known) b.fail("type", "'" + type + "' is not a backend type (" + backend_type_list() + ")");
    std::vector<std::string> allowed{"type", "root"};
    for (const auto& k : known->keys) allowed.push_back(k.name);
    b.allow_only(allowed);
    nlohmann::json config = nlohmann::json::object();
    for (std::size_t k = 0; k < b.node().size(); ++k) {
      const std::string key = b.node().key(k).scalar();
      const YamlNode value = b.node().value(k);
      if (!value.is_scalar()) b.fail(key, "must be a single value");
      const auto spec = std::find_if(known->keys.begin(), known->keys.end(), [&](const BackendKey& k) { return k.name == key; });
      const auto kind = spec == known->keys.end() ? BackendKey::Kind::kText : spec->kind;
      if (kind == BackendKey::Kind::kNumber) config[key] = b.positive_number(key, spec->maximum);
      else if (kind == BackendKey::Kind::kBoolean) config[key] = b.boolean(key) ? "true" : "false";
      else config[key] = value.scalar();
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
