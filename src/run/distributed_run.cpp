#include "tellus_harness/run/distributed_run.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iterator>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <nlohmann/json.hpp>

#include <set>

#include "tellus_harness/alert/run_alert.hpp"
#include "tellus_harness/common/this_process.hpp"
#include "tellus_harness/config/launcher.hpp"
#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/exec/interrupt.hpp"
#include "tellus_harness/perf/run_recording.hpp"
#include "tellus_harness/plan/partition.hpp"
#include "tellus_harness/report/publish.hpp"
#include "tellus_harness/results/result_details.hpp"
#include "tellus_harness/results/test_result_json.hpp"
#include "tellus_harness/run/early_pytest_workers.hpp"
#include "tellus_harness/run/multi_rank_tests.hpp"
#include "tellus_harness/run/rank_loop.hpp"
#include "tellus_harness/run/resume.hpp"
#include "tellus_harness/workloads/workload.hpp"

namespace tellus_harness {

namespace {

constexpr int kProceed = -1;

// Rank 0: groups of test indices, one per rank, over the tests that are not skipped and have
// no result yet (`done`: a resumed run's earlier attempts), but those that hold several slots
// (the pool packs them apart). Each rank starts plan.run_first's tests before its others.
std::vector<std::vector<int>> partition_plan(const RunPlan& plan, int ranks, const std::vector<bool>& done,
                                             std::vector<double>& durations) {
  std::vector<int> runnable;
  std::vector<double> expected;
  std::vector<std::pair<int, double>> durations_of_multi_rank;
  for (std::size_t i = 0; i < plan.tests.size(); ++i) {
    if (!plan.tests[i].runnable() || done[i]) continue;
    if (is_multi_rank(plan.tests[i].spec)) {
      durations_of_multi_rank.emplace_back(static_cast<int>(i), plan.tests[i].spec.expected_duration_s);
      continue;
    }
    runnable.push_back(static_cast<int>(i));
    expected.push_back(plan.tests[i].spec.expected_duration_s);
  }
  expected = fill_unknown_durations(expected);
  durations.assign(plan.tests.size(), 0.0);
  for (std::size_t k = 0; k < runnable.size(); ++k) durations[runnable[k]] = expected[k];
  for (const auto& [i, d] : durations_of_multi_rank) durations[i] = d;
  auto groups = parse_schedule(plan.schedule) == Schedule::kRoundRobin
                    ? partition_round_robin(runnable.size(), ranks)
                    : partition_longest_first(expected, ranks);
  for (auto& g : groups)
    for (int& k : g) k = runnable[k];  // positions among runnable tests -> test indices
  if (!plan.run_first.empty()) {
    std::vector<bool> first(plan.tests.size(), false);
    for (int i : plan.run_first) first[i] = true;
    for (auto& g : groups) std::stable_partition(g.begin(), g.end(), [&](int i) { return first[i]; });
  }
  return groups;
}

ExecutionPolicy policy_for(const RunPlan& plan, const RunRequest& request, int rank) {
  ExecutionPolicy p;
  p.self_exe = this_executable();
  // A test holding several slots starts through the launcher: srun inside a Slurm
  // allocation, mpirun elsewhere.
  const char* job = std::getenv("SLURM_JOB_ID");
  p.command_line = [exe = p.self_exe, launcher = plan.profile.launcher, slurm = job && *job](const TestSpec& spec) {
    return workload_command_line(spec, exe, is_multi_rank(spec) ? launch_prefix(launcher, spec, slurm) : std::vector<std::string>{});
  };
  p.output_dir = plan.output_dir;
  p.profile_name = plan.profile.name;
  p.timeout_multiplier = plan.profile.timeout_multiplier;
  p.max_concurrent = plan.profile.max_concurrent_operations;
  p.kill_grace_s = request.kill_grace_s;
  p.limits = plan.profile.resource_limits;
  p.keep_workspaces = request.keep_workspaces;
  p.network_simulation = plan.profile.network_simulation;
  p.pytest = plan.pytest;
  p.worker_collect_limit_s = kPytestCollectionLimitSeconds;
  p.rank = rank;
  p.attempt = plan.attempt();
  return p;
}

std::string maxfail_reason(const RunPlan& plan) {
  return "maxfail: the run stopped after " + std::to_string(plan.maxfail) + " failure" +
         (plan.maxfail == 1 ? "" : "s");
}

// Rank 0 after the results are in: record the run in the perf-trend store, look for
// regressions of its tests, write the reports, and alert when needed.
// `history` is the store's recent runs, loaded once when the run was planned.
int finish_run(RunOutcome& outcome, const RunRequest& request, std::vector<PerfRun> history) {
  TrendView trends;
  bool have_trends = false;
  std::string perf_file;
  if (const std::string store = resolve_perf_store(request.perf_store); !store.empty()) {
    try {
      PerfRun run = perf_run_from(outcome);
      // A resumed run whose earlier attempt recorded itself (it was interrupted, not killed)
      // records only what is new.
      for (const auto& earlier : history)
        if (earlier.run_id == run.run_id)
          for (const auto& [key, unused] : earlier.tests) {
            run.tests.erase(key);
            run.metrics.erase(key);
            run.directions.erase(key);
          }
      history.push_back(std::move(run));
      perf_file = write_perf_run(store, history.back());
      trends.histories = metric_histories(history);
      std::set<std::string> ours;
      for (const auto& t : outcome.plan.tests) ours.insert(perf_key(t.spec));
      for (auto& f : find_regressions(trends.histories, DetectorOptions{}))
        if (ours.count(f.test)) trends.regressions.push_back(std::move(f));
      have_trends = true;
    } catch (const std::exception& e) {
      outcome.warnings.push_back(std::string("perf-trend store not updated: ") + e.what());
    }
  }
  const int code = publish_run(outcome, have_trends ? &trends : nullptr);
  if (!perf_file.empty())
    std::printf("Perf results: %s (%zu regression%s)\n", perf_file.c_str(), trends.regressions.size(),
                trends.regressions.size() == 1 ? "" : "s");
  const std::string webhook = choose_webhook(request.webhook, outcome.plan.profile);
  if (!webhook.empty()) send_alert(alert_input_for(outcome, trends.regressions), webhook);
  std::fflush(stdout);
  return code;
}

// Rank 0's plan to every rank, without its tests: a rank gets the specs of the tests it runs
// with their grants (mpi/work_channel.hpp), so its memory grows with its own tests, not with
// the suite. Called twice: before pytest collection and once the plan is complete.
void share_plan(const MpiSession& mpi, RunPlan& plan) {
  if (mpi.size() == 1) return;
  if (mpi.rank() != 0) {
    plan = decode_run_plan(mpi.broadcast(std::string()));
  } else {
    RunPlan header = plan;  // the settings: copied without the tests
    header.tests.clear();
    header.tests.shrink_to_fit();
    mpi.broadcast(encode_run_plan(header));
  }
}

// A run that stopped before its first test (a collection error) leaves no directory behind
// that it made early for its workers: the collection file and then only empty directories
// are removed (the workers' workspaces are gone by then).
void remove_unused_output_dir(const std::string& dir) {
  std::error_code ec;
  for (const char* sub : {"/collection.json", "/work", "/journal", ""}) std::filesystem::remove(dir + sub, ec);
}

}  // namespace

int run_distributed(MpiSession& mpi, const RunRequest& request, EarlyPytestWorkers early) {
  install_interrupt_handlers();
  const auto started = std::chrono::steady_clock::now();
  const bool root = mpi.rank() == 0;

  RunPlan plan;
  std::vector<TestResult> earlier;  // rank 0, --resume: the results of the run's earlier attempts
  const bool resuming = !request.resume_dir.empty();
  std::vector<PerfRun> history;  // rank 0: the perf-trend store's recent runs, read once
  std::vector<std::string> history_warnings;
  int status = kProceed;
  auto fail = [&status](const UserError& e) {
    std::fprintf(stderr, "tellus-harness: error: %s\n", e.what());
    status = kExitUsageOrInterrupted;
  };
  if (root) {
    try {
      if (!request.collect_only) history = load_recent_history(request.perf_store, history_warnings);
      if (resuming) {
        ResumePoint point = load_resume_point(request.resume_dir, mpi.size(), history_warnings);
        if (point.complete) {
          const RunOutcome done = assemble_outcome(std::move(point.plan), point.finished, 0);
          std::printf("tellus-harness: the run in %s has finished (every test has a result): nothing to resume; "
                      "its reports are in %s\n", request.resume_dir.c_str(), request.resume_dir.c_str());
          status = exit_code_for(done);
        } else {
          plan = std::move(point.plan);
          earlier = std::move(point.finished);
          std::printf("tellus-harness: resuming the run in %s (attempt %d): %zu of its tests have results\n",
                      request.resume_dir.c_str(), plan.attempt(), earlier.size());
        }
        std::fflush(stdout);
      } else {
        plan = prepare_run_plan(request, mpi.size(), !request.collect_only);
      }
    } catch (const UserError& e) {
      fail(e);
    }
  }
  status = mpi.broadcast(status);
  if (status != kProceed) return status;
  share_plan(mpi, plan);

  // pytest workers start on every rank now, or, started before MPI_Init, are placed now;
  // rank 0's first one collects for the plan.
  std::unique_ptr<Executor> executor;
  PytestCollector collect_pytest;
  auto early_started = early_workers_for(std::move(early), plan.pytest);
  if (plan.pytest.used() && !request.collect_only) {
    executor = std::make_unique<Executor>(policy_for(plan, request, mpi.rank()));
    const std::string manifest = root && !resuming ? plan.output_dir + "/collection.json" : "";
    executor->start_pytest_workers(manifest, std::move(early_started));
    collect_pytest = [&, manifest](double default_timeout_s) {
      return read_pytest_collection(executor->await_collecting_worker(kPytestCollectionLimitSeconds), manifest, plan.pytest,
                                    default_timeout_s);
    };
  }
  if (root && !resuming) {
    try {
      complete_run_plan(plan, request, !request.collect_only, history, collect_pytest);
      if (request.collect_only) {
        print_collection(plan);
        status = plan.tests.empty() ? kExitNoTestsCollected : kExitAllPassed;
      }
    } catch (const UserError& e) {
      fail(e);
    }
  }
  status = mpi.broadcast(status);
  if (status != kProceed) {
    if (executor) executor->finish_cleanup();  // the workers end; their workspaces go
    executor.reset();
    mpi.sleeping_barrier();
    if (root && !plan.output_dir.empty()) remove_unused_output_dir(plan.output_dir);
    return status;
  }
  share_plan(mpi, plan);
  if (!executor) executor = std::make_unique<Executor>(policy_for(plan, request, mpi.rank()));

  const int batch = plan.profile.max_concurrent_operations;
  std::vector<double> durations;
  std::vector<std::vector<int>> groups;
  int maxfail = plan.maxfail;
  // Each rank is a slot of the allocation, on its host.
  const auto rank_hosts = mpi.gather_texts(this_host_name());
  MultiRankTests multi_rank;
  if (root) {
    std::vector<bool> done(plan.tests.size(), false);
    int failed_before = 0;
    for (const auto& r : earlier) {
      done[r.index] = true;
      if (r.outcome == Outcome::kFailed || r.outcome == Outcome::kError) ++failed_before;
    }
    groups = partition_plan(plan, mpi.size(), done, durations);
    multi_rank = sort_multi_rank_tests(plan, done, {rank_hosts, plan.profile.launcher.oversubscribe});
    // --maxfail counts the failures of the run's earlier attempts too.
    if (maxfail > 0) maxfail = std::max(1, maxfail - failed_before);
  }

  Journal journal(plan.output_dir, mpi.rank(), plan.run_id);
  std::vector<TestResult> finished;  // rank 0: every rank's results as they arrive, in summary
  for (auto& r : multi_rank.skipped) {  // too large for the allocation
    journal.append(r);
    finished.push_back(std::move(r));
  }
  std::unique_ptr<WorkPool> pool;
  std::unique_ptr<ProgressDisplay> progress;
  if (root) {
    int runnable = 0;
    for (const auto& g : groups) runnable += static_cast<int>(g.size());
    runnable += static_cast<int>(multi_rank.fitting.size());
    const bool show = request.progress != "none";
    const bool terminal = request.progress == "auto" && isatty(STDERR_FILENO);
    progress = std::make_unique<ProgressDisplay>(runnable, show, terminal);
    pool = std::make_unique<WorkPool>(groups, durations, parse_schedule(plan.schedule) == Schedule::kLongestFirst,
                                      maxfail);
    pool->add_multi_rank(std::move(multi_rank.fitting), {rank_hosts, plan.profile.launcher.oversubscribe});
    auto channel = make_coordinator_channel(*pool, *progress, plan.tests, mpi.size(), batch,
                                            [&finished](TestResult r) {
                                              keep_summary(r);
                                              finished.push_back(std::move(r));
                                            },
                                            plan.reruns);
    run_rank_loop(*executor, *channel, journal, 0, plan.attempt());
  } else {
    auto channel = make_worker_channel();
    run_rank_loop(*executor, *channel, journal, mpi.rank(), plan.attempt());
  }

  const auto cleanup_problems = executor->finish_cleanup();
  mpi.sleeping_barrier();
  // The results are on rank 0 already; what is left to gather is how each rank ended.
  const auto texts = mpi.gather_texts(dump_json({{"interrupted", interrupted()}, {"warnings", cleanup_problems}}));

  if (root) {
    progress->close();
    bool ranks_interrupted = false;
    std::vector<std::string> warnings;
    for (const auto& text : texts) {
      const auto j = nlohmann::json::parse(text);
      ranks_interrupted = ranks_interrupted || j.at("interrupted").get<bool>();
      for (const auto& w : j.at("warnings")) warnings.push_back(w.get<std::string>());
    }
    if (pool->stopped_by_maxfail() || !pool->stop_reason().empty()) {
      for (int index : pool->unclaimed()) {
        TestResult r;
        r.index = index;
        r.nodeid = plan.tests[index].spec.nodeid;
        r.outcome = Outcome::kSkipped;
        r.phase = "setup";
        r.longrepr = pool->stop_reason().empty() ? maxfail_reason(plan) : pool->stop_reason();
        r.attempt = plan.attempt();
        journal.append(r);
        finished.push_back(std::move(r));
      }
    }
    if (earlier.empty()) {
      earlier = std::move(finished);
    } else {
      earlier.insert(earlier.end(), std::make_move_iterator(finished.begin()), std::make_move_iterator(finished.end()));
      std::vector<TestResult>().swap(finished);
    }
    RunOutcome outcome = assemble_outcome(
        std::move(plan), std::move(earlier), std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    outcome.interrupted = ranks_interrupted;
    outcome.warnings = std::move(warnings);
    for (auto& w : history_warnings) outcome.warnings.push_back(std::move(w));
    // The reports are written while MPI ends: its finalize waits for every rank, mostly asleep.
    auto finishing = std::async(std::launch::async, [&] { return finish_run(outcome, request, std::move(history)); });
    mpi.finalize();
    return finishing.get();
  }
  // Rank 0's code is the run's; mpirun and srun pass it on. The other ranks exit 0 whatever
  // the outcome: mpirun ends the whole job, rank 0 among it, as soon as one rank exits
  // non-zero, and rank 0 may still be writing the reports.
  mpi.finalize();
  return kExitAllPassed;
}

}  // namespace tellus_harness
