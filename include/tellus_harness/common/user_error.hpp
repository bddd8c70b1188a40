#pragma once
#include <stdexcept>
#include <string>

namespace tellus_harness {

// An error the user caused and can fix (bad YAML, bad flag, unknown profile).
// It is printed as one line naming the file and line, and the process exits with 2.
class UserError : public std::runtime_error {
 public:
  explicit UserError(const std::string& message) : std::runtime_error(message) {}
  UserError(const std::string& file, int line, const std::string& message)
      : std::runtime_error(file + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " +
                           message) {}
};

// Exit codes as pytest uses them.
enum ExitCode : int {
  kExitAllPassed = 0,
  kExitTestsFailed = 1,
  kExitUsageOrInterrupted = 2,
  kExitInternalError = 3,
  kExitNoTestsCollected = 5,
};

}  // namespace tellus_harness
