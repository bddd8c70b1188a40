// tellus-contain: the subreaper that stands between a rank and one test.
//
//   tellus-contain PROGRAM ARGV0 ARGS...     (fd 3: where the verdict goes)
//   tellus-contain --orphan-guard             (a rank's orphan guard: orphan_guard_loop.cpp)
//
// It makes itself a child subreaper, so every process the test starts, whatever its session
// or process group (a background job, a setsid daemon, a double fork), stays its descendant
// when its parent dies. When the test's main process ends, and whenever the rank says so,
// it kills every descendant, reaps them, and writes one line to fd 3:
//   "exit <wait status> <processes killed>"  or  "exec <errno>"
// The test runs in a process group of its own, so `kill 0` in a test does not reach here.
// Signals from the rank: SIGTERM forwards SIGTERM to every descendant (a timeout's polite
// stage); SIGUSR1 kills them all now; SIGHUP (also the parent-death signal) kills them all
// and ends, so a rank that dies takes its tests with it.
//
// A separate small static program, not the harness binary: it is started once per test, and
// the harness links MPI, HDF5, netCDF, curl and libssh2, whose loading alone costs
// milliseconds. This file uses libc and the C++ standard library only.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <vector>

#include "orphan_guard_loop.hpp"

extern char** environ;

namespace {

constexpr int kVerdictFd = 3;

// Every live descendant of this process, found through the kernel's children lists
// (orphans of the test re-parent to us, so the tree below us is all of the test).
void collect_descendants(pid_t root, std::vector<pid_t>& out) {
  char dir_path[64];
  snprintf(dir_path, sizeof dir_path, "/proc/%d/task", static_cast<int>(root));
  DIR* tasks = opendir(dir_path);
  if (!tasks) return;
  std::vector<pid_t> children;
  while (dirent* t = readdir(tasks)) {
    if (t->d_name[0] == '.') continue;
    char path[320];
    snprintf(path, sizeof path, "/proc/%d/task/%s/children", static_cast<int>(root), t->d_name);
    FILE* f = fopen(path, "re");
    if (!f) continue;
    int pid;
    while (fscanf(f, "%d", &pid) == 1) children.push_back(pid);
    fclose(f);
  }
  closedir(tasks);
  for (pid_t c : children) {
    out.push_back(c);
    collect_descendants(c, out);
  }
}

void signal_descendants(int sig) {
  std::vector<pid_t> all;
  collect_descendants(getpid(), all);
  for (pid_t p : all) kill(p, sig);
}

// Kills and reaps every descendant; returns how many distinct processes other than the
// test's main process were still alive to be killed. Stopping first keeps a fork loop from
// outrunning the kills; a killed parent's children re-parent to us and are found next pass.
int kill_everything(pid_t main_pid, bool main_reaped, int* main_status) {
  std::set<pid_t> killed;
  for (;;) {
    std::vector<pid_t> all;
    collect_descendants(getpid(), all);
    for (pid_t p : all) kill(p, SIGSTOP);
    for (pid_t p : all) {
      kill(p, SIGKILL);
      if (p != main_pid || main_reaped) killed.insert(p);
    }
    int status;
    pid_t r;
    bool any = false;
    while ((r = waitpid(-1, &status, all.empty() ? 0 : WNOHANG)) > 0) {
      any = true;
      if (r == main_pid && !main_reaped) {
        main_reaped = true;
        *main_status = status;
      }
    }
    if (r < 0 && errno == ECHILD) break;
    if (!any) usleep(500);  // killed, not yet dead
  }
  return static_cast<int>(killed.size());
}

void write_verdict(const char* line) {
  const size_t n = strlen(line);
  ssize_t ignored = write(kVerdictFd, line, n);
  (void)ignored;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && strcmp(argv[1], "--orphan-guard") == 0) return run_orphan_guard();
  if (argc < 3) {
    fprintf(stderr, "tellus-contain: started by tellus-harness for each test, not by hand\n");
    return 2;
  }
  sigset_t handled;
  sigemptyset(&handled);
  for (int sig : {SIGCHLD, SIGTERM, SIGUSR1, SIGHUP, SIGINT}) sigaddset(&handled, sig);
  sigprocmask(SIG_BLOCK, &handled, nullptr);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  prctl(PR_SET_PDEATHSIG, SIGHUP);
  const pid_t parent = getppid();
  if (parent == 1) return 2;  // the rank is already gone

  // posix_spawn: vfork semantics, no copy of this process; a program that cannot be executed
  // is its return value.
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_init(&actions);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);  // a group of its own: `kill 0` in the test stops there
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &handled);
  posix_spawn_file_actions_addclose(&actions, kVerdictFd);
  pid_t main_pid = -1;
  const int spawn_error = posix_spawn(&main_pid, argv[1], &actions, &attr, argv + 2, environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) {
    char line[64];
    snprintf(line, sizeof line, "exec %d\n", spawn_error);
    write_verdict(line);
    return 0;
  }

  int main_status = 0;
  bool main_reaped = false;
  for (;;) {
    siginfo_t info;
    const int sig = sigwaitinfo(&handled, &info);
    if (sig == SIGCHLD) {
      int status;
      pid_t r;
      while ((r = waitpid(-1, &status, WNOHANG)) > 0)
        if (r == main_pid) {
          main_reaped = true;
          main_status = status;
        }
      if (main_reaped) break;
    } else if (sig == SIGTERM || sig == SIGINT) {
      signal_descendants(SIGTERM);
    } else if (sig == SIGUSR1 || sig == SIGHUP) {
      break;
    }
  }
  const int killed = kill_everything(main_pid, main_reaped, &main_status);
  char line[64];
  snprintf(line, sizeof line, "exit %d %d\n", main_status, killed);
  write_verdict(line);
  return 0;
}
