#pragma once
// A real HTTP/1.1 server on 127.0.0.1 for webhook tests: accepts POSTs, records their bodies,
// and answers with the status it is told to (or never answers, to test timeouts).
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

class HttpReceiver {
 public:
  explicit HttpReceiver(int status = 200, bool answer = true);
  ~HttpReceiver();
  int port() const { return port_; }
  std::vector<std::string> bodies();
  std::vector<std::string> request_lines();

 private:
  void serve();
  int listen_fd_ = -1;
  int port_ = 0;
  int status_;
  bool answer_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<std::string> bodies_, lines_;
  std::thread thread_;
};
