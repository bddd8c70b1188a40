#include "tellus_harness/report/publish.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <future>
#include <vector>
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
    // Each format on a thread of its own: one's writing and fsync overlap another's work
    // (at 100,000 tests, report.json and report.xml are 100 MB together). They only read.
    std::vector<std::future<void>> writing;
    for (const auto& reporter : reporters())
      writing.push_back(std::async(std::launch::async, [&, r = reporter.get()] { r->write({outcome, code, trends}); }));
    std::exception_ptr first;
    for (auto& w : writing) try {
        w.get();
      } catch (...) {
        if (!first) first = std::current_exception();
      }
    if (first) std::rethrow_exception(first);
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
