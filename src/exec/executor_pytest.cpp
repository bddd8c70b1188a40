// The Executor's pytest tests: each runs in a long-lived pytest worker (pytest_worker.hpp),
// one test at a time per worker, at most max_concurrent workers per rank. Timeouts and limits
// are the Executor's own (executor.cpp); this file starts and feeds the workers, turns their
// reports into results, and ends them when the rank has no more tests.
#include <poll.h>
#include <sys/wait.h>

#include <algorithm>

#include "executor_internals.hpp"
#include "tellus_harness/common/wall_clock.hpp"
#include "tellus_harness/exec/interrupt.hpp"
#include "tellus_harness/exec/orphan_guard.hpp"
#include "tellus_harness/exec/workspace_remover.hpp"

namespace tellus_harness {

namespace {

// Only tests expected to end within this are queued behind a busy worker: for longer ones the
// rank's claim costs nothing in comparison, and a queued test cannot be stolen by an idle rank.
constexpr double kLookaheadBelowSeconds = 1.0;
// Tests queued behind one busy worker: at least two (a claim from another rank takes a
// millisecond or more on a busy node, longer than a trivial test), and more while their
// expected work stays within the window. Trivial tests so go in batches, and neither the worker
// nor its rank waits on the other, while no more than a few milliseconds of work sit where an
// idle rank cannot steal them.
constexpr int kLookaheadMinDepth = 2;
constexpr int kLookaheadMaxDepth = 64;
constexpr double kLookaheadWindowSeconds = 0.02;
// How fast a worker's recent time per test follows its latest test.
constexpr double kRecentTestWeight = 0.3;

bool passed_as_expected(Outcome o) {
  return o == Outcome::kPassed || o == Outcome::kSkipped || o == Outcome::kXfailed || o == Outcome::kXpassed;
}

void drain_into(int fd, OutputCapture* capture) {
  if (fd < 0) return;
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      if (capture) capture->append(std::string_view(buf, static_cast<std::size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return;
  }
}

}  // namespace

Executor::Running* Executor::on_worker(const PytestWorker& w, bool queued) const {
  for (const auto& r : running_)
    if (r->worker == &w && r->queued == queued) return r.get();
  return nullptr;
}

PytestWorker& Executor::add_worker(const std::string& manifest, std::unique_ptr<PytestWorker> started) {
  if (!started)
    started = std::make_unique<PytestWorker>(
        pytest_worker_launch(policy_.pytest, policy_.self_exe, policy_.contain_exe, policy_.pytest_plugin_dir));
  PytestWorkerPlace place;
  place.output_dir = policy_.output_dir;
  place.test = {"", policy_.rank, policy_.profile_name, policy_.max_concurrent, policy_.network_simulation};
  place.capture_bytes = policy_.capture_bytes;
  place.manifest = manifest;
  place.attempt = policy_.attempt;
  place.rank = policy_.rank;
  place.id = ++workers_started_;
  started->place(place);  // throws: the worker ends with `started`
  if (!guard_) guard_ = std::make_unique<OrphanGuard>(policy_.contain_exe);
  workers_.push_back(std::move(started));
  PytestWorker& worker = *workers_.back();
  register_process_group(worker.process().pid());
  guard_->watch(worker.process().pid());
  return worker;
}

void Executor::start_pytest_workers(const std::string& manifest) { start_pytest_workers(manifest, {}); }

void Executor::start_pytest_workers(const std::string& manifest, std::vector<std::unique_ptr<PytestWorker>> started) {
  try {
    for (auto& w : started)
      if (static_cast<int>(workers_.size()) < policy_.max_concurrent) add_worker(workers_.empty() ? manifest : "", std::move(w));
    started.clear();  // any beyond the rank's concurrency end here
    while (static_cast<int>(workers_.size()) < policy_.max_concurrent) add_worker(workers_.empty() ? manifest : "");
  } catch (const std::exception& e) {
    // Each test that finds no worker says why; rank 0's collection says it first.
    problems_.push_back(std::string("cannot start a pytest worker (") + policy_.pytest.python + "): " + e.what());
  }
}

CollectionEnd Executor::await_collecting_worker(double limit_s) {
  CollectionEnd end;
  if (workers_.empty()) {  // it could not even start
    end.exited = true;
    end.exit_code = -1;
    for (const auto& p : problems_) end.output += p + "\n";
    return end;
  }
  PytestWorker& w = *workers_.front();
  OutputCapture said(policy_.capture_bytes);
  const auto give_up = Clock::now() + seconds(limit_s);
  for (;;) {
    pollfd fds[] = {{w.process().pidfd(), POLLIN, 0}, {w.channel_fd(), POLLIN, 0}, {w.process().stderr_fd(), POLLIN, 0}};
    poll(fds, w.process().stderr_fd() >= 0 ? 3 : 2, 100);
    drain_into(w.process().stdout_fd(), nullptr);
    drain_into(w.process().stderr_fd(), &said);
    PytestWorkerNews news = w.receive();
    for (auto& p : news.problems) problems_.push_back(std::move(p));
    if (w.ready()) return end;
    if (auto exit = w.process().try_reap()) {
      end.exited = true;
      end.exit_code = WIFEXITED(exit->status) ? WEXITSTATUS(exit->status) : 128 + WTERMSIG(exit->status);
      end.exec_errno = exit->exec_errno;
      end.output = said.text();
      unregister_process_group(w.process().pid());
      guard_->forget(w.process().pid());
      // pytest refused to run: its message is the run's error, and its workspace holds nothing.
      if (!policy_.keep_workspaces) remover_->remove(w.workspace());
      workers_.erase(workers_.begin());
      return end;
    }
    if (interrupted() || Clock::now() > give_up) {
      end.interrupted = interrupted();
      end.timed_out = !end.interrupted;
      return end;
    }
  }
}

int Executor::queued_on(const PytestWorker& w) const {
  return static_cast<int>(std::count_if(running_.begin(), running_.end(),
                                        [&](const auto& r) { return r->worker == &w && r->queued; }));
}

// How many more tests may queue behind a busy worker whose test is expected to be short. A
// test without an expected duration counts as the worker's recent time per test.
int Executor::queue_room(const PytestWorker& w) const {
  const Running* current = on_worker(w, false);
  if (!current || w.retiring || current->spec.expected_duration_s >= kLookaheadBelowSeconds) return 0;
  int queued = 0;
  double work = 0;
  for (const auto& r : running_) {
    if (r->worker != &w || !r->queued) continue;
    ++queued;
    work += r->spec.expected_duration_s > 0 ? r->spec.expected_duration_s : w.recent_test_s;
  }
  int room = kLookaheadMinDepth - queued;
  if (w.recent_test_s > 0)
    room = std::max(room, static_cast<int>((kLookaheadWindowSeconds - work) / w.recent_test_s));
  return std::clamp(room, 0, kLookaheadMaxDepth - queued);
}

bool Executor::can_queue_on(const PytestWorker& w) const { return queue_room(w) > 0; }

int Executor::lookahead_slots() const {
  int n = 0;
  for (const auto& w : workers_) n += queue_room(*w);
  return n;
}

bool Executor::start_pytest(int index, const TestSpec& spec) {
  // A free slot: an idle worker, else a new one. No free slot: queued behind a busy worker
  // whose test is expected to be short, or not at all yet.
  PytestWorker* worker = nullptr;
  bool queued = false;
  int live = 0;
  for (const auto& w : workers_) {
    if (w->retiring) continue;
    ++live;
    if (!worker && !on_worker(*w, false) && queued_on(*w) == 0) worker = w.get();
  }
  if (running() >= policy_.max_concurrent) {
    worker = nullptr;
    for (const auto& w : workers_) {
      if (can_queue_on(*w)) {
        worker = w.get();
        queued = true;
        break;
      }
    }
    if (!worker) return false;
  } else if (!worker) {
    if (live >= policy_.max_concurrent) return false;
    worker = &add_worker();
  }
  auto run = std::make_unique<Running>(policy_.capture_bytes);
  run->index = index;
  run->spec = spec;
  run->worker = worker;
  run->queued = queued;
  run->workspace = worker->workspace();
  run->program = policy_.pytest.python;
  Running& r = *run;
  running_.push_back(std::move(run));
  if (!queued) begin_on_worker(r);
  if (worker->ready()) send_to_worker(r);
  return true;
}

// The test becomes its worker's current one: its clock starts (until the worker has
// collected, the limit is the worker's start's; then the test's own, from send_to_worker).
void Executor::begin_on_worker(Running& r) {
  r.queued = false;
  r.start_unix = now_unix();
  r.started = Clock::now();
  r.setup_s = 0;
  r.deadline = r.started + seconds(r.sent ? r.spec.timeout_s * policy_.timeout_multiplier : policy_.worker_collect_limit_s);
  r.next_disk_check = r.started + seconds(policy_.disk_check_interval_s);
}

void Executor::send_to_worker(Running& r) {
  r.sent = true;
  if (!r.queued) {
    r.started = Clock::now();
    r.setup_s = now_unix() - r.start_unix;  // waiting for the worker to start
    r.deadline = r.started + seconds(r.spec.timeout_s * policy_.timeout_multiplier);
  }
  if (!r.worker->run(r.spec.collected_nodeid())) {
    r.worker->retiring = true;
    r.worker->process().kill_all();  // what it was running ends with the cause; the rest go elsewhere
  }
}

// A queued test whose worker ended before reaching it goes back to wait for another.
void Executor::requeue(Running& r) {
  waiting_.insert(waiting_.begin(), {r.index, r.spec});
  running_.erase(std::find_if(running_.begin(), running_.end(), [&](const auto& p) { return p.get() == &r; }));
}

void Executor::serve_workers(std::vector<TestResult>& done) {
  auto erase = [this](Running* r) {
    running_.erase(std::find_if(running_.begin(), running_.end(), [&](const auto& p) { return p.get() == r; }));
  };
  for (std::size_t i = 0; i < workers_.size();) {
    PytestWorker& w = *workers_[i];
    Running* r = on_worker(w, false);
    drain_into(w.process().stdout_fd(), r ? &r->out : nullptr);
    drain_into(w.process().stderr_fd(), r ? &r->err : nullptr);
    PytestWorkerNews news = w.receive();
    for (auto& p : news.problems) problems_.push_back(std::move(p));
    if (news.became_ready)  // the current test first, then the queued ones in order
      for (const auto& t : running_)
        if (t->worker == &w && !t->queued && !t->sent && t->stop == StopReason::kNone) send_to_worker(*t);
    if (news.became_ready)
      for (const auto& t : running_)
        if (t->worker == &w && t->queued && !t->sent && t->stop == StopReason::kNone) send_to_worker(*t);
    for (const auto& outcome : news.outcomes) {
      if (!r || !r->sent || outcome.nodeid != r->spec.collected_nodeid()) {
        problems_.push_back("pytest worker " + w.workspace() + " reported a test it was not running: " + outcome.nodeid);
        continue;
      }
      const double took = std::chrono::duration<double>(Clock::now() - r->started).count();
      w.recent_test_s = w.recent_test_s > 0 ? (1 - kRecentTestWeight) * w.recent_test_s + kRecentTestWeight * took : took;
      finish_pytest(*r, outcome, done);
      erase(r);
      // The worker has gone straight on to the test queued behind (unless it is being killed:
      // then that test goes back to wait for another worker once this one is gone).
      r = w.retiring ? nullptr : on_worker(w, true);
      if (r) begin_on_worker(*r);
    }
    if (auto exit = w.process().try_reap()) {
      if (r) {
        finish(*r, *exit, done);
        erase(r);
      } else {
        unregister_process_group(w.process().pid());
        guard_->forget(w.process().pid());
        if (!w.retiring && !interrupted())
          problems_.push_back("pytest worker " + w.workspace() + " ended between tests (status " +
                              std::to_string(exit->status) + ")");
      }
      for (Running* next; (next = on_worker(w, true));) {
        if (next->stop == StopReason::kNone) {
          requeue(*next);
        } else {  // the run is stopping: it ends unstarted
          finish_unstarted(*next);
          erase(next);
        }
      }
      if (!w.keep_workspace && !policy_.keep_workspaces) remover_->remove(w.workspace());
      workers_.erase(workers_.begin() + static_cast<long>(i));
      continue;
    }
    ++i;
  }
}

void Executor::finish_unstarted(Running& r) {
  end_early(r.index, r.spec, Outcome::kError, "setup", r.stop_message, now_unix(), true);
}

void Executor::finish_pytest(Running& r, const PytestOutcome& outcome, std::vector<TestResult>& done) {
  TestResult res = result_of(r);  // its output: what the worker wrote outside pytest's capture (-s)
  res.outcome = outcome.outcome;
  res.phase = outcome.phase;
  res.longrepr = outcome.longrepr;
  res.pytest_report_json = outcome.report_json;
  res.stops_run = outcome.stops_run;
  res.setup_s += outcome.setup_s;
  res.call_s = outcome.call_s;
  res.teardown_s = outcome.teardown_s;
  res.exit_status = 0;
  if (r.stop != StopReason::kNone) {
    // The harness was already stopping it (a timeout, a limit, an interrupt) when it ended:
    // its verdict stands, and the worker, signalled, is not used again.
    res.outcome = r.stop == StopReason::kStopped ? Outcome::kError : Outcome::kFailed;
    res.stopped_by_run = r.stop == StopReason::kStopped;
    res.longrepr = r.stop_message;
    r.worker->retiring = true;
    r.worker->process().kill_all();
  }
  if (!passed_as_expected(res.outcome)) {
    r.worker->keep_workspace = true;
    res.workspace = r.worker->workspace();
  }
  res.stop_unix = now_unix();
  done.push_back(std::move(res));
}

// No more tests for this rank: each worker gets the end of its input, tears down its session
// fixtures and exits; one that does not within the grace period is killed.
void Executor::end_workers() {
  if (workers_.empty()) return;
  for (auto& w : workers_) w->finish_input();
  const auto give_up = Clock::now() + seconds(policy_.worker_exit_grace_s * policy_.timeout_multiplier);
  while (!workers_.empty() && Clock::now() < give_up && !interrupted()) {
    std::vector<pollfd> fds;
    for (const auto& w : workers_) {
      fds.push_back({w->process().pidfd(), POLLIN, 0});
      fds.push_back({w->channel_fd(), POLLIN, 0});
    }
    poll(fds.data(), fds.size(), 100);
    for (std::size_t i = 0; i < workers_.size();) {
      PytestWorker& w = *workers_[i];
      drain_into(w.process().stdout_fd(), nullptr);
      drain_into(w.process().stderr_fd(), nullptr);
      for (auto& p : w.receive().problems) problems_.push_back(std::move(p));
      if (const auto exit = w.process().try_reap()) {
        if (exit->killed > 0)
          problems_.push_back("pytest worker " + w.workspace() + " left " + std::to_string(exit->killed) +
                              " processes running at its end (started by its tests or fixtures); they were killed");
        unregister_process_group(w.process().pid());
        guard_->forget(w.process().pid());
        if (!w.keep_workspace && !policy_.keep_workspaces) remover_->remove(w.workspace());
        workers_.erase(workers_.begin() + static_cast<long>(i));
        continue;
      }
      ++i;
    }
  }
  for (auto& w : workers_) {
    problems_.push_back("pytest worker " + w->workspace() + " did not exit within " +
                        format_seconds(policy_.worker_exit_grace_s * policy_.timeout_multiplier) +
                        " s after its last test (a session fixture's teardown?); it was killed");
    unregister_process_group(w->process().pid());
    guard_->forget(w->process().pid());
  }
  workers_.clear();  // kills what is left
}

}  // namespace tellus_harness
