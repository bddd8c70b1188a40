#pragma once
// What executor.cpp and executor_pytest.cpp share: a running test's state and the wording of
// the harness's own verdicts. Private to src/exec.
#include <signal.h>
#include <string.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "tellus_harness/exec/child_process.hpp"
#include "tellus_harness/exec/executor.hpp"
#include "tellus_harness/exec/output_capture.hpp"
#include "tellus_harness/exec/pytest_worker.hpp"

namespace tellus_harness {

using Clock = std::chrono::steady_clock;

inline double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

inline Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

inline std::string format_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", std::round(s * 1000) / 1000);
  return buf;
}

inline std::string signal_description(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return std::string("signal ") + (abbrev ? std::string("SIG") + abbrev : std::to_string(sig)) + " (" +
         std::to_string(sig) + ")";
}

// Why the harness itself stopped a test, which decides its message.
enum class StopReason { kNone, kTimeout, kMemory, kDisk, kStopped };

struct Executor::Running {
  int index;
  TestSpec spec;
  std::string workspace;
  std::string program;  // argv[0], for messages
  std::unique_ptr<ChildProcess> child;  // a harness test's own process
  PytestWorker* worker = nullptr;       // a pytest test's: the worker that runs it
  bool sent = false;                    // the worker has been asked to run it
  bool queued = false;                  // sent behind the test its worker is running
  OutputCapture out, err;
  Clock::time_point started;
  double start_unix;
  double setup_s;
  Clock::time_point deadline;
  StopReason stop = StopReason::kNone;
  std::string stop_message;
  Clock::time_point kill_at = Clock::time_point::max();  // SIGKILL after the grace period
  double grace_s = 0;  // between SIGTERM and SIGKILL, once stopping
  Clock::time_point abandon_at = Clock::time_point::max();  // the subreaper did not answer
  std::int64_t peak_rss = 0;
  Clock::time_point next_disk_check;

  Running(std::size_t capture) : out(capture), err(capture) {}
  ChildProcess& process() { return worker ? worker->process() : *child; }
  pid_t pid() const { return worker ? worker->pid() : child->pid(); }
};

}  // namespace tellus_harness
