#include "tellus_harness/exec/executor.hpp"

#include "executor_internals.hpp"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "tellus_harness/common/environment_names.hpp"
#include "tellus_harness/common/this_process.hpp"
#include "tellus_harness/common/wall_clock.hpp"
#include "tellus_harness/exec/child_process.hpp"
#include "tellus_harness/exec/interrupt.hpp"
#include "tellus_harness/exec/metrics_file.hpp"
#include "tellus_harness/exec/orphan_guard.hpp"
#include "tellus_harness/exec/output_capture.hpp"
#include "tellus_harness/exec/process_memory.hpp"
#include "tellus_harness/exec/test_environment.hpp"
#include "tellus_harness/exec/workspace.hpp"
#include "tellus_harness/exec/workspace_remover.hpp"

extern char** environ;

namespace tellus_harness {

namespace {
// Where a YAML test writes its metrics (TELLUS_METRICS_FILE), in its workspace.
constexpr char kMetricsFileName[] = ".tellus-metrics.json";
}  // namespace

namespace {

// ": <last non-empty line>" of a test's stderr, which usually says why it failed.
std::string last_line_of(const std::string& text) {
  std::size_t end = text.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) return {};
  const std::size_t start = text.rfind('\n', end);
  const std::string line = text.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
  return ": " + (line.size() > 500 ? line.substr(0, 500) + "..." : line);
}

std::string mib(std::int64_t bytes) { return std::to_string((bytes + (1 << 19)) >> 20) + " MiB"; }

}  // namespace

Executor::Executor(ExecutionPolicy policy)
    : policy_(std::move(policy)), remover_(std::make_unique<WorkspaceRemover>()) {
  if (policy_.host.empty()) policy_.host = this_host_name();
  if (policy_.self_exe.empty()) policy_.self_exe = this_executable();
  if (policy_.contain_exe.empty()) policy_.contain_exe = find_contain_program(policy_.self_exe);
  // Beneath each test's own subreaper: what escapes a subreaper the test killed lands here.
  become_subreaper();
}

Executor::~Executor() {
  for (auto& r : running_)
    if (r->child) unregister_process_group(r->child->pid());
  for (auto& w : workers_) unregister_process_group(w->process().pid());
  running_.clear();  // kills and reaps what is left before the guard goes
  workers_.clear();
}

std::vector<std::string> Executor::finish_cleanup() {
  end_workers();
  auto problems = remover_->drain();
  problems.insert(problems.begin(), problems_.begin(), problems_.end());
  problems_.clear();
  return problems;
}

int Executor::free_slots() const { return policy_.max_concurrent - running() - static_cast<int>(waiting_.size()); }
bool Executor::idle() const { return running_.empty() && early_.empty() && waiting_.empty(); }
int Executor::running() const {
  return static_cast<int>(std::count_if(running_.begin(), running_.end(), [](const auto& r) { return !r->queued; }));
}

void Executor::start(int index, const TestSpec& spec) {
  waiting_.push_back({index, spec});
  start_waiting();
}

// In the order they were taken: a harness test when a slot is free, a pytest test when a
// worker can take it (start_pytest decides).
void Executor::start_waiting() {
  for (std::size_t i = 0; i < waiting_.size();) {
    const Waiting& w = waiting_[i];
    if (w.spec.kind == "pytest") {
      bool started = true;
      try {
        started = start_pytest(w.index, w.spec);
      } catch (const std::exception& e) {
        end_early(w.index, w.spec, Outcome::kError, "setup",
                  "cannot start a pytest worker (" + policy_.pytest.python + "): " + e.what(), now_unix());
      }
      if (!started) {
        ++i;
        continue;
      }
    } else if (running() < policy_.max_concurrent) {
      launch(w.index, w.spec);
    } else {
      ++i;
      continue;
    }
    waiting_.erase(waiting_.begin() + static_cast<long>(i));
  }
}

// A test that never got running: returned by the next wait().
void Executor::end_early(int index, const TestSpec& spec, Outcome outcome, const char* phase, const std::string& why,
                         double start_unix, bool stopped_by_run) {
  TestResult r;
  r.stopped_by_run = stopped_by_run;
  r.index = index;
  r.nodeid = spec.nodeid;
  r.outcome = outcome;
  r.phase = phase;
  r.longrepr = why;
  r.start_unix = start_unix;
  r.stop_unix = now_unix();
  r.setup_s = r.stop_unix - start_unix;
  r.rank = policy_.rank;
  r.host = policy_.host;
  r.ranks = spec.ranks;
  r.hosts = spec.hosts;
  r.slots = spec.slots;
  early_.push_back(std::move(r));
}

void Executor::launch(int index, const TestSpec& spec) {
  const auto t0 = Clock::now();
  const double start_unix = now_unix();
  auto end_early = [&](Outcome outcome, const char* phase, const std::string& why) {
    this->end_early(index, spec, outcome, phase, why, start_unix);
  };
  auto fail_setup = [&](const std::string& why) { end_early(Outcome::kError, "setup", why); };
  auto run = std::make_unique<Running>(policy_.capture_bytes);
  run->index = index;
  run->spec = spec;
  try {
    run->workspace = create_workspace(policy_.output_dir, spec.workspace_name);
  } catch (const std::exception& e) {
    return fail_setup(e.what());
  }
  if (policy_.contain_exe.empty())
    return fail_setup("tellus-contain, which contains every test, is not installed beside tellus-harness");

  ChildLaunch launch;
  launch.contain_exe = policy_.contain_exe;
  try {
    if (!policy_.command_line) throw std::logic_error("the run gave no command line for its tests");
    launch.argv = policy_.command_line(spec);
  } catch (const std::exception& e) {
    return fail_setup(e.what());
  }
  launch.cwd = run->workspace;
  for (char** e = environ; *e; ++e)
    if (passed_to_tests(*e)) launch.env.emplace_back(*e);
  for (const auto& [k, v] : spec.env) launch.env.push_back(k + "=" + v);
  if (!spec.backend_config.empty()) launch.env.push_back(env::assignment(env::kBackendConfig, spec.backend_config));
  // When the harness will stop the test: retries give up before it.
  launch.env.push_back(
      env::assignment(env::kTestDeadline, std::to_string(start_unix + spec.timeout_s * policy_.timeout_multiplier)));
  for (auto& kv : test_environment({run->workspace, policy_.rank, policy_.profile_name, policy_.max_concurrent,
                                    policy_.network_simulation}))
    launch.env.push_back(std::move(kv));
  launch.env.push_back(env::assignment(env::kMetricsFile, run->workspace + "/" + kMetricsFileName));
  launch.env.push_back(env::assignment(env::kTestName, spec.name));
  launch.env.push_back(env::assignment(env::kTestNodeid, spec.nodeid));
  run->program = launch.argv.at(0);
  if (!guard_) guard_ = std::make_unique<OrphanGuard>(policy_.contain_exe);
  try {
    run->child = std::make_unique<ChildProcess>(launch);
  } catch (const SpawnFailure& e) {
    return end_early(Outcome::kFailed, "call", e.what());  // the test's program is at fault
  } catch (const std::exception& e) {
    return fail_setup(std::string("cannot start the test: ") + e.what());
  }
  register_process_group(run->child->pid());
  guard_->watch(run->child->pid());
  run->started = Clock::now();
  run->start_unix = start_unix;
  run->setup_s = seconds_between(t0, run->started);
  const double limit_s = spec.timeout_s * policy_.timeout_multiplier;
  run->deadline = run->started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(limit_s));
  run->next_disk_check = run->started + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(policy_.disk_check_interval_s));
  running_.push_back(std::move(run));
}

namespace {
void drain(int fd, OutputCapture& capture, bool& open) {
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      capture.append(std::string_view(buf, static_cast<std::size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 || (n < 0 && errno != EAGAIN)) open = false;
    return;
  }
}

void drain_stdout(ChildProcess& c, OutputCapture& capture) {
  bool open = true;
  if (c.stdout_fd() >= 0) drain(c.stdout_fd(), capture, open);
  if (!open) c.close_stdout();
}

void drain_stderr(ChildProcess& c, OutputCapture& capture) {
  bool open = true;
  if (c.stderr_fd() >= 0) drain(c.stderr_fd(), capture, open);
  if (!open) c.close_stderr();
}
}  // namespace

std::vector<TestResult> Executor::wait(std::chrono::microseconds max_wait) {
  std::vector<TestResult> done;
  done.swap(early_);
  if (!done.empty()) max_wait = std::chrono::microseconds(0);

  auto now = Clock::now();
  auto wake = now + max_wait;
  for (const auto& r : running_) {
    if (r->queued) continue;  // no clock of its own yet
    wake = std::min(wake, r->stop == StopReason::kNone ? r->deadline : r->kill_at);
    if (policy_.limits.disk_mb > 0) wake = std::min(wake, r->next_disk_check);
  }
  if (policy_.limits.memory_mb > 0 && !running_.empty()) wake = std::min(wake, next_memory_sample_);

  std::vector<pollfd> fds;
  auto watch = [&fds](const ChildProcess& c) {
    fds.push_back({c.pidfd(), POLLIN, 0});
    if (c.stdout_fd() >= 0) fds.push_back({c.stdout_fd(), POLLIN, 0});
    if (c.stderr_fd() >= 0) fds.push_back({c.stderr_fd(), POLLIN, 0});
  };
  for (const auto& r : running_)
    if (r->child) watch(*r->child);
  for (const auto& w : workers_) {
    watch(w->process());
    fds.push_back({w->channel_fd(), POLLIN, 0});
  }
  const auto wait_ns = std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::nanoseconds>(wake - now).count());
  timespec ts{static_cast<time_t>(wait_ns / 1000000000), static_cast<long>(wait_ns % 1000000000)};
  if (!fds.empty() || wait_ns > 0) ppoll(fds.data(), fds.size(), &ts, nullptr);

  for (std::size_t i = 0; i < running_.size();) {
    Running& r = *running_[i];
    if (!r.child) {  // a pytest test: its worker is served below
      ++i;
      continue;
    }
    drain_stdout(*r.child, r.out);
    drain_stderr(*r.child, r.err);
    if (auto exit = r.child->try_reap()) {
      finish(r, *exit, done);
      running_.erase(running_.begin() + static_cast<long>(i));
      continue;
    }
    ++i;
  }
  serve_workers(done);
  enforce_limits();
  start_waiting();
  return done;
}

void Executor::enforce_limits() {
  const auto now = Clock::now();
  const bool sample_memory = policy_.limits.memory_mb > 0 && !running_.empty() && now >= next_memory_sample_;
  std::unordered_map<pid_t, std::int64_t> rss;
  if (sample_memory) {
    std::vector<pid_t> roots;
    for (const auto& r : running_)
      if (!r->queued) roots.push_back(r->process().pid());
    rss = resident_bytes_by_tree(roots);
    next_memory_sample_ = now + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(policy_.memory_sample_interval_s));
  }
  for (auto& rp : running_) {
    Running& r = *rp;
    if (r.queued) continue;  // its worker is still on the test before it
    if (sample_memory) {
      const auto it = rss.find(r.process().pid());
      if (it != rss.end()) r.peak_rss = std::max(r.peak_rss, it->second);
      const std::int64_t limit = policy_.limits.memory_mb << 20;
      if (r.stop == StopReason::kNone && it != rss.end() && it->second > limit) {
        r.stop = StopReason::kMemory;
        r.stop_message = "exceeded the memory limit: " + mib(it->second) + " resident > memory_mb " +
                         std::to_string(policy_.limits.memory_mb) + " (profile " + policy_.profile_name +
                         "); the test was killed";
        kill_now(r, now);
      }
    }
    if (policy_.limits.disk_mb > 0 && now >= r.next_disk_check && r.stop == StopReason::kNone) {
      r.next_disk_check = now + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(policy_.disk_check_interval_s));
      const std::int64_t used = disk_usage_bytes(r.workspace);
      if (used > (policy_.limits.disk_mb << 20)) {
        r.stop = StopReason::kDisk;
        r.stop_message = "workspace exceeded the disk limit: " + mib(used) + " > disk_mb " +
                         std::to_string(policy_.limits.disk_mb) + " (profile " + policy_.profile_name +
                         "); the test was killed";
        kill_now(r, now);
      }
    }
    if (r.stop == StopReason::kNone && now >= r.deadline && r.worker && !r.sent) {
      r.stop = StopReason::kTimeout;
      r.stop_message = "the pytest worker did not finish collecting the tests within " +
                       format_seconds(policy_.worker_collect_limit_s) +
                       " s (a conftest.py or test module that hangs on import?); it was killed";
      kill_now(r, now);
    } else if (r.stop == StopReason::kNone && now >= r.deadline) {
      const double limit = r.spec.timeout_s * policy_.timeout_multiplier;
      r.stop = StopReason::kTimeout;
      r.stop_message = "timed out: timeout " + format_seconds(r.spec.timeout_s) + " s × multiplier " +
                       format_seconds(policy_.timeout_multiplier) + " = " + format_seconds(limit) +
                       " s effective limit; sent SIGTERM";
      r.process().terminate();
      r.grace_s = policy_.kill_grace_s;
      r.kill_at = now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(r.grace_s));
    } else if (r.stop != StopReason::kNone && now >= r.kill_at) {
      kill_now(r, now);
      r.stop_message += ", then SIGKILL after a " + format_seconds(r.grace_s) + " s grace period";
    } else if (now >= r.abandon_at) {
      r.process().kill_subreaper();
      r.abandon_at = Clock::time_point::max();
    }
  }
}

void Executor::stop_all(const std::string& reason) {
  const auto now = Clock::now();
  for (const auto& w : waiting_) end_early(w.index, w.spec, Outcome::kError, "setup", reason, now_unix(), true);  // never started
  waiting_.clear();
  for (auto& r : running_) {
    if (r->stop != StopReason::kNone) continue;
    r->stop = StopReason::kStopped;
    r->stop_message = reason;
    if (r->queued) continue;  // ends with its worker, which the test before it stops
    r->process().terminate();
    r->grace_s = std::min(policy_.kill_grace_s, policy_.interrupt_grace_s);
    r->kill_at = now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(r->grace_s));
  }
}

void Executor::kill_now(Running& r, Clock::time_point now) {
  r.process().kill_all();
  r.kill_at = Clock::time_point::max();
  // The subreaper kills and reaps in milliseconds; one that has not ended by then is stuck.
  r.abandon_at = now + std::chrono::seconds(5);
}

void Executor::finish(Running& r, const ChildExit& exit, std::vector<TestResult>& done) {
  const auto ended = Clock::now();
  ChildProcess& process = r.process();
  unregister_process_group(process.pid());
  guard_->forget(process.pid());
  drain_stdout(process, r.out);
  drain_stderr(process, r.err);
  const int status = exit.status;

  TestResult res = result_of(r);
  res.call_s = seconds_between(r.started, ended);
  if (WIFEXITED(status)) res.exit_status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) res.signal = WTERMSIG(status);
  res.leftover_processes = exit.killed;
  if (!exit.contained) {
    // The test killed its own subreaper: what it started re-parented to this rank.
    res.leftover_processes = kill_stray_children(other_children(r));
  }

  // The interrupt handler signals tests at once; such a test may end before stop_all() ran.
  if (r.stop == StopReason::kNone && interrupted()) {
    r.stop = StopReason::kStopped;
    r.stop_message = interrupt_reason();
  }
  if (exit.exec_errno != 0) {
    res.outcome = Outcome::kFailed;
    res.exit_status = -1;
    res.longrepr = "cannot execute '" + r.program + "': " + std::strerror(exit.exec_errno);
  } else if (!exit.contained && r.stop == StopReason::kNone) {
    res.outcome = Outcome::kFailed;
    res.longrepr = "the test killed its containment process (" + signal_description(WTERMSIG(status)) +
                   "); " + std::to_string(res.leftover_processes) + " processes it left were killed";
  } else if (r.stop == StopReason::kStopped) {
    res.outcome = Outcome::kError;
    res.longrepr = r.stop_message;
    res.stopped_by_run = true;
  } else if (r.stop != StopReason::kNone) {
    res.outcome = Outcome::kFailed;
    res.longrepr = r.stop_message;
    // What it was doing when stopped (e.g. "staging 3 files from tape").
    if (r.stop == StopReason::kTimeout) {
      const std::string last = last_line_of(res.stderr_text.empty() ? res.stdout_text : res.stderr_text);
      if (!last.empty()) res.longrepr += "; last output" + last;
    }
  } else if (WIFSIGNALED(status)) {
    res.outcome = Outcome::kFailed;
    res.longrepr = "killed by " + signal_description(WTERMSIG(status));
  } else if (res.exit_status != 0) {
    res.outcome = Outcome::kFailed;
    res.longrepr = "exited with status " + std::to_string(res.exit_status) + last_line_of(res.stderr_text);
  } else {
    res.outcome = Outcome::kPassed;
  }
  if (r.worker) return finish_dead_worker_test(r, exit, std::move(res), done);
  if (res.outcome == Outcome::kPassed && policy_.limits.disk_mb > 0) {
    const std::int64_t used = disk_usage_bytes(r.workspace);
    if (used > (policy_.limits.disk_mb << 20)) {
      res.outcome = Outcome::kFailed;
      res.longrepr = "workspace exceeded the disk limit: " + mib(used) + " > disk_mb " +
                     std::to_string(policy_.limits.disk_mb) + " (profile " + policy_.profile_name + ")";
    }
  }
  const MetricsFile metrics = read_metrics_file(r.workspace + "/" + kMetricsFileName);
  res.metrics_json = metrics.json;
  if (!metrics.problem.empty()) {
    if (res.outcome == Outcome::kPassed) {
      res.outcome = Outcome::kFailed;
      res.longrepr = metrics.problem;
    } else {
      res.longrepr += "; " + metrics.problem;
    }
  }
  // Teardown: passed tests leave nothing behind unless asked to (removed in the background).
  res.workspace = r.workspace;
  if (res.outcome == Outcome::kPassed && !policy_.keep_workspaces) {
    remover_->remove(r.workspace);
    res.workspace.clear();
  }
  res.stop_unix = now_unix();
  done.push_back(std::move(res));
}

// A pytest test whose worker ended before reporting it: the harness stopped it, or it died
// (os._exit, a segfault, the OOM killer), which fails the test as pytest-xdist fails it. What
// the worker wrote to its stderr (Python's stacks on a timeout, a fatal error's report) says
// where; the worker's workspace, with the test's tmp_path, stays.
void Executor::finish_dead_worker_test(Running& r, const ChildExit& exit, TestResult res, std::vector<TestResult>& done) {
  if (r.stop == StopReason::kNone) {
    // A worker never ends in the middle of a test by itself, whatever its status.
    const std::string how = !exit.contained || exit.exec_errno != 0 ? res.longrepr
                            : res.signal                            ? "killed by " + signal_description(res.signal)
                                                                    : "exited with status " + std::to_string(res.exit_status);
    res.outcome = Outcome::kFailed;
    res.longrepr = std::string(r.sent ? "the pytest worker running this test died: "
                                      : "the pytest worker for this test ended while collecting the tests: ") + how;
  } else if (r.stop == StopReason::kTimeout) {
    res.longrepr = r.stop_message;  // without the one-line "last output": all of it follows
  }
  const std::string said = res.stderr_text.find_first_not_of(" \t\r\n") == std::string::npos ? "" : res.stderr_text;
  if (!said.empty()) res.longrepr += "\n" + said;
  r.worker->keep_workspace = true;
  res.workspace = r.worker->workspace();
  res.stop_unix = now_unix();
  done.push_back(std::move(res));
}

// What every result of a test that ran says: which test, where, when, its output and memory.
TestResult Executor::result_of(const Running& r) const {
  TestResult res;
  res.index = r.index;
  res.nodeid = r.spec.nodeid;
  res.rank = policy_.rank;
  res.host = policy_.host;
  res.ranks = r.spec.ranks;
  res.hosts = r.spec.hosts;
  res.slots = r.spec.slots;
  res.start_unix = r.start_unix;
  res.setup_s = r.setup_s;
  res.stdout_text = r.out.text();
  res.stderr_text = r.err.text();
  res.peak_memory_mb = static_cast<double>(r.peak_rss) / (1 << 20);
  return res;
}

std::vector<pid_t> Executor::other_children(const Running& except) const {
  std::vector<pid_t> known;
  for (const auto& other : running_)
    if (other.get() != &except && other->child) known.push_back(other->child->pid());
  for (const auto& w : workers_)
    if (w->pid() != except.pid()) known.push_back(w->pid());
  if (guard_) known.push_back(guard_->pid());
  return known;
}

}  // namespace tellus_harness
