#pragma once
// A long-lived pytest process that runs the rank's pytest tests one node id at a time (the
// worker mode of python/tellus_harness_pytest.py), under its own tellus-contain subreaper like
// any test, in the directory the run was launched from, with a workspace of its own that
// holds its --basetemp (tmp_path) and pytest cache. The Executor decides what it runs and
// when it is stopped; this class starts it and speaks its protocol.
//
// Starting and placing are two steps: starting Python and pytest needs only the invocation,
// while the workspace needs the run's plan (its output directory). A rank may so start its
// workers before MPI_Init (run/early_pytest_workers.hpp); each waits, before it loads any of
// the project's code, until it is placed.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "tellus_harness/config/pytest_invocation.hpp"
#include "tellus_harness/exec/test_environment.hpp"
#include "tellus_harness/exec/child_process.hpp"
#include "tellus_harness/results/test_result.hpp"

namespace tellus_harness {

// What starting a worker takes.
struct PytestWorkerLaunch {
  PytestInvocation invocation;
  std::string plugin_dir;
  std::string contain_exe;
  std::vector<std::string> env;  // the inherited environment ("NAME=value")
};

// How a worker of `invocation` starts: tellus-contain and the plugin found beside
// `harness_exe` (else `contain_exe` and `plugin_dir` when given), the environment this process
// passes to tests. Throws std::runtime_error when either is not installed.
PytestWorkerLaunch pytest_worker_launch(const PytestInvocation& invocation, const std::string& harness_exe,
                                        std::string contain_exe = {}, std::string plugin_dir = {});

// Where a worker works, from the run's plan.
struct PytestWorkerPlace {
  std::string output_dir;        // workspaces go under <output_dir>/work/
  TestEnvironment test;          // what the harness adds to the environment (the workspace is the worker's)
  std::size_t capture_bytes = 64 * 1024;
  std::string manifest;          // when set: the worker also writes its collection here
  int attempt = 1;               // the run's attempt (a resumed run's workers are new ones)
  int rank = 0;
  int id = 1;                    // the worker's number on its rank
};

// One test's outcome as the worker reported it.
struct PytestOutcome {
  std::string nodeid;
  Outcome outcome = Outcome::kError;
  std::string phase = "call";
  std::string longrepr;
  std::string report_json;  // TestResult::pytest_report_json
  std::string stops_run;    // TestResult::stops_run
  double setup_s = 0, call_s = 0, teardown_s = 0;
};

// What arrived from a worker since the last look.
struct PytestWorkerNews {
  bool became_ready = false;
  std::vector<PytestOutcome> outcomes;
  std::vector<std::string> problems;  // a failed session teardown, a garbled message
};

class PytestWorker {
 public:
  // Starts pytest, which waits for its place. Throws std::runtime_error (or SpawnFailure)
  // when it cannot.
  explicit PytestWorker(const PytestWorkerLaunch& launch);
  ~PytestWorker();
  PytestWorker(const PytestWorker&) = delete;
  PytestWorker& operator=(const PytestWorker&) = delete;

  ChildProcess& process() { return *child_; }
  pid_t pid() const { return child_->pid(); }
  int channel_fd() const { return channel_; }
  const std::string& workspace() const { return workspace_; }
  bool ready() const { return ready_; }

  // Creates its workspace (<output_dir>/work/pytest+r<rank>w<id>, pytest+a<attempt>r<rank>w<id>
  // from a resumed run's second attempt on) and sends it there. Throws std::runtime_error
  // when the workspace cannot be made.
  void place(const PytestWorkerPlace& place);

  // Asks for one test; false when the channel is gone (the worker is dying).
  bool run(const std::string& nodeid);
  // Reads what the worker sent, without blocking.
  PytestWorkerNews receive();
  // No more tests: the worker tears down its fixtures and exits.
  void finish_input();

  bool keep_workspace = false;  // a test here did not pass: its tmp_path stays for the user
  bool retiring = false;        // being killed: runs no more tests
  double recent_test_s = 0;     // its recent time per test (a moving average), for the lookahead

 private:
  void take_line(const std::string& line, PytestWorkerNews& news);
  bool send_line(const std::string& line);
  std::string workspace_;
  std::unique_ptr<ChildProcess> child_;
  int channel_ = -1;
  bool ready_ = false;
  std::string inbox_;  // a message not yet complete
};

// A worker's report of one test (the plugin's "result" object) as an outcome. Unknown
// outcomes and missing fields make an error outcome that says so.
PytestOutcome parse_pytest_outcome(const std::string& result_json);

}  // namespace tellus_harness
