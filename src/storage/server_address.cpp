#include "tellus_harness/storage/server_address.hpp"

#include <cstdlib>
#include <nlohmann/json.hpp>

namespace tellus_harness {

std::optional<ServerAddress> server_address(const std::string& config_json) {
  const auto c = nlohmann::json::parse(config_json);
  if (c.contains("host")) return ServerAddress{c["host"].get<std::string>(), static_cast<int>(c.value("port", 22.0))};
  if (c.contains("endpoint")) {
    const std::string endpoint = c["endpoint"];
    const auto scheme_end = endpoint.find("://");
    if (scheme_end == std::string::npos) return std::nullopt;
    const std::string authority = endpoint.substr(scheme_end + 3, endpoint.find('/', scheme_end + 3) - scheme_end - 3);
    const auto colon = authority.rfind(':');
    if (colon == std::string::npos) return ServerAddress{authority, endpoint.rfind("https", 0) == 0 ? 443 : 80};
    char* end = nullptr;
    const long port = std::strtol(authority.c_str() + colon + 1, &end, 10);
    if (colon == 0 || *end != '\0' || port <= 0 || port > 65535) return std::nullopt;
    return ServerAddress{authority.substr(0, colon), static_cast<int>(port)};
  }
  return std::nullopt;
}

std::string route_through(const std::string& config_json, const ServerAddress& via) {
  auto c = nlohmann::json::parse(config_json);
  c["connect_host"] = via.host;
  c["connect_port"] = via.port;
  return c.dump();
}

}  // namespace tellus_harness
