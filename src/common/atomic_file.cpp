#include "tellus_harness/common/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace fs = std::filesystem;

namespace tellus_harness {

namespace {
constexpr std::size_t kBufferBytes = 1 << 20;
}  // namespace

AtomicFileWriter::AtomicFileWriter(std::string path) : path_(std::move(path)) {
  const fs::path target(path_);
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  // Unique per process, so concurrent writers on a shared filesystem never share a temp file.
  tmp_ = path_ + ".tmp." + std::to_string(getpid());
  fd_ = open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ < 0) return;
  close(fd_);
  unlink(tmp_.c_str());
}

void AtomicFileWriter::write(std::string_view piece) {
  if (buffer_.size() + piece.size() > kBufferBytes) flush();
  if (piece.size() > kBufferBytes) {
    buffer_ = piece;
    flush();
  } else {
    buffer_ += piece;
  }
}

void AtomicFileWriter::flush() {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail();
    done += static_cast<std::size_t>(n);
  }
  buffer_.clear();
}

void AtomicFileWriter::fail() {
  const std::string why = std::strerror(errno);
  close(fd_);
  fd_ = -1;
  unlink(tmp_.c_str());
  throw std::runtime_error("cannot write " + path_ + ": " + why);
}

void AtomicFileWriter::commit() {
  flush();
  fsync(fd_);
  close(fd_);
  fd_ = -1;
  if (rename(tmp_.c_str(), path_.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    unlink(tmp_.c_str());
    throw std::runtime_error("cannot write " + path_ + ": " + why);
  }
}

void write_file_atomically(const std::string& path, const std::string& content) {
  AtomicFileWriter out(path);
  out.write(content);
  out.commit();
}

}  // namespace tellus_harness
