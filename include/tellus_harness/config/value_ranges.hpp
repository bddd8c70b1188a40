#pragma once
// The ranges every number a user gives must fall in, wherever it comes from (command line,
// environment, profile, suite). Beyond them a value is a mistake, not a setting, and would
// overflow the clocks and shifts it feeds: one clear error instead.
#include <cstdint>

namespace tellus_harness {

constexpr double kMaxTimeoutSeconds = 30 * 86400.0;   // a test's timeout, before the multiplier
constexpr double kMaxTimeoutMultiplier = 1000;
constexpr double kMaxKillGraceSeconds = 3600;
constexpr int kMaxConcurrency = 4096;                 // tests one rank runs at once
constexpr int kMaxReruns = 100;                       // --reruns
constexpr int kMaxRepetitions = 10000;                // --count
constexpr double kMaxRerunDelaySeconds = 3600;        // --reruns-delay
constexpr std::int64_t kMaxLimitMb = std::int64_t{1} << 26;  // 64 TiB: memory_mb, disk_mb

}  // namespace tellus_harness
