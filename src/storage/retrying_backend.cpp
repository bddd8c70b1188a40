#include "tellus_harness/storage/retrying_backend.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include "tellus_harness/common/environment_names.hpp"
#include "tellus_harness/common/wall_clock.hpp"

namespace tellus_harness {

double retry_backoff_s(int failures) {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  return std::min(5.0, 0.1 * (1 << std::min(failures, 6))) * std::uniform_real_distribution<double>(0.5, 1.5)(rng);
}

double test_deadline_unix() {
  const char* deadline = std::getenv(env::kTestDeadline);
  return deadline ? std::atof(deadline) : 0;
}

RetryingBackend::RetryingBackend(std::string type, Connect connect, double deadline_unix)
    : connect_(std::move(connect)), deadline_(deadline_unix), type_(std::move(type)) {}

std::string RetryingBackend::type() const { return type_; }

StorageBackend& RetryingBackend::backend() {
  if (!backend_) backend_ = connect_();
  return *backend_;
}

void RetryingBackend::attempt(const std::function<void(StorageBackend&)>& op,
                              const std::function<bool(StorageBackend&)>& resume) {
  for (int failures = 0;; ++failures) {
    try {
      if (failures > 0 && resume && resume(backend())) failures = 1;  // progress: back to the shortest wait
      op(backend());
      return;
    } catch (const StorageError& e) {
      if (!e.transient()) throw;  // a refused key or a full disk does not get better by waiting
      if (backend_) inner_retries_ += backend_->retries();
      backend_.reset();  // the connection is not to be trusted any more
      const double backoff = retry_backoff_s(failures);
      if (deadline_ > 0 && now_unix() + backoff >= deadline_)
        throw StorageError(std::string(e.what()) + " (gave up at the test's deadline after " + std::to_string(retries_) + " retries)");
      std::this_thread::sleep_for(std::chrono::duration<double>(backoff));
      ++retries_;
    }
  }
}

void RetryingBackend::mkdir(const std::string& path) {
  attempt([&](StorageBackend& b) { b.mkdir(path); });
}

void RetryingBackend::put(const std::string& local_file, const std::string& path, std::uint64_t offset) {
  std::uint64_t from = offset;
  attempt([&](StorageBackend& b) { b.put(local_file, path, from); },
          [&](StorageBackend& b) {  // resume after what arrived
            const auto stored = b.stat(path);
            const std::uint64_t before = from;
            from = stored ? std::min<std::uint64_t>(stored->size, std::filesystem::file_size(local_file)) : 0;
            return from > before;
          });
}

void RetryingBackend::get(const std::string& path, const std::string& local_file, std::uint64_t offset) {
  std::uint64_t from = offset;
  attempt([&](StorageBackend& b) { b.get(path, local_file, from); },
          [&](StorageBackend&) {
            std::error_code ec;
            const auto have = std::filesystem::file_size(local_file, ec);
            const std::uint64_t before = from;
            from = ec ? 0 : have;
            return from > before;
          });
}

std::vector<StoredObject> RetryingBackend::list(const std::string& dir) {
  std::vector<StoredObject> out;
  attempt([&](StorageBackend& b) { out = b.list(dir); });
  return out;
}

std::optional<StoredObject> RetryingBackend::stat(const std::string& path) {
  std::optional<StoredObject> out;
  attempt([&](StorageBackend& b) { out = b.stat(path); });
  return out;
}

void RetryingBackend::remove(const std::string& path) {
  attempt([&](StorageBackend& b) { b.remove(path); });
}

bool RetryingBackend::is_online(const std::string& path) {
  bool online = false;
  attempt([&](StorageBackend& b) { online = b.is_online(path); });
  return online;
}

void RetryingBackend::stage(const std::vector<std::string>& paths) {
  attempt([&](StorageBackend& b) { b.stage(paths); });
}

}  // namespace tellus_harness
