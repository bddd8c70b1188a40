#pragma once
// `run --resume DIR`: an earlier run continued in its own output directory, with its own plan.
// What its attempts finished stands; only the rest runs, over however many ranks this launch
// has, and one report covers the whole run.
#include <string>
#include <vector>

#include "tellus_harness/plan/run_plan.hpp"
#include "tellus_harness/results/test_result.hpp"

namespace tellus_harness {

struct ResumePoint {
  RunPlan plan;                      // with this launch appended to its attempts
  std::vector<TestResult> finished;  // one result per test that finished, the latest attempt's
  bool complete = false;             // nothing left to run: the plan is not touched
};

// Reads DIR's run.json and journals. A test the run's own stop ended (an interrupt, a rank that
// could not journal) counts as unfinished. The suites' tests are read again from their files
// (the working directory must be the run's): run.json holds their environment and backend
// settings with secrets redacted, and a test runs with the real ones. Unless the run is
// complete, records the new attempt in run.json. UserError for anything the user can fix.
ResumePoint load_resume_point(const std::string& dir, int ranks, std::vector<std::string>& warnings);

}  // namespace tellus_harness
