// kind: concurrent_access — K concurrent put/get streams against one storage location,
// K = the profile's max_concurrent_operations; every stream's copy is verified.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "tellus_harness/common/environment_names.hpp"
#include "tellus_harness/common/sha256.hpp"
#include "tellus_harness/data/data_cache.hpp"
#include "workloads/archive/archive_kind.hpp"
#include "workloads/builtin_workloads.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

namespace {

class ConcurrentAccess final : public ArchiveKind {
 public:
  std::string kind() const override { return "concurrent_access"; }

 protected:
  void run(ArchiveJob& job) const override {
    const char* k_text = std::getenv(env::kMaxConcurrentOperations);
    const int streams = std::max(1, k_text ? std::atoi(k_text) : 1);
    StepTimer& steps = job.steps;
    DataCache cache;
    const CachedArchive archive = steps.step("generate", 0, [&] { return cache.archive(job.dataset, job.format); });
    const std::string expected = sha256_of_file(archive.path);
    std::vector<std::string> problems(static_cast<std::size_t>(streams));
    steps.set("streams", streams);
    steps.step("concurrent_roundtrip", archive.size * 2 * static_cast<std::uint64_t>(streams), [&] {
      std::vector<std::thread> threads;
      for (int k = 0; k < streams; ++k)
        threads.emplace_back([&, k] {
          try {
            // Each stream has its own connection to the storage location.
            auto backend = open_backend(job.backend_type, job.target, job.backend_config);
            const std::string remote = job.remote_dir + "/stream-" + std::to_string(k);
            const std::string local = job.scratch + "/stream-" + std::to_string(k);
            backend->put(archive.path, remote);
            backend->get(remote, local);
            if (sha256_of_file(local) != expected) problems[k] = "stream " + std::to_string(k) + ": copy differs";
            fs::remove(local);
          } catch (const std::exception& e) {
            problems[k] = "stream " + std::to_string(k) + ": " + e.what();
          }
        });
      for (auto& t : threads) t.join();
    });
    for (const auto& p : problems)
      if (!p.empty()) throw std::runtime_error(p);
    std::printf("%d concurrent put/get streams of %.1f MiB verified\n", streams,
                static_cast<double>(archive.size) / (1 << 20));
  }
};

}  // namespace

std::unique_ptr<Workload> make_concurrent_access_workload() { return std::make_unique<ConcurrentAccess>(); }

}  // namespace tellus_harness
