#include "tellus_harness/config/selection.hpp"

#include <algorithm>
#include <cctype>

#include "tellus_harness/config/marker_expression.hpp"
#include "tellus_harness/storage/backend_type.hpp"

namespace tellus_harness {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// -k as pytest: a name matches when it is a case-insensitive substring of the node id, or a marker.
bool keyword_matches(const TestSpec& t, const std::string& word) {
  const std::string w = lower(word);
  if (lower(t.nodeid).find(w) != std::string::npos) return true;
  for (const auto& m : t.markers)
    if (lower(m) == w) return true;
  return false;
}

}  // namespace

std::string profile_gate_reason(const TestSpec& t, const Profile& profile) {
  if (!profile.large_file_tests && contains(t.markers, "slow"))
    return "large_file_tests is false in profile '" + profile.name + "' (test is marked slow)";
  if (!t.backend.empty() && !contains(profile.storage_backends, t.backend))
    return "backend '" + t.backend + "' is not enabled in profile '" + profile.name + "' (storage_backends: " +
           join(profile.storage_backends) + ")";
  for (const auto& marker : t.markers)
    if (find_backend_type(marker) && !contains(profile.storage_backends, marker))
      return "marked '" + marker + "': storage backend '" + marker + "' is not enabled in profile '" + profile.name +
             "' (storage_backends: " + join(profile.storage_backends) + ")";
  return {};
}

Selection select_tests(std::vector<TestSpec> tests, const SelectionOptions& options, const Profile& profile) {
  const auto markers = MarkerExpression::parse(options.marker_expression, "-m");
  const auto keywords = MarkerExpression::parse(options.keyword_expression, "-k");
  Selection selection;
  selection.tests.reserve(tests.size());
  for (auto& t : tests) {
    const bool marker_ok = markers.evaluate([&](const std::string& m) { return contains(t.markers, m); });
    const bool keyword_ok = keywords.evaluate([&](const std::string& w) { return keyword_matches(t, w); });
    if (!marker_ok || !keyword_ok) {
      ++selection.deselected;
      continue;
    }
    std::string reason = profile_gate_reason(t, profile);
    selection.tests.push_back(CollectedTest{std::move(t), std::move(reason), std::string()});
  }
  return selection;
}

}  // namespace tellus_harness
