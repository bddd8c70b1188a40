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
  std::string skip_reason;    // not empty: skipped by a profile gate, with why
  std::string collect_error;  // not empty: collecting it failed (a pytest import error); an error
  bool runnable() const { return skip_reason.empty() && collect_error.empty(); }
};

struct Selection {
  std::vector<CollectedTest> tests;
  std::size_t deselected = 0;
};

// Why the profile skips a test: `large_file_tests: false` and a test marked slow; a storage
// backend, needed or named by a marker, that the profile does not enable. "" when it runs.
std::string profile_gate_reason(const TestSpec& test, const Profile& profile);

// Throws UserError for a bad expression.
Selection select_tests(std::vector<TestSpec> tests, const SelectionOptions& options, const Profile& profile);

}  // namespace tellus_harness
