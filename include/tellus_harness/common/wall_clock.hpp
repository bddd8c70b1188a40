#pragma once
// Wall-clock time in Unix seconds: what reports, the perf store and deadlines shared between
// processes (TELLUS_TEST_DEADLINE) record, unlike the steady clock that times durations.
#include <chrono>
#include <string>

namespace tellus_harness {

inline double now_unix() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The UTC time of `unix_seconds` in strftime's `format`.
std::string utc_text(double unix_seconds, const char* format);
// How output and job directories are named after their start (20261130-021740).
inline constexpr char kDirectoryStamp[] = "%Y%m%d-%H%M%S";

}  // namespace tellus_harness
