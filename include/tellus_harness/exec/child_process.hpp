#pragma once
// A test's child process: its own process group (so a timeout kills everything it started),
// stdin from /dev/null, stdout and stderr on non-blocking pipes, and a pidfd to wait on.
// That it dies with its rank, even a SIGKILLed one, is the OrphanGuard's job.
#include <sys/types.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tellus_harness {

struct ChildLaunch {
  std::vector<std::string> argv;
  std::vector<std::string> env;  // "NAME=value", the whole environment
  std::string cwd;
};

// The program could not be started (not found, not executable, workspace unusable).
class SpawnFailure : public std::runtime_error {
 public:
  explicit SpawnFailure(const std::string& message);
};

class ChildProcess {
 public:
  // Throws SpawnFailure when the program cannot be started, std::system_error for
  // failures of the machine (no pipes or processes left).
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
};

}  // namespace tellus_harness
