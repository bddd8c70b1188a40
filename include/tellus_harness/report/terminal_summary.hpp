#pragma once
#include <cstdio>

#include "tellus_harness/results/run_outcome.hpp"

namespace tellus_harness {

// pytest's closing lines: each failure with its reason, then
// "N passed, N failed, N skipped, N error in S s" and the report paths.
void print_terminal_summary(const RunOutcome& outcome, std::FILE* out = stdout);

}  // namespace tellus_harness
