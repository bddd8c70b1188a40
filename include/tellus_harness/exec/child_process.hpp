#pragma once
// A test's child process: its own process group (so a timeout kills everything it started),
// stdin from /dev/null, stdout and stderr on non-blocking pipes, a pidfd to wait on, and
// PR_SET_PDEATHSIG so it dies with its rank even when the rank is SIGKILLed.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace tellus_harness {

struct ChildLaunch {
  std::vector<std::string> argv;
  std::vector<std::string> env;  // "NAME=value", the whole environment
  std::string cwd;
};

class ChildProcess {
 public:
  // Forks and execs. Failing to exec (no such program, not executable) is not an exception:
  // exec_error() then says why, and the child has already exited with 127.
  explicit ChildProcess(const ChildLaunch& launch);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  int pidfd() const { return pidfd_; }
  int stdout_fd() const { return stdout_fd_; }
  int stderr_fd() const { return stderr_fd_; }
  void close_stdout();
  void close_stderr();
  const std::string& exec_error() const { return exec_error_; }

  // Sends `sig` to the whole process group (no-op once the group is gone).
  void signal_group(int sig) const;
  // The wait status once the child exited, without blocking.
  std::optional<int> try_reap();

 private:
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  bool reaped_ = false;
  std::string exec_error_;
};

}  // namespace tellus_harness
