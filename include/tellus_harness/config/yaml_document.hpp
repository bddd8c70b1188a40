#pragma once
// A YAML file as a compact tree, built from yaml-cpp's parser events. yaml-cpp's own node
// tree costs about 2.8 KiB and 12 us per test of a suite file (a suite of 100,000 tests took
// 290 MB and 1.6 s to load); this one keeps one small record per value, and an alias points at
// the value it names instead of copying it.
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tellus_harness {

// A value used as what it is not (a list where a word belongs, "abc" as a number): the line,
// and what was wrong. The loaders turn it into a UserError naming the file.
struct YamlShapeError : std::runtime_error {
  YamlShapeError(int line, const std::string& what) : std::runtime_error(what), line(line) {}
  int line;
};

namespace yaml_detail {
struct Document;
}

// One value of a document, or none (undefined: a key that is not there). Keeps its document
// alive.
class YamlNode {
 public:
  YamlNode() = default;
  bool defined() const { return doc_ != nullptr; }
  bool is_null() const;
  bool is_scalar() const;
  bool is_sequence() const;
  bool is_map() const;
  int line() const;  // 1-based; 0 when undefined
  // The text of a scalar; YamlShapeError for anything else.
  const std::string& scalar() const;
  // A scalar read as yaml-cpp reads it (yes/no/true/on for bool, .inf for double, ...);
  // YamlShapeError when it is not one.
  template <class T>
  T as() const;
  // Items of a sequence, entries of a map; 0 for anything else.
  std::size_t size() const;
  YamlNode item(std::size_t i) const;   // a sequence's i-th item
  YamlNode key(std::size_t i) const;    // a map's i-th key
  YamlNode value(std::size_t i) const;  // a map's i-th value
  // The value under a scalar key `name` (the first such key); undefined when absent.
  YamlNode operator[](std::string_view name) const;

 private:
  friend YamlNode parse_yaml(const std::string& text);
  YamlNode(std::shared_ptr<const yaml_detail::Document> doc, std::uint32_t index) : doc_(std::move(doc)), index_(index) {}
  std::shared_ptr<const yaml_detail::Document> doc_;
  std::uint32_t index_ = 0;
};

template <>
std::string YamlNode::as<std::string>() const;

// The first document of `text` (null when there is none). Throws YAML::ParserException for
// malformed YAML, and YamlShapeError for a scalar that is not UTF-8 (made by an escape), an
// alias inside the value it names, or aliases that expand past all reason.
YamlNode parse_yaml(const std::string& text);

}  // namespace tellus_harness
