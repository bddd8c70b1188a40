#pragma once
// What the paths of `tellus-harness run PATH...` are: a *.yaml / *.yml file is a harness
// suite; a *.py file or a pytest node id (file.py::Class::test) is for pytest; a directory
// gives its YAML suites to the harness and itself to pytest when it holds Python files.
#include <string>
#include <vector>

namespace tellus_harness {

struct RunPaths {
  std::vector<std::string> suite_files;   // YAML suites, in order (directories expanded)
  std::vector<std::string> pytest_paths;  // as given, for pytest to collect
};

// UserError for a path that does not exist (a node id's file part must).
RunPaths classify_run_paths(const std::vector<std::string>& paths);

}  // namespace tellus_harness
