#include "tellus_harness/config/yaml_map.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "tellus_harness/common/nearest_word.hpp"
#include "tellus_harness/common/utf8.hpp"

#include <yaml-cpp/exceptions.h>

namespace tellus_harness {

namespace {
std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}
}  // namespace

YamlNode load_yaml_file(const std::string& path) {
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
    return parse_yaml(text);
  } catch (const YAML::ParserException& e) {
    throw UserError(path, e.mark.line + 1, "malformed YAML: " + e.msg);
  } catch (const YamlShapeError& e) {
    throw UserError(path, e.line, e.what());
  }
}

UserError yaml_construct_error(const std::string& file, const YamlShapeError& e) {
  return UserError(file, e.line, "a YAML construct that has no meaning here (" + std::string(e.what()) +
                                     "): keys are plain words, values are scalars, lists or mappings as the README shows");
}

YamlMap::YamlMap(const YamlNode& node, std::string file, std::string what)
    : node_(node), file_(std::move(file)), what_(std::move(what)) {
  if (!node_.is_map()) throw UserError(file_, node_.line(), what_ + " must be a mapping (key: value)");
}

void YamlMap::allow_only(const std::vector<std::string>& allowed) const {
  for (std::size_t i = 0; i < node_.size(); ++i) {
    if (!node_.key(i).is_scalar())
      throw UserError(file_, node_.key(i).line(), "keys in " + what_ + " must be plain words, not lists or mappings");
    const std::string& key = node_.key(i).scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string message = "unknown key '" + key + "' in " + what_;
    const std::string near = nearest_word(key, allowed);
    if (!near.empty()) message += "; did you mean '" + near + "'?";
    else {
      message += "; known keys:";
      for (const auto& k : allowed) message += " " + k;
    }
    throw UserError(file_, node_.key(i).line(), message);
  }
}

bool YamlMap::has(const std::string& key) const {
  const YamlNode value = node_[key];
  return value.defined() && !value.is_null();
}

int YamlMap::line_of(const std::string& key) const {
  const int l = node_[key].line();
  return l > 0 ? l : line();
}

void YamlMap::fail(const std::string& key, const std::string& message) const {
  throw UserError(file_, line_of(key), what_ + ": '" + key + "' " + message);
}

YamlNode YamlMap::required(const std::string& key) const {
  if (!has(key)) throw UserError(file_, line(), what_ + ": missing required key '" + key + "'");
  return node_[key];
}

std::string YamlMap::string(const std::string& key) const {
  const YamlNode n = required(key);
  if (!n.is_scalar()) fail(key, "must be a string");
  return n.scalar();
}

double YamlMap::number(const std::string& key) const {
  const YamlNode n = required(key);
  double v = 0;
  try {
    if (n.is_scalar()) v = n.as<double>();
    else fail(key, "must be a number, got a collection");
  } catch (const YamlShapeError&) {
    fail(key, "must be a number, got '" + n.scalar() + "'");
  }
  if (!std::isfinite(v)) fail(key, "must be a finite number, got '" + n.scalar() + "'");
  return v;
}

double YamlMap::positive_number(const std::string& key, double max) const {
  const double v = number(key);
  if (!(v > 0)) fail(key, "must be greater than zero, got " + node_[key].scalar());
  if (v > max) fail(key, "must be at most " + format_number(max) + ", got " + node_[key].scalar());
  return v;
}

std::int64_t YamlMap::integer(const std::string& key) const {
  const YamlNode n = required(key);
  try {
    if (n.is_scalar()) return n.as<std::int64_t>();
  } catch (const YamlShapeError&) {
  }
  fail(key, "must be an integer, got '" + (n.is_scalar() ? n.scalar() : std::string("a collection")) + "'");
}

std::int64_t YamlMap::non_negative_integer(const std::string& key, std::int64_t max) const {
  const std::int64_t v = integer(key);
  if (v < 0) fail(key, "must not be negative, got " + std::to_string(v));
  if (v > max) fail(key, "must be at most " + std::to_string(max) + ", got " + std::to_string(v));
  return v;
}

bool YamlMap::boolean(const std::string& key) const {
  const YamlNode n = required(key);
  try {
    if (n.is_scalar()) return n.as<bool>();
  } catch (const YamlShapeError&) {
  }
  fail(key, "must be true or false");
}

std::vector<std::string> YamlMap::string_list(const std::string& key) const {
  const YamlNode n = required(key);
  if (!n.is_sequence()) fail(key, "must be a list, e.g. [a, b]");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const YamlNode item = n.item(i);
    if (!item.is_scalar()) throw UserError(file_, item.line(), what_ + ": items of '" + key + "' must be strings");
    out.push_back(item.scalar());
  }
  return out;
}

std::map<std::string, std::string> YamlMap::string_map(const std::string& key) const {
  const YamlNode n = required(key);
  if (!n.is_map()) fail(key, "must be a mapping of names to strings");
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (!n.value(i).is_scalar())
      throw UserError(file_, n.value(i).line(), what_ + ": values of '" + key + "' must be strings");
    out[n.key(i).scalar()] = n.value(i).scalar();
  }
  return out;
}

YamlMap YamlMap::map(const std::string& key, const std::string& what) const {
  return YamlMap(required(key), file_, what);
}

}  // namespace tellus_harness
