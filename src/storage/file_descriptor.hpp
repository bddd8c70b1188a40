#pragma once
// An open file descriptor that closes itself; opening failures and (for writes) a failed
// close are StorageErrors naming the file, prefixed by `who` ("file backend", "s3 backend").
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "tellus_harness/storage/storage_backend.hpp"

namespace tellus_harness {

class FileDescriptor {
 public:
  // `what`: "read" or "write", for the message.
  FileDescriptor(const std::string& path, int flags, const char* who, const char* what)
      : fd_(open(path.c_str(), flags | O_CLOEXEC, 0644)), who_(who) {
    if (fd_ < 0) throw StorageError(who_ + ": cannot " + what + " " + path + ": " + std::strerror(errno));
  }
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  // Closes now; a failure here is a write that did not reach the file.
  void close(const std::string& path) {
    if (::close(std::exchange(fd_, -1)) != 0)
      throw StorageError(who_ + ": cannot write " + path + ": " + std::strerror(errno));
  }

 private:
  int fd_;
  std::string who_;
};

}  // namespace tellus_harness
