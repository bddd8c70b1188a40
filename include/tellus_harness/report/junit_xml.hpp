#pragma once
#include <string>
#include <string_view>

#include "tellus_harness/results/run_outcome.hpp"

namespace tellus_harness {

// report.xml as JUnit XML (the dialect Jenkins and GitLab read): one <testsuite> per suite.
void write_junit_xml(const RunOutcome& outcome, const std::string& path);

// Escapes for XML text and attributes; drops characters XML 1.0 forbids and replaces
// invalid UTF-8 with U+FFFD, since test output can hold anything.
std::string xml_escape(std::string_view text);

}  // namespace tellus_harness
