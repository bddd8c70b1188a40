#pragma once
// Wall-clock time in Unix seconds: what reports, the perf store and deadlines shared between
// processes (TELLUS_TEST_DEADLINE) record, unlike the steady clock that times durations.
#include <chrono>

namespace tellus_harness {

inline double now_unix() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace tellus_harness
