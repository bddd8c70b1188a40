#include "tellus_harness/config/pytest_invocation.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

#include "tellus_harness/common/environment_names.hpp"
#include "tellus_harness/common/user_error.hpp"

namespace tellus_harness {

PytestInvocation choose_python(const std::string& option, const std::string& profile_python) {
  PytestInvocation p;
  if (!option.empty()) {
    p.python = option;
    p.python_source = "--python";
  } else if (const char* env = std::getenv(env::kPython); env && *env) {
    p.python = env;
    p.python_source = env::kPython;
  } else if (!profile_python.empty()) {
    p.python = profile_python;
    p.python_source = "the profile's python";
  } else {
    p.python = "python3";
    p.python_source = "the default";
  }
  return p;
}

void check_pytest_args(const std::vector<std::string>& extra) {
  struct Refused {
    const char* option;
    const char* instead;
  };
  static const Refused refused[] = {
      {"-n", "tellus-harness spreads the tests over the MPI ranks and their workers itself: leave out pytest-xdist's options"},
      {"--numprocesses", "tellus-harness spreads the tests over the MPI ranks and their workers itself: leave out pytest-xdist's options"},
      {"--dist", "tellus-harness spreads the tests over the MPI ranks and their workers itself: leave out pytest-xdist's options"},
      {"--tx", "tellus-harness spreads the tests over the MPI ranks and their workers itself: leave out pytest-xdist's options"},
      {"-x", "use the harness's own -x or --maxfail N, which count over every rank"},
      {"--exitfirst", "use the harness's own -x or --maxfail N, which count over every rank"},
      {"--maxfail", "use the harness's own --maxfail N, which counts over every rank"},
      {"--collect-only", "use the harness's own --collect-only"},
      {"--co", "use the harness's own --collect-only"},
      {"--lf", "select with -m, -k or node ids: pytest's cache is not shared by the ranks"},
      {"--last-failed", "select with -m, -k or node ids: pytest's cache is not shared by the ranks"},
      {"--ff", "select with -m, -k or node ids: pytest's cache is not shared by the ranks"},
      {"--failed-first", "select with -m, -k or node ids: pytest's cache is not shared by the ranks"},
      {"--sw", "select with -m, -k or node ids: pytest's cache is not shared by the ranks"},
      {"--stepwise", "select with -m, -k or node ids: pytest's cache is not shared by the ranks"},
      {"--pdb", "no worker has a terminal: run the test under plain pytest to debug it"},
      {"--trace", "no worker has a terminal: run the test under plain pytest to debug it"},
      // pytest empties its --basetemp when a session starts: shared, one worker would remove
      // the files of another's running test.
      {"--basetemp", "each pytest worker has a --basetemp of its own in its workspace, so that tmp_path never "
                     "collides; --keep-workspaces keeps them all"},
  };
  auto check = [&](const std::string& arg, const std::string& name) {
    for (const auto& r : refused)
      if (name == r.option) throw UserError("--pytest-args " + arg + ": " + r.instead);
  };
  for (const auto& arg : extra) {
    if (arg.rfind("--", 0) == 0) {
      check(arg, arg.substr(0, arg.find('=')));  // "--maxfail=3" as "--maxfail"
      continue;
    }
    if (arg.size() < 2 || arg[0] != '-') continue;
    // Short options as pytest's parser reads them: "-xvs" is -x -v -s; after an option that
    // takes a value the rest is that value ("-n4", "-rxX", "-pno:warnings").
    for (std::size_t i = 1; i < arg.size(); ++i) {
      check(arg, std::string("-") + arg[i]);
      if (std::string_view("svqlhV").find(arg[i]) == std::string_view::npos) break;
    }
  }
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
    if (it->rfind("PYTHONPATH=", 0) == 0 || it->rfind(env::kPytestPrefix, 0) == 0) {
      if (it->rfind("PYTHONPATH=", 0) == 0 && it->size() > 11) pythonpath += ":" + it->substr(11);
      it = base.erase(it);
    } else {
      ++it;
    }
  }
  base.push_back("PYTHONPATH=" + pythonpath);
  base.push_back(env::assignment(env::kPytestMode, mode));
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
