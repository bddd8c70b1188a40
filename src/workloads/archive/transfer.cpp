// kind: transfer — carries an archive along a route of storage locations (e.g. file → tape →
// file), staging wherever it went offline, and verifies that what arrives is what left.
//   route: [scratch_disk, hsm, project_disk]   # names from backends:, or bare types
#include <cstdio>
#include <filesystem>

#include "tellus_harness/common/sha256.hpp"
#include "tellus_harness/config/backend_config.hpp"
#include "tellus_harness/config/profile.hpp"
#include "tellus_harness/data/data_cache.hpp"
#include "tellus_harness/storage/backend_type.hpp"
#include "workloads/archive/archive_kind.hpp"
#include "workloads/builtin_workloads.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

namespace {

class Transfer final : public ArchiveKind {
 public:
  std::string kind() const override { return "transfer"; }
  std::vector<std::string> parameter_keys() const override {
    auto keys = archive_parameter_keys();
    keys.push_back("route");
    return keys;
  }
  std::string parse_parameters(const YamlMap& test, const SuiteBackends& backends) const override {
    auto params = parse_archive_parameters(test);
    const auto route = test.string_list("route");
    if (route.size() < 2) test.fail("route", "needs at least two storage locations");
    for (const auto& name : route) {
      if (auto it = backends.find(name); it != backends.end()) {
        params["route"].push_back({{"name", name}, {"config", nlohmann::json::parse(it->second.config_json)}});
      } else if (find_backend_type(name)) {
        params["route"].push_back({{"name", name}, {"config", {{"type", name}}}});
      } else {
        test.fail("route", "names '" + name + "', which is neither a backend of this suite nor a type");
      }
    }
    return params.dump();
  }

 protected:
  void run(ArchiveJob& job) const override {
    const auto route = nlohmann::json::parse(job.params_json).at("route");
    StepTimer& steps = job.steps;
    DataCache cache;
    const CachedArchive archive = steps.step("generate", 0, [&] { return cache.archive(job.dataset, job.format); });
    const std::string expected = sha256_of_file(archive.path);
    std::string local = archive.path;
    const std::string name = fs::path(archive.path).filename().string();
    int hop = 0;
    for (const auto& stop : route) {
      nlohmann::json config = stop.at("config");
      expand_backend_config(config);
      const std::string type = config.at("type").get<std::string>();
      const std::string root = config.contains("root") ? config["root"].get<std::string>()
                                                       : default_root(type, job.scratch + "/store-" + std::to_string(hop));
      auto backend = open_backend(type, root, config.dump());
      const std::string remote = job.remote_dir + "-" + std::to_string(hop) + "/" + name;
      backend->mkdir(job.remote_dir + "-" + std::to_string(hop));
      const std::string label = "hop" + std::to_string(hop) + "_" + stop.at("name").get<std::string>();
      steps.step(label + "_put", archive.size, [&] { backend->put(local, remote); });
      if (!backend->is_online(remote)) steps.step(label + "_stage", archive.size, [&] { backend->stage({remote}); });
      const std::string fetched = job.scratch + "/hop-" + std::to_string(hop);
      steps.step(label + "_get", archive.size, [&] { backend->get(remote, fetched); });
      backend->remove(job.remote_dir + "-" + std::to_string(hop));
      local = fetched;
      ++hop;
    }
    if (sha256_of_file(local) != expected) throw std::runtime_error("the archive changed on its way through the route");
    std::printf("carried %s through %d storage locations unchanged\n", name.c_str(), hop);
  }
};

}  // namespace

std::unique_ptr<Workload> make_transfer_workload() { return std::make_unique<Transfer>(); }

}  // namespace tellus_harness
