#pragma once
// Runs up to `max_concurrent` tests at once on one rank, each in its own child process and
// workspace, and enforces the timeout (× multiplier, SIGTERM then SIGKILL after a grace
// period), the memory limit (resident memory of the test's process group) and the disk limit
// (its workspace). Every test runs under its own subreaper (tellus-contain), so nothing it
// starts outlives it: the result counts what had to be killed. pytest tests run in long-lived
// pytest workers instead (pytest_worker.hpp), one test at a time each, under the same limits;
// a worker that times out or dies is killed with all it started and replaced.
// Plain C++: no MPI, so unit tests drive it directly.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tellus_harness/config/profile.hpp"
#include "tellus_harness/config/pytest_invocation.hpp"
#include "tellus_harness/config/test_spec.hpp"
#include "tellus_harness/exec/collection_end.hpp"
#include "tellus_harness/results/test_result.hpp"

namespace tellus_harness {

// The program a test runs, from its spec. The run supplies it (from the workload registry):
// the executor knows processes, not what a kind of test means. Throws with the reason when
// the spec has none.
using CommandLineFor = std::function<std::vector<std::string>(const TestSpec&)>;

struct ExecutionPolicy {
  CommandLineFor command_line;
  std::string output_dir;
  std::string profile_name;
  double timeout_multiplier = 1.0;
  int max_concurrent = 1;
  double kill_grace_s = 5.0;
  // After SIGTERM to the run, the scheduler's own SIGKILL is near (mpirun: 1 s unless
  // odls_base_sigkill_timeout says more; Slurm: KillWait, 30 s by default): tests get less grace.
  double interrupt_grace_s = 0.5;
  ResourceLimits limits;
  std::size_t capture_bytes = 64 * 1024;  // per stream
  bool keep_workspaces = false;
  int rank = 0;
  int attempt = 1;  // the run's attempt (run.json's attempts)
  std::string host;
  std::string self_exe;
  std::string contain_exe;  // tellus-contain; found beside self_exe (or the build's) when empty
  double memory_sample_interval_s = 0.05;
  double disk_check_interval_s = 1.0;
  bool network_simulation = false;  // the profile's: remote backends go through the fault proxy
  PytestInvocation pytest;          // how pytest workers start (the run's pytest paths)
  std::string pytest_plugin_dir;    // where tellus_harness_pytest.py is; found when empty
  double worker_exit_grace_s = 60;  // after its last test, for a worker's session teardown
  double worker_collect_limit_s = 1800;  // for a worker to collect (rank 0's collection has the same)
};

class PytestWorker;
struct PytestOutcome;

class Executor {
 public:
  explicit Executor(ExecutionPolicy policy);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Tests it can start now: slots not running a test, less those taken and still waiting
  // (negative while tests taken for lookahead slots wait).
  int free_slots() const;
  // pytest tests this rank may take beyond its free slots: queued behind each busy worker
  // whose test is expected to be short, two or more as long as they add up to a few
  // milliseconds of work, so that the worker goes straight on instead of waiting for the rank
  // to claim the next one (pytest-xdist keeps tests queued the same way).
  // A rank takes free_slots() + lookahead_slots().
  int lookahead_slots() const;
  bool idle() const;
  int running() const;  // tests running now (not those queued behind a worker's current one)

  // Starts a test, or queues it until a slot (or, for a pytest test, a worker) is free.
  // Setup failures (workspace, fork) come back from the next wait() as errors.
  void start(int index, const TestSpec& spec);
  // Waits up to `max_wait` for output, exits and deadlines; returns the tests that finished.
  std::vector<TestResult> wait(std::chrono::microseconds max_wait);
  // Starts as many pytest workers as the rank runs tests at once, ahead of its first pytest
  // test; otherwise they start when first needed. With `manifest`, the first worker writes its
  // collection there, and rank 0 plans from it (await_collecting_worker) instead of running
  // pytest once more. Workers `started` already (with this policy's pytest invocation, before
  // the plan was known) are placed first.
  void start_pytest_workers(const std::string& manifest = {});
  void start_pytest_workers(const std::string& manifest, std::vector<std::unique_ptr<PytestWorker>> started);
  // Waits until the worker given the manifest is ready, or has ended (pytest refused to run:
  // its exit code and what it wrote), or `limit_s` has passed, or the run is interrupted.
  CollectionEnd await_collecting_worker(double limit_s);
  // Ends every running test (SIGTERM, then SIGKILL after the lesser of the kill and the
  // interrupt grace periods); they finish with outcome error and `reason`. Keep calling
  // wait() until idle().
  void stop_all(const std::string& reason);
  // Ends the pytest workers (their session fixtures are torn down) and waits for background
  // workspace removals; returns the problems met (for warnings).
  std::vector<std::string> finish_cleanup();

  struct Running;

 private:
  void start_waiting();
  void launch(int index, const TestSpec& spec);
  void end_early(int index, const TestSpec& spec, Outcome outcome, const char* phase, const std::string& why,
                 double start_unix, bool stopped_by_run = false);
  void finish(Running& r, const struct ChildExit& exit, std::vector<TestResult>& done);
  void finish_dead_worker_test(Running& r, const struct ChildExit& exit, TestResult res, std::vector<TestResult>& done);
  void kill_now(Running& r, std::chrono::steady_clock::time_point now);
  void enforce_limits();
  std::vector<pid_t> other_children(const Running& except) const;
  TestResult result_of(const Running& r) const;
  // pytest tests (executor_pytest.cpp)
  bool start_pytest(int index, const TestSpec& spec);  // false: no worker can take it now
  PytestWorker& add_worker(const std::string& manifest = {}, std::unique_ptr<PytestWorker> started = nullptr);
  void send_to_worker(Running& r);
  void begin_on_worker(Running& r);
  Running* on_worker(const PytestWorker& w, bool queued) const;  // its current test, or its next queued one
  int queued_on(const PytestWorker& w) const;
  int queue_room(const PytestWorker& w) const;
  bool can_queue_on(const PytestWorker& w) const;
  void requeue(Running& r);
  void finish_unstarted(Running& r);  // a queued test of a worker stopped with the run
  void serve_workers(std::vector<TestResult>& done);
  void finish_pytest(Running& r, const PytestOutcome& outcome, std::vector<TestResult>& done);
  void end_workers();
  ExecutionPolicy policy_;
  std::vector<std::unique_ptr<Running>> running_;
  std::vector<std::unique_ptr<PytestWorker>> workers_;
  int workers_started_ = 0;
  std::vector<std::string> problems_;  // for finish_cleanup()
  std::vector<TestResult> early_;  // setup failures, returned by the next wait()
  struct Waiting {
    int index;
    TestSpec spec;
  };
  std::vector<Waiting> waiting_;   // taken, not yet started: no slot or worker was free
  std::chrono::steady_clock::time_point next_memory_sample_;
  std::unique_ptr<class OrphanGuard> guard_;  // started with the first test
  std::unique_ptr<class WorkspaceRemover> remover_;
};

}  // namespace tellus_harness
