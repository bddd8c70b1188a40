#pragma once
// Flaky tests in the result history: those whose outcome flipped between pass and fail over
// the last runs, or that passed only on a rerun within a run.
#include <string>
#include <vector>

#include "tellus_harness/perf/perf_store.hpp"

namespace tellus_harness {

struct FlakyTest {
  std::string test;          // the perf key (node id)
  int runs = 0;              // of the last K runs, those that ran it (passed or failed)
  int flips = 0;             // changes between passed and failed from one of those runs to the next
  int flaky_runs = 0;        // runs where it passed only on a rerun
  double flip_rate = 0;      // (flips + flaky_runs) / runs
  std::string last_outcome;  // in the latest of those runs
};

// From `runs` (oldest first), their last `last_k`: every test with a flip or a flaky run, worst
// (highest flip rate, then most runs) first. Skipped and deselected runs of a test do not count.
std::vector<FlakyTest> find_flaky_tests(const std::vector<PerfRun>& runs, int last_k);

}  // namespace tellus_harness
