#include "tellus_harness/config/pytest_invocation.hpp"

#include <unistd.h>

#include <cstdlib>

namespace tellus_harness {

PytestInvocation choose_python(const std::string& option, const std::string& profile_python) {
  PytestInvocation p;
  if (!option.empty()) {
    p.python = option;
    p.python_source = "--python";
  } else if (const char* env = std::getenv("TELLUS_PYTHON"); env && *env) {
    p.python = env;
    p.python_source = "TELLUS_PYTHON";
  } else if (!profile_python.empty()) {
    p.python = profile_python;
    p.python_source = "the profile's python";
  } else {
    p.python = "python3";
    p.python_source = "the default";
  }
  return p;
}

std::vector<std::string> pytest_arguments(const std::vector<std::string>& extra, const std::string& marker_expression,
                                          const std::string& keyword_expression, const std::vector<std::string>& paths) {
  std::vector<std::string> args = extra;
  if (!marker_expression.empty()) args.insert(args.end(), {"-m", marker_expression});
  if (!keyword_expression.empty()) args.insert(args.end(), {"-k", keyword_expression});
  args.insert(args.end(), paths.begin(), paths.end());
  return args;
}

std::vector<std::string> pytest_argv(const PytestInvocation& invocation, const std::vector<std::string>& more) {
  std::vector<std::string> argv{invocation.python, "-m", "pytest", "-p", "tellus_harness_pytest"};
  // The options come before the paths, where pytest reads them whatever the paths look like.
  argv.insert(argv.end(), more.begin(), more.end());
  argv.insert(argv.end(), invocation.args.begin(), invocation.args.end());
  return argv;
}

std::vector<std::string> pytest_environment(std::vector<std::string> base, const std::string& plugin_dir,
                                            const std::string& mode) {
  std::string pythonpath = plugin_dir;
  for (auto it = base.begin(); it != base.end();) {
    if (it->rfind("PYTHONPATH=", 0) == 0 || it->rfind("TELLUS_PYTEST_", 0) == 0) {
      if (it->rfind("PYTHONPATH=", 0) == 0 && it->size() > 11) pythonpath += ":" + it->substr(11);
      it = base.erase(it);
    } else {
      ++it;
    }
  }
  base.push_back("PYTHONPATH=" + pythonpath);
  base.push_back("TELLUS_PYTEST_MODE=" + mode);
  return base;
}

std::string find_pytest_plugin_dir(const std::string& harness_exe) {
  const std::string bin = harness_exe.substr(0, harness_exe.rfind('/') + 1);
  for (const std::string& dir : {bin + "../share/tellus-harness/python", std::string(TELLUS_HARNESS_SOURCE_PYTHON),
                                std::string(TELLUS_HARNESS_INSTALLED_PYTHON)})
    if (access((dir + "/tellus_harness_pytest.py").c_str(), R_OK) == 0) return dir;
  return {};
}

}  // namespace tellus_harness
