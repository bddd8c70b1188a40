#pragma once
// Suite files (YAML): a name, optional defaults, and a list of tests.
#include <string>
#include <vector>

#include "tellus_harness/config/test_kind.hpp"
#include "tellus_harness/config/test_spec.hpp"

namespace tellus_harness {

// Expands directories to every *.yaml file inside them (sorted); a missing path is a UserError.
std::vector<std::string> expand_suite_paths(const std::vector<std::string>& paths);

// Loads the suite files in order. `default_timeout_s` applies when neither the test nor the
// suite's defaults give a timeout; `kinds` are the kinds a test may name (the workload
// registry). Every error is a UserError naming file and line.
std::vector<TestSpec> load_suites(const std::vector<std::string>& paths, double default_timeout_s,
                                  const TestKinds& kinds);

}  // namespace tellus_harness
