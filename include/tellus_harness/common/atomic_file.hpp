#pragma once
#include <string>

namespace tellus_harness {

// Writes `content` to a temporary file beside `path`, fsyncs it and renames it over `path`,
// so readers see the old file or the new one, never half of one. Creates parent directories.
// Throws std::runtime_error naming the path.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace tellus_harness
