#include "tellus_harness/perf/metric_direction.hpp"

namespace tellus_harness {

Direction metric_direction(const std::string& m, const std::string& explicit_direction) {
  if (explicit_direction == "lower") return Direction::kLowerIsBetter;
  if (explicit_direction == "higher") return Direction::kHigherIsBetter;
  auto has = [&](const char* s) { return m.find(s) != std::string::npos; };
  // Rates first: "mb_per_s" also ends in "_s".
  if (m.ends_with("_per_s") || m.ends_with("mb_s") || m.ends_with("mbps") || has("throughput") || has("bandwidth") ||
      has("iops"))
    return Direction::kHigherIsBetter;
  if (m.ends_with("_s") || m.ends_with("_seconds") || has("duration") || has("latency")) return Direction::kLowerIsBetter;
  return Direction::kUnknown;
}

const char* direction_name(Direction d) {
  switch (d) {
    case Direction::kLowerIsBetter: return "lower_is_better";
    case Direction::kHigherIsBetter: return "higher_is_better";
    case Direction::kUnknown: return "unknown";
  }
  return "unknown";
}

}  // namespace tellus_harness
