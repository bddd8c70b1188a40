#include "tellus_harness/report/publish.hpp"

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/report/reporter.hpp"

namespace tellus_harness {

std::string html_report_path(const RunPlan& plan) {
  return (std::filesystem::path(plan.json_report_path).parent_path() / "report.html").string();
}

int publish_run(const RunOutcome& outcome, const TrendView* trends) {
  const int code = exit_code_for(outcome);
  try {
    for (const auto& reporter : reporters()) reporter->write({outcome, code, trends});
  } catch (const std::runtime_error& e) {  // a full disk or a path gone unwritable
    std::fprintf(stderr,
                 "tellus-harness: error: %s; every finished result is in the journals: free space, then "
                 "`tellus-harness report --from %s`\n",
                 e.what(), outcome.plan.output_dir.c_str());
    return kExitUsageOrInterrupted;
  }
  return code;
}

}  // namespace tellus_harness
