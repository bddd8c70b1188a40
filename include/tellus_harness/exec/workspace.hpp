#pragma once
// A test's isolated workspace: <output-dir>/work/<test>/ with cache/ and config/ inside.
#include <cstdint>
#include <string>

namespace tellus_harness {

// Creates the workspace afresh and returns its absolute path; throws std::runtime_error.
std::string create_workspace(const std::string& output_dir, const std::string& name);

// Bytes allocated on disk under `path`, without following symlinks or crossing mounts.
std::int64_t disk_usage_bytes(const std::string& path);

// Removes the workspace without acting outside it (see confined_removal.hpp). Returns "" or
// what was left and why.
std::string remove_workspace(const std::string& path);

}  // namespace tellus_harness
