#pragma once
// Typed, line-aware access to one YAML mapping. Every error names the file and the line,
// and an unknown key names the nearest known one ("timout" -> "timeout").
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/config/yaml_document.hpp"

namespace tellus_harness {

// Loads a YAML file; a parse error or an unreadable file becomes a UserError with the line.
YamlNode load_yaml_file(const std::string& path);

// A value of a file used as what it is not (a complex key, a list where a plain value
// belongs), as one error naming the file and line.
UserError yaml_construct_error(const std::string& file, const YamlShapeError& e);

class YamlMap {
 public:
  // `what` names the mapping in messages ("test 'cli_help'", "profile").
  YamlMap(const YamlNode& node, std::string file, std::string what);

  // Rejects keys not in `allowed`, suggesting the nearest allowed one.
  void allow_only(const std::vector<std::string>& allowed) const;
  bool has(const std::string& key) const;
  int line() const { return node_.line(); }
  int line_of(const std::string& key) const;
  const YamlNode& node() const { return node_; }
  YamlNode get(const std::string& key) const { return node_[key]; }
  const std::string& file() const { return file_; }
  const std::string& what() const { return what_; }

  std::string string(const std::string& key) const;
  double number(const std::string& key) const;  // finite: .inf, .nan and 1e999 are refused
  double positive_number(const std::string& key, double max = 1e12) const;
  std::int64_t integer(const std::string& key) const;
  std::int64_t non_negative_integer(const std::string& key, std::int64_t max = std::int64_t{1} << 40) const;
  bool boolean(const std::string& key) const;
  std::vector<std::string> string_list(const std::string& key) const;
  std::map<std::string, std::string> string_map(const std::string& key) const;
  YamlMap map(const std::string& key, const std::string& what) const;

  [[noreturn]] void fail(const std::string& key, const std::string& message) const;

 private:
  YamlNode required(const std::string& key) const;
  YamlNode node_;
  std::string file_;
  std::string what_;
};

}  // namespace tellus_harness
