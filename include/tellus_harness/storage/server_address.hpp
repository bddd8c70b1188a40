#pragma once
// Where a remote backend's server is (ssh: host and port; s3: the endpoint's), so that the
// fault proxy can stand in between: route_through() makes the backend connect to the proxy
// while still addressing, signing for and checking the host key of the real server.
#include <optional>
#include <string>

namespace tellus_harness {

struct ServerAddress {
  std::string host;
  int port = 0;
};

// nullopt for local backends (file, tape), and for an endpoint that is not SCHEME://HOST[:PORT].
std::optional<ServerAddress> server_address(const std::string& config_json);
// `config_json` with connect_host/connect_port set to `via`.
std::string route_through(const std::string& config_json, const ServerAddress& via);

}  // namespace tellus_harness
