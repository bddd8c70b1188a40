#pragma once
// Splitting the selected tests over ranks before the run starts.
#include <string>
#include <vector>

namespace tellus_harness {

enum class Schedule {
  kLongestFirst,  // LPT over expected durations, then work stealing while running
  kRoundRobin,    // the seed's `i % ranks`, no stealing (kept for comparison)
};

Schedule parse_schedule(const std::string& name);  // "lpt" | "round-robin"; UserError otherwise

// Expected durations of 0 (unknown) count as the median of the known ones (1 s if none).
std::vector<double> fill_unknown_durations(std::vector<double> durations);

// Longest-processing-time-first: tests sorted by expected duration (longest first) each go to
// the rank with the least expected load. Each group lists its tests longest first.
std::vector<std::vector<int>> partition_longest_first(const std::vector<double>& durations, int ranks);

std::vector<std::vector<int>> partition_round_robin(std::size_t tests, int ranks);

}  // namespace tellus_harness
