#include "tellus_harness/results/test_result_json.hpp"

#include <nlohmann/json.hpp>
#include <climits>
#include <cstdint>
#include <stdexcept>

namespace tellus_harness {

std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::kPassed: return "passed";
    case Outcome::kFailed: return "failed";
    case Outcome::kSkipped: return "skipped";
    case Outcome::kError: return "error";
    case Outcome::kXfailed: return "xfailed";
    case Outcome::kXpassed: return "xpassed";
  }
  return "error";
}

Outcome parse_outcome(std::string_view name) {
  for (Outcome o : {Outcome::kPassed, Outcome::kFailed, Outcome::kSkipped, Outcome::kError, Outcome::kXfailed, Outcome::kXpassed})
    if (outcome_name(o) == name) return o;
  throw std::invalid_argument("unknown outcome '" + std::string(name) + "'");
}

namespace {
// Every field but the pytest report.
nlohmann::json result_fields(const TestResult& r) {
  nlohmann::json metrics = nlohmann::json::parse(r.metrics_json, nullptr, false);
  if (metrics.is_discarded() || !metrics.is_object()) metrics = {{"invalid_metrics_file", true}};
  nlohmann::json fields = {{"index", r.index}, {"nodeid", r.nodeid}, {"outcome", outcome_name(r.outcome)}, {"phase", r.phase},
       {"longrepr", r.longrepr}, {"stdout", r.stdout_text}, {"stderr", r.stderr_text},
       {"setup_s", r.setup_s}, {"call_s", r.call_s}, {"teardown_s", r.teardown_s},
       {"start", r.start_unix}, {"stop", r.stop_unix}, {"rank", r.rank}, {"host", r.host},
       {"exit_status", r.exit_status}, {"signal", r.signal}, {"peak_memory_mb", r.peak_memory_mb},
       {"leftover_processes", r.leftover_processes},
       {"workspace", r.workspace}, {"metrics", metrics}, {"attempt", r.attempt}, {"stopped_by_run", r.stopped_by_run}};
  if (!r.stops_run.empty()) fields["stops_run"] = r.stops_run;
  if (r.ranks != 1 || !r.slots.empty()) {
    fields["ranks"] = r.ranks;
    fields["hosts"] = r.hosts;
    fields["slots"] = r.slots;
  }
  return fields;
}
}  // namespace

void to_json(nlohmann::json& j, const TestResult& r) {
  j = result_fields(r);
  if (!r.pytest_report_json.empty()) {
    auto pytest = nlohmann::json::parse(r.pytest_report_json, nullptr, false);
    if (!pytest.is_discarded()) j["pytest"] = std::move(pytest);
  }
}

std::string test_result_line(const TestResult& r, const nlohmann::json& extra) {
  nlohmann::json fields = result_fields(r);
  for (const auto& [key, value] : extra.items()) fields[key] = value;
  std::string line = dump_json(fields);
  // pytest_report_json is JSON the harness itself wrote (PytestWorker), so it splices in whole.
  if (!r.pytest_report_json.empty()) line.insert(line.size() - 1, ",\"pytest\":" + r.pytest_report_json);
  return line;
}

namespace {
// An integer field of a result read back (a journal line): a value out of int's range is
// refused, not converted (that conversion would be undefined).
int int_field(const nlohmann::json& j, const char* key, int fallback) {
  const auto it = j.find(key);
  if (it == j.end()) return fallback;
  const bool fits = it->is_number_unsigned() ? it->get<std::uint64_t>() <= static_cast<std::uint64_t>(INT_MAX)
                    : it->is_number_integer() ? it->get<std::int64_t>() >= INT_MIN && it->get<std::int64_t>() <= INT_MAX
                                              : false;
  if (!fits) throw std::invalid_argument(std::string("'") + key + "' is not an int");
  return static_cast<int>(it->get<std::int64_t>());
}
}  // namespace

void from_json(const nlohmann::json& j, TestResult& r) {
  if (!j.contains("index")) throw std::invalid_argument("no 'index'");
  r.index = int_field(j, "index", -1);
  r.nodeid = j.at("nodeid").get<std::string>();
  r.outcome = parse_outcome(j.at("outcome").get<std::string>());
  r.phase = j.value("phase", "call");
  r.longrepr = j.value("longrepr", "");
  r.stdout_text = j.value("stdout", "");
  r.stderr_text = j.value("stderr", "");
  r.setup_s = j.value("setup_s", 0.0);
  r.call_s = j.value("call_s", 0.0);
  r.teardown_s = j.value("teardown_s", 0.0);
  r.start_unix = j.value("start", 0.0);
  r.stop_unix = j.value("stop", 0.0);
  r.rank = int_field(j, "rank", -1);
  r.host = j.value("host", "");
  r.ranks = int_field(j, "ranks", 1);
  if (const auto it = j.find("hosts"); it != j.end() && it->is_array()) it->get_to(r.hosts);
  if (const auto it = j.find("slots"); it != j.end() && it->is_array()) it->get_to(r.slots);
  r.exit_status = int_field(j, "exit_status", -1);
  r.signal = int_field(j, "signal", 0);
  r.peak_memory_mb = j.value("peak_memory_mb", 0.0);
  r.leftover_processes = int_field(j, "leftover_processes", 0);
  r.workspace = j.value("workspace", "");
  r.attempt = int_field(j, "attempt", 1);
  r.stopped_by_run = j.value("stopped_by_run", false);
  r.stops_run = j.value("stops_run", "");
  r.metrics_json = j.contains("metrics") ? j["metrics"].dump() : "{}";
  if (const auto it = j.find("pytest"); it != j.end() && it->is_object()) r.pytest_report_json = it->dump();
}

}  // namespace tellus_harness
