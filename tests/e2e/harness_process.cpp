#include "harness_process.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct MpiRootEnvironment {
  MpiRootEnvironment() {
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 0);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 0);
    unsetenv("TELLUS_TEST_CONFIG");
    unsetenv("TELLUS_TIMEOUT_MULTIPLIER");
    unsetenv("TELLUS_CONCURRENT_LIMIT");
    unsetenv("TELLUS_ALERT_WEBHOOK");
    setenv("TELLUS_PERF_STORE", "/tmp/tellus-e2e/perf-store", 1);  // never the user's store
  }
} const mpi_root_environment;
}  // namespace

ProcessResult run_shell(const std::string& command_line) {
  static std::atomic<int> counter{0};  // tests run it from several threads at once
  const std::string base = "/tmp/tellus-e2e-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  const auto t0 = std::chrono::steady_clock::now();
  const int status = std::system(("{ " + command_line + "\n} >" + base + ".out 2>" + base + ".err </dev/null").c_str());
  ProcessResult r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(base + ".out");
  r.err = slurp(base + ".err");
  fs::remove(base + ".out");
  fs::remove(base + ".err");
  return r;
}

ProcessResult run_shell_while(const std::string& command_line, const std::function<void()>& meanwhile) {
  std::thread other(meanwhile);
  ProcessResult r = run_shell(command_line);
  other.join();
  return r;
}

SshdFixture::SshdFixture(std::string dir_, int port)
    : dir(std::move(dir_)),
      started(run_shell(fixture("ssh/start-sshd.sh") + " " + dir + " " + std::to_string(port)).exit_code == 0) {}

SshdFixture::~SshdFixture() {
  if (started) run_shell("kill $(cat " + dir + "/sshd.pid)");
}

ProcessResult run_harness(int ranks, const std::string& args) {
  std::string line = ranks > 0 ? std::string(TELLUS_MPIEXEC) + " -n " + std::to_string(ranks) + " --oversubscribe " : "";
  return run_shell(line + TELLUS_HARNESS_EXE + " " + args);
}

std::string fixture(const std::string& relative) { return std::string(TELLUS_SOURCE_DIR) + "/tests/fixtures/" + relative; }

std::string fresh_output_dir(const std::string& name) {
  const std::string dir = "/tmp/tellus-e2e/" + name;
  fs::remove_all(dir);
  return dir;
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

std::thread kill_victim_rank(const std::string& pid_file) {
  return std::thread([pid_file] {
    for (int i = 0; i < 300 && !fs::exists(pid_file); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    pid_t pid = 0;
    std::ifstream(pid_file) >> pid;
    if (pid > 0) kill(pid, SIGKILL);
  });
}

int count_lines_with(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  int n = 0;
  for (std::string line; std::getline(in, line);)
    if (line.find(needle) != std::string::npos) ++n;
  return n;
}
