#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "tellus_harness/netsim/fault_proxy.hpp"

using namespace tellus_harness;

namespace {
// A loopback server that echoes whatever it receives, for as long as the test runs.
class EchoServer {
 public:
  EchoServer() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(fd_, 8);
    thread_ = std::thread([this] {
      while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) continue;
        const int c = accept(fd_, nullptr, nullptr);
        std::thread([c] {
          char buf[65536];
          for (ssize_t n; (n = read(c, buf, sizeof buf)) > 0;)
            if (write(c, buf, static_cast<std::size_t>(n)) != n) break;
          close(c);
        }).detach();
      }
    });
  }
  ~EchoServer() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_ = -1, port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

int connect_to(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  return fd;
}

// Sends `bytes` and reads the echo back; returns how many came back before the connection ended.
std::size_t echo(int fd, std::size_t bytes) {
  std::string chunk(16384, 'x');
  char buf[16384];
  std::size_t sent = 0, received = 0;
  while (received < bytes) {
    if (sent < bytes && write(fd, chunk.data(), chunk.size()) <= 0) break;
    sent += chunk.size();
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    received += static_cast<std::size_t>(n);
  }
  close(fd);
  return received;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

TEST_CASE("fault proxy: passes data through, and resets connections after about N MB") {
  EchoServer server;
  FaultProxy clean("127.0.0.1", server.port(), {});
  CHECK(echo(connect_to(clean.port()), 1 << 20) >= (1u << 20));
  FaultProfile faults;
  faults.reset_every_mb = 0.5;
  FaultProxy flaky("127.0.0.1", server.port(), faults);
  const std::size_t got = echo(connect_to(flaky.port()), 4 << 20);
  CHECK(got < (4u << 20));
  CHECK(flaky.stats().resets == 1);
}

TEST_CASE("fault proxy: refuses connections during an outage window, then serves again") {
  EchoServer server;
  FaultProfile faults;
  faults.outages = {{0.0, 0.5}};
  FaultProxy proxy("127.0.0.1", server.port(), faults);
  CHECK(echo(connect_to(proxy.port()), 65536) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  CHECK(echo(connect_to(proxy.port()), 65536) >= 65536u);
  CHECK(proxy.stats().refused == 1);
  CHECK(proxy.stats().connections == 1);
}

TEST_CASE("fault proxy: caps bandwidth and adds latency") {
  EchoServer server;
  FaultProfile faults;
  faults.bandwidth_mb_s = 4;  // 1 MB each way: about 0.5 s
  FaultProxy proxy("127.0.0.1", server.port(), faults);
  const auto t0 = std::chrono::steady_clock::now();
  echo(connect_to(proxy.port()), 1'000'000);
  CHECK(seconds_since(t0) >= 0.4);
  FaultProfile slow;
  slow.latency_ms = 50;
  FaultProxy delayed("127.0.0.1", server.port(), slow);
  const auto t1 = std::chrono::steady_clock::now();
  echo(connect_to(delayed.port()), 16384);  // one chunk there and back
  CHECK(seconds_since(t1) >= 0.1);
}
