#include "tellus_harness/report/json_report.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "report/builtin_reporters.hpp"
#include "tellus_harness/common/json_file.hpp"
#include "tellus_harness/common/redaction.hpp"
#include "tellus_harness/config/profile_json.hpp"
#include "tellus_harness/perf/run_recording.hpp"
#include "tellus_harness/results/result_details.hpp"
#include "tellus_harness/results/test_result_json.hpp"

namespace tellus_harness {

namespace {

nlohmann::json phase(double duration, const char* outcome) { return {{"duration", duration}, {"outcome", outcome}}; }

nlohmann::json keywords_of(const CollectedTest& t) {
  if (t.spec.kind == "pytest") {
    const auto params = nlohmann::json::parse(t.spec.params_json, nullptr, false);
    if (params.is_object() && params.contains("keywords")) return params["keywords"];
  }
  nlohmann::json keywords = nlohmann::json::array({t.spec.name});
  for (const auto& m : t.spec.markers) keywords.push_back(m);
  keywords.push_back(t.spec.suite);
  return keywords;
}

nlohmann::json pytest_test(const CollectedTest& t, const TestResult& r) {
  // pytest counts lines from 0 (item.location), the harness's suites from 1.
  const int lineno = t.spec.kind == "pytest" ? t.spec.line - 1 : t.spec.line;
  nlohmann::json j = {{"nodeid", t.spec.nodeid}, {"lineno", lineno}, {"keywords", keywords_of(t)},
                      {"outcome", outcome_name(r.outcome)}};
  // A pytest test that ran to its end: its phases as its worker reported them.
  if (const auto report = nlohmann::json::parse(r.pytest_report_json.empty() ? "null" : r.pytest_report_json, nullptr, false);
      report.is_object() && report.contains("stages")) {
    if (report.contains("keywords")) j["keywords"] = report["keywords"];
    for (const char* when : {"setup", "call", "teardown"})
      if (report["stages"].contains(when)) j[when] = report["stages"][when];
    return j;
  }
  // A pytest test the harness ended (a timeout, a dead worker): the first line says what happened.
  const std::string message = t.spec.kind == "pytest" ? r.longrepr.substr(0, r.longrepr.find('\n')) : r.longrepr;
  const nlohmann::json crash = {{"path", t.spec.suite_file}, {"lineno", lineno}, {"message", message}};
  if (r.outcome == Outcome::kSkipped) {
    j["setup"] = phase(r.setup_s, "skipped");
    j["setup"]["longrepr"] = "Skipped: " + r.longrepr;
  } else if (r.phase == "setup" || r.phase == "collect") {
    j["setup"] = phase(r.setup_s, "failed");
    j["setup"]["longrepr"] = r.longrepr;
    j["setup"]["crash"] = crash;
  } else {
    j["setup"] = phase(r.setup_s, "passed");
    const bool passed = r.outcome == Outcome::kPassed;
    j["call"] = phase(r.call_s, passed ? "passed" : "failed");
    j["call"]["stdout"] = r.stdout_text;
    j["call"]["stderr"] = r.stderr_text;
    if (!passed) {
      j["call"]["longrepr"] = r.longrepr;
      j["call"]["crash"] = crash;
    }
    j["teardown"] = phase(r.teardown_s, "passed");
  }
  return j;
}

nlohmann::json harness_test(const TestResult& r) {
  nlohmann::json j = {{"nodeid", r.nodeid}, {"rank", r.rank}, {"host", r.host}, {"start", r.start_unix}, {"stop", r.stop_unix},
                      {"exit_status", r.exit_status}, {"signal", r.signal}, {"peak_memory_mb", r.peak_memory_mb},
                      {"leftover_processes", r.leftover_processes}, {"workspace", r.workspace}, {"attempt", r.attempt}};
  j["metrics"] = nlohmann::json::parse(r.metrics_json, nullptr, false, true);
  if (r.ranks != 1 || !r.slots.empty()) {
    std::vector<std::string> nodes(r.hosts);
    std::sort(nodes.begin(), nodes.end());
    nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
    j["ranks"] = r.ranks;
    j["nodes"] = nodes.size();
    j["hosts"] = r.hosts;
    j["slots"] = r.slots;
  }
  return j;
}

}  // namespace

void write_json_report(const RunOutcome& outcome, int exit_code, const std::string& path) {
  const RunPlan& plan = outcome.plan;
  const Summary s = summarize(outcome);
  utsname u{};
  uname(&u);
  int reruns = 0;
  for (const auto& [index, tries] : outcome.reruns) reruns += static_cast<int>(tries.size());
  // As pytest-json-report: the files pytest could not collect (they are error entries in tests too).
  nlohmann::json collectors = nlohmann::json::array();
  for (const auto& t : plan.tests)
    if (!t.collect_error.empty())
      collectors.push_back({{"nodeid", t.spec.nodeid}, {"outcome", "failed"}, {"longrepr", t.collect_error}, {"result", nlohmann::json::array()}});
  nlohmann::json perf_keys = nlohmann::json::array();
  for (const auto& t : plan.tests) perf_keys.push_back(perf_key(t.spec));
  nlohmann::json ranks = nlohmann::json::array();
  for (const auto& r : rank_summaries(outcome.results))
    ranks.push_back({{"rank", r.rank}, {"host", r.host}, {"tests", r.tests}, {"busy_s", r.busy_s}});
  nlohmann::json report = {
      {"created", plan.created_unix},
      {"duration", outcome.duration_s},
      {"exitcode", exit_code},
      {"root", plan.root},
      {"environment", {{"tellus-harness", TELLUS_HARNESS_VERSION}, {"Platform", std::string(u.sysname) + "-" + u.release + "-" + u.machine},
                       {"profile", plan.profile.name}}},
      {"summary", {{"passed", s.passed}, {"failed", s.failed}, {"skipped", s.skipped}, {"error", s.error},
                   {"xfailed", s.xfailed}, {"xpassed", s.xpassed},
                   {"total", s.total()}, {"collected", plan.tests.size()}, {"deselected", plan.deselected}}},
      {"warnings", outcome.warnings},
      {"harness", {{"schema_version", kReportHarnessSchemaVersion}, {"version", TELLUS_HARNESS_VERSION}, {"command_line", redact_command_line(plan.command_line)}, {"profile", plan.profile},
                   {"output_dir", plan.output_dir}, {"schedule", plan.schedule}, {"maxfail", plan.maxfail},
                   {"ranks_requested", plan.ranks}, {"ranks", ranks}, {"interrupted", outcome.interrupted}}}};
  // The per-test arrays are moved in, not listed above: an initializer list copies them.
  report["collectors"] = std::move(collectors);
  report["harness"]["perf_keys"] = std::move(perf_keys);
  if (reruns > 0) report["summary"]["rerun"] = reruns;
  // Quarantined failures: counted apart from failed and error; each test says under which entry.
  if (s.quarantined > 0) report["summary"]["quarantined"] = s.quarantined;
  auto quarantine_entry = [&](int index, int entry) {
    const auto& q = plan.quarantine[entry];
    return nlohmann::json{{"nodeid", plan.tests[index].spec.nodeid}, {"outcome", outcome_name(outcome.results[index].outcome)},
                          {"test", q.test}, {"reason", q.reason}, {"owner", q.owner}, {"expires", q.expires},
                          {"expired", q.expired}};
  };
  auto& quarantined = report["harness"]["quarantined"] = nlohmann::json::array();
  for (const auto* which : {&outcome.quarantined, &outcome.quarantine_expired})
    for (const auto& [index, entry] : *which) quarantined.push_back(quarantine_entry(index, entry));
  auto& flaky = report["harness"]["flaky"] = nlohmann::json::array();
  for (int i : flaky_tests(outcome)) flaky.push_back(plan.tests[i].spec.nodeid);
  auto& attempts = report["harness"]["attempts"] = nlohmann::json::array();
  for (const auto& a : plan.attempts) attempts.push_back({{"attempt", a.number}, {"started", a.started_unix}, {"ranks", a.ranks}});

  ResultDetails details(plan.output_dir);
  auto test_entry = [&](std::size_t i) {
    nlohmann::json j = pytest_test(plan.tests[i], details.whole(outcome.results[i]));
    // As pytest-rerunfailures with pytest-json-report: each earlier try's stages, outcome "rerun".
    if (const auto tries = outcome.reruns.find(static_cast<int>(i)); tries != outcome.reruns.end()) {
      auto& entries = j["reruns"] = nlohmann::json::array();
      for (const auto& t : tries->second) {
        nlohmann::json entry = pytest_test(plan.tests[i], details.whole(t));
        for (const char* key : {"nodeid", "lineno", "keywords"}) entry.erase(key);
        entry["outcome"] = "rerun";
        entry["rank"] = t.rank;
        entry["start"] = t.start_unix;
        entry["stop"] = t.stop_unix;
        entries.push_back(std::move(entry));
      }
    }
    for (const auto* which : {&outcome.quarantined, &outcome.quarantine_expired})
      if (const auto q = which->find(static_cast<int>(i)); q != which->end()) j["quarantine"] = quarantine_entry(q->first, q->second);
    return j;
  };
  auto harness_entry = [&](std::size_t i) {
    nlohmann::json j = harness_test(outcome.results[i]);
    if (j["metrics"].is_discarded()) j["metrics"] = nlohmann::json::object();
    return j;
  };
  // The per-test arrays are written one test at a time: they hold what the tests printed.
  write_json_file(path, std::move(report), {{"/tests", plan.tests.size(), test_entry}, {"/harness/tests", plan.tests.size(), harness_entry}}, -1);
}

std::unique_ptr<Reporter> make_json_reporter() {
  struct Json final : Reporter {
    std::string format() const override { return "json"; }
    void write(const ReportInput& in) const override {
      write_json_report(in.outcome, in.exit_code, in.outcome.plan.json_report_path);
    }
  };
  return std::make_unique<Json>();
}

}  // namespace tellus_harness
