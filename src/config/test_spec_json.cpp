#include "tellus_harness/config/test_spec_json.hpp"

#include <nlohmann/json.hpp>

namespace tellus_harness {

void to_json(nlohmann::json& j, const TestSpec& t) {
  j = {{"suite", t.suite}, {"suite_file", t.suite_file}, {"line", t.line}, {"name", t.name},
       {"nodeid", t.nodeid}, {"kind", t.kind}, {"markers", t.markers}, {"timeout_s", t.timeout_s},
       {"expected_duration_s", t.expected_duration_s}, {"env", t.env}, {"backend", t.backend}, {"backend_name", t.backend_name}, {"backend_config", t.backend_config},
       {"params_json", t.params_json}, {"workspace_name", t.workspace_name}};
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
}

}  // namespace tellus_harness
