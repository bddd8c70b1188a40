#pragma once
// A JSON document written to a file with its per-test arrays made one element at a time: at
// 100,000 tests, run.json and report.json as one document in memory took hundreds of MB on
// rank 0. The file is what nlohmann's dump of the whole document would write.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace tellus_harness {

// Serialises JSON that may hold captured test output (any bytes): invalid UTF-8 is replaced
// with U+FFFD instead of throwing. `indent` as nlohmann's dump: -1 compact.
std::string dump_json(const nlohmann::json& j, int indent = -1);

struct StreamedArray {
  std::string pointer;  // where the array goes in the document: a JSON pointer, "/harness/tests"
  std::size_t count;
  std::function<nlohmann::json(std::size_t)> element;  // the i-th element
};

// Writes `document` with `arrays` in their places (the document's own values there are
// replaced), atomically (common/atomic_file.hpp). `indent` as nlohmann's dump: -1 compact.
// Throws std::runtime_error naming the path when it cannot be written.
void write_json_file(const std::string& path, nlohmann::json document, const std::vector<StreamedArray>& arrays,
                     int indent);

}  // namespace tellus_harness
