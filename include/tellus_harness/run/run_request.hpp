#pragma once
// What `tellus-harness run` was asked to do, and the plan rank 0 makes of it.
#include <functional>
#include <string>
#include <vector>

#include "tellus_harness/config/profile.hpp"
#include "tellus_harness/config/selection.hpp"
#include "tellus_harness/perf/perf_store.hpp"
#include "tellus_harness/plan/run_plan.hpp"
#include "tellus_harness/pytest/pytest_collection.hpp"

namespace tellus_harness {

struct RunRequest {
  std::vector<std::string> paths{"tests/integration"};
  ProfileRequest profile;
  SelectionOptions selection;
  double default_timeout_s = 30;
  int maxfail = 0;  // 0: no limit
  bool collect_only = false;
  std::string output_dir;  // empty: tellus-results/<UTC timestamp>
  std::string json_report_file;
  std::string junitxml;
  bool keep_workspaces = false;
  std::string schedule = "lpt";
  double kill_grace_s = 5;
  std::string progress = "auto";  // auto | lines | none
  std::string perf_store;         // empty: default_perf_store(); "none": do not record
  std::string webhook;            // empty: TELLUS_ALERT_WEBHOOK, else the profile's alert_webhook
  RerunPolicy reruns;              // --reruns, --reruns-delay, --only-rerun, --fail-on-flaky
  int count = 1;                   // --count: every selected test this many times
  std::string quarantine_file;     // --quarantine; empty: quarantine.yaml beside the suites, else the profile's
  std::string resume_dir;          // --resume: continue that run instead of planning one
  bool last_failed = false;        // --last-failed: only the tests that failed in the previous run
  bool failed_first = false;       // --failed-first: those first, then the rest
  std::string previous_run_dir;    // their run (the option's value); empty: the latest under tellus-results
  std::string python;                     // --python: the interpreter for pytest paths
  std::vector<std::string> pytest_args;   // everything after --pytest-args
  std::vector<std::string> command_line;
};

// Resolves the profile, loads and selects the tests; each test's median duration in
// `history` (the perf-trend store's recent runs) becomes its expected duration. With
// `create_output` it also creates the output directory and writes run.json. Throws UserError
// for anything the user can fix.
RunPlan build_run_plan(const RunRequest& request, int ranks, bool create_output, const std::vector<PerfRun>& history = {});

// build_run_plan in two steps, so that pytest workers can start between them: the options,
// the profile and how pytest is run (and, when there are pytest paths, the output directory);
// then the tests, collected and selected, and run.json.
RunPlan prepare_run_plan(const RunRequest& request, int ranks, bool create_output);
// `collect_pytest` collects the pytest paths (given the default timeout); when empty, a
// pytest process of its own does (pytest/pytest_collection.hpp).
using PytestCollector = std::function<PytestCollection(double default_timeout_s)>;
void complete_run_plan(RunPlan& plan, const RunRequest& request, bool create_output, const std::vector<PerfRun>& history,
                       const PytestCollector& collect_pytest = {});

// How the run's pytest starts, for a request with pytest paths (unused without), and the
// profile's concurrency capped at the CPUs a rank may use (pytest tests are mostly
// CPU-bound) unless --max-concurrent or TELLUS_CONCURRENT_LIMIT says otherwise. Throws
// UserError for a path that does not exist or a refused pytest option.
PytestInvocation plan_pytest(const RunRequest& request, Profile& profile);

// The store's runs of the last 90 days ("" store: the default; "none": no runs). Unreadable
// files go to `warnings`.
std::vector<PerfRun> load_recent_history(const std::string& store, std::vector<std::string>& warnings);

// `--collect-only`: the selected tests, one node id a line, and a count.
void print_collection(const RunPlan& plan);

}  // namespace tellus_harness
