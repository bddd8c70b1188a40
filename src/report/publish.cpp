#include "tellus_harness/report/publish.hpp"

#include "tellus_harness/report/json_report.hpp"
#include "tellus_harness/report/junit_xml.hpp"
#include "tellus_harness/report/terminal_summary.hpp"

namespace tellus_harness {

int publish_run(const RunOutcome& outcome) {
  const int code = exit_code_for(outcome);
  write_json_report(outcome, code, outcome.plan.json_report_path);
  write_junit_xml(outcome, outcome.plan.junit_path);
  print_terminal_summary(outcome);
  return code;
}

}  // namespace tellus_harness
