#pragma once
// A workload kind (the `kind:` of a test) is a plugin: one file implementing this interface
// plus one line in workload_registry.cpp. Every kind runs in its own child process.
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "tellus_harness/config/test_spec.hpp"

namespace tellus_harness {

class YamlMap;
struct BackendConfig;
using SuiteBackends = std::map<std::string, BackendConfig>;

class Workload {
 public:
  virtual ~Workload() = default;
  virtual std::string kind() const = 0;
  // Keys this kind accepts in a test entry besides the common ones (name, kind, markers, ...).
  virtual std::vector<std::string> parameter_keys() const = 0;
  // Reads and checks the kind's parameters from the test entry; returns them as JSON text.
  // `backends` are the suite's named storage locations. Bad parameters throw a UserError
  // naming the file and line.
  virtual std::string parse_parameters(const YamlMap& test, const SuiteBackends& backends) const = 0;
  // The program the child process executes. `self_exe` is the harness binary, for kinds that
  // run inside the harness (`tellus-harness workload ...`).
  virtual std::vector<std::string> child_argv(const TestSpec& spec, const std::string& self_exe) const = 0;
  // Built-in kinds: runs in the child (`tellus-harness __workload KIND PARAMS`), in the test's
  // workspace. Returns the exit status; throws with a message for the report on failure.
  virtual int execute(const std::string& params_json) const;
};

// Main of the child that runs a built-in kind: errors become one line on stderr and exit 1.
int run_workload_child(const std::string& kind, const std::string& params_json);

const Workload* find_workload(const std::string& kind);
std::vector<std::string> workload_kinds();

}  // namespace tellus_harness
