#pragma once
// Drives an Executor the way a rank does: every test started, waited for until all are done.
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "tellus_harness/exec/executor.hpp"

// The results in index order; what finish_cleanup() reported goes to `problems`.
inline std::vector<tellus_harness::TestResult> run_to_end(tellus_harness::Executor& ex,
                                                          const std::vector<tellus_harness::TestSpec>& tests,
                                                          std::vector<std::string>& problems) {
  for (std::size_t i = 0; i < tests.size(); ++i) ex.start(static_cast<int>(i), tests[i]);
  std::vector<tellus_harness::TestResult> done;
  while (!ex.idle())
    for (auto& r : ex.wait(std::chrono::milliseconds(50))) done.push_back(std::move(r));
  problems = ex.finish_cleanup();
  std::sort(done.begin(), done.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  return done;
}
