#include "tellus_harness/common/bounded_json.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace tellus_harness {

int json_nesting_depth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') deepest = std::max(deepest, ++depth);
    else if (c == ']' || c == '}') --depth;
  }
  return deepest;
}

nlohmann::json parse_bounded_json(std::string_view text, JsonBounds bounds) {
  if (text.size() > bounds.max_bytes)
    throw std::invalid_argument("too large: " + std::to_string(text.size()) + " bytes, at most " +
                                std::to_string(bounds.max_bytes));
  if (json_nesting_depth(text) > bounds.max_depth)
    throw std::invalid_argument("nested more than " + std::to_string(bounds.max_depth) + " levels deep");
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("not valid JSON: ") + e.what());
  }
}

}  // namespace tellus_harness
