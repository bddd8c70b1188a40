#pragma once
// When to alert and what to say, as the seed's TestMonitor did: severity critical under a
// success rate of 0.5, warning under 0.8, else info; an alert goes out when the rate is under
// the threshold (default 0.8) or when regressions were found. The payload is the seed's and
// what Slack and Mattermost incoming webhooks take: {"text": ..., "color": "danger"|"warning"}.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tellus_harness/perf/trend_analysis.hpp"

namespace tellus_harness {

struct AlertInput {
  int passed = 0, failed = 0, error = 0, skipped = 0;
  std::string environment, commit, branch;
  std::vector<RegressionFinding> regressions;
};

struct AlertDecision {
  double success_rate = 1;  // passed / (passed + failed + error): skipped tests do not count
  std::string severity;     // critical | warning | info
  bool needs_alert = false;
  nlohmann::json payload;
};

AlertDecision decide_alert(const AlertInput& input, double threshold = 0.8);

}  // namespace tellus_harness
