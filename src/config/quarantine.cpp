#include "tellus_harness/config/quarantine.hpp"

#include <fnmatch.h>

#include <cstdlib>
#include <ctime>
#include <regex>

#include "tellus_harness/common/environment_names.hpp"
#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/common/wall_clock.hpp"
#include "tellus_harness/config/yaml_map.hpp"

namespace tellus_harness {

namespace {

// A real calendar date: 2026-02-30 is refused, not rolled over.
bool valid_date(const std::string& text) {
  static const std::regex form(R"(\d{4}-\d{2}-\d{2})");
  if (!std::regex_match(text, form)) return false;
  std::tm tm{};
  tm.tm_year = std::stoi(text.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(text.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(text.substr(8, 2));
  tm.tm_hour = 12;
  std::tm normalized = tm;
  if (timegm(&normalized) == -1) return false;
  return normalized.tm_year == tm.tm_year && normalized.tm_mon == tm.tm_mon && normalized.tm_mday == tm.tm_mday;
}

}  // namespace

std::vector<QuarantineEntry> load_quarantine(const std::string& path) {
  const YamlMap top(load_yaml_file(path), path, "quarantine file");
  top.allow_only({"quarantine"});
  const YamlNode list = top.get("quarantine");
  if (!list.is_sequence())
    throw UserError(path, top.line(), "a quarantine file holds 'quarantine:', a list of entries with test, reason, owner and expires");
  std::vector<QuarantineEntry> entries;
  try {
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YamlMap map(list.item(i), path, "quarantine entry");
      map.allow_only({"test", "reason", "owner", "expires"});
      QuarantineEntry e;
      e.test = map.string("test");
      e.reason = map.string("reason");
      e.owner = map.string("owner");
      e.expires = map.string("expires");
      e.file = path;
      e.line = map.line();
      if (e.test.empty()) map.fail("test", "must name a node id or a glob");
      if (!valid_date(e.expires)) map.fail("expires", "must be a date, YYYY-MM-DD (the last day the entry protects)");
      entries.push_back(std::move(e));
    }
  } catch (const YamlShapeError& e) {
    throw yaml_construct_error(path, e);
  }
  return entries;
}

bool quarantine_matches(const QuarantineEntry& entry, const std::string& nodeid) {
  return entry.test == nodeid || fnmatch(entry.test.c_str(), nodeid.c_str(), 0) == 0;
}

std::string quarantine_today() {
  if (const char* today = std::getenv(env::kToday); today && valid_date(today)) return today;
  return utc_text(now_unix(), "%Y-%m-%d");
}

}  // namespace tellus_harness
