#pragma once
// A command test running `script` with /bin/sh -c, for the executor's unit tests.
#include <nlohmann/json.hpp>
#include <string>

#include "tellus_harness/config/test_spec.hpp"

inline tellus_harness::TestSpec shell_test(const std::string& name, const std::string& script, double timeout = 10) {
  tellus_harness::TestSpec t;
  t.name = name;
  t.nodeid = "unit::" + name;
  t.kind = "command";
  t.timeout_s = timeout;
  t.params_json = nlohmann::json{{"shell", script}}.dump();
  t.workspace_name = name;
  return t;
}
