#pragma once
#include "tellus_harness/report/html_report.hpp"
#include "tellus_harness/results/run_outcome.hpp"

namespace tellus_harness {

// Writes report.json, report.xml and report.html (beside report.json), prints the terminal
// summary and returns the exit code. `trends` (may be null) adds the trend charts.
int publish_run(const RunOutcome& outcome, const TrendView* trends = nullptr);
std::string html_report_path(const RunPlan& plan);

}  // namespace tellus_harness
