#include "tellus_harness/perf/flaky_history.hpp"

#include <algorithm>
#include <map>

namespace tellus_harness {

namespace {
// Passed or failed: the two ends of a flip. Quarantined failures are failures here too.
bool decided(const std::string& outcome) {
  return outcome == "passed" || outcome == "failed" || outcome == "error";
}
bool passed(const std::string& outcome) { return outcome == "passed"; }
}  // namespace

std::vector<FlakyTest> find_flaky_tests(const std::vector<PerfRun>& runs, int last_k) {
  const std::size_t first = last_k > 0 && runs.size() > static_cast<std::size_t>(last_k) ? runs.size() - last_k : 0;
  std::map<std::string, FlakyTest> tests;
  for (std::size_t i = first; i < runs.size(); ++i) {
    for (const auto& [key, record] : runs[i].tests) {
      if (!decided(record.outcome)) continue;
      FlakyTest& t = tests[key];
      t.test = key;
      if (t.runs > 0 && passed(t.last_outcome) != passed(record.outcome)) ++t.flips;
      if (passed(record.outcome) && record.tries > 1) ++t.flaky_runs;
      ++t.runs;
      t.last_outcome = record.outcome;
    }
  }
  std::vector<FlakyTest> flaky;
  for (auto& [key, t] : tests) {
    if (t.flips == 0 && t.flaky_runs == 0) continue;
    t.flip_rate = static_cast<double>(t.flips + t.flaky_runs) / t.runs;
    flaky.push_back(std::move(t));
  }
  std::sort(flaky.begin(), flaky.end(), [](const FlakyTest& a, const FlakyTest& b) {
    return a.flip_rate != b.flip_rate ? a.flip_rate > b.flip_rate : a.runs != b.runs ? a.runs > b.runs : a.test < b.test;
  });
  return flaky;
}

}  // namespace tellus_harness
