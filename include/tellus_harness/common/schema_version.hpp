#pragma once
// What the harness writes and reads back (run.json, journal lines, perf-store files) and
// report.json's `harness` object carry a "schema_version" (docs/schemas/ holds a JSON Schema
// of each). A reader takes a missing version as 1, the files written before versions, and
// refuses a version newer than it knows with one line instead of misreading it.
#include <stdexcept>
#include <string>

namespace tellus_harness {

class NewerSchema : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws NewerSchema when `found` is newer than `known`; `what` names the file or entry.
inline void require_known_schema(const std::string& what, int found, int known) {
  if (found > known)
    throw NewerSchema(what + " has schema_version " + std::to_string(found) + ", newer than this tellus-harness reads (" +
                      std::to_string(known) + "): read it with the version that wrote it, or a newer one");
}

}  // namespace tellus_harness
