#include "tellus_harness/run/last_failed.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/perf/run_recording.hpp"
#include "tellus_harness/results/journal.hpp"
#include "tellus_harness/results/run_outcome.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

namespace {

// The run whose run.json was written last: the one started (or resumed) most recently.
std::string latest_run_dir(const std::string& current_dir) {
  std::error_code ec;
  std::string latest;
  fs::file_time_type latest_time;
  for (fs::directory_iterator it(kResultsRoot, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code e;
    const auto time = fs::last_write_time(it->path() / "run.json", e);
    if (e) continue;
    if (std::error_code same; !current_dir.empty() && fs::equivalent(it->path(), current_dir, same)) continue;
    if (latest.empty() || time > latest_time) {
      latest = it->path().string();
      latest_time = time;
    }
  }
  return latest;
}

}  // namespace

PreviousFailures previous_failures(const std::string& dir, const RunPlan& current, const std::vector<PerfRun>& history,
                                   std::vector<std::string>& warnings) {
  PreviousFailures failures;
  if (dir.empty()) {
    std::set<std::string> ours;
    for (const auto& t : current.tests) ours.insert(perf_key(t.spec));
    for (auto run = history.rbegin(); run != history.rend(); ++run) {
      if (std::none_of(run->tests.begin(), run->tests.end(), [&](const auto& t) { return ours.count(t.first) > 0; })) continue;
      failures.source = "the result history's latest run of these tests (" + run->run_id + ")";
      for (const auto& [key, test] : run->tests)
        if (test.outcome == "failed" || test.outcome == "error") failures.keys.insert(key);
      return failures;
    }
  }
  const std::string run_dir = dir.empty() ? latest_run_dir(current.output_dir) : dir;
  if (run_dir.empty()) return failures;
  failures.source = run_dir;
  const RunPlan plan = read_run_plan(run_dir);
  for (const auto& t : plan.tests)
    if (!t.collect_error.empty()) failures.keys.insert(perf_key(t.spec));
  for (const auto& r : standing_results(plan, read_journals(run_dir, plan.run_id, warnings, JournalDetail::kSummary)))
    if (r.outcome == Outcome::kFailed || r.outcome == Outcome::kError) failures.keys.insert(perf_key(plan.tests[r.index].spec));
  return failures;
}

void apply_previous_failures(RunPlan& plan, const PreviousFailures& failures, bool only_failed) {
  std::vector<int> failed;
  for (std::size_t i = 0; i < plan.tests.size(); ++i)
    if (failures.keys.count(perf_key(plan.tests[i].spec))) failed.push_back(static_cast<int>(i));
  const char* option = only_failed ? "--last-failed" : "--failed-first";
  if (failures.source.empty()) {
    std::printf("%s: no earlier run in the result history or under %s/, running all %zu tests\n", option, kResultsRoot,
                plan.tests.size());
    return;
  }
  if (failed.empty()) {
    std::printf("%s: no test of the selection failed in %s, running all %zu tests\n", option,
                failures.source.c_str(), plan.tests.size());
    return;
  }
  std::printf("%s: %zu test%s that failed in %s %s\n", option, failed.size(), failed.size() == 1 ? "" : "s",
              failures.source.c_str(), only_failed ? "run alone" : "run first");
  if (!only_failed) {
    plan.run_first = std::move(failed);
    return;
  }
  std::vector<CollectedTest> kept;
  for (int i : failed) kept.push_back(std::move(plan.tests[i]));
  plan.deselected += plan.tests.size() - kept.size();
  plan.tests = std::move(kept);
}

}  // namespace tellus_harness
