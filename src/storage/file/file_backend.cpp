// The POSIX `file` backend: a directory on a local or parallel filesystem (Lustre, GPFS).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "storage/file/file_backend.hpp"
#include "storage/file_descriptor.hpp"
#include "tellus_harness/storage/backend_type.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

namespace {

// Copies from `offset` to the end; copy_file_range first (server-side on NFS and Lustre),
// large read/write otherwise.
void copy_from(const std::string& from, const std::string& to, std::uint64_t offset) {
  FileDescriptor in(from, O_RDONLY, "file backend", "read");
  FileDescriptor out(to, O_WRONLY | O_CREAT | (offset == 0 ? O_TRUNC : 0), "file backend", "write");
  if (offset > 0 && ftruncate(out.get(), static_cast<off_t>(offset)) != 0)
    throw StorageError("file backend: cannot resume " + to + ": " + std::strerror(errno));
  off_t in_off = static_cast<off_t>(offset), out_off = static_cast<off_t>(offset);
  bool use_copy_range = true;
  std::vector<char> buffer;
  for (;;) {
    if (use_copy_range) {
      const ssize_t n = copy_file_range(in.get(), &in_off, out.get(), &out_off, 64 << 20, 0);
      if (n > 0) continue;
      if (n == 0) break;
      if (errno == EINTR) continue;
      if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
        throw StorageError("file backend: cannot copy " + from + " to " + to + ": " + std::strerror(errno));
      use_copy_range = false;
      buffer.resize(8 << 20);
    }
    const ssize_t n = pread(in.get(), buffer.data(), buffer.size(), in_off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw StorageError("file backend: cannot read " + from + ": " + std::strerror(errno));
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = pwrite(out.get(), buffer.data() + done, static_cast<std::size_t>(n - done), out_off);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) throw StorageError("file backend: cannot write " + to + ": " + std::strerror(errno));
      done += w;
      out_off += w;
    }
    in_off += n;
  }
  out.close(to);
}

class FileBackend final : public StorageBackend {
 public:
  explicit FileBackend(std::string root) : root_(std::move(root)) {}
  std::string type() const override { return "file"; }

  void mkdir(const std::string& path) override {
    std::error_code ec;
    fs::create_directories(full(path), ec);
    if (ec) throw StorageError("file backend: cannot create " + full(path) + ": " + ec.message());
  }
  void put(const std::string& local_file, const std::string& path, std::uint64_t offset) override {
    copy_from(local_file, full(path), offset);
  }
  void get(const std::string& path, const std::string& local_file, std::uint64_t offset) override {
    copy_from(full(path), local_file, offset);
  }
  std::vector<StoredObject> list(const std::string& dir) override {
    std::vector<StoredObject> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(full(dir), ec))
      out.push_back({e.path().filename().string(), e.is_regular_file() ? e.file_size() : 0, e.is_directory()});
    if (ec) throw StorageError("file backend: cannot list " + full(dir) + ": " + ec.message());
    return out;
  }
  std::optional<StoredObject> stat(const std::string& path) override {
    struct stat st {};
    if (::stat(full(path).c_str(), &st) != 0) {
      if (errno == ENOENT) return std::nullopt;
      throw StorageError("file backend: cannot stat " + full(path) + ": " + std::strerror(errno));
    }
    return StoredObject{fs::path(path).filename().string(), static_cast<std::uint64_t>(st.st_size), S_ISDIR(st.st_mode)};
  }
  void remove(const std::string& path) override {
    std::error_code ec;
    fs::remove_all(full(path), ec);
    if (ec) throw StorageError("file backend: cannot remove " + full(path) + ": " + ec.message());
  }

 private:
  std::string full(const std::string& path) const { return path.empty() ? root_ : root_ + "/" + path; }
  std::string root_;
};

}  // namespace

std::unique_ptr<StorageBackend> make_file_backend(const std::string& root) { return std::make_unique<FileBackend>(root); }

BackendType file_backend_type() {
  BackendType t;
  t.name = "file";
  t.open = [](const std::string& root, const std::string&) { return make_file_backend(root); };
  return t;
}

}  // namespace tellus_harness
