#pragma once
// Runs the real tellus-harness (under mpiexec or alone) and reads what it wrote.
#include <nlohmann/json.hpp>
#include <functional>
#include <string>
#include <thread>

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  double seconds = 0;
};

// Runs a shell command line; stdout and stderr are captured separately.
ProcessResult run_shell(const std::string& command_line);

// run_shell(command_line) while `meanwhile` runs on a thread of its own (a server killed and
// started again, say); returns when both have ended.
ProcessResult run_shell_while(const std::string& command_line, const std::function<void()>& meanwhile);

// A throwaway sshd (tests/fixtures/ssh/start-sshd.sh DIR PORT), killed when this goes.
struct SshdFixture {
  SshdFixture(std::string dir, int port);
  ~SshdFixture();
  SshdFixture(const SshdFixture&) = delete;
  SshdFixture& operator=(const SshdFixture&) = delete;
  std::string dir;
  bool started;
};

// `mpiexec -n RANKS --oversubscribe tellus-harness ARGS` (ranks 0: no mpiexec).
ProcessResult run_harness(int ranks, const std::string& args);

std::string fixture(const std::string& relative);  // path under tests/fixtures
std::string fresh_output_dir(const std::string& name);
nlohmann::json read_json(const std::string& path);
// A thread that kill -9s the rank whose pid a victim test writes to `pid_file`, 1.5 s after the
// file appears (the quick tests finish meanwhile); join it after the run.
std::thread kill_victim_rank(const std::string& pid_file);

// Count of lines in `text` containing `needle`.
int count_lines_with(const std::string& text, const std::string& needle);
