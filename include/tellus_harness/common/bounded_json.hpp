#pragma once
// JSON text that a test could have written (metrics files, journals with captured output):
// parsed only when it is within a size and a nesting depth, so that no input can exhaust a
// rank's memory or its stack (nlohmann's parser recurses once per level).
#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace tellus_harness {

struct JsonBounds {
  std::size_t max_bytes = 1 << 20;
  int max_depth = 64;
};

// The parsed value; throws std::invalid_argument saying what is wrong (too large, too
// deeply nested, or not JSON, with the parser's own message).
nlohmann::json parse_bounded_json(std::string_view text, JsonBounds bounds = {});

// The deepest nesting of arrays and objects in `text`, counting only brackets outside strings.
int json_nesting_depth(std::string_view text);

}  // namespace tellus_harness
