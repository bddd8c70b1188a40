#pragma once
#include <nlohmann/json_fwd.hpp>

#include "tellus_harness/config/test_spec.hpp"

namespace tellus_harness {

void to_json(nlohmann::json& j, const TestSpec& t);
void from_json(const nlohmann::json& j, TestSpec& t);

}  // namespace tellus_harness
