#pragma once
// Resident memory per process group, read from /proc in one pass. Sampling the whole group
// (not just the direct child) is what a test "uses": a shell script's children count too.
#include <sys/types.h>

#include <cstdint>
#include <unordered_map>

namespace tellus_harness {

std::unordered_map<pid_t, std::int64_t> resident_bytes_by_process_group();

}  // namespace tellus_harness
