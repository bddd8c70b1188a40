#pragma once
// Tests as a suite file of one-line commands gives them: about what a real spec weighs, for
// the benchmarks that need many without collecting a suite.
#include <cstdio>

#include "tellus_harness/config/test_spec.hpp"

inline tellus_harness::TestSpec synthetic_spec(int i) {
  tellus_harness::TestSpec t;
  char name[16];
  std::snprintf(name, sizeof name, "t%06d", i);
  t.suite = "scale";
  t.suite_file = "suites/scale.yaml";
  t.line = 3 + 2 * i;
  t.name = name;
  t.nodeid = t.suite_file + "::" + t.name;
  t.kind = "command";
  t.markers = {"archive", "ssh"};
  t.timeout_s = 300;
  t.expected_duration_s = 1.0;
  t.params_json = R"({"command":["true"],"shell":false})";
  t.workspace_name = t.name;
  return t;
}
