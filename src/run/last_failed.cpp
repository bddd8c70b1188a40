#include "tellus_harness/run/last_failed.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "tellus_harness/common/user_error.hpp"
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

PreviousFailures previous_failures(const std::string& dir, const std::string& current_dir,
                                   std::vector<std::string>& warnings) {
  PreviousFailures failures;
  failures.run_dir = dir.empty() ? latest_run_dir(current_dir) : dir;
  if (failures.run_dir.empty()) return failures;
  const RunPlan plan = read_run_plan(failures.run_dir);
  for (const auto& t : plan.tests)
    if (!t.collect_error.empty()) failures.nodeids.insert(t.spec.nodeid);
  for (const auto& r : latest_attempts(read_journals(failures.run_dir, plan.run_id, warnings)))
    if (!r.stopped_by_run && (r.outcome == Outcome::kFailed || r.outcome == Outcome::kError)) failures.nodeids.insert(r.nodeid);
  return failures;
}

void apply_previous_failures(RunPlan& plan, const PreviousFailures& failures, bool only_failed) {
  std::vector<int> failed;
  for (std::size_t i = 0; i < plan.tests.size(); ++i)
    if (failures.nodeids.count(plan.tests[i].spec.nodeid)) failed.push_back(static_cast<int>(i));
  const char* option = only_failed ? "--last-failed" : "--failed-first";
  if (failures.run_dir.empty()) {
    std::printf("%s: no earlier run under %s/, running all %zu tests\n", option, kResultsRoot, plan.tests.size());
    return;
  }
  if (failed.empty()) {
    std::printf("%s: no test of the selection failed in %s, running all %zu tests\n", option,
                failures.run_dir.c_str(), plan.tests.size());
    return;
  }
  std::printf("%s: %zu test%s that failed in %s %s\n", option, failed.size(), failed.size() == 1 ? "" : "s",
              failures.run_dir.c_str(), only_failed ? "run alone" : "run first");
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
