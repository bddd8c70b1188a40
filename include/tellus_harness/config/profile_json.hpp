#pragma once
#include <nlohmann/json_fwd.hpp>

#include "tellus_harness/config/profile.hpp"

namespace tellus_harness {

// The resolved profile as recorded in reports: each value with where it came from.
void to_json(nlohmann::json& j, const Profile& p);
void from_json(const nlohmann::json& j, Profile& p);

}  // namespace tellus_harness
