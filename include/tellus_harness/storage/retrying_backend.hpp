#pragma once
// Retries a remote backend's operations across broken connections: exponential backoff with
// jitter, a fresh connection each time, and transfers resumed where they broke off (a put
// from the stored size, a get from the local size) instead of started over. Gives up at the
// test's deadline (its timeout × multiplier), saying how many retries it made.
#include <functional>
#include <memory>

#include "tellus_harness/storage/storage_backend.hpp"

namespace tellus_harness {

// The wait before the next try after `failures` failed ones: exponential from 0.1 s, capped
// at 5 s, with ±50 % jitter so that clients that failed together do not retry together.
double retry_backoff_s(int failures);
// The running test's deadline (TELLUS_TEST_DEADLINE, Unix seconds), 0 outside a test.
double test_deadline_unix();

class RetryingBackend final : public StorageBackend {
 public:
  using Connect = std::function<std::unique_ptr<StorageBackend>()>;
  // `type`: what `connect` makes; `deadline_unix`: 0 for none. Connects on first use, so a
  // server that is down at the start is retried like one that goes down later.
  RetryingBackend(std::string type, Connect connect, double deadline_unix);

  std::string type() const override;
  void mkdir(const std::string& path) override;
  void put(const std::string& local_file, const std::string& path, std::uint64_t offset = 0) override;
  void get(const std::string& path, const std::string& local_file, std::uint64_t offset = 0) override;
  std::vector<StoredObject> list(const std::string& dir) override;
  std::optional<StoredObject> stat(const std::string& path) override;
  void remove(const std::string& path) override;
  bool is_online(const std::string& path) override;
  void stage(const std::vector<std::string>& paths) override;
  // Its own reconnections plus the retries inside the backends it used (e.g. S3's per part).
  int retries() const override { return retries_ + inner_retries_ + (backend_ ? backend_->retries() : 0); }

 private:
  StorageBackend& backend();
  // Runs `op` until it succeeds; `resume` runs before each retry, on the new connection, and
  // says whether the transfer got further than before: then the backoff starts over.
  void attempt(const std::function<void(StorageBackend&)>& op, const std::function<bool(StorageBackend&)>& resume = {});
  Connect connect_;
  double deadline_;
  std::unique_ptr<StorageBackend> backend_;
  std::string type_;
  int retries_ = 0;
  int inner_retries_ = 0;
};

}  // namespace tellus_harness
