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

  RunOutcome outcome;
  outcome.plan = read_run_plan(from);
  if (!json_path.empty()) outcome.plan.json_report_path = json_path;
  if (!junit_path.empty()) outcome.plan.junit_path = junit_path;
  const auto finished = read_journals(from, outcome.plan.run_id, outcome.warnings);
  outcome.results = complete_results(outcome.plan, finished, "run interrupted: the test never finished");
  double last_stop = outcome.plan.created_unix;
  for (const auto& r : finished) last_stop = std::max(last_stop, r.stop_unix);
  outcome.duration_s = last_stop - outcome.plan.created_unix;
  std::vector<bool> have(outcome.plan.tests.size(), false);
  for (const auto& r : finished)
    if (r.index >= 0 && r.index < static_cast<int>(have.size())) have[r.index] = true;
  for (std::size_t i = 0; i < have.size(); ++i)
    if (!have[i] && outcome.plan.tests[i].runnable()) outcome.interrupted = true;
  return publish_run(outcome);
}

}  // namespace tellus_harness
