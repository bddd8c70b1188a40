#pragma once
// Process trees read from /proc: children, and resident memory of whole trees. A test "uses"
// what every process below its subreaper uses: a shell script's children, and also what left
// its process group or session (a setsid daemon stays below the subreaper, which is its
// reaper), so a walk down from the subreaper finds all of it.
#include <sys/types.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace tellus_harness {

// The children of `pid` (of all its threads), from /proc/<pid>/task/<tid>/children.
std::vector<pid_t> child_processes(pid_t pid);

// For each root, the resident bytes of the root and all its descendants.
std::unordered_map<pid_t, std::int64_t> resident_bytes_by_tree(const std::vector<pid_t>& roots);

}  // namespace tellus_harness
