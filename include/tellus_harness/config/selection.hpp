#pragma once
// Which collected tests run: -m and -k deselect (absent from the report); the profile's gates
// skip with a reason (present in the report, outcome skipped).
#include <string>
#include <vector>

#include "tellus_harness/config/profile.hpp"
#include "tellus_harness/config/test_spec.hpp"

namespace tellus_harness {

struct SelectionOptions {
  std::string marker_expression;   // -m
  std::string keyword_expression;  // -k
};

struct CollectedTest {
  TestSpec spec;
  std::string skip_reason;  // empty: the test runs
};

struct Selection {
  std::vector<CollectedTest> tests;
  std::size_t deselected = 0;
};

// Throws UserError for a bad expression.
Selection select_tests(std::vector<TestSpec> tests, const SelectionOptions& options, const Profile& profile);

}  // namespace tellus_harness
