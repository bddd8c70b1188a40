#pragma once
// Base of the archive kinds: they share their parameters and run inside the harness binary.
#include <nlohmann/json.hpp>

#include "tellus_harness/config/yaml_map.hpp"
#include "workloads/archive/archive_workload.hpp"

namespace tellus_harness {

class ArchiveKind : public Workload {
 public:
  std::vector<std::string> parameter_keys() const override { return archive_parameter_keys(); }
  std::string parse_parameters(const YamlMap& test, const SuiteBackends&) const override {
    return parse_archive_parameters(test).dump();
  }
  std::vector<std::string> child_argv(const TestSpec& spec, const std::string& self_exe,
                                      const std::vector<std::string>&) const override {
    return {self_exe, "__workload", kind(), spec.params_json};
  }
  int execute(const std::string& params_json) const override {
    ArchiveJob job = open_archive_job(params_json);
    struct Cleanup {
      ArchiveJob& job;
      ~Cleanup() { close_archive_job(job); }
    } cleanup{job};
    run(job);
    job.steps.set_network(job.backend.get(), job.proxy.get());
    return 0;
  }

 protected:
  // The kind's steps; throws with the report's message when the test fails.
  virtual void run(ArchiveJob& job) const = 0;
};

}  // namespace tellus_harness
