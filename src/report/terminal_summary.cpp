#include "tellus_harness/report/terminal_summary.hpp"

#include <string>

#include "report/builtin_reporters.hpp"
#include "tellus_harness/report/publish.hpp"

namespace tellus_harness {

void print_terminal_summary(const RunOutcome& outcome, std::FILE* out) {
  const auto& results = outcome.results;
  bool header = false;
  auto short_summary = [&] {
    if (!header) std::fprintf(out, "\n=========================== short test summary info ===========================\n");
    header = true;
  };
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    if (r.outcome != Outcome::kFailed && r.outcome != Outcome::kError) continue;
    if (outcome.quarantined.count(static_cast<int>(i))) continue;  // a section of their own, below
    short_summary();
    const std::string why = r.longrepr.substr(0, r.longrepr.find('\n'));
    std::fprintf(out, "%s %s - %s\n", r.outcome == Outcome::kFailed ? "FAILED" : "ERROR", r.nodeid.c_str(), why.c_str());
    if (const auto q = outcome.quarantine_expired.find(static_cast<int>(i)); q != outcome.quarantine_expired.end()) {
      const auto& entry = outcome.plan.quarantine[q->second];
      std::fprintf(out, "  its quarantine (%s:%d, %s) expired on %s: the failure counts\n", entry.file.c_str(),
                   entry.line, entry.owner.c_str(), entry.expires.c_str());
    }
  }
  const auto flaky = flaky_tests(outcome);
  for (int i : flaky) {
    short_summary();
    const auto& tries = outcome.reruns.at(i);
    const std::string why = tries.back().longrepr.substr(0, tries.back().longrepr.find('\n'));
    std::fprintf(out, "FLAKY %s - passed on try %zu; before: %s\n", results[i].nodeid.c_str(), tries.size() + 1, why.c_str());
  }
  if (!outcome.quarantined.empty())
    std::fprintf(out, "\n============== quarantined: failures that do not fail the run ==============\n");
  for (const auto& [index, entry_index] : outcome.quarantined) {
    const auto& r = results[index];
    const auto& entry = outcome.plan.quarantine[entry_index];
    std::fprintf(out, "QUARANTINED %s - %s (%s, until %s): %s\n", r.nodeid.c_str(), entry.reason.c_str(),
                 entry.owner.c_str(), entry.expires.c_str(), r.longrepr.substr(0, r.longrepr.find('\n')).c_str());
  }
  const Summary s = summarize(outcome);
  std::string counts = std::to_string(s.passed) + " passed, " + std::to_string(s.failed) + " failed, " +
                       std::to_string(s.skipped) + " skipped, ";
  if (s.xfailed > 0) counts += std::to_string(s.xfailed) + " xfailed, ";
  if (s.xpassed > 0) counts += std::to_string(s.xpassed) + " xpassed, ";
  if (!flaky.empty()) counts += std::to_string(flaky.size()) + " flaky, ";
  if (s.quarantined > 0) counts += std::to_string(s.quarantined) + " quarantined, ";
  // A resumed run: this attempt's ranks, and which attempt it was.
  const auto& attempts = outcome.plan.attempts;
  const int ranks = attempts.empty() ? outcome.plan.ranks : attempts.back().ranks;
  const std::string attempt = attempts.size() > 1 ? ", attempt " + std::to_string(attempts.back().number) : "";
  std::fprintf(out, "%s%d error in %.2fs (profile %s, %d rank%s%s)\n", counts.c_str(), s.error, outcome.duration_s,
               outcome.plan.profile.name.c_str(), ranks, ranks == 1 ? "" : "s", attempt.c_str());
  if (outcome.interrupted) std::fprintf(out, "!!! run interrupted: unfinished tests are reported as errors !!!\n");
  for (const auto& w : outcome.warnings) std::fprintf(out, "warning: %s\n", w.c_str());
  std::fprintf(out, "JSON report:  %s\nJUnit report: %s\nHTML report:  %s\n", outcome.plan.json_report_path.c_str(),
               outcome.plan.junit_path.c_str(), html_report_path(outcome.plan).c_str());
  std::fflush(out);
}

std::unique_ptr<Reporter> make_terminal_reporter() {
  struct Terminal final : Reporter {
    std::string format() const override { return "terminal"; }
    void write(const ReportInput& in) const override { print_terminal_summary(in.outcome); }
  };
  return std::make_unique<Terminal>();
}

}  // namespace tellus_harness
