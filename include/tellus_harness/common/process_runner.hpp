#pragma once
// Runs a helper program (sbatch, crontab, git, a site's HSM commands) and collects its
// stdout; its stderr passes straight through to ours, so that its messages are shown as they
// are, unless the caller discards it. The one way the harness starts a helper: tests start
// through exec/child_process, under their subreaper.
#include <string>
#include <vector>

namespace tellus_harness {

struct ProgramResult {
  bool started = false;  // false: the program was not found or could not be run
  int exit_code = -1;
  std::string out;  // its stdout
};

ProgramResult run_program(const std::vector<std::string>& argv, const std::string& input = "",
                          bool discard_stderr = false);

// Single-quoted for a POSIX shell.
std::string shell_quote(const std::string& word);

}  // namespace tellus_harness
