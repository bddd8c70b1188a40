#include "tellus_harness/storage/server_address.hpp"

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tellus_harness/storage/backend_type.hpp"

namespace tellus_harness {

std::optional<ServerAddress> url_address(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return std::nullopt;
  const std::string authority = url.substr(scheme_end + 3, url.find('/', scheme_end + 3) - scheme_end - 3);
  const auto colon = authority.rfind(':');
  if (colon == std::string::npos) return ServerAddress{authority, url.rfind("https", 0) == 0 ? 443 : 80};
  char* end = nullptr;
  const long port = std::strtol(authority.c_str() + colon + 1, &end, 10);
  if (colon == 0 || *end != '\0' || port <= 0 || port > 65535) return std::nullopt;
  return ServerAddress{authority.substr(0, colon), static_cast<int>(port)};
}

std::optional<ServerAddress> server_address(const std::string& type, const std::string& config_json) {
  const BackendType* t = find_backend_type(type);
  if (!t || !t->address) return std::nullopt;
  return t->address(config_json);
}

std::string route_through(const std::string& config_json, const ServerAddress& via) {
  auto c = nlohmann::json::parse(config_json);
  c["connect_host"] = via.host;
  c["connect_port"] = via.port;
  return c.dump();
}

}  // namespace tellus_harness
