#include "tellus_harness/exec/orphan_guard.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

namespace tellus_harness {

OrphanGuard::OrphanGuard(const std::string& contain_exe) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return;  // without a guard, PDEATHSIG still covers direct children
  guard_pid_ = fork();
  if (guard_pid_ == 0) {
    dup2(fds[0], 0);
    const int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 1);
    close_range(3, ~0U, 0);  // hold nothing of the rank's (MPI sockets included)
    setpgid(0, 0);           // not in the rank's group: a Ctrl-C must reach the rank first
    execl(contain_exe.c_str(), contain_exe.c_str(), "--orphan-guard", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[0]);
  if (guard_pid_ < 0) {
    close(fds[1]);
    return;
  }
  pipe_fd_ = fds[1];
}

OrphanGuard::~OrphanGuard() {
  if (pipe_fd_ >= 0) close(pipe_fd_);
  if (guard_pid_ > 0) waitpid(guard_pid_, nullptr, 0);
}

void OrphanGuard::send(char sign, pid_t pgid) {
  if (pipe_fd_ < 0) return;
  char line[32];
  const int n = std::snprintf(line, sizeof line, "%c%d\n", sign, static_cast<int>(pgid));
  ssize_t ignored = write(pipe_fd_, line, static_cast<std::size_t>(n));  // < PIPE_BUF: atomic
  (void)ignored;
}

void OrphanGuard::watch(pid_t pgid) { send('+', pgid); }
void OrphanGuard::forget(pid_t pgid) { send('-', pgid); }

}  // namespace tellus_harness
