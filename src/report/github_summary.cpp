// The run in the job summary of a GitHub Actions step: when GITHUB_STEP_SUMMARY names a file,
// a Markdown section is appended to it (counts, failures with their first line, flaky and
// quarantined tests). Elsewhere the format writes nothing. GitLab reads report.xml as it is.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "report/builtin_reporters.hpp"
#include "tellus_harness/results/run_outcome.hpp"
#include "tellus_harness/results/test_result_json.hpp"

namespace tellus_harness {

namespace {

// At most this many failures are listed: the summary is for reading, report.html has them all.
constexpr std::size_t kMaxListed = 50;

// A table cell: one line, no pipe, no markup.
std::string cell(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() > 200) line = line.substr(0, 200) + "...";
  std::string out;
  for (char c : line) {
    if (c == '|') out += "\\|";
    else if (c == '`' || c == '<' || c == '>' || c == '*' || c == '_' || c == '[' || c == ']') out += std::string("\\") + c;
    else if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out;
}

}  // namespace

std::string github_summary_markdown(const RunOutcome& o, int exit_code) {
  const Summary s = summarize(o);
  const auto flaky = flaky_tests(o);
  std::ostringstream md;
  md << "### tellus-harness: " << (exit_code == 0 ? "passed" : exit_code == 1 ? "failed" : "did not complete") << "\n\n"
     << "| passed | failed | error | skipped | xfailed | xpassed | flaky | quarantined | duration |\n"
     << "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
     << "| " << s.passed << " | " << s.failed << " | " << s.error << " | " << s.skipped << " | " << s.xfailed << " | "
     << s.xpassed << " | " << flaky.size() << " | " << s.quarantined << " | " << static_cast<long>(o.duration_s + 0.5)
     << " s |\n\n";
  std::size_t listed = 0, failures = 0;
  for (std::size_t i = 0; i < o.results.size(); ++i) {
    const auto& r = o.results[i];
    if ((r.outcome != Outcome::kFailed && r.outcome != Outcome::kError) || o.quarantined.count(static_cast<int>(i))) continue;
    if (++failures > kMaxListed) continue;
    if (listed++ == 0) md << "| failed | test | why |\n|---|---|---|\n";
    md << "| " << outcome_name(r.outcome) << " | " << cell(r.nodeid) << " | " << cell(r.longrepr) << " |\n";
  }
  if (failures > listed) md << "\n" << failures - listed << " more failures: see report.html.\n";
  if (listed > 0) md << "\n";
  if (!flaky.empty()) {
    md << "**Flaky** (passed on a rerun):\n";
    for (int i : flaky) md << "- " << cell(o.results[i].nodeid) << "\n";
    md << "\n";
  }
  if (!o.quarantined.empty()) {
    md << "**Quarantined** (failed; the run does not fail on them):\n";
    for (const auto& [index, entry] : o.quarantined) {
      const auto& q = o.plan.quarantine[entry];
      md << "- " << cell(o.results[index].nodeid) << ": " << cell(q.reason) << " (" << cell(q.owner) << ", until " << q.expires << ")\n";
    }
    md << "\n";
  }
  return md.str();
}

std::unique_ptr<Reporter> make_github_summary_reporter() {
  struct GithubSummary final : Reporter {
    std::string format() const override { return "github"; }
    void write(const ReportInput& in) const override {
      const char* path = std::getenv("GITHUB_STEP_SUMMARY");
      if (!path || !*path) return;
      std::ofstream out(path, std::ios::app);
      out << github_summary_markdown(in.outcome, in.exit_code);
      if (!out) throw std::runtime_error(std::string("cannot append to GITHUB_STEP_SUMMARY ") + path);
    }
  };
  return std::make_unique<GithubSummary>();
}

}  // namespace tellus_harness
