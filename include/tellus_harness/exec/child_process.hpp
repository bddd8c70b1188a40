#pragma once
// A test's child process, started under its own tellus-contain subreaper (see
// contain_main.cpp): everything the test starts, whatever its session or process group,
// stays below that subreaper and is killed and counted when the test ends. stdin is
// /dev/null, stdout and stderr are non-blocking pipes, and a pidfd tells when it is over.
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
  std::string contain_exe;       // the tellus-contain program
  int channel_fd = -1;           // when set: given to the program as its fd 4 (a pytest worker's channel)
};

// The program could not be started (not found, not executable, workspace unusable).
class SpawnFailure : public std::runtime_error {
 public:
  explicit SpawnFailure(const std::string& message);
};

// How a contained test ended.
struct ChildExit {
  int status = 0;          // the test's main process's wait status
  int killed = 0;          // processes it left behind that had to be killed
  bool contained = true;   // false: its subreaper was killed, so nothing could be counted
  int exec_errno = 0;      // the program could not be executed (status is meaningless)
};

class ChildProcess {
 public:
  // Throws SpawnFailure when the program cannot be started, std::system_error for
  // failures of the machine (no pipes or processes left).
  explicit ChildProcess(const ChildLaunch& launch);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }  // the subreaper's: the root of the test's process tree
  int pidfd() const { return pidfd_; }
  int stdout_fd() const { return stdout_fd_; }
  int stderr_fd() const { return stderr_fd_; }
  void close_stdout();
  void close_stderr();

  // SIGTERM to every process of the test (a timeout's first stage).
  void terminate() const;
  // SIGKILL to every process of the test, then the subreaper reports and exits.
  void kill_all() const;
  // Last resort when the subreaper itself does not answer: SIGKILL to it and its group.
  void kill_subreaper() const;
  // How the test ended, once its subreaper exited, without blocking.
  std::optional<ChildExit> try_reap();

 private:
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  int verdict_fd_ = -1;
  bool reaped_ = false;
};

// Where tellus-contain is: beside tellus-harness (`harness_exe`), else the build's or the
// installed one; "" when there is none.
std::string find_contain_program(const std::string& harness_exe);

// Kills and reaps every child of this process not listed in `known`, with everything below
// it: orphans that re-parented to the rank (a subreaper too) when a test killed its own
// subreaper. Returns how many processes it killed.
int kill_stray_children(const std::vector<pid_t>& known);

// Makes this process a child subreaper, the backstop beneath every test's own subreaper.
void become_subreaper();

}  // namespace tellus_harness
