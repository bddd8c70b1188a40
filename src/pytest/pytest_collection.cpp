#include "tellus_harness/pytest/pytest_collection.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tellus_harness/common/environment_names.hpp"
#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/config/value_ranges.hpp"
#include "tellus_harness/exec/interrupt.hpp"

extern char** environ;

namespace fs = std::filesystem;

namespace tellus_harness {

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// What pytest said, without its blank lines and banners, bounded for one error message. Of
// an internal error, the plugin's one line says what and where, instead of pytest's traceback.
std::string pytest_words(const std::string& log) {
  if (const auto at = log.find("pytest stopped with an internal error: "); at != std::string::npos)
    return log.substr(at, std::min<std::size_t>(log.find('\n', at) - at, 4000));
  std::string out;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.find_first_not_of(" \t=!") == std::string::npos) continue;
    out += (out.empty() ? "" : "\n") + line;
  }
  if (out.size() > 4000) out = "..." + out.substr(out.size() - 4000);
  return out;
}

struct TempDir {
  std::string path;
  TempDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/tellus-collect-XXXXXX";
    if (!mkdtemp(templ.data())) throw UserError("cannot create a directory for pytest's collection under " + templ + ": " + std::strerror(errno));
    path = templ;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

UserError cannot_run_python(const std::string& python, const std::string& python_source, int error) {
  return UserError("cannot run '" + python + "' (the Python for pytest, from " + python_source + "): " + std::strerror(error) +
                   "; name an interpreter that has pytest: --python PATH, TELLUS_PYTHON or the profile's python:");
}

struct Finished {
  int status = 0;
  bool timed_out = false;
};

// Runs pytest with its output into `log`, in its own process group so that an interrupt or
// the limit ends everything it started.
Finished run_collection(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                        const std::string& cwd, const std::string& log, const std::string& python_source) {
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw cannot_run_python(argv[0], python_source, rc);
  register_process_group(pid);
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(static_cast<long>(kPytestCollectionLimitSeconds));
  Finished f;
  for (;;) {
    const pid_t r = waitpid(pid, &f.status, WNOHANG);
    if (r == pid) break;
    if (interrupted() || std::chrono::steady_clock::now() > limit) {
      f.timed_out = !interrupted();
      kill(-pid, SIGKILL);
      waitpid(pid, &f.status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  unregister_process_group(pid);
  kill(-pid, SIGKILL);  // whatever its conftest left running
  return f;
}

bool usable_timeout(const nlohmann::json& seconds) {
  return seconds.is_number() && std::isfinite(seconds.get<double>()) && seconds.get<double>() > 0 &&
         seconds.get<double>() <= kMaxTimeoutSeconds;
}

double marker_timeout(const nlohmann::json& item, double default_timeout_s, std::string& problem) {
  const auto it = item.find("timeout");
  if (it == item.end() || it->is_null()) return default_timeout_s;
  if (usable_timeout(*it)) return it->get<double>();
  problem = "@pytest.mark.timeout needs a number of seconds greater than 0 and at most 2592000, got " +
            (it->is_string() ? it->get<std::string>() : it->dump());
  return default_timeout_s;
}

// What pytest reports about a file rather than a test (it failed to import, it skipped
// itself): an entry of the plan named by the file's node id, as pytest's --junitxml names it.
CollectedTest collector_entry(const std::string& nodeid) {
  CollectedTest t;
  t.spec.kind = "pytest";
  t.spec.nodeid = t.spec.suite = t.spec.suite_file = t.spec.name = nodeid;
  t.spec.params_json = "{}";
  return t;
}

}  // namespace

PytestCollection parse_pytest_manifest(const std::string& text, const std::string& source, double default_timeout_s) {
  PytestCollection c;
  try {
    const auto j = nlohmann::json::parse(text);
    c.rootdir = j.at("rootdir").get<std::string>();
    c.deselected = j.at("deselected").get<std::size_t>();
    c.maxfail = j.value("maxfail", 0);
    // The project's own default (pytest-timeout's ini `timeout`) comes before the harness's.
    // pytest-timeout has read it as a number; one past the harness's bound is not used.
    const auto project_default = j.value("default_timeout", nlohmann::json());
    const double item_default = usable_timeout(project_default) ? project_default.get<double>() : default_timeout_s;
    for (const auto& item : j.at("items")) {
      CollectedTest t;
      TestSpec& s = t.spec;
      s.kind = "pytest";
      s.nodeid = item.at("nodeid").get<std::string>();
      s.suite = s.suite_file = item.at("path").get<std::string>();
      s.line = item.at("lineno").get<int>() + 1;  // pytest counts from 0
      s.name = item.at("name").get<std::string>();
      s.markers = item.at("markers").get<std::vector<std::string>>();
      s.timeout_s = marker_timeout(item, item_default, t.collect_error);
      if (!t.collect_error.empty()) t.collect_error = s.nodeid + ": " + t.collect_error;
      s.params_json = nlohmann::json{{"keywords", item.at("keywords")}}.dump();
      c.tests.push_back(std::move(t));
    }
    for (const auto& error : j.at("errors")) {
      CollectedTest t = collector_entry(error.at("nodeid").get<std::string>());
      t.collect_error = error.at("longrepr").get<std::string>();
      if (t.collect_error.empty()) t.collect_error = "collection failed";
      // --strict-markers: the project's configuration is at fault, not one file.
      if (t.collect_error.find("not found in `markers` configuration option") != std::string::npos)
        throw UserError(t.spec.nodeid, 0, "pytest: " + pytest_words(t.collect_error) +
                                              " (register the marker in the project's pytest.ini or pyproject.toml)");
      c.tests.push_back(std::move(t));
    }
    // A module that skipped itself (importorskip, pytest.skip(allow_module_level=True)): one
    // skipped entry with its reason, as pytest counts and names it.
    for (const auto& skipped : j.value("skipped", nlohmann::json::array())) {
      CollectedTest t = collector_entry(skipped.at("nodeid").get<std::string>());
      t.skip_reason = skipped.at("reason").get<std::string>();
      if (t.skip_reason.empty()) t.skip_reason = "skipped at collection";
      c.tests.push_back(std::move(t));
    }
  } catch (const nlohmann::json::exception& e) {
    throw UserError(source, 0, std::string("not a collection written by tellus_harness_pytest: ") + e.what());
  }
  return c;
}

PytestCollection collect_pytest_tests(const PytestInvocation& invocation, const std::string& plugin_dir,
                                      double default_timeout_s) {
  if (plugin_dir.empty())
    throw UserError("tellus_harness_pytest.py, the pytest plugin that ships with tellus-harness, is not installed "
                    "(share/tellus-harness/python); reinstall tellus-harness");
  const TempDir tmp;
  const std::string manifest = tmp.path + "/collection.json";
  const std::string log = tmp.path + "/pytest.log";
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  env = pytest_environment(std::move(env), plugin_dir, "collect");
  env.push_back(env::assignment(env::kPytestManifest, manifest));
  const auto argv = pytest_argv(invocation, {"--collect-only", "-q", "-o", "cache_dir=" + tmp.path + "/cache"});
  const Finished f = run_collection(argv, env, invocation.cwd, log, invocation.python_source);
  CollectionEnd ended;
  ended.exited = true;
  ended.exit_code = WIFEXITED(f.status) ? WEXITSTATUS(f.status) : 128 + WTERMSIG(f.status);
  ended.timed_out = f.timed_out;
  ended.interrupted = interrupted();
  ended.output = read_text(log);
  return read_pytest_collection(ended, manifest, invocation, default_timeout_s);
}

PytestCollection read_pytest_collection(const CollectionEnd& end, const std::string& manifest,
                                        const PytestInvocation& invocation, double default_timeout_s) {
  if (end.interrupted) throw UserError("interrupted while pytest collected the tests");
  if (end.exited && end.exec_errno != 0) throw cannot_run_python(invocation.python, invocation.python_source, end.exec_errno);
  const std::string said = pytest_words(end.output);
  if (end.timed_out)
    throw UserError("pytest's collection did not end within " + std::to_string(static_cast<int>(kPytestCollectionLimitSeconds)) +
                    " s (a conftest.py or test module that hangs on import?): " + said);
  // pytest's exit codes: 4 usage error, 3 internal error; 1, 2 and 5 still collected what they could.
  if (end.exited && (end.exit_code == 4 || end.exit_code == 3 || !fs::exists(manifest))) {
    // The common case on a login node: `python3` on PATH is a pyenv or module interpreter.
    const bool no_pytest = said.find("No module named pytest") != std::string::npos;
    throw UserError("pytest (" + invocation.python + ", from " + invocation.python_source + ") exited with " +
                    std::to_string(end.exit_code) + " while collecting: " + (said.empty() ? "no message" : said) +
                    (no_pytest ? " (install pytest for that Python, or name one that has it with --python PATH, "
                                 "TELLUS_PYTHON or the profile's python:)"
                               : ""));
  }
  return parse_pytest_manifest(read_text(manifest), manifest, default_timeout_s);
}

}  // namespace tellus_harness
