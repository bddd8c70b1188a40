// `tellus-harness report --from DIR`: rebuilds report.json and report.xml from a run's plan
// and journals, e.g. after the run was killed. Tests without a journaled result are errors.
#include <algorithm>
#include <iostream>

#include "tellus_harness/cli/commands.hpp"
#include "tellus_harness/cli/option_parsing.hpp"
#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/report/publish.hpp"
#include "tellus_harness/results/journal.hpp"

namespace tellus_harness {

int report_command(const Arguments& args) {
  std::string from, json_path, junit_path;
  po::options_description d("tellus-harness report --from OUTPUT_DIR [options]\n\n"
                            "Rebuilds the reports of a run from its journals (also after the run was killed).\n\nOptions");
  d.add_options()("help,h", "show this help")("from", po::value(&from), "the run's output directory")(
      "json-report-file", po::value(&json_path), "JSON report path (default: as the run had it)")(
      "junitxml", po::value(&junit_path), "JUnit XML path (default: as the run had it)");
  const auto vm = parse_command_options("report", args, d);
  if (vm.count("help")) {
    std::cout << d << "\n";
    return kExitAllPassed;
  }
  if (from.empty()) throw UserError("report: --from OUTPUT_DIR is required (the directory a run wrote)");

  RunPlan plan = read_run_plan(from);
  if (!json_path.empty()) plan.json_report_path = json_path;
  if (!junit_path.empty()) plan.junit_path = junit_path;
  std::vector<std::string> warnings;
  auto finished = read_journals(from, plan.run_id, warnings, JournalDetail::kSummary);
  double last_stop = plan.created_unix;
  for (const auto& r : finished) last_stop = std::max(last_stop, r.stop_unix);
  const double duration_s = last_stop - plan.created_unix;
  const bool interrupted = unfinished_runnable(plan, finished);
  RunOutcome outcome = assemble_outcome(std::move(plan), std::move(finished), duration_s);
  outcome.interrupted = interrupted;
  outcome.warnings = std::move(warnings);
  return publish_run(outcome);
}

}  // namespace tellus_harness
