#pragma once
// How tellus-harness starts the project's own pytest: which Python, from which directory and
// with which arguments (the user's --pytest-args, -m, -k and the pytest paths). Rank 0
// collects with it and every rank starts its workers with it, so that node ids, selection and
// parametrization are the same everywhere, and pytest's own.
#include <string>
#include <vector>

namespace tellus_harness {

struct PytestInvocation {
  std::string python;              // path, or a name found in PATH
  std::string python_source;       // where that choice came from, for messages
  std::string cwd;                 // where the run was launched: pytest's invocation directory
  std::vector<std::string> args;   // pytest's arguments; empty: the run has no pytest paths
  bool used() const { return !args.empty(); }
};

// The Python for pytest: --python, else TELLUS_PYTHON, else the profile's `python:`, else python3.
PytestInvocation choose_python(const std::string& option, const std::string& profile_python);

// Refuses (UserError) pytest options that cannot work under the harness, saying what to use:
// pytest-xdist's own distribution, options that end pytest after collecting or at a failure,
// selection from pytest's cache, and the interactive debugger.
void check_pytest_args(const std::vector<std::string>& extra);

// pytest's arguments: the user's extra ones, -m and -k when given, then the paths.
std::vector<std::string> pytest_arguments(const std::vector<std::string>& extra, const std::string& marker_expression,
                                          const std::string& keyword_expression, const std::vector<std::string>& paths);

// `python -m pytest -p tellus_harness_pytest ARGS... MORE...`
std::vector<std::string> pytest_argv(const PytestInvocation& invocation, const std::vector<std::string>& more);

// The environment for a pytest process in `mode` (collect, worker): `base` with the plugin's
// directory first on PYTHONPATH and TELLUS_PYTEST_MODE set.
std::vector<std::string> pytest_environment(std::vector<std::string> base, const std::string& plugin_dir,
                                            const std::string& mode);

// Where tellus_harness_pytest.py is: share/tellus-harness/python beside the installed
// `harness_exe`, else the source tree's python/ (a build tree), else the configured prefix's;
// "" when none has it.
std::string find_pytest_plugin_dir(const std::string& harness_exe);

}  // namespace tellus_harness
