#include "tellus_harness/exec/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace tellus_harness {

namespace {

[[noreturn]] void throw_errno(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

void make_pipe(int fds[2]) {
  if (pipe2(fds, O_CLOEXEC) != 0) throw_errno("pipe2");
}

// Runs in the forked child: only async-signal-safe calls until exec.
[[noreturn]] void exec_child(char* const* argv, char* const* envp, const char* cwd, int out, int err, int report,
                             pid_t parent) {
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // the rank died before prctl took effect
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2}) signal(sig, SIG_DFL);
  const int devnull = open("/dev/null", O_RDONLY);
  if (devnull >= 0) dup2(devnull, 0);
  dup2(out, 1);
  dup2(err, 2);
  int failure = 0;
  int stage = 0;  // 0: entering the workspace failed, 1: exec failed
  if (chdir(cwd) != 0) {
    failure = errno;
  } else {
    execvpe(argv[0], argv, envp);
    failure = errno;
    stage = 1;
  }
  const int code[2] = {failure, stage};
  ssize_t ignored = write(report, code, sizeof code);
  (void)ignored;
  _exit(127);
}

}  // namespace

ChildProcess::ChildProcess(const ChildLaunch& launch) {
  std::vector<char*> argv;
  for (const auto& a : launch.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : launch.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  int out[2], err[2], report[2];
  make_pipe(out);
  make_pipe(err);
  make_pipe(report);
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) {
    for (int fd : {out[0], out[1], err[0], err[1], report[0], report[1]}) close(fd);
    throw_errno("fork");
  }
  if (pid_ == 0) exec_child(argv.data(), envp.data(), launch.cwd.c_str(), out[1], err[1], report[1], parent);

  setpgid(pid_, pid_);  // also here, so signal_group works before the child ran setpgid
  close(out[1]);
  close(err[1]);
  close(report[1]);
  stdout_fd_ = out[0];
  stderr_fd_ = err[0];
  for (int fd : {stdout_fd_, stderr_fd_}) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

  int code[2] = {0, 0};
  ssize_t n;
  do n = read(report[0], code, sizeof code);
  while (n < 0 && errno == EINTR);
  close(report[0]);
  if (n == static_cast<ssize_t>(sizeof code) && code[0] != 0) {
    exec_error_ = std::string("cannot ") + (code[1] ? "execute '" + launch.argv[0] + "'" : "enter '" + launch.cwd + "'") +
                  ": " + std::strerror(code[0]);
  }
  pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd_ < 0) throw_errno("pidfd_open");
}

ChildProcess::~ChildProcess() {
  if (!reaped_ && pid_ > 0) {
    signal_group(SIGKILL);
    int status;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  for (int fd : {pidfd_, stdout_fd_, stderr_fd_})
    if (fd >= 0) close(fd);
}

void ChildProcess::close_stdout() {
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdout_fd_ = -1;
}

void ChildProcess::close_stderr() {
  if (stderr_fd_ >= 0) close(stderr_fd_);
  stderr_fd_ = -1;
}

void ChildProcess::signal_group(int sig) const {
  if (pid_ > 0) kill(-pid_, sig);
}

std::optional<int> ChildProcess::try_reap() {
  if (reaped_) return std::nullopt;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r != pid_) return std::nullopt;
  reaped_ = true;
  return status;
}

}  // namespace tellus_harness
