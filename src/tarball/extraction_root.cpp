#include "extraction_root.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "tellus_harness/common/open_beneath.hpp"

namespace tellus_harness {

namespace {

// Beneath `dir_fd`, and no magic links (/proc/self/fd/...) on the way.
int openat2_beneath(int dir_fd, const char* path, int flags, mode_t mode = 0) {
  return open_beneath(dir_fd, path, flags, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, mode);
}

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  const int err = errno;
  if (err == EXDEV || err == ELOOP)
    throw ConfinementError(path + " would lead outside the extraction directory");
  throw std::runtime_error("cannot " + what + " " + path + ": " + std::strerror(err));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset(int fd) {
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
  }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

}  // namespace

ExtractionRoot::ExtractionRoot(const std::string& target) : target_(target) {
  std::filesystem::create_directories(target);
  fd_ = open(target.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) fail("open", target);
}

ExtractionRoot::~ExtractionRoot() {
  if (fd_ >= 0) close(fd_);
}

int ExtractionRoot::open_parent(const std::string& relative, std::string& base, bool create) {
  Fd dir(dup(fd_));
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = relative.find('/', start);
    if (slash == std::string::npos) {
      base = relative.substr(start);
      return dir.release();
    }
    const std::string part = relative.substr(start, slash - start);
    if (create && mkdirat(dir.get(), part.c_str(), 0755) != 0 && errno != EEXIST) fail("create", relative);
    // Beneath the directory above: a symlink met here may lead no higher than it.
    Fd next(openat2_beneath(dir.get(), part.c_str(), O_PATH | O_DIRECTORY));
    if (next.get() < 0) fail("open", relative);
    dir.reset(next.release());
    start = slash + 1;
  }
}

void ExtractionRoot::make_directory(const std::string& relative) {
  std::string base;
  Fd parent(open_parent(relative, base, true));
  if (mkdirat(parent.get(), base.c_str(), 0755) != 0 && errno != EEXIST) fail("create", relative);
  Fd check(openat2_beneath(parent.get(), base.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW));
  if (check.get() < 0) fail("create directory", relative);  // a file or symlink stands there
}

int ExtractionRoot::create_file(const std::string& relative) {
  std::string base;
  Fd parent(open_parent(relative, base, true));
  const int fd = openat2_beneath(parent.get(), base.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
  if (fd < 0) fail("write", relative);
  return fd;
}

void ExtractionRoot::make_symlink(const std::string& relative, const std::string& link_text) {
  std::string base;
  Fd parent(open_parent(relative, base, true));
  if (symlinkat(link_text.c_str(), parent.get(), base.c_str()) != 0) fail("create symlink", relative);
}

void ExtractionRoot::make_hard_link(const std::string& relative, const std::string& existing_relative) {
  std::string source_base, base;
  Fd source_parent(open_parent(existing_relative, source_base, false));
  Fd parent(open_parent(relative, base, true));
  // flags 0: a symlink as the source is linked itself, never followed.
  if (linkat(source_parent.get(), source_base.c_str(), parent.get(), base.c_str(), 0) != 0)
    fail("create hard link", relative);
}

}  // namespace tellus_harness
