#pragma once
// What the archive workload kinds share: their parameters (dataset, archive, backend, target,
// scratch), the places they work in, and the step timer that turns each step into the
// metrics `<step>_s` and `<step>_mb_per_s`.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "tellus_harness/data/dataset.hpp"
#include "tellus_harness/netsim/fault_proxy.hpp"
#include "tellus_harness/storage/backend_type.hpp"
#include "tellus_harness/storage/storage_backend.hpp"
#include "tellus_harness/tarball/tar_archive.hpp"
#include "tellus_harness/workloads/workload.hpp"

namespace tellus_harness {

class YamlMap;

// Keys every archive kind accepts (besides the common test keys).
std::vector<std::string> archive_parameter_keys();
// A test's `network:` (latency_ms, jitter_ms, bandwidth_mb_s, reset_every_mb, stall_every_mb,
// stall_s); the profile's network_simulation alone gives a mild one.
// Reads dataset:, archive:, target:, scratch: (types and unknown keys checked; values are
// checked when the test runs, so a bad value fails that test only) plus the test's backend.
nlohmann::json parse_archive_parameters(const YamlMap& test);

// Times steps and writes the test's metrics to $TELLUS_METRICS_FILE after every step, so a
// test killed mid-way still reports the steps it finished.
class StepTimer {
 public:
  template <typename F>
  auto step(const std::string& name, std::uint64_t bytes, F&& body) {
    const auto t0 = std::chrono::steady_clock::now();
    if constexpr (std::is_void_v<decltype(body())>) {
      body();
      record(name, bytes, t0);
    } else {
      auto result = body();
      record(name, bytes, t0);
      return result;
    }
  }
  void set(const std::string& metric, double value);
  void set_network(const StorageBackend* backend, const FaultProxy* proxy);  // retries and injected faults

 private:
  void record(const std::string& name, std::uint64_t bytes, std::chrono::steady_clock::time_point t0);
  void flush() const;
  std::map<std::string, double> metrics_;
};

struct ArchiveJob {
  DatasetSpec dataset;
  ArchiveFormat format = ArchiveFormat::kTar;
  std::string backend_type = "file";
  std::string backend_config = "{}";  // the suite's backends: entry, from TELLUS_BACKEND_CONFIG
  std::string target;   // directory on the storage location
  std::string scratch;  // local working directory (archives, unpacked files)
  std::string remote_dir;  // unique directory of this test under the target
  std::unique_ptr<FaultProxy> proxy;  // declared before backend: it must outlive the connections
  std::unique_ptr<StorageBackend> backend;
  StepTimer steps;
  std::string params_json;  // all of the test's parameters, for kinds with their own
};

// Validates the values, expands $VAR and ${VAR} in target and scratch, and creates both.
// Throws std::invalid_argument / StorageError with a message for the report.
ArchiveJob open_archive_job(const std::string& params_json);

// The registry's entry for `type`; a StorageError naming the available types when none.
const BackendType& backend_type_of(const std::string& type);
// Where a backend of `type` is rooted when the suite gives no root: `local_directory`, or the
// top level for types whose paths are not local (a bucket's keys).
std::string default_root(const std::string& type, const std::string& local_directory);
// A connection to a storage location: local types directly, with their root created; remote
// ones wrapped in RetryingBackend, bounded by the test's deadline.
std::unique_ptr<StorageBackend> open_backend(const std::string& type, const std::string& root,
                                             const std::string& config_json);

// Expands $VAR, ${VAR} and ${VAR:-default} in every string of a backend configuration.
void expand_backend_config(nlohmann::json& config);

// Removes the job's remote directory and scratch (also when a step failed).
void close_archive_job(ArchiveJob& job);

// Checks extracted files against the manifest (names, sizes, SHA-256) and opens every netCDF
// and HDF5 file with its library to compare the fields. Returns "" or the first problem.
std::string verify_against_manifest(const Manifest& manifest, const std::vector<ExtractedFile>& extracted,
                                    const std::string& unpacked_dir);

}  // namespace tellus_harness
