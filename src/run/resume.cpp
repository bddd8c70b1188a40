#include "tellus_harness/run/resume.hpp"

#include <filesystem>
#include <map>
#include <set>

#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/common/wall_clock.hpp"
#include "tellus_harness/config/suite.hpp"
#include "tellus_harness/exec/workspace.hpp"
#include "tellus_harness/results/journal.hpp"
#include "tellus_harness/results/run_outcome.hpp"
#include "tellus_harness/workloads/workload.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

namespace {

// The suites' tests as their files define them now, in place of run.json's redacted copies.
void reload_suite_tests(RunPlan& plan, const std::string& dir) {
  std::set<std::string> files;
  for (const auto& t : plan.tests)
    if (t.spec.kind != "pytest" && t.collect_error.empty()) files.insert(t.spec.suite_file);
  if (files.empty()) return;
  std::error_code ec;
  if (fs::weakly_canonical(plan.root, ec) != fs::weakly_canonical(fs::current_path(), ec))
    throw UserError("--resume " + dir + ": the run started in " + plan.root +
                    "; resume it from there (its suite paths are relative to it)");
  std::map<std::string, TestSpec> now;
  for (auto& spec : load_suites({files.begin(), files.end()}, 30, workload_test_kinds()))
    now.emplace(spec.nodeid, std::move(spec));
  for (auto& t : plan.tests) {
    if (t.spec.kind == "pytest" || !t.collect_error.empty()) continue;
    const auto it = now.find(t.spec.nodeid);
    if (it == now.end() || it->second.kind != t.spec.kind)
      throw UserError(t.spec.suite_file, t.spec.line,
                      "test '" + t.spec.nodeid + "' of the run in " + dir +
                          " is no longer in its suite; --resume runs the tests as they were planned: restore the suite or start a new run");
    t.spec.env = it->second.env;
    t.spec.backend_config = it->second.backend_config;
  }
}

// A test that runs again gets a new workspace: the one the killed attempt left goes.
void remove_stale_workspaces(const ResumePoint& point, const std::string& dir, std::vector<std::string>& warnings) {
  std::vector<bool> done(point.plan.tests.size(), false);
  for (const auto& r : point.finished) done[r.index] = true;
  for (std::size_t i = 0; i < done.size(); ++i) {
    const TestSpec& spec = point.plan.tests[i].spec;
    if (done[i] || spec.kind == "pytest" || spec.workspace_name.empty()) continue;
    const std::string path = dir + "/work/" + spec.workspace_name;
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(path, ec))) continue;
    if (const std::string left = remove_workspace(path); !left.empty())
      warnings.push_back("the workspace an earlier attempt left for " + spec.nodeid + " was not removed: " + left);
  }
}

}  // namespace

ResumePoint load_resume_point(const std::string& dir, int ranks, std::vector<std::string>& warnings) {
  ResumePoint point;
  point.plan = read_run_plan(dir);
  point.finished = standing_results(point.plan, read_journals(dir, point.plan.run_id, warnings, JournalDetail::kSummary));
  point.complete = !unfinished_runnable(point.plan, point.finished);
  if (point.complete) return point;
  reload_suite_tests(point.plan, dir);
  remove_stale_workspaces(point, dir, warnings);
  point.plan.attempts.push_back({point.plan.attempt() + 1, now_unix(), ranks});
  try {
    write_run_plan(point.plan);
  } catch (const std::runtime_error& e) {
    throw UserError(std::string(e.what()) + "; no test was started: free space in " + dir);
  }
  return point;
}

}  // namespace tellus_harness
