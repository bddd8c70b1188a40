#pragma once
#include <string>
#include <vector>

#include "tellus_harness/alert/alert_decision.hpp"
#include "tellus_harness/results/run_outcome.hpp"

namespace tellus_harness {

// The webhook to use: `explicit_url`, else TELLUS_ALERT_WEBHOOK, else the profile's; "" if none.
std::string choose_webhook(const std::string& explicit_url, const Profile& profile);

// Decides and, when needed, sends the alert. Prints one line saying what happened (with the
// URL redacted). Never throws: a failed send must not fail the run. Returns false if a send
// was needed and failed.
bool send_alert(const AlertInput& input, const std::string& webhook, double threshold = 0.8);

AlertInput alert_input_for(const RunOutcome& outcome, const std::vector<RegressionFinding>& regressions);

}  // namespace tellus_harness
