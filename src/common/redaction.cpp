#include "tellus_harness/common/redaction.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

namespace tellus_harness {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; }

// scheme://[user[:password]@]host[:port][/path][?query][#fragment] -> scheme://host[:port]/…
std::string redact_urls(const std::string& text) {
  static const std::regex url(R"(([A-Za-z][A-Za-z0-9+.-]*)://([^\s/?#@]*@)?([^\s/?#]*)([/?#][^\s]*)?)");
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), url);
  std::size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    out.append(text, last, static_cast<std::size_t>(m.position()) - last);
    out += m[1].str() + "://" + m[3].str();
    if (m[4].matched && m[4].length() > 1) out += "/…";
    else if (m[4].matched) out += m[4].str();
    last = static_cast<std::size_t>(m.position() + m.length());
  }
  out.append(text, last, std::string::npos);
  return out;
}

}  // namespace

bool names_a_secret(std::string_view name) {
  std::string n = lower(name);
  n.erase(std::remove_if(n.begin(), n.end(), [](char c) { return c == '_' || c == '-' || c == '.'; }), n.end());
  for (const char* word : {"token", "secret", "password", "passwd", "apikey", "accesskey", "privatekey", "credential", "auth"})
    if (n.find(word) != std::string::npos) return true;
  return false;
}

std::string redact_text(std::string_view input) {
  const std::string text = redact_urls(std::string(input));
  // NAME=value pairs: the name is the run of name characters before '='.
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t eq = text.find('=', i);
    if (eq == std::string::npos) {
      out.append(text, i, std::string::npos);
      break;
    }
    std::size_t start = eq;
    while (start > i && name_char(text[start - 1])) --start;
    out.append(text, i, eq + 1 - i);
    std::size_t end = eq + 1;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != '&' && text[end] != ';') ++end;
    if (start < eq && names_a_secret(std::string_view(text).substr(start, eq - start)) && end > eq + 1) out += "***";
    else out.append(text, eq + 1, end - eq - 1);
    i = end;
  }
  return out;
}

std::vector<std::string> redact_command_line(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  bool hide_next = false;
  for (const auto& a : args) {
    if (hide_next) {
      out.push_back(a.find("://") != std::string::npos ? redact_text(a) : "***");
      hide_next = false;
      continue;
    }
    out.push_back(redact_text(a));
    if (a.rfind("-", 0) == 0 && a.find('=') == std::string::npos) {
      const std::string name = a.substr(a.find_first_not_of('-'));
      hide_next = names_a_secret(name) || name == "webhook";
    }
  }
  return out;
}

}  // namespace tellus_harness
