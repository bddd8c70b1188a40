#pragma once
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "tellus_harness/common/json_file.hpp"  // dump_json
#include "tellus_harness/results/test_result.hpp"

namespace tellus_harness {

void to_json(nlohmann::json& j, const TestResult& r);
void from_json(const nlohmann::json& j, TestResult& r);

// One line of JSON: the result as to_json writes it plus `extra` fields. A pytest test's report
// goes in as the text it already is, not parsed and written again (once per test per rank).
std::string test_result_line(const TestResult& r, const nlohmann::json& extra);

}  // namespace tellus_harness
