// `tellus-harness alert --report PATH [--webhook URL]`: alert about a finished run's report.
#include <fstream>
#include <set>
#include <iostream>
#include <nlohmann/json.hpp>

#include "tellus_harness/alert/run_alert.hpp"
#include "tellus_harness/cli/commands.hpp"
#include "tellus_harness/cli/option_parsing.hpp"
#include "tellus_harness/common/user_error.hpp"

namespace tellus_harness {

int alert_command(const Arguments& args) {
  std::string report_path, webhook, store = default_perf_store();
  double threshold = 0.8, regression_threshold = 20;
  po::options_description d("tellus-harness alert --report PATH [options]\n\n"
                            "Sends the seed's alert for a run when its success rate is under the threshold or the\n"
                            "perf-trend store shows regressions of its tests. Exit 1 when a needed alert could not be sent.\n\nOptions");
  d.add_options()("help,h", "show this help")("report", po::value(&report_path), "the run's report.json")(
      "webhook", po::value(&webhook), "webhook URL (default TELLUS_ALERT_WEBHOOK)")(
      "threshold", po::value(&threshold)->default_value(0.8), "alert under this success rate")(
      "perf-store", po::value(&store), "perf-trend store for regressions (none: skip)")(
      "regression-threshold", po::value(&regression_threshold)->default_value(20), "percent");
  const auto vm = parse_command_options("alert", args, d);
  if (vm.count("help")) {
    std::cout << d << "\n";
    return 0;
  }
  if (report_path.empty()) throw UserError("alert: --report PATH is required (a run's report.json)");
  std::ifstream in(report_path);
  if (!in) throw UserError(report_path, 0, "cannot read the report");
  nlohmann::json report;
  try {
    report = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw UserError(report_path, 0, std::string("not a JSON report: ") + e.what());
  }
  const auto& s = report.value("summary", nlohmann::json::object());
  AlertInput input;
  input.passed = s.value("passed", 0) + s.value("xpassed", 0);
  input.failed = s.value("failed", 0);
  input.error = s.value("error", 0);
  input.skipped = s.value("skipped", 0) + s.value("xfailed", 0);
  input.environment = report.value("environment", nlohmann::json::object()).value("profile", "");
  input.commit = current_git_commit();
  input.branch = current_git_branch();
  if (store != "none") {
    std::set<std::string> tests;  // only regressions of this run's tests
    for (const auto& t : report.value("harness", nlohmann::json::object()).value("perf_keys", nlohmann::json::array()))
      tests.insert(t.get<std::string>());
    std::vector<std::string> warnings;
    for (auto& f : find_regressions(metric_histories(load_perf_runs(store, 0, warnings)), DetectorOptions{regression_threshold}))
      if (tests.empty() || tests.count(f.test)) input.regressions.push_back(f);
  }
  Profile none;
  return send_alert(input, choose_webhook(webhook, none), threshold) ? 0 : 1;
}

}  // namespace tellus_harness
