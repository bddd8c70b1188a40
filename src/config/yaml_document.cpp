#include "tellus_harness/config/yaml_document.hpp"

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "tellus_harness/common/utf8.hpp"

namespace tellus_harness {

namespace yaml_detail {

enum class Kind : std::uint8_t { kNull, kScalar, kSequence, kMap };

struct Value {
  Kind kind = Kind::kNull;
  int line = 0;
  // A collection's children in Document::children (items, or key, value, key, value, ...);
  // a scalar's text in Document::scalars.
  std::uint32_t first = 0;
  std::uint32_t count = 0;
};

struct Document {
  std::vector<Value> values;
  std::vector<std::uint32_t> children;
  std::vector<std::string> scalars;
};

}  // namespace yaml_detail

namespace {

using yaml_detail::Kind;

// Values an alias may make a document stand for, beyond those it holds: a file of a few
// lines must not expand to billions (nested aliases of aliases).
constexpr std::uint64_t kMaxExpandedValues = 10'000'000;

class Builder final : public YAML::EventHandler {
 public:
  explicit Builder(yaml_detail::Document& doc) : doc_(doc) {}

  std::uint32_t root() const { return root_; }
  bool has_root() const { return has_root_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor, Kind::kNull, std::string()); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string& value) override {
    // The file was checked to be UTF-8, but escapes in quoted scalars make bytes it did not
    // hold: what reaches a test's environment or a report must be UTF-8 too.
    if (first_invalid_utf8(value) != std::string::npos)
      throw YamlShapeError(mark.line + 1, "a value that is not valid UTF-8 (made by an escape): write the character itself");
    leaf(mark, anchor, Kind::kScalar, value);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto it = anchors_.find(anchor);
    if (it == anchors_.end()) throw YamlShapeError(mark.line + 1, "an alias to an anchor not defined before it");
    if (!complete_[it->second]) throw YamlShapeError(mark.line + 1, "an alias inside the value it names");
    attach(it->second);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(mark, anchor, Kind::kSequence);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(mark, anchor, Kind::kMap);
  }
  void OnMapEnd() override { close(); }

 private:
  std::uint32_t add(const YAML::Mark& mark, YAML::anchor_t anchor, Kind kind) {
    const auto index = static_cast<std::uint32_t>(doc_.values.size());
    doc_.values.push_back({kind, mark.line < 0 ? 0 : mark.line + 1, 0, 0});
    expanded_.push_back(1);
    complete_.push_back(kind == Kind::kNull || kind == Kind::kScalar);
    if (anchor != YAML::NullAnchor) anchors_[anchor] = index;
    return index;
  }
  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor, Kind kind, const std::string& text) {
    const std::uint32_t index = add(mark, anchor, kind);
    doc_.values[index].first = static_cast<std::uint32_t>(doc_.scalars.size());
    doc_.scalars.push_back(text);
    attach(index);
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor, Kind kind) {
    open_.push_back({add(mark, anchor, kind), {}});
  }
  void close() {
    auto [index, kids] = std::move(open_.back());
    open_.pop_back();
    auto& v = doc_.values[index];
    v.first = static_cast<std::uint32_t>(doc_.children.size());
    v.count = static_cast<std::uint32_t>(v.kind == Kind::kMap ? kids.size() / 2 : kids.size());
    doc_.children.insert(doc_.children.end(), kids.begin(), kids.end());
    complete_[index] = true;
    attach(index);
  }
  void attach(std::uint32_t index) {
    if (open_.empty()) {
      if (!has_root_) root_ = index;
      has_root_ = true;
      if (expanded_[index] > kMaxExpandedValues + 4 * doc_.values.size())
        throw YamlShapeError(doc_.values[index].line, "aliases that expand to more than ten million values");
      return;
    }
    auto& parent = open_.back();
    parent.second.push_back(index);
    expanded_[parent.first] = std::min<std::uint64_t>(expanded_[parent.first] + expanded_[index], std::uint64_t{1} << 62);
    if (expanded_[parent.first] > kMaxExpandedValues + 4 * doc_.values.size())
      throw YamlShapeError(doc_.values[index].line, "aliases that expand to more than ten million values");
  }

  yaml_detail::Document& doc_;
  std::vector<std::pair<std::uint32_t, std::vector<std::uint32_t>>> open_;  // collections being read, and their children
  std::vector<std::uint64_t> expanded_;  // per value: the values it stands for, aliases expanded
  std::vector<bool> complete_;
  std::map<YAML::anchor_t, std::uint32_t> anchors_;
  std::uint32_t root_ = 0;
  bool has_root_ = false;
};

}  // namespace

YamlNode parse_yaml(const std::string& text) {
  auto doc = std::make_shared<yaml_detail::Document>();
  // About one value per 7 bytes of a suite file (a test of one command: 40 bytes, 6 values).
  doc->values.reserve(text.size() / 6 + 16);
  doc->children.reserve(text.size() / 6 + 16);
  doc->scalars.reserve(text.size() / 10 + 16);
  std::istringstream in(text);
  YAML::Parser parser(in);
  Builder builder(*doc);
  parser.HandleNextDocument(builder);
  if (!builder.has_root()) {  // an empty file: a null document, as yaml-cpp loads it
    doc->values.push_back({});
    return YamlNode(std::move(doc), 0);  // kNull
  }
  const std::uint32_t root = builder.root();
  return YamlNode(std::move(doc), root);
}

bool YamlNode::is_null() const { return doc_ && doc_->values[index_].kind == Kind::kNull; }
bool YamlNode::is_scalar() const { return doc_ && doc_->values[index_].kind == Kind::kScalar; }
bool YamlNode::is_sequence() const { return doc_ && doc_->values[index_].kind == Kind::kSequence; }
bool YamlNode::is_map() const { return doc_ && doc_->values[index_].kind == Kind::kMap; }
int YamlNode::line() const { return doc_ ? doc_->values[index_].line : 0; }

const std::string& YamlNode::scalar() const {
  if (!is_scalar()) throw YamlShapeError(line(), "a list or mapping where a single value belongs");
  return doc_->scalars[doc_->values[index_].first];
}

std::size_t YamlNode::size() const {
  return is_sequence() || is_map() ? doc_->values[index_].count : 0;
}

YamlNode YamlNode::item(std::size_t i) const {
  if (!is_sequence() || i >= size()) return {};
  return YamlNode(doc_, doc_->children[doc_->values[index_].first + i]);
}

YamlNode YamlNode::key(std::size_t i) const {
  if (!is_map() || i >= size()) return {};
  return YamlNode(doc_, doc_->children[doc_->values[index_].first + 2 * i]);
}

YamlNode YamlNode::value(std::size_t i) const {
  if (!is_map() || i >= size()) return {};
  return YamlNode(doc_, doc_->children[doc_->values[index_].first + 2 * i + 1]);
}

YamlNode YamlNode::operator[](std::string_view name) const {
  for (std::size_t i = 0; i < size() && is_map(); ++i) {
    const auto& k = doc_->values[doc_->children[doc_->values[index_].first + 2 * i]];
    if (k.kind == Kind::kScalar && doc_->scalars[k.first] == name) return value(i);
  }
  return {};
}

// Conversions as yaml-cpp makes them, so that a value means what it meant with its tree.
template <class T>
T YamlNode::as() const {
  try {
    return YAML::Node(scalar()).as<T>();
  } catch (const YAML::Exception&) {
    throw YamlShapeError(line(), "'" + scalar() + "' cannot be read as this value");
  }
}

template <>
std::string YamlNode::as<std::string>() const {
  return scalar();
}

template double YamlNode::as<double>() const;
template std::int64_t YamlNode::as<std::int64_t>() const;
template bool YamlNode::as<bool>() const;

}  // namespace tellus_harness
