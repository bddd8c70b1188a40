#include "tellus_harness/alert/run_alert.hpp"

#include <cstdio>
#include <cstdlib>

#include "tellus_harness/alert/webhook.hpp"
#include "tellus_harness/common/environment_names.hpp"
#include "tellus_harness/perf/perf_store.hpp"

namespace tellus_harness {

std::string choose_webhook(const std::string& explicit_url, const Profile& profile) {
  // `none` turns alerts off, from the command line or the environment alike.
  auto off_or = [](const std::string& url) { return url == "none" ? std::string() : url; };
  if (!explicit_url.empty()) return off_or(explicit_url);
  if (const char* env = std::getenv(env::kAlertWebhook); env && *env) return off_or(env);
  return profile.alert_webhook;
}

AlertInput alert_input_for(const RunOutcome& outcome, const std::vector<RegressionFinding>& regressions) {
  const Summary s = summarize(outcome);  // a quarantined failure alerts nobody
  AlertInput in;
  // As for pytest's exit code: an unexpected pass passed, an expected failure is no failure.
  in.passed = s.passed + s.xpassed;
  in.failed = s.failed;
  in.error = s.error;
  in.skipped = s.skipped + s.xfailed;
  in.environment = outcome.plan.profile.name;
  in.commit = current_git_commit();
  in.branch = current_git_branch();
  in.regressions = regressions;
  return in;
}

bool send_alert(const AlertInput& input, const std::string& webhook, double threshold) {
  const AlertDecision d = decide_alert(input, threshold);
  if (!d.needs_alert) {
    std::printf("alert: none needed (success rate %.1f%%, no regressions)\n", d.success_rate * 100);
    return true;
  }
  if (webhook.empty()) {
    std::printf("alert: %s (success rate %.1f%%, %zu regressions), but no webhook is configured\n", d.severity.c_str(),
                d.success_rate * 100, input.regressions.size());
    return true;
  }
  const WebhookResult r = post_json(webhook, d.payload.dump());
  if (r.sent) std::printf("alert: %s sent to %s\n", d.severity.c_str(), redact_url(webhook).c_str());
  else std::printf("alert: %s NOT sent: %s\n", d.severity.c_str(), r.error.c_str());
  std::fflush(stdout);
  return r.sent;
}

}  // namespace tellus_harness
