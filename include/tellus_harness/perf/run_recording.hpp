#pragma once
#include "tellus_harness/perf/perf_store.hpp"
#include "tellus_harness/results/run_outcome.hpp"

namespace tellus_harness {

// The key a test has in the store: "<suite>::<name>", the same whatever path the suite was
// given by.
std::string perf_key(const TestSpec& spec);

// A finished run as the store records it: every test's duration and outcome; for passed
// tests their metrics (duration_s included; a metric may be a number or
// {"value": x, "direction": "lower"|"higher"}).
PerfRun perf_run_from(const RunOutcome& outcome);

}  // namespace tellus_harness
