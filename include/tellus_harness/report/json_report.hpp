#pragma once
#include <string>

#include "tellus_harness/results/run_outcome.hpp"

namespace tellus_harness {

// report.json in the pytest-json-report schema (created, duration, exitcode, root, environment,
// summary, tests[] with setup/call/teardown), plus a `harness` object: the resolved profile
// with the source of each value, the ranks with host and busy time, and per test its rank,
// host, start, stop and metrics. Written atomically.
// The `harness` object's format (docs/schemas/report-harness.schema.json); the rest of
// report.json is pytest-json-report's.
inline constexpr int kReportHarnessSchemaVersion = 1;
void write_json_report(const RunOutcome& outcome, int exit_code, const std::string& path);

}  // namespace tellus_harness
