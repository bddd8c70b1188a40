#include "tellus_harness/perf/run_recording.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tellus_harness/common/this_process.hpp"

namespace tellus_harness {

// A pytest test's node id is stable wherever the run starts; a harness test's names its suite
// by its `suite:` name, not by the path it was given as.
std::string perf_key(const TestSpec& spec) { return spec.kind == "pytest" ? spec.nodeid : spec.suite + "::" + spec.name; }

PerfRun perf_run_from(const RunOutcome& outcome) {
  const RunPlan& plan = outcome.plan;
  PerfRun run;
  run.timestamp = plan.created_unix;
  run.git_commit = current_git_commit();
  run.branch = current_git_branch();
  run.run_id = std::filesystem::path(plan.output_dir).filename().string();
  run.host = this_host_name();
  run.profile = plan.profile.name;
  run.ranks = plan.ranks;
  for (std::size_t i = 0; i < plan.tests.size(); ++i) {
    const TestResult& r = outcome.results[i];
    if (r.outcome == Outcome::kSkipped) continue;
    const std::string key = perf_key(plan.tests[i].spec);
    const auto reruns = outcome.reruns.find(static_cast<int>(i));
    run.tests[key] = {r.call_s, std::string(outcome_name(r.outcome)),
                      1 + (reruns == outcome.reruns.end() ? 0 : static_cast<int>(reruns->second.size()))};
    if (r.outcome != Outcome::kPassed) continue;  // a timeout's duration says nothing about speed
    run.metrics[key]["duration_s"] = r.call_s;
    const auto metrics = nlohmann::json::parse(r.metrics_json, nullptr, false);
    if (!metrics.is_object()) continue;
    for (const auto& [name, value] : metrics.items()) {
      if (value.is_number()) {
        run.metrics[key][name] = value.get<double>();
      } else if (value.is_object() && value.contains("value") && value["value"].is_number()) {
        run.metrics[key][name] = value["value"].get<double>();
        if (value.contains("direction") && value["direction"].is_string())
          run.directions[key][name] = value["direction"].get<std::string>();
      }
    }
  }
  return run;
}

}  // namespace tellus_harness
