// kind: integrity — store an archive, corrupt the stored copy (bytes flipped, truncated) and
// require that the corruption is detected when it is fetched; an untouched copy must verify.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tellus_harness/common/sha256.hpp"
#include "tellus_harness/data/data_cache.hpp"
#include "workloads/archive/archive_kind.hpp"
#include "workloads/builtin_workloads.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

namespace {

// Damages a local copy of the stored archive the way storage does.
void damage(const std::string& path, const std::string& how) {
  const auto size = fs::file_size(path);
  if (how == "truncate") {
    fs::resize_file(path, size / 2);
    return;
  }
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  for (std::uint64_t offset : {size / 3, size / 2, size - size / 5}) {  // three bytes, flipped
    f.seekg(static_cast<std::streamoff>(offset));
    const char c = static_cast<char>(f.get());
    f.seekp(static_cast<std::streamoff>(offset));
    f.put(static_cast<char>(~c));
  }
}

// How a fetched copy fails to match the original: "" when it matches.
std::string detect(const std::string& fetched, const std::string& expected_sha, const Manifest& manifest,
                   const std::string& unpack_dir) {
  // A fetched archive is unpacked only when it is what was put.
  if (sha256_of_file(fetched) != expected_sha) return "archive checksum differs";
  std::string found;
  try {
    const auto extracted = extract_archive(fetched, unpack_dir);
    const std::string problem = verify_against_manifest(manifest, extracted, unpack_dir);
    if (!problem.empty()) found += (found.empty() ? "" : "; ") + problem;
  } catch (const std::exception& e) {
    found += (found.empty() ? "" : "; ") + std::string("unpacking failed: ") + e.what();
  }
  fs::remove_all(unpack_dir);
  return found;
}

class Integrity final : public ArchiveKind {
 public:
  std::string kind() const override { return "integrity"; }

 protected:
  void run(ArchiveJob& job) const override {
    StepTimer& steps = job.steps;
    DataCache cache;
    const CachedArchive archive = steps.step("generate", 0, [&] { return cache.archive(job.dataset, job.format); });
    const Manifest& manifest = archive.manifest;
    const std::string original_sha = sha256_of_file(archive.path);
    const std::string fetched = job.scratch + "/fetched";

    // The control: an untouched copy must verify, or detection below would prove nothing.
    const std::string control = job.remote_dir + "/control";
    job.backend->put(archive.path, control);
    job.backend->get(control, fetched);
    if (const auto problem = detect(fetched, original_sha, manifest, job.scratch + "/u"); !problem.empty())
      throw std::runtime_error("an uncorrupted copy does not verify: " + problem);

    int detected = 0;
    for (const std::string how : {"flip", "truncate"}) {
      const std::string remote = job.remote_dir + "/corrupt-" + how;
      job.backend->put(archive.path, remote);
      // Corrupt the stored copy through the backend, as a faulty disk or transfer would.
      const std::string local = job.scratch + "/damaged";
      job.backend->get(remote, local);
      damage(local, how);
      job.backend->remove(remote);
      job.backend->put(local, remote);
      fs::remove(local);
      const std::string found = steps.step("detect_" + how, archive.size, [&] {
        job.backend->get(remote, fetched);
        return detect(fetched, original_sha, manifest, job.scratch + "/u");
      });
      if (found.empty()) throw std::runtime_error("corruption (" + how + ") of the stored archive was NOT detected");
      std::printf("%s: detected (%s)\n", how.c_str(), found.c_str());
      steps.set("detected_" + how, 1);
      ++detected;
    }
    steps.set("corruptions_detected", detected);
  }
};

}  // namespace

std::unique_ptr<Workload> make_integrity_workload() { return std::make_unique<Integrity>(); }

}  // namespace tellus_harness
