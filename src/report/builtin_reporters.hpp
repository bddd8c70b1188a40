#pragma once
// The report formats built into the harness; listed once in report_formats.cpp.
#include <memory>
#include <string>

#include "tellus_harness/report/reporter.hpp"

namespace tellus_harness {

std::unique_ptr<Reporter> make_terminal_reporter();
std::unique_ptr<Reporter> make_json_reporter();
std::unique_ptr<Reporter> make_junit_reporter();
std::unique_ptr<Reporter> make_html_reporter();
std::unique_ptr<Reporter> make_github_summary_reporter();

// The Markdown the github format appends to GITHUB_STEP_SUMMARY.
std::string github_summary_markdown(const RunOutcome& outcome, int exit_code);

}  // namespace tellus_harness
