#pragma once
// What a test's process finds in its environment besides the user's: its workspace and the
// directories in it, its rank, the profile (common/environment_names.hpp names them). YAML
// tests and pytest workers both get these; each adds its own (executor.cpp, pytest_worker.cpp).
#include <string>
#include <vector>

namespace tellus_harness {

struct TestEnvironment {
  std::string workspace;
  int rank = 0;
  std::string profile;
  int max_concurrent = 1;
  bool network_simulation = false;
};

// "NAME=value" entries to append to the inherited environment.
std::vector<std::string> test_environment(const TestEnvironment& t);

}  // namespace tellus_harness
