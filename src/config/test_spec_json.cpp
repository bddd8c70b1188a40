#include "tellus_harness/config/test_spec_json.hpp"

#include <nlohmann/json.hpp>

namespace tellus_harness {

void to_json(nlohmann::json& j, const TestSpec& t) {
  // Member by member: an initializer list copies each value once more.
  j = nlohmann::json::object();
  j["suite"] = t.suite;
  j["suite_file"] = t.suite_file;
  j["line"] = t.line;
  j["name"] = t.name;
  j["nodeid"] = t.nodeid;
  j["kind"] = t.kind;
  j["markers"] = t.markers;
  j["timeout_s"] = t.timeout_s;
  j["expected_duration_s"] = t.expected_duration_s;
  j["env"] = t.env;
  j["backend"] = t.backend;
  j["backend_name"] = t.backend_name;
  j["backend_config"] = t.backend_config;
  j["params_json"] = t.params_json;
  j["workspace_name"] = t.workspace_name;
  j["repeat_of"] = t.repeat_of;
  if (t.ranks != 1) j["ranks"] = t.ranks;
  if (t.nodes != 0) j["nodes"] = t.nodes;
  if (!t.hosts.empty()) j["hosts"] = t.hosts;
  if (!t.slots.empty()) j["slots"] = t.slots;
}

void from_json(const nlohmann::json& j, TestSpec& t) {
  j.at("suite").get_to(t.suite);
  j.at("suite_file").get_to(t.suite_file);
  j.at("line").get_to(t.line);
  j.at("name").get_to(t.name);
  j.at("nodeid").get_to(t.nodeid);
  j.at("kind").get_to(t.kind);
  j.at("markers").get_to(t.markers);
  j.at("timeout_s").get_to(t.timeout_s);
  j.at("expected_duration_s").get_to(t.expected_duration_s);
  j.at("env").get_to(t.env);
  j.at("backend").get_to(t.backend);
  j.at("backend_name").get_to(t.backend_name);
  j.at("backend_config").get_to(t.backend_config);
  j.at("params_json").get_to(t.params_json);
  j.at("workspace_name").get_to(t.workspace_name);
  t.repeat_of = j.value("repeat_of", "");
  t.ranks = j.value("ranks", 1);
  t.nodes = j.value("nodes", 0);
  if (const auto h = j.find("hosts"); h != j.end()) h->get_to(t.hosts);
  if (const auto s = j.find("slots"); s != j.end()) s->get_to(t.slots);
}

}  // namespace tellus_harness
