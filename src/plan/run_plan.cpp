#include "tellus_harness/plan/run_plan.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tellus_harness/common/json_file.hpp"
#include "tellus_harness/common/redaction.hpp"
#include "tellus_harness/common/schema_version.hpp"
#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/config/profile_json.hpp"
#include "tellus_harness/config/test_spec_json.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

std::string run_plan_path(const std::string& output_dir) { return (fs::path(output_dir) / "run.json").string(); }

namespace {

// run.json's document but for its tests.
nlohmann::json plan_settings(const RunPlan& plan) {
  nlohmann::json j = {{"schema_version", kRunPlanSchemaVersion},
                      {"created", plan.created_unix},
                      {"run_id", plan.run_id},
                      {"root", plan.root},
                      {"output_dir", plan.output_dir},
                      {"json_report_path", plan.json_report_path},
                      {"junit_path", plan.junit_path},
                      {"command_line", plan.command_line},
                      {"profile", plan.profile},
                      {"ranks", plan.ranks},
                      {"schedule", plan.schedule},
                      {"maxfail", plan.maxfail},
                      {"deselected", plan.deselected},
                      {"pytest", {{"python", plan.pytest.python}, {"python_source", plan.pytest.python_source},
                                  {"cwd", plan.pytest.cwd}, {"args", plan.pytest.args}}}};
  j["reruns"] = {{"count", plan.reruns.count}, {"delay_s", plan.reruns.delay_s},
                {"only_matching", plan.reruns.only_matching}, {"fail_on_flaky", plan.reruns.fail_on_flaky}};
  auto& quarantine = j["quarantine"] = nlohmann::json::array();
  for (const auto& q : plan.quarantine)
    quarantine.push_back({{"test", q.test}, {"reason", q.reason}, {"owner", q.owner}, {"expires", q.expires},
                          {"file", q.file}, {"line", q.line}, {"expired", q.expired}});
  auto& attempts = j["attempts"] = nlohmann::json::array();
  for (const auto& a : plan.attempts)
    attempts.push_back({{"attempt", a.number}, {"started", a.started_unix}, {"ranks", a.ranks}});
  j["tests"] = nlohmann::json::array();
  return j;
}

nlohmann::json test_entry(const CollectedTest& t) {
  nlohmann::json entry = nlohmann::json::object();
  entry["spec"] = t.spec;
  entry["skip_reason"] = t.skip_reason;
  entry["collect_error"] = t.collect_error;
  return entry;
}

// What run.json records of a test: its environment and backend configuration redacted.
CollectedTest redacted_for_record(CollectedTest t) {
  for (auto& [name, value] : t.spec.env) value = names_a_secret(name) ? "***" : redact_text(value);
  t.spec.backend_config = redact_text(t.spec.backend_config);
  return t;
}

}  // namespace

std::string encode_run_plan(const RunPlan& plan) {
  // Built member by member and moved into place: an initializer list would copy every
  // test's JSON twice more, which at thousands of tests is most of the time before they start.
  nlohmann::json j = plan_settings(plan);
  auto& tests = j["tests"];
  tests.get_ref<nlohmann::json::array_t&>().reserve(plan.tests.size());
  for (const auto& t : plan.tests) tests.push_back(test_entry(t));
  return j.dump() + "\n";
}

void write_run_plan(const RunPlan& plan) {
  // Written test by test, each redacted as it goes: never a second copy of the plan.
  nlohmann::json settings = plan_settings(plan);
  settings["command_line"] = redact_command_line(plan.command_line);
  settings["pytest"]["args"] = redact_command_line(plan.pytest.args);
  write_json_file(run_plan_path(plan.output_dir), std::move(settings),
                  {{"/tests", plan.tests.size(), [&](std::size_t i) { return test_entry(redacted_for_record(plan.tests[i])); }}},
                  -1);
}

RunPlan read_run_plan(const std::string& output_dir) {
  const std::string path = run_plan_path(output_dir);
  std::ifstream in(path);
  if (!in)
    throw UserError(path, 0, "no run plan here: is '" + output_dir + "' the output directory of a tellus-harness run?");
  std::stringstream text;
  text << in.rdbuf();
  try {
    RunPlan plan = decode_run_plan(text.str());
    plan.output_dir = output_dir;
    return plan;
  } catch (const nlohmann::json::exception& e) {
    throw UserError(path, 0, std::string("unreadable run plan: ") + e.what());
  } catch (const NewerSchema& e) {
    throw UserError(path, 0, e.what());
  }
}

RunPlan decode_run_plan(const std::string& text) {
  const auto j = nlohmann::json::parse(text);
  require_known_schema("run.json", j.value("schema_version", 1), kRunPlanSchemaVersion);
  RunPlan plan;
  plan.created_unix = j.at("created").get<double>();
  plan.run_id = j.value("run_id", "");
  plan.root = j.at("root").get<std::string>();
  plan.output_dir = j.at("output_dir").get<std::string>();
  plan.json_report_path = j.at("json_report_path").get<std::string>();
  plan.junit_path = j.at("junit_path").get<std::string>();
  plan.command_line = j.at("command_line").get<std::vector<std::string>>();
  plan.profile = j.at("profile").get<Profile>();
  plan.ranks = j.at("ranks").get<int>();
  plan.schedule = j.at("schedule").get<std::string>();
  plan.maxfail = j.at("maxfail").get<int>();
  for (const auto& t : j.at("tests"))
    plan.tests.push_back({t.at("spec").get<TestSpec>(), t.at("skip_reason").get<std::string>(),
                          t.value("collect_error", "")});
  plan.deselected = j.at("deselected").get<std::size_t>();
  if (const auto p = j.find("pytest"); p != j.end()) {
    plan.pytest.python = p->at("python").get<std::string>();
    plan.pytest.python_source = p->at("python_source").get<std::string>();
    plan.pytest.cwd = p->at("cwd").get<std::string>();
    plan.pytest.args = p->at("args").get<std::vector<std::string>>();
  }
  if (const auto r = j.find("reruns"); r != j.end())
    plan.reruns = {r->at("count").get<int>(), r->at("delay_s").get<double>(), r->at("only_matching").get<std::string>(),
                   r->at("fail_on_flaky").get<bool>()};
  if (const auto q = j.find("quarantine"); q != j.end())
    for (const auto& e : *q)
      plan.quarantine.push_back({e.at("test").get<std::string>(), e.at("reason").get<std::string>(),
                                 e.at("owner").get<std::string>(), e.at("expires").get<std::string>(),
                                 e.at("file").get<std::string>(), e.at("line").get<int>(), e.at("expired").get<bool>()});
  if (const auto a = j.find("attempts"); a != j.end())
    for (const auto& attempt : *a)
      plan.attempts.push_back({attempt.at("attempt").get<int>(), attempt.at("started").get<double>(), attempt.at("ranks").get<int>()});
  if (plan.attempts.empty()) plan.attempts.push_back({1, plan.created_unix, plan.ranks});
  return plan;
}

}  // namespace tellus_harness
