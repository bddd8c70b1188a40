#include "tellus_harness/netsim/fault_proxy.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <mutex>
#include <random>
#include <stdexcept>

#include "tellus_harness/storage/storage_backend.hpp"

namespace tellus_harness {

using Clock = std::chrono::steady_clock;

struct FaultProxy::Shared {
  std::string host;
  int target_port = 0;
  FaultProfile profile;
  Clock::time_point started = Clock::now();
  std::atomic<bool> stop{false};
  std::mutex mutex;
  ProxyStats stats;
  std::vector<std::thread> pipes;
  std::mt19937_64 rng;
};

namespace {

int connect_to(const std::string& host, int port) {
  addrinfo hints{}, *found = nullptr;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  return fd;
}

// Closes with RST rather than FIN: what a broken middlebox or a dropped link looks like.
void reset(int fd) {
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}

double draw_threshold(FaultProxy::Shared& s, double every_mb) {
  if (every_mb <= 0) return -1;
  std::lock_guard lock(s.mutex);
  std::uniform_real_distribution<double> spread(0.75, 1.25);
  return every_mb * 1e6 * spread(s.rng);
}

// Both directions of one connection in one thread: poll, read a chunk, delay, cap, forward.
void pump(std::shared_ptr<FaultProxy::Shared> s, int client, int server) {
  // No Nagle: forwarded chunks must not wait for the peer's delayed ACKs.
  const int one = 1;
  for (int fd : {client, server}) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const FaultProfile& p = s->profile;
  double until_reset = draw_threshold(*s, p.reset_every_mb);
  double until_stall = draw_threshold(*s, p.stall_every_mb);
  std::uniform_real_distribution<double> jitter(-1, 1);
  std::mt19937_64 rng(p.seed ^ static_cast<std::uint64_t>(client));
  char buf[64 * 1024];
  pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
  bool was_reset = false;
  while (!s->stop) {
    if (poll(fds, 2, 100) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) goto done;
      const double delay_ms = p.latency_ms + p.jitter_ms * jitter(rng);
      double wait_s = delay_ms / 1000.0;
      if (p.bandwidth_mb_s > 0) wait_s += static_cast<double>(n) / (p.bandwidth_mb_s * 1e6);
      if (wait_s > 0) std::this_thread::sleep_for(std::chrono::duration<double>(wait_s));
      for (ssize_t w = 0; w < n;) {
        const ssize_t k = write(fds[1 - i].fd, buf + w, static_cast<std::size_t>(n - w));
        if (k <= 0) goto done;
        w += k;
      }
      {
        std::lock_guard lock(s->mutex);
        s->stats.bytes += static_cast<std::uint64_t>(n);
      }
      if (until_stall > 0 && (until_stall -= static_cast<double>(n)) <= 0) {
        {
          std::lock_guard lock(s->mutex);
          ++s->stats.stalls;
        }
        std::this_thread::sleep_for(std::chrono::duration<double>(p.stall_s));
        until_stall = draw_threshold(*s, p.stall_every_mb);
      }
      if (until_reset > 0 && (until_reset -= static_cast<double>(n)) <= 0) {
        was_reset = true;
        goto done;
      }
    }
  }
done:
  if (was_reset) {
    std::lock_guard lock(s->mutex);
    ++s->stats.resets;
  }
  reset(client);
  reset(server);
}

}  // namespace

FaultProxy::FaultProxy(std::string target_host, int target_port, FaultProfile profile)
    : shared_(std::make_shared<Shared>()) {
  shared_->host = std::move(target_host);
  shared_->target_port = target_port;
  shared_->profile = std::move(profile);
  shared_->rng.seed(shared_->profile.seed);
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listener < 0 || bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener, 16) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw StorageError(std::string("fault proxy: cannot listen on 127.0.0.1: ") + std::strerror(errno));
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([s = shared_, listener] {
    while (!s->stop) {
      pollfd pfd{listener, POLLIN, 0};
      if (poll(&pfd, 1, 100) <= 0) continue;
      const int client = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      const double now = std::chrono::duration<double>(Clock::now() - s->started).count();
      bool out = false;
      for (const auto& [from, to] : s->profile.outages) out = out || (now >= from && now < to);
      const int server = out ? -1 : connect_to(s->host, s->target_port);
      std::lock_guard lock(s->mutex);
      if (server < 0) {
        ++s->stats.refused;
        reset(client);
        continue;
      }
      ++s->stats.connections;
      s->pipes.emplace_back(pump, s, client, server);
    }
    close(listener);
  });
}

FaultProxy::~FaultProxy() {
  shared_->stop = true;
  acceptor_.join();
  std::vector<std::thread> pipes;
  {
    std::lock_guard lock(shared_->mutex);
    pipes.swap(shared_->pipes);
  }
  for (auto& t : pipes) t.join();
}

ProxyStats FaultProxy::stats() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->stats;
}

}  // namespace tellus_harness
