#pragma once
// A storage location tellus archives to. Workloads talk to this interface only; each backend
// type (file here; ssh, s3, tape beside it) is one file plus one line in the registry.
// Paths are relative to the backend's root and use '/'.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tellus_harness {

struct StoredObject {
  std::string name;  // last path component
  std::uint64_t size = 0;
  bool directory = false;
};

class StorageError : public std::runtime_error {
 public:
  // `transient`: the link failed (refused, reset, timed out, the server went away), not the
  // request, so the same request on a new connection may succeed. Everything else (host keys,
  // credentials, missing files, permissions, a full disk) would fail the same way again.
  explicit StorageError(const std::string& what, bool transient = false)
      : std::runtime_error(what), transient_(transient) {}
  bool transient() const { return transient_; }

 private:
  bool transient_;
};

class StorageBackend {
 public:
  virtual ~StorageBackend() = default;
  virtual std::string type() const = 0;
  // Creates a directory and its parents.
  virtual void mkdir(const std::string& path) = 0;
  // Streams a local file to `path`, starting at byte `offset` of both (resuming a partial put).
  virtual void put(const std::string& local_file, const std::string& path, std::uint64_t offset = 0) = 0;
  // Streams `path` to a local file, starting at byte `offset` of both (resuming a partial get).
  virtual void get(const std::string& path, const std::string& local_file, std::uint64_t offset = 0) = 0;
  virtual std::vector<StoredObject> list(const std::string& dir) = 0;
  virtual std::optional<StoredObject> stat(const std::string& path) = 0;
  virtual void remove(const std::string& path) = 0;
  // Hierarchical storage: whether `path` can be read now, and recalling it from tape. Disk
  // and object stores are always online.
  virtual bool is_online(const std::string&) { return true; }
  virtual void stage(const std::vector<std::string>&) {}
  // Reconnections after broken connections (RetryingBackend), for the test's metrics.
  virtual int retries() const { return 0; }
};

// The backend of `type` rooted at `root` (for file and tape: a directory), configured by
// `config_json` (a suite's backends: entry; "{}" for a bare type). Throws StorageError.
std::unique_ptr<StorageBackend> make_storage_backend(const std::string& type, const std::string& root,
                                                     const std::string& config_json = "{}");

}  // namespace tellus_harness
