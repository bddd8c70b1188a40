#pragma once
// What a run set out to do, written by rank 0 before any test starts (<output-dir>/run.json):
// the resolved profile, the collected tests and where the reports go. With the journals it
// is all `report --from` needs after a run was killed.
#include <string>
#include <vector>

#include "tellus_harness/config/profile.hpp"
#include "tellus_harness/config/quarantine.hpp"
#include "tellus_harness/config/pytest_invocation.hpp"
#include "tellus_harness/config/selection.hpp"

namespace tellus_harness {

// run.json's format (docs/schemas/run.schema.json).
inline constexpr int kRunPlanSchemaVersion = 1;

// One launch of a run: the first, then one per `run --resume`.
struct RunAttempt {
  int number = 1;
  double started_unix = 0;
  int ranks = 1;
};

// --reruns: a test that failed or errored runs again, on whichever rank claims it first.
struct RerunPolicy {
  int count = 0;                 // reruns per test at most
  double delay_s = 0;            // before each rerun
  std::string only_matching;     // ECMAScript regex the failure's message must contain; empty: any
  bool fail_on_flaky = false;    // a test that passed only on a rerun fails the run
};

struct RunPlan {
  double created_unix = 0;
  std::string run_id;  // random; every journal line carries it
  std::string root;  // working directory of the run
  std::string output_dir;
  std::string json_report_path;
  std::string junit_path;
  std::vector<std::string> command_line;
  Profile profile;
  int ranks = 1;
  std::string schedule;
  int maxfail = 0;
  std::vector<CollectedTest> tests;
  std::size_t deselected = 0;
  PytestInvocation pytest;  // how the ranks start pytest workers; unused without pytest paths
  RerunPolicy reruns;
  std::vector<QuarantineEntry> quarantine;  // each judged expired or not when the run was planned
  std::vector<RunAttempt> attempts;  // the last is the one running
  std::vector<int> run_first;        // tests each rank starts before its others (--failed-first); not recorded
  int attempt() const { return attempts.empty() ? 1 : attempts.back().number; }
};

// Writes the plan atomically to <output_dir>/run.json, test by test, as it may be recorded:
// the command line, the tests' environment values and backend settings with their secrets
// redacted (common/redaction.hpp). The ranks get the plan as is (encode_run_plan).
void write_run_plan(const RunPlan& plan);
std::string encode_run_plan(const RunPlan& plan);  // JSON text
RunPlan decode_run_plan(const std::string& text);  // throws nlohmann::json::exception
RunPlan read_run_plan(const std::string& output_dir);  // UserError when missing or unreadable
std::string run_plan_path(const std::string& output_dir);

}  // namespace tellus_harness
