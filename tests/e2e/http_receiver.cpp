#include "http_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

HttpReceiver::HttpReceiver(int status, bool answer) : status_(status), answer_(answer) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  listen(listen_fd_, 8);
  thread_ = std::thread([this] { serve(); });
}

HttpReceiver::~HttpReceiver() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
}

std::vector<std::string> HttpReceiver::bodies() {
  std::lock_guard lock(mutex_);
  return bodies_;
}

std::vector<std::string> HttpReceiver::request_lines() {
  std::lock_guard lock(mutex_);
  return lines_;
}

void HttpReceiver::serve() {
  std::vector<int> held;  // connections left unanswered, closed at the end
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::string data;
    char buf[4096];
    std::size_t need = std::string::npos;
    while (need == std::string::npos || data.size() < need) {
      pollfd c{fd, POLLIN, 0};
      if (poll(&c, 1, 2000) <= 0) break;
      const ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) break;
      data.append(buf, static_cast<std::size_t>(n));
      const auto end = data.find("\r\n\r\n");
      if (end != std::string::npos && need == std::string::npos) {
        std::size_t length = 0;
        const auto at = data.find("Content-Length:");
        if (at != std::string::npos && at < end) length = std::strtoul(data.c_str() + at + 15, nullptr, 10);
        need = end + 4 + length;
      }
    }
    const auto end = data.find("\r\n\r\n");
    {
      std::lock_guard lock(mutex_);
      lines_.push_back(data.substr(0, data.find("\r\n")));
      bodies_.push_back(end == std::string::npos ? "" : data.substr(end + 4));
    }
    if (!answer_) {
      held.push_back(fd);
      continue;
    }
    const std::string response = "HTTP/1.1 " + std::to_string(status_) + " X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    ssize_t ignored = write(fd, response.data(), response.size());
    (void)ignored;
    close(fd);
  }
  for (int fd : held) close(fd);
}
