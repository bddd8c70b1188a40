#pragma once
// The report formats built into the harness; listed once in report_formats.cpp.
#include <memory>

#include "tellus_harness/report/reporter.hpp"

namespace tellus_harness {

std::unique_ptr<Reporter> make_terminal_reporter();
std::unique_ptr<Reporter> make_json_reporter();
std::unique_ptr<Reporter> make_junit_reporter();
std::unique_ptr<Reporter> make_html_reporter();

}  // namespace tellus_harness
