// kind: archive_roundtrip — generate (or take from the cache), pack, put, list and stat, get,
// unpack, verify; each step's seconds and MB/s are the test's metrics.
#include <cstdio>
#include <filesystem>

#include "tellus_harness/common/sha256.hpp"
#include "tellus_harness/data/data_cache.hpp"
#include "workloads/archive/archive_kind.hpp"
#include "workloads/builtin_workloads.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

namespace {

class ArchiveRoundtrip final : public ArchiveKind {
 public:
  std::string kind() const override { return "archive_roundtrip"; }

 protected:
  void run(ArchiveJob& job) const override {
    StepTimer& steps = job.steps;
    DataCache cache;
    const CachedDataset data = steps.step("generate", 0, [&] { return cache.dataset(job.dataset); });
    const std::uint64_t bytes = data.manifest.total_bytes();
    steps.set("dataset_bytes", static_cast<double>(bytes));
    steps.set("file_count", static_cast<double>(data.manifest.files.size()));
    steps.set("dataset_cached", data.generated ? 0 : 1);

    const std::string name = "dataset" + archive_extension(job.format);
    const std::string local = job.scratch + "/" + name;
    std::vector<std::string> files;
    for (const auto& f : data.manifest.files) files.push_back(f.path);
    steps.step("pack", bytes, [&] { pack_files(data.files_dir, files, local, job.format); });
    const std::uint64_t archive_bytes = fs::file_size(local);
    steps.set("archive_bytes", static_cast<double>(archive_bytes));
    const std::string archive_sha = steps.step("checksum", archive_bytes, [&] { return sha256_of_file(local); });

    const std::string remote = job.remote_dir + "/" + name;
    steps.step("put", archive_bytes, [&] { job.backend->put(local, remote); });
    fs::remove(local);  // only the stored copy from here on
    steps.step("list", 0, [&] {
      bool listed = false;
      for (const auto& o : job.backend->list(job.remote_dir)) listed = listed || o.name == name;
      if (!listed) throw std::runtime_error("put " + remote + " but it is not in the listing of " + job.remote_dir);
      const auto st = job.backend->stat(remote);
      if (!st || st->size != archive_bytes)
        throw std::runtime_error("stored " + remote + " has " + (st ? std::to_string(st->size) : "no") +
                                 " bytes, expected " + std::to_string(archive_bytes));
    });
    const std::string fetched = job.scratch + "/fetched-" + name;
    steps.step("get", archive_bytes, [&] { job.backend->get(remote, fetched); });
    // What came back is unpacked only when it is what was put.
    steps.step("check_archive", archive_bytes, [&] {
      if (sha256_of_file(fetched) != archive_sha)
        throw std::runtime_error("the archive fetched from " + remote + " differs from the one put (SHA-256); not unpacked");
    });
    const std::string unpacked = job.scratch + "/unpacked";
    const auto extracted = steps.step("unpack", bytes, [&] { return extract_archive(fetched, unpacked); });
    fs::remove(fetched);
    steps.step("verify", bytes, [&] {
      const std::string problem = verify_against_manifest(data.manifest, extracted, unpacked);
      if (!problem.empty()) throw std::runtime_error("verification failed: " + problem);
    });
    std::printf("roundtrip of %zu files, %.1f MiB (%s, %s backend): verified\n", files.size(),
                static_cast<double>(bytes) / (1 << 20), name.c_str(), job.backend->type().c_str());
  }
};

}  // namespace

std::unique_ptr<Workload> make_archive_roundtrip_workload() { return std::make_unique<ArchiveRoundtrip>(); }

}  // namespace tellus_harness
