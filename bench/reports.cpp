// Rank 0 from the last test's end to the reports written: a run of TESTS tests, each printing
// PRINT bytes, 1 % of them failing, as 128 ranks' journals hold it; the time publish_run takes
// (report.json, report.xml, report.html, the terminal summary) and rank 0's memory. Both sides
// of a comparison in this run: results kept in summary, the reports reading what the tests
// printed back from the journals one test at a time (what the harness does), against every
// result kept whole in memory (what it did before). The figures go to stderr, the terminal
// summary to stdout.
//   bench_reports [TESTS] [PRINT]       Goal: <= 2 s at 100,000 tests; memory that does not
//                                        follow PRINT.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "synthetic_tests.hpp"
#include "tellus_harness/report/publish.hpp"
#include "tellus_harness/results/journal.hpp"
#include "tellus_harness/results/result_details.hpp"
#include "tellus_harness/results/run_outcome.hpp"

using namespace tellus_harness;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kRanks = 128;

// This process's resident set now and its peak since the last reset, in MB (/proc/self/status).
std::pair<double, double> rss_mb() {
  std::ifstream status("/proc/self/status");
  std::string key;
  double now = 0, peak = 0, kib = 0;
  while (status >> key) {
    if (key == "VmRSS:" && status >> kib) now = kib / 1024;
    if (key == "VmHWM:" && status >> kib) peak = kib / 1024;
  }
  return {now, peak};
}

void reset_peak() { std::ofstream("/proc/self/clear_refs") << "5"; }

RunPlan synthetic_plan(const std::string& dir, int tests) {
  RunPlan plan;
  plan.run_id = "bench";
  plan.output_dir = dir;
  plan.json_report_path = dir + "/report.json";
  plan.junit_path = dir + "/report.xml";
  plan.profile.name = "bench";
  plan.created_unix = 1700000000;
  for (int i = 0; i < tests; ++i) plan.tests.push_back({synthetic_spec(i), "", ""});
  return plan;
}

// Every test's result, journaled by its rank as the harness does.
std::vector<TestResult> journaled_results(const RunPlan& plan, int print, bool summaries) {
  std::vector<std::unique_ptr<Journal>> journals;
  for (int r = 0; r < kRanks; ++r) journals.push_back(std::make_unique<Journal>(plan.output_dir, r, plan.run_id));
  std::vector<TestResult> results;
  const std::string printed(static_cast<std::size_t>(print), 'x');
  for (std::size_t i = 0; i < plan.tests.size(); ++i) {
    TestResult r;
    r.index = static_cast<int>(i);
    r.nodeid = plan.tests[i].spec.nodeid;
    r.outcome = i % 100 == 7 ? Outcome::kFailed : Outcome::kPassed;
    if (r.outcome == Outcome::kFailed) r.longrepr = "exited with status 1";
    r.rank = static_cast<int>(i % kRanks);
    r.host = "node" + std::to_string(r.rank / 32);
    r.start_unix = 1700000000 + static_cast<double>(i) / kRanks;
    r.stop_unix = r.start_unix + 0.5;
    r.call_s = 0.5;
    r.exit_status = r.outcome == Outcome::kFailed ? 1 : 0;
    r.stdout_text = printed;
    journals[r.rank]->append(r, &r.journal_line);
    if (summaries) keep_summary(r);
    results.push_back(std::move(r));
  }
  return results;
}

void measure(const char* label, const std::string& dir, int tests, int print, bool summaries) {
  std::filesystem::remove_all(dir);
  reset_peak();
  RunOutcome outcome = assemble_outcome(synthetic_plan(dir, tests), journaled_results(synthetic_plan(dir, tests), print, summaries), 60);
  const double held = rss_mb().first;
  const auto t0 = Clock::now();
  publish_run(outcome);
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::fprintf(stderr, "%-10s %d tests printing %d bytes: reports written in %.2f s; rank 0 holds %.0f MB, peak %.0f MB; "
               "report.json %.0f MB\n",
               label, tests, print, seconds, held, rss_mb().second,
               std::filesystem::file_size(dir + "/report.json") / 1048576.0);
}

}  // namespace

int main(int argc, char** argv) {
  const int tests = argc > 1 ? std::atoi(argv[1]) : 100000;
  const int print = argc > 2 ? std::atoi(argv[2]) : 0;
  const std::string dir = std::filesystem::temp_directory_path() / ("tellus-bench-reports." + std::to_string(getpid()));
  measure("summaries:", dir, tests, print, true);
  measure("whole:", dir, tests, print, false);
  std::filesystem::remove_all(dir);
  return 0;
}
