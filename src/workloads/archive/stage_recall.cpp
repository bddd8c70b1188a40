// kind: stage_recall — archive to tape, wait until the file has migrated (gone offline),
// stage it back, read it and verify. Staging runs under the test's multiplied timeout, which
// is why hpc_cluster's multiplier is large; a stage that overruns it fails with the step named.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "tellus_harness/common/sha256.hpp"
#include "tellus_harness/data/data_cache.hpp"
#include "workloads/archive/archive_kind.hpp"
#include "workloads/builtin_workloads.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

namespace {

class StageRecall final : public ArchiveKind {
 public:
  std::string kind() const override { return "stage_recall"; }

 protected:
  void run(ArchiveJob& job) const override {
    if (!backend_type_of(job.backend_type).hierarchical)
      throw std::invalid_argument("stage_recall needs a tape backend (backend: a name from backends: with type: tape)");
    StepTimer& steps = job.steps;
    DataCache cache;
    const CachedArchive archive = steps.step("generate", 0, [&] { return cache.archive(job.dataset, job.format); });
    const std::string remote = job.remote_dir + "/" + fs::path(archive.path).filename().string();
    steps.step("put", archive.size, [&] { job.backend->put(archive.path, remote); });
    std::fprintf(stderr, "waiting for %s to migrate to tape\n", remote.c_str());
    steps.step("migrate_wait", 0, [&] {
      while (job.backend->is_online(remote)) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    });
    std::fprintf(stderr, "staging 1 file (%.1f MiB) from tape\n", static_cast<double>(archive.size) / (1 << 20));
    std::fflush(stderr);
    steps.step("stage", archive.size, [&] { job.backend->stage({remote}); });
    if (!job.backend->is_online(remote)) throw std::runtime_error("staged " + remote + " but it is still offline");
    const std::string fetched = job.scratch + "/recalled";
    steps.step("get", archive.size, [&] { job.backend->get(remote, fetched); });
    steps.step("verify", archive.size, [&] {
      if (sha256_of_file(fetched) != sha256_of_file(archive.path)) throw std::runtime_error("recalled archive differs from what was archived");
      const auto extracted = extract_archive(fetched, job.scratch + "/unpacked");
      const std::string problem = verify_against_manifest(archive.manifest, extracted, job.scratch + "/unpacked");
      if (!problem.empty()) throw std::runtime_error("verification failed: " + problem);
    });
    std::printf("archived, migrated, staged and verified %s\n", remote.c_str());
  }
};

}  // namespace

std::unique_ptr<Workload> make_stage_recall_workload() { return std::make_unique<StageRecall>(); }

}  // namespace tellus_harness
