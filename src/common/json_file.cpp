#include "tellus_harness/common/json_file.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string_view>

#include "tellus_harness/common/atomic_file.hpp"

namespace tellus_harness {

std::string dump_json(const nlohmann::json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

// What stands in the document for array `i` until it is written: control characters, which
// no key or value of the document's own holds unescaped, so its dump is found exactly.
std::string placeholder(std::size_t i) { return "\x01tellus-harness streamed array " + std::to_string(i) + "\x01"; }

void write_array(AtomicFileWriter& out, const StreamedArray& a, int indent, std::size_t depth) {
  if (a.count == 0) {
    out.write("[]");
    return;
  }
  const bool pretty = indent >= 0;
  const std::string pad = pretty ? std::string(static_cast<std::size_t>(indent) * (depth + 1), ' ') : "";
  out.write(pretty ? "[\n" : "[");
  for (std::size_t i = 0; i < a.count; ++i) {
    std::string text = dump_json(a.element(i), indent);
    if (pretty) {
      // The dump escapes newlines inside strings, so each one in it is between its lines.
      std::string indented = pad;
      indented.reserve(text.size() + text.size() / 8);
      for (char c : text) {
        indented += c;
        if (c == '\n') indented += pad;
      }
      text = std::move(indented);
    }
    text += i + 1 == a.count ? (pretty ? "\n" : "") : (pretty ? ",\n" : ",");
    out.write(text);
  }
  if (pretty) out.write(std::string(static_cast<std::size_t>(indent) * depth, ' '));
  out.write("]");
}

}  // namespace

void write_json_file(const std::string& path, nlohmann::json document, const std::vector<StreamedArray>& arrays,
                     int indent) {
  for (std::size_t i = 0; i < arrays.size(); ++i) document[nlohmann::json::json_pointer(arrays[i].pointer)] = placeholder(i);
  const std::string text = dump_json(document, indent);
  std::vector<std::pair<std::size_t, std::size_t>> at;  // (position in text, array)
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    const std::string marker = nlohmann::json(placeholder(i)).dump();
    const std::size_t pos = text.find(marker);
    if (pos == std::string::npos || text.find(marker, pos + 1) != std::string::npos) {
      // The document's own values hold the marker (they never should): the whole document.
      for (std::size_t k = 0; k < arrays.size(); ++k) {
        nlohmann::json& array = document[nlohmann::json::json_pointer(arrays[k].pointer)] = nlohmann::json::array();
        for (std::size_t e = 0; e < arrays[k].count; ++e) array.push_back(arrays[k].element(e));
      }
      write_file_atomically(path, dump_json(document, indent) + "\n");
      return;
    }
    at.emplace_back(pos, i);
  }
  std::sort(at.begin(), at.end());
  AtomicFileWriter out(path);
  std::size_t from = 0;
  for (const auto& [pos, i] : at) {
    out.write(std::string_view(text).substr(from, pos - from));
    const auto depth = static_cast<std::size_t>(std::count(arrays[i].pointer.begin(), arrays[i].pointer.end(), '/'));
    write_array(out, arrays[i], indent, depth);
    from = pos + nlohmann::json(placeholder(i)).dump().size();
  }
  out.write(std::string_view(text).substr(from));
  out.write("\n");
  out.commit();
}

}  // namespace tellus_harness
