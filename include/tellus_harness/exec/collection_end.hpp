#pragma once
// How a pytest process that collected the tests for the plan ended: a collect-mode run always
// ends; a worker that collected for rank 0 ends only when pytest refused to go on.
#include <string>

namespace tellus_harness {

struct CollectionEnd {
  bool exited = false;   // false: a worker that collected and is ready (its manifest is written)
  int exit_code = 0;     // when exited: pytest's exit code, or 128 + the signal that ended it
  int exec_errno = 0;    // when exited: the Python could not be executed (exit_code is meaningless)
  bool timed_out = false;
  bool interrupted = false;
  std::string output;    // what it wrote, for the message when it failed
};

}  // namespace tellus_harness
