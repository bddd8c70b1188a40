#pragma once
// Ends a rank's tests when the rank dies, even by SIGKILL (mpirun killing a job, the OOM
// killer, a node's scancel). Each test's subreaper also has SIGHUP as its parent-death
// signal; this guard is the second line, for a rank whose thread that started the test is
// not the one that dies. It is a small process of its own (`tellus-contain --orphan-guard`)
// that reads "+pgid"/"-pgid" lines from a pipe the rank holds, and kills every group still
// listed once the pipe closes.
#include <sys/types.h>

#include <string>

namespace tellus_harness {

class OrphanGuard {
 public:
  explicit OrphanGuard(const std::string& contain_exe);
  ~OrphanGuard();
  OrphanGuard(const OrphanGuard&) = delete;
  OrphanGuard& operator=(const OrphanGuard&) = delete;
  void watch(pid_t pgid);
  void forget(pid_t pgid);
  pid_t pid() const { return guard_pid_; }

 private:
  void send(char sign, pid_t pgid);
  int pipe_fd_ = -1;
  pid_t guard_pid_ = -1;
};

}  // namespace tellus_harness
