#pragma once
// Runs a helper program (sbatch, crontab) with its stderr passing straight through to ours,
// so that its messages are shown as they are.
#include <string>
#include <vector>

namespace tellus_harness {

struct ProgramResult {
  bool started = false;  // false: the program was not found or could not be run
  int exit_code = -1;
  std::string out;  // its stdout
};

ProgramResult run_program(const std::vector<std::string>& argv, const std::string& input = "");

// Single-quoted for a POSIX shell.
std::string shell_quote(const std::string& word);

}  // namespace tellus_harness
