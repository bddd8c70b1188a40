#pragma once
#include "tellus_harness/report/run_outcome.hpp"

namespace tellus_harness {

// Writes report.json and report.xml, prints the terminal summary and returns the exit code.
int publish_run(const RunOutcome& outcome);

}  // namespace tellus_harness
