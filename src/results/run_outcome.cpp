#include "tellus_harness/results/run_outcome.hpp"

#include <algorithm>
#include <map>

#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/config/quarantine.hpp"

namespace tellus_harness {

std::vector<TestResult> complete_results(const RunPlan& plan, std::vector<TestResult> finished,
                                         const std::string& missing_reason) {
  std::vector<TestResult> results(plan.tests.size());
  std::vector<bool> have(plan.tests.size(), false);
  for (auto& r : finished) {
    if (r.index < 0 || r.index >= static_cast<int>(results.size())) continue;
    // A test of a resumed run may have a result of each attempt, and a rerun test one of each
    // try: the last stands.
    if (have[r.index] && !later_try(r, results[r.index])) continue;
    const int index = r.index;
    results[index] = std::move(r);
    have[index] = true;
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (have[i]) continue;
    TestResult& r = results[i];
    r.index = static_cast<int>(i);
    r.nodeid = plan.tests[i].spec.nodeid;
    if (!plan.tests[i].collect_error.empty()) {
      r.outcome = Outcome::kError;
      r.phase = "collect";
      r.longrepr = plan.tests[i].collect_error;
    } else if (!plan.tests[i].skip_reason.empty()) {
      r.outcome = Outcome::kSkipped;
      r.phase = "setup";
      r.longrepr = plan.tests[i].skip_reason;
    } else {
      r.outcome = Outcome::kError;
      r.phase = "setup";
      r.longrepr = missing_reason;
    }
  }
  return results;
}

RunOutcome assemble_outcome(RunPlan plan, std::vector<TestResult> finished, double duration_s) {
  RunOutcome outcome;
  // The result that stands for each test (complete_results' choice), found before any moves.
  std::vector<int> last(plan.tests.size(), -1);
  for (std::size_t k = 0; k < finished.size(); ++k) {
    const int i = finished[k].index;
    if (i < 0 || i >= static_cast<int>(last.size())) continue;
    if (last[i] < 0 || later_try(finished[k], finished[last[i]])) last[i] = static_cast<int>(k);
  }
  // The tries before the last of a rerun test: its other results of the same attempt.
  std::vector<TestResult> standing;
  standing.reserve(finished.size());
  for (std::size_t k = 0; k < finished.size(); ++k) {
    TestResult& r = finished[k];
    if (r.index < 0 || r.index >= static_cast<int>(last.size())) continue;
    if (last[r.index] == static_cast<int>(k)) continue;
    const TestResult& l = finished[last[r.index]];
    if (r.attempt != l.attempt || r.stopped_by_run || !later_try(l, r) || r.stop_unix == l.stop_unix) continue;
    outcome.reruns[r.index].push_back(std::move(r));
  }
  for (int k : last)
    if (k >= 0) standing.push_back(std::move(finished[k]));
  std::vector<TestResult>().swap(finished);
  outcome.results = complete_results(plan, std::move(standing), "run interrupted: the test never finished");
  // Failures under the quarantine: the first entry that names the test decides.
  for (std::size_t i = 0; i < outcome.results.size(); ++i) {
    const Outcome o = outcome.results[i].outcome;
    if (o != Outcome::kFailed && o != Outcome::kError) continue;
    for (std::size_t q = 0; q < plan.quarantine.size(); ++q) {
      const TestSpec& spec = plan.tests[i].spec;
      if (!quarantine_matches(plan.quarantine[q], spec.nodeid) && !quarantine_matches(plan.quarantine[q], spec.collected_nodeid()))
        continue;
      (plan.quarantine[q].expired ? outcome.quarantine_expired : outcome.quarantined)[static_cast<int>(i)] = static_cast<int>(q);
      break;
    }
  }
  for (auto& [index, tries] : outcome.reruns)
    std::sort(tries.begin(), tries.end(), [](const TestResult& a, const TestResult& b) { return later_try(b, a); });
  outcome.duration_s = duration_s;
  outcome.plan = std::move(plan);
  return outcome;
}

bool later_try(const TestResult& a, const TestResult& b) {
  return a.attempt != b.attempt ? a.attempt > b.attempt : a.stop_unix >= b.stop_unix;
}

std::vector<TestResult> latest_attempts(std::vector<TestResult> results) {
  std::map<int, TestResult> latest;
  for (auto& r : results) {
    auto it = latest.find(r.index);
    if (it == latest.end() || later_try(r, it->second)) latest[r.index] = std::move(r);
  }
  std::vector<TestResult> out;
  out.reserve(latest.size());
  for (auto& [index, r] : latest) out.push_back(std::move(r));
  return out;
}

std::vector<TestResult> standing_results(const RunPlan& plan, std::vector<TestResult> results) {
  std::vector<TestResult> standing;
  for (auto& r : latest_attempts(std::move(results)))
    if (!r.stopped_by_run && r.index >= 0 && r.index < static_cast<int>(plan.tests.size())) standing.push_back(std::move(r));
  return standing;
}

bool unfinished_runnable(const RunPlan& plan, const std::vector<TestResult>& finished) {
  std::vector<bool> have(plan.tests.size(), false);
  for (const auto& r : finished)
    if (r.index >= 0 && r.index < static_cast<int>(have.size())) have[r.index] = true;
  for (std::size_t i = 0; i < have.size(); ++i)
    if (!have[i] && plan.tests[i].runnable()) return true;
  return false;
}

Summary summarize(const RunOutcome& outcome) {
  Summary s = summarize(outcome.results);
  for (const auto& [index, entry] : outcome.quarantined) {
    (outcome.results[index].outcome == Outcome::kFailed ? s.failed : s.error)--;
    ++s.quarantined;
  }
  return s;
}

std::vector<int> flaky_tests(const RunOutcome& outcome) {
  std::vector<int> flaky;
  for (const auto& [index, tries] : outcome.reruns)
    if (!tries.empty() && outcome.results[index].outcome == Outcome::kPassed) flaky.push_back(index);
  return flaky;
}

Summary summarize(const std::vector<TestResult>& results) {
  Summary s;
  for (const auto& r : results) {
    switch (r.outcome) {
      case Outcome::kPassed: ++s.passed; break;
      case Outcome::kFailed: ++s.failed; break;
      case Outcome::kSkipped: ++s.skipped; break;
      case Outcome::kError: ++s.error; break;
      case Outcome::kXfailed: ++s.xfailed; break;
      case Outcome::kXpassed: ++s.xpassed; break;
    }
  }
  return s;
}

std::vector<RankSummary> rank_summaries(const std::vector<TestResult>& results) {
  std::map<int, std::vector<std::pair<double, double>>> intervals;
  std::map<int, RankSummary> ranks;
  for (const auto& r : results) {
    if (r.rank < 0) continue;
    auto& s = ranks[r.rank];
    s.rank = r.rank;
    s.host = r.host;
    ++s.tests;
    intervals[r.rank].push_back({r.start_unix, r.stop_unix});
  }
  std::vector<RankSummary> out;
  for (auto& [rank, s] : ranks) {
    auto& iv = intervals[rank];
    std::sort(iv.begin(), iv.end());
    double covered_until = -1;
    for (const auto& [a, b] : iv) {  // union of the intervals: concurrent tests count once
      const double from = std::max(a, covered_until);
      if (b > from) s.busy_s += b - from;
      covered_until = std::max(covered_until, b);
    }
    out.push_back(s);
  }
  return out;
}

int exit_code_for(const RunOutcome& outcome) {
  if (outcome.interrupted) return kExitUsageOrInterrupted;
  if (outcome.plan.tests.empty()) return kExitNoTestsCollected;
  const Summary s = summarize(outcome);
  if (s.failed + s.error > 0) return kExitTestsFailed;
  return outcome.plan.reruns.fail_on_flaky && !flaky_tests(outcome).empty() ? kExitTestsFailed : kExitAllPassed;
}

}  // namespace tellus_harness
