#include "tellus_harness/config/yaml_map.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "tellus_harness/common/nearest_word.hpp"
#include "tellus_harness/common/utf8.hpp"

namespace tellus_harness {

namespace {
std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}
}  // namespace

namespace {
// Escapes in quoted scalars ("\xA0") make bytes the file itself did not hold: every value must
// be UTF-8 too. An explicit stack, and a bound on values visited, since aliases can make a small
// file a very large tree.
void check_scalars(const YAML::Node& root, const std::string& path) {
  std::vector<YAML::Node> pending{root};
  for (std::size_t visited = 0; !pending.empty(); ++visited) {
    if (visited > 1000000) throw UserError(path, 0, "more than a million values (aliases that expand?)");
    const YAML::Node n = pending.back();
    pending.pop_back();
    if (n.IsScalar() && first_invalid_utf8(n.Scalar()) != std::string::npos)
      throw UserError(path, yaml_line(n), "a value that is not valid UTF-8 (an escape such as \\xA0?): write the character itself");
    if (n.IsSequence())
      for (const auto& item : n) pending.push_back(item);
    if (n.IsMap())
      for (const auto& kv : n) {
        pending.push_back(kv.first);
        pending.push_back(kv.second);
      }
  }
}
}  // namespace

YAML::Node load_yaml_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw UserError(path, 0, "no such file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(path, 0, "cannot read the file");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // yaml-cpp passes bytes through; what is not UTF-8 would fail later, far from its line.
  if (const auto bad = first_invalid_utf8(text); bad != std::string::npos)
    throw UserError(path, static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(bad), '\n')) + 1,
                    "not valid UTF-8 (byte " + std::to_string(bad) + "): save the file as UTF-8");
  try {
    YAML::Node root = YAML::Load(text);
    check_scalars(root, path);
    return root;
  } catch (const YAML::ParserException& e) {
    throw UserError(path, e.mark.line + 1, "malformed YAML: " + e.msg);
  }
}

UserError yaml_construct_error(const std::string& file, const YAML::Exception& e) {
  return UserError(file, e.mark.line < 0 ? 0 : e.mark.line + 1,
                   "a YAML construct that has no meaning here (" + e.msg +
                       "): keys are plain words, values are scalars, lists or mappings as the README shows");
}

int yaml_line(const YAML::Node& node) {
  if (!node.IsDefined()) return 0;
  const auto mark = node.Mark();
  return mark.line < 0 ? 0 : mark.line + 1;
}

YamlMap::YamlMap(const YAML::Node& node, std::string file, std::string what)
    : node_(node), file_(std::move(file)), what_(std::move(what)) {
  if (!node_.IsMap()) throw UserError(file_, yaml_line(node_), what_ + " must be a mapping (key: value)");
}

void YamlMap::allow_only(const std::vector<std::string>& allowed) const {
  for (const auto& entry : node_) {
    if (!entry.first.IsScalar())
      throw UserError(file_, yaml_line(entry.first), "keys in " + what_ + " must be plain words, not lists or mappings");
    const std::string key = entry.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string message = "unknown key '" + key + "' in " + what_;
    const std::string near = nearest_word(key, allowed);
    if (!near.empty()) message += "; did you mean '" + near + "'?";
    else {
      message += "; known keys:";
      for (const auto& k : allowed) message += " " + k;
    }
    throw UserError(file_, yaml_line(entry.first), message);
  }
}

bool YamlMap::has(const std::string& key) const { return node_[key].IsDefined() && !node_[key].IsNull(); }

int YamlMap::line_of(const std::string& key) const {
  const int l = yaml_line(node_[key]);
  return l > 0 ? l : line();
}

void YamlMap::fail(const std::string& key, const std::string& message) const {
  throw UserError(file_, line_of(key), what_ + ": '" + key + "' " + message);
}

YAML::Node YamlMap::required(const std::string& key) const {
  if (!has(key)) throw UserError(file_, line(), what_ + ": missing required key '" + key + "'");
  return node_[key];
}

std::string YamlMap::string(const std::string& key) const {
  const YAML::Node n = required(key);
  if (!n.IsScalar()) fail(key, "must be a string");
  return n.as<std::string>();
}

double YamlMap::number(const std::string& key) const {
  const YAML::Node n = required(key);
  double v = 0;
  try {
    if (n.IsScalar()) v = n.as<double>();
    else fail(key, "must be a number, got a collection");
  } catch (const YAML::Exception&) {
    fail(key, "must be a number, got '" + n.Scalar() + "'");
  }
  if (!std::isfinite(v)) fail(key, "must be a finite number, got '" + n.Scalar() + "'");
  return v;
}

double YamlMap::positive_number(const std::string& key, double max) const {
  const double v = number(key);
  if (!(v > 0)) fail(key, "must be greater than zero, got " + node_[key].Scalar());
  if (v > max) fail(key, "must be at most " + format_number(max) + ", got " + node_[key].Scalar());
  return v;
}

std::int64_t YamlMap::integer(const std::string& key) const {
  const YAML::Node n = required(key);
  try {
    if (n.IsScalar()) return n.as<std::int64_t>();
  } catch (const YAML::Exception&) {
  }
  fail(key, "must be an integer, got '" + (n.IsScalar() ? n.Scalar() : std::string("a collection")) + "'");
}

std::int64_t YamlMap::non_negative_integer(const std::string& key, std::int64_t max) const {
  const std::int64_t v = integer(key);
  if (v < 0) fail(key, "must not be negative, got " + std::to_string(v));
  if (v > max) fail(key, "must be at most " + std::to_string(max) + ", got " + std::to_string(v));
  return v;
}

bool YamlMap::boolean(const std::string& key) const {
  const YAML::Node n = required(key);
  try {
    if (n.IsScalar()) return n.as<bool>();
  } catch (const YAML::Exception&) {
  }
  fail(key, "must be true or false");
}

std::vector<std::string> YamlMap::string_list(const std::string& key) const {
  const YAML::Node n = required(key);
  if (!n.IsSequence()) fail(key, "must be a list, e.g. [a, b]");
  std::vector<std::string> out;
  for (const auto& item : n) {
    if (!item.IsScalar()) throw UserError(file_, yaml_line(item), what_ + ": items of '" + key + "' must be strings");
    out.push_back(item.as<std::string>());
  }
  return out;
}

std::map<std::string, std::string> YamlMap::string_map(const std::string& key) const {
  const YAML::Node n = required(key);
  if (!n.IsMap()) fail(key, "must be a mapping of names to strings");
  std::map<std::string, std::string> out;
  for (const auto& entry : n) {
    if (!entry.second.IsScalar())
      throw UserError(file_, yaml_line(entry.second), what_ + ": values of '" + key + "' must be strings");
    out[entry.first.as<std::string>()] = entry.second.as<std::string>();
  }
  return out;
}

YamlMap YamlMap::map(const std::string& key, const std::string& what) const {
  return YamlMap(required(key), file_, what);
}

}  // namespace tellus_harness
