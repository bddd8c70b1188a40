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

// Whether an entry of the rank's environment ("NAME=value") is passed on to its tests. What
// the MPI launcher set up for the harness rank itself (its place in the harness's job, the
// PMIx server it talks to) is not: an MPI program under test would otherwise join the
// harness's job as that rank, and a launcher it starts would take itself for a step of it.
// The user's MCA settings (OMPI_MCA_btl, ...) and Slurm's job variables are passed on.
bool passed_to_tests(const std::string& assignment);

}  // namespace tellus_harness
