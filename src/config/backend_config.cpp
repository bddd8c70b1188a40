#include "tellus_harness/config/backend_config.hpp"

#include <nlohmann/json.hpp>
#include <optional>

#include "tellus_harness/config/profile.hpp"
#include "tellus_harness/config/yaml_map.hpp"
#include "tellus_harness/storage/server_address.hpp"

namespace tellus_harness {

namespace {

// The largest sensible value of each numeric key (nullopt: not a number): beyond it a value
// is a typo that would start a billion threads or wait for a century.
std::optional<double> numeric_key_maximum(const std::string& key) {
  if (key.ends_with("_s")) return 1e6;
  if (key == "port") return 65535;
  if (key == "drives") return 1024;
  if (key == "part_size_mb") return 5120;  // S3's largest part
  if (key == "parallel_parts") return 64;
  if (key == "list_page_size") return 1000;  // S3's largest page
  return std::nullopt;
}

// The keys each backend type takes.
const std::map<std::string, std::vector<std::string>>& keys_by_type() {
  static const std::map<std::string, std::vector<std::string>> keys{
      {"file", {"type", "root"}},
      {"s3", {"type", "endpoint", "region", "bucket", "root", "addressing", "access_key_env", "secret_key_env",
              "credentials_file", "profile", "ca_file", "part_size_mb", "parallel_parts", "list_page_size", "io_timeout_s"}},
      {"ssh", {"type", "host", "port", "user", "root", "identity_file", "known_hosts", "host_key_check", "use_agent",
               "io_timeout_s"}},
      {"tape", {"type", "root", "driver", "mount_latency_s", "seek_time_s", "bandwidth_mb_s", "drives", "migrate_after_s",
                "stage_command", "status_command", "put_command", "get_command"}},
  };
  return keys;
}

}  // namespace

std::map<std::string, BackendConfig> read_backends(const YamlMap& suite) {
  std::map<std::string, BackendConfig> out;
  if (!suite.has("backends")) return out;
  const YamlMap all = suite.map("backends", "backends");
  for (const auto& entry : all.node()) {
    const std::string name = entry.first.as<std::string>();
    const YamlMap b(entry.second, suite.file(), "backend '" + name + "'");
    const std::string type = b.string("type");
    const auto& known = keys_by_type();
    const auto it = known.find(type);
    if (it == known.end()) b.fail("type", "'" + type + "' is not a backend type (file, s3, ssh, tape)");
    b.allow_only(it->second);
    nlohmann::json config = nlohmann::json::object();
    for (const auto& kv : b.node()) {
      const std::string key = kv.first.as<std::string>();
      if (!kv.second.IsScalar()) b.fail(key, "must be a single value");
      const std::string text = kv.second.Scalar();
      if (const auto range = numeric_key_maximum(key)) config[key] = b.positive_number(key, *range);
      else if (key == "host_key_check" || key == "use_agent") config[key] = b.boolean(key) ? "true" : "false";
      else config[key] = text;
    }
    if (type == "ssh" && !config.contains("host")) b.fail("host", "is required for an ssh backend");
    if (type == "s3") {
      for (const char* k : {"endpoint", "bucket"})
        if (!config.contains(k)) throw UserError(suite.file(), b.line(), "backend '" + name + "': " + k + " is required for an s3 backend");
      const std::string endpoint = config["endpoint"];
      if ((endpoint.rfind("http://", 0) != 0 && endpoint.rfind("https://", 0) != 0) || !server_address(config.dump()))
        b.fail("endpoint", "must start with http:// or https:// and name a host, e.g. https://s3.example.org:443");
      if (config.value("addressing", std::string("path")) != "path" && config.value("addressing", std::string("path")) != "virtual")
        b.fail("addressing", "must be path or virtual");
      if (config.value("part_size_mb", 16.0) < 5) b.fail("part_size_mb", "must be at least 5 (S3's smallest part)");
    }
    if (type == "tape") {
      const std::string driver = config.value("driver", "emulator");
      if (driver != "emulator" && driver != "hsm_command") b.fail("driver", "must be emulator or hsm_command");
      if (driver == "hsm_command")
        for (const char* k : {"stage_command", "status_command", "put_command", "get_command"})
          if (!config.contains(k)) throw UserError(suite.file(), b.line(), "backend '" + name + "': driver hsm_command needs " + k);
    }
    out[name] = {name, type, config.dump()};
  }
  return out;
}

}  // namespace tellus_harness
