#include "report/builtin_reporters.hpp"

namespace tellus_harness {

const std::vector<std::unique_ptr<Reporter>>& reporters() {
  static const std::vector<std::unique_ptr<Reporter>> all = [] {
    std::vector<std::unique_ptr<Reporter>> r;
    // One line per format.
    r.push_back(make_terminal_reporter());
    r.push_back(make_json_reporter());
    r.push_back(make_junit_reporter());
    r.push_back(make_html_reporter());
    r.push_back(make_github_summary_reporter());
    return r;
  }();
  return all;
}

std::vector<std::string> report_formats() {
  std::vector<std::string> names;
  for (const auto& r : reporters()) names.push_back(r->format());
  return names;
}

}  // namespace tellus_harness
