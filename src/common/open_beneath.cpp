#include "tellus_harness/common/open_beneath.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace tellus_harness {

int open_beneath(int dir_fd, const char* path, int flags, std::uint64_t resolve, mode_t mode) {
  open_how how{};
  how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC);
  how.mode = (flags & O_CREAT) ? mode : 0;
  how.resolve = resolve;
  long fd;
  do fd = syscall(SYS_openat2, dir_fd, path, &how, sizeof how);
  while (fd < 0 && errno == EAGAIN);
  return static_cast<int>(fd);
}

}  // namespace tellus_harness
