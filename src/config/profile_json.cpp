#include "tellus_harness/config/profile_json.hpp"

#include <nlohmann/json.hpp>

namespace tellus_harness {

void to_json(nlohmann::json& j, const Profile& p) {
  j = {{"name", p.name}, {"file", p.file}, {"timeout_multiplier", p.timeout_multiplier},
       {"max_concurrent_operations", p.max_concurrent_operations}, {"network_simulation", p.network_simulation},
       {"large_file_tests", p.large_file_tests}, {"storage_backends", p.storage_backends},
       {"resource_limits", {{"memory_mb", p.resource_limits.memory_mb}, {"disk_mb", p.resource_limits.disk_mb}}},
       {"python", p.python}, {"quarantine", p.quarantine},
       {"launcher", {{"slurm", p.launcher.slurm}, {"mpirun", p.launcher.mpirun}, {"oversubscribe", p.launcher.oversubscribe}}},
       {"sources", p.sources}};
}

void from_json(const nlohmann::json& j, Profile& p) {
  j.at("name").get_to(p.name);
  j.at("file").get_to(p.file);
  j.at("timeout_multiplier").get_to(p.timeout_multiplier);
  j.at("max_concurrent_operations").get_to(p.max_concurrent_operations);
  j.at("network_simulation").get_to(p.network_simulation);
  j.at("large_file_tests").get_to(p.large_file_tests);
  j.at("storage_backends").get_to(p.storage_backends);
  j.at("resource_limits").at("memory_mb").get_to(p.resource_limits.memory_mb);
  j.at("resource_limits").at("disk_mb").get_to(p.resource_limits.disk_mb);
  p.python = j.value("python", "");
  p.quarantine = j.value("quarantine", "");
  if (const auto l = j.find("launcher"); l != j.end()) {
    l->at("slurm").get_to(p.launcher.slurm);
    l->at("mpirun").get_to(p.launcher.mpirun);
    l->at("oversubscribe").get_to(p.launcher.oversubscribe);
  }
  j.at("sources").get_to(p.sources);
}

}  // namespace tellus_harness
