#pragma once
// A workload kind (the `kind:` of a test) is a plugin: one file implementing this interface
// plus one line in workload_registry.cpp. Every kind runs in its own child process.
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "tellus_harness/config/test_kind.hpp"
#include "tellus_harness/config/test_spec.hpp"

namespace tellus_harness {

// A workload kind is a TestKind (its keys and parameters) that also knows how to run.
class Workload : public TestKind {
 public:
  // The program the child process executes. `self_exe` is the harness binary, for kinds that
  // run inside the harness (`tellus-harness workload ...`). `launcher`: for a test of several
  // ranks (multi_rank kinds only), the words that start an MPI program on its slots
  // (config/launcher.hpp); empty otherwise.
  virtual std::vector<std::string> child_argv(const TestSpec& spec, const std::string& self_exe,
                                              const std::vector<std::string>& launcher) const = 0;
  // Built-in kinds: runs in the child (`tellus-harness __workload KIND PARAMS`), in the test's
  // workspace. Returns the exit status; throws with a message for the report on failure.
  virtual int execute(const std::string& params_json) const;
};

// Main of the child that runs a built-in kind: errors become one line on stderr and exit 1.
int run_workload_child(const std::string& kind, const std::string& params_json);

const Workload* find_workload(const std::string& kind);
// What the executor runs for a test: its kind's child_argv; throws for an unknown kind.
std::vector<std::string> workload_command_line(const TestSpec& spec, const std::string& self_exe,
                                               const std::vector<std::string>& launcher = {});
std::vector<std::string> workload_kinds();
// The registry as the suite reader sees it.
const TestKinds& workload_test_kinds();

}  // namespace tellus_harness
