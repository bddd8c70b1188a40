#include "tellus_harness/exec/child_process.hpp"

#include "tellus_harness/exec/process_memory.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <system_error>

namespace tellus_harness {

namespace {

[[noreturn]] void throw_errno(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

void close_pair(int fds[2]) {
  close(fds[0]);
  close(fds[1]);
}

// PATH lookup in the test's own environment (posix_spawnp would use the rank's). Found
// programs are remembered per PATH: suites run the same few programs thousands of times.
std::string resolve_program(const std::string& program, const std::vector<std::string>& env) {
  if (program.find('/') != std::string::npos) return program;
  std::string path = "/usr/local/bin:/usr/bin:/bin";
  for (const auto& e : env)
    if (e.rfind("PATH=", 0) == 0) path = e.substr(5);
  static std::map<std::pair<std::string, std::string>, std::string> found;
  const auto key = std::make_pair(path, program);
  if (auto it = found.find(key); it != found.end() && access(it->second.c_str(), X_OK) == 0) return it->second;
  for (std::size_t start = 0; start <= path.size();) {
    const std::size_t end = std::min(path.find(':', start), path.size());
    const std::string dir = end > start ? path.substr(start, end - start) : ".";
    const std::string candidate = dir + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return found[key] = candidate;
    start = end + 1;
  }
  return {};
}

// Owns the three posix_spawn objects for one launch.
struct SpawnSetup {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  SpawnSetup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
  }
};

}  // namespace

SpawnFailure::SpawnFailure(const std::string& message) : std::runtime_error(message) {}

ChildProcess::ChildProcess(const ChildLaunch& launch) {
  const std::string program = resolve_program(launch.argv.at(0), launch.env);
  if (program.empty()) throw SpawnFailure("cannot execute '" + launch.argv[0] + "': command not found in PATH");

  // tellus-contain PROGRAM ARGV0 ARGS...
  std::vector<char*> argv{const_cast<char*>(launch.contain_exe.c_str()), const_cast<char*>(program.c_str())};
  for (const auto& a : launch.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : launch.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  int out[2], err[2], verdict[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw_errno("pipe2");
  if (pipe2(err, O_CLOEXEC) != 0) {
    close_pair(out);
    throw_errno("pipe2");
  }
  if (pipe2(verdict, O_CLOEXEC) != 0) {
    close_pair(out);
    close_pair(err);
    throw_errno("pipe2");
  }

  // posix_spawn (vfork semantics) costs the same whatever the size of the rank, unlike fork,
  // whose page-table copy and copy-on-write faults grow with MPI's mappings.
  SpawnSetup s;
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2}) sigaddset(&defaults, sig);
  posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&s.attr, 0);  // out of the rank's group: a Ctrl-C reaches the rank first
  posix_spawnattr_setsigmask(&s.attr, &none);
  posix_spawnattr_setsigdefault(&s.attr, &defaults);
  posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&s.actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&s.actions, err[1], 2);
  posix_spawn_file_actions_adddup2(&s.actions, verdict[1], 3);
  if (launch.channel_fd >= 0) posix_spawn_file_actions_adddup2(&s.actions, launch.channel_fd, 4);
  posix_spawn_file_actions_addclosefrom_np(&s.actions, launch.channel_fd >= 0 ? 5 : 4);  // nothing of the rank's (MPI sockets)
  posix_spawn_file_actions_addchdir_np(&s.actions, launch.cwd.c_str());

  const int rc = posix_spawn(&pid_, launch.contain_exe.c_str(), &s.actions, &s.attr, argv.data(), envp.data());
  close(out[1]);
  close(err[1]);
  close(verdict[1]);
  if (rc != 0) {
    close(out[0]);
    close(err[0]);
    close(verdict[0]);
    pid_ = -1;
    if (access(launch.contain_exe.c_str(), X_OK) != 0)
      throw std::runtime_error("cannot start the test's subreaper '" + launch.contain_exe +
                               "' (tellus-contain, installed beside tellus-harness): " + std::strerror(rc));
    throw SpawnFailure("cannot execute '" + launch.argv[0] + "' in " + launch.cwd + ": " + std::strerror(rc));
  }
  stdout_fd_ = out[0];
  stderr_fd_ = err[0];
  verdict_fd_ = verdict[0];
  for (int fd : {stdout_fd_, stderr_fd_}) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd_ < 0) throw_errno("pidfd_open");
}

ChildProcess::~ChildProcess() {
  if (!reaped_ && pid_ > 0) {
    kill_all();
    // The subreaper kills and reaps the test's processes, then exits; if it does not within
    // a few seconds it is not answering, and goes itself.
    pollfd p{pidfd_, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) kill_subreaper();
    int status;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  for (int fd : {pidfd_, stdout_fd_, stderr_fd_, verdict_fd_})
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

void ChildProcess::terminate() const {
  if (pid_ > 0 && !reaped_) kill(pid_, SIGTERM);
}

void ChildProcess::kill_all() const {
  if (pid_ > 0 && !reaped_) kill(pid_, SIGUSR1);
}

void ChildProcess::kill_subreaper() const {
  if (pid_ > 0 && !reaped_) kill(-pid_, SIGKILL);
}

std::optional<ChildExit> ChildProcess::try_reap() {
  if (reaped_) return std::nullopt;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r != pid_) return std::nullopt;
  reaped_ = true;
  ChildExit exit;
  char line[128] = {};
  ssize_t n;
  while ((n = read(verdict_fd_, line, sizeof line - 1)) < 0 && errno == EINTR) {
  }
  int a = 0, b = 0;
  if (n > 0 && std::sscanf(line, "exit %d %d", &a, &b) == 2) {
    exit.status = a;
    exit.killed = b;
  } else if (n > 0 && std::sscanf(line, "exec %d", &a) == 1) {
    exit.exec_errno = a;
  } else {
    exit.status = status;  // the subreaper itself was killed: its own status is all there is
    exit.contained = false;
  }
  return exit;
}

namespace {
void kill_tree(pid_t root, int& count) {
  for (pid_t c : child_processes(root)) kill_tree(c, count);
  if (kill(root, SIGKILL) == 0) ++count;
}
}  // namespace

int kill_stray_children(const std::vector<pid_t>& known) {
  int count = 0;
  // Each pass kills the strays with their trees; what a dying stray still had re-parents here
  // and is found by the next pass.
  for (int pass = 0; pass < 100; ++pass) {
    bool any = false;
    for (pid_t c : child_processes(getpid())) {
      if (std::find(known.begin(), known.end(), c) != known.end()) continue;
      any = true;
      kill_tree(c, count);
      while (waitpid(c, nullptr, 0) < 0 && errno == EINTR) {
      }
    }
    if (!any) break;
  }
  return count;
}

void become_subreaper() { prctl(PR_SET_CHILD_SUBREAPER, 1); }

std::string find_contain_program(const std::string& harness_exe) {
  const std::string beside = harness_exe.substr(0, harness_exe.rfind('/') + 1) + "tellus-contain";
  for (const std::string& candidate : {beside, std::string(TELLUS_CONTAIN_BUILD_PATH), std::string(TELLUS_CONTAIN_INSTALLED_PATH)})
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  return {};
}

}  // namespace tellus_harness
