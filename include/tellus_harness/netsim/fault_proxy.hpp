#pragma once
// A fault-injecting TCP proxy on 127.0.0.1 (the kernel here has no netem, so faults live in
// userspace): latency and jitter, a bandwidth cap, connection resets every ~N MB, stalls,
// and outage windows in which connections are refused. Remote backends connect through it
// when the profile's network_simulation is on or a test asks for `network:`.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace tellus_harness {

struct FaultProfile {
  double latency_ms = 0;
  double jitter_ms = 0;
  double bandwidth_mb_s = 0;   // per direction; 0: no cap
  double reset_every_mb = 0;   // reset a connection after about this much (± 25 %); 0: never
  double stall_every_mb = 0;   // stop forwarding for stall_s after about this much; 0: never
  double stall_s = 0;
  std::vector<std::pair<double, double>> outages;  // [from, to) seconds after start: connections refused
  std::uint64_t seed = 1;
};

struct ProxyStats {
  int connections = 0;
  int resets = 0;
  int stalls = 0;
  int refused = 0;
  std::uint64_t bytes = 0;
};

class FaultProxy {
 public:
  FaultProxy(std::string target_host, int target_port, FaultProfile profile);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;
  int port() const { return port_; }
  ProxyStats stats() const;

  struct Shared;

 private:
  int port_ = 0;
  std::shared_ptr<Shared> shared_;
  std::thread acceptor_;
};

}  // namespace tellus_harness
