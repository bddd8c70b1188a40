#pragma once
#include <string>

namespace tellus_harness {

enum class Direction { kLowerIsBetter, kHigherIsBetter, kUnknown };

// From the metric's name: ending in _s or _seconds, or containing duration or latency: lower
// is better; ending in _per_s, mb_s or mbps, or containing throughput, bandwidth or iops:
// higher is better. An explicit "lower"/"higher" from the metric record wins.
Direction metric_direction(const std::string& metric, const std::string& explicit_direction = "");
const char* direction_name(Direction d);  // "lower_is_better", "higher_is_better", "unknown"

}  // namespace tellus_harness
