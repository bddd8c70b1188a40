#pragma once
// Where a remote backend's server is (ssh: host and port; s3: the endpoint's), so that the
// fault proxy can stand in between: route_through() makes the backend connect to the proxy
// while still addressing, signing for and checking the host key of the real server. Each
// remote type honours connect_host/connect_port.
#include <optional>
#include <string>

namespace tellus_harness {

struct ServerAddress {
  std::string host;
  int port = 0;
};

// The host and port of SCHEME://HOST[:PORT][/...] (80 or 443 by default); nullopt otherwise.
std::optional<ServerAddress> url_address(const std::string& url);
// The server a backend of `type` configured by `config_json` talks to; nullopt for local
// types and configurations that name none.
std::optional<ServerAddress> server_address(const std::string& type, const std::string& config_json);
// `config_json` with connect_host/connect_port set to `via`.
std::string route_through(const std::string& config_json, const ServerAddress& via);

}  // namespace tellus_harness
