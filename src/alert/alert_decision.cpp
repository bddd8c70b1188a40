#include "tellus_harness/alert/alert_decision.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace tellus_harness {

AlertDecision decide_alert(const AlertInput& in, double threshold) {
  AlertDecision d;
  const int executed = in.passed + in.failed + in.error;
  d.success_rate = executed > 0 ? static_cast<double>(in.passed) / executed : 1.0;
  d.severity = d.success_rate < 0.5 ? "critical" : d.success_rate < 0.8 ? "warning" : "info";
  const bool failing = d.success_rate < threshold;
  d.needs_alert = failing || !in.regressions.empty();
  std::string severity = d.severity;
  std::transform(severity.begin(), severity.end(), severity.begin(), [](unsigned char c) { return std::toupper(c); });
  char line[160];
  std::string text;
  if (failing) {
    std::snprintf(line, sizeof line, ":rotating_light: %s: Tellus Integration Test Failure\n\n", severity.c_str());
    text += line;
  } else {
    text += ":chart_with_downwards_trend: WARNING: Tellus performance regression\n\n";
  }
  std::snprintf(line, sizeof line, "Success Rate: %.1f%%\nTotal Tests: %d\nFailed Tests: %d\n", d.success_rate * 100,
                in.passed + in.failed + in.error + in.skipped, in.failed + in.error);
  text += line;
  if (!in.environment.empty()) text += "\nEnvironment: " + in.environment;
  if (!in.commit.empty()) text += "\nCommit: " + in.commit;
  if (!in.branch.empty()) text += "\nBranch: " + in.branch;
  if (!in.regressions.empty()) {
    text += "\n\nRegressions (" + std::to_string(in.regressions.size()) + "):";
    for (std::size_t i = 0; i < std::min<std::size_t>(in.regressions.size(), 10); ++i) {
      const auto& f = in.regressions[i];
      std::snprintf(line, sizeof line, "%+.1f%%", f.regression.change_percent);
      text += "\n• " + f.test + " " + f.metric + ": " + line + " (" + direction_name(f.regression.direction) + ")";
    }
    if (in.regressions.size() > 10) text += "\n• and " + std::to_string(in.regressions.size() - 10) + " more";
  }
  d.payload = {{"text", text}, {"color", failing && d.severity == "critical" ? "danger" : "warning"}};
  if (!in.environment.empty()) d.payload["environment"] = in.environment;
  if (!in.commit.empty()) d.payload["commit"] = in.commit;
  if (!in.branch.empty()) d.payload["branch"] = in.branch;
  return d;
}

}  // namespace tellus_harness
