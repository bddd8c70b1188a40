#include "workloads/archive/archive_workload.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "tellus_harness/common/atomic_file.hpp"
#include "tellus_harness/common/environment_names.hpp"
#include "tellus_harness/config/yaml_map.hpp"
#include "tellus_harness/storage/backend_type.hpp"
#include "tellus_harness/storage/retrying_backend.hpp"
#include "tellus_harness/storage/server_address.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

std::vector<std::string> archive_parameter_keys() { return {"dataset", "archive", "target", "scratch", "network"}; }

nlohmann::json parse_archive_parameters(const YamlMap& test) {
  nlohmann::json p = {{"backend", test.has("backend") ? test.string("backend") : "file"}};
  if (test.has("dataset")) {
    const YamlMap d = test.map("dataset", test.what() + " dataset");
    d.allow_only({"files", "size_mb", "mix", "seed", "compression"});
    if (d.has("files")) {
      p["dataset"]["files"] = d.integer("files");
      if (p["dataset"]["files"] < 1 || p["dataset"]["files"] > 1000000) d.fail("files", "must be from 1 to 1000000");
    }
    if (d.has("size_mb")) p["dataset"]["size_mb"] = d.positive_number("size_mb", 10 * 1024 * 1024);  // 10 TiB
    if (d.has("mix")) p["dataset"]["mix"] = d.string("mix");
    if (d.has("seed")) p["dataset"]["seed"] = d.integer("seed");
    if (d.has("compression")) p["dataset"]["compression"] = d.string("compression");
  }
  if (test.has("archive")) {
    const YamlMap a = test.map("archive", test.what() + " archive");
    a.allow_only({"format"});
    if (a.has("format")) p["archive"]["format"] = a.string("format");
  }
  if (test.has("network")) {
    const YamlMap n = test.map("network", test.what() + " network");
    n.allow_only({"latency_ms", "jitter_ms", "bandwidth_mb_s", "reset_every_mb", "stall_every_mb", "stall_s"});
    for (std::size_t i = 0; i < n.node().size(); ++i) {
      const std::string& key = n.node().key(i).scalar();
      const double v = n.number(key);
      if (v < 0 || v > 1e6) n.fail(key, "must be from 0 to 1000000");
      p["network"][key] = v;
    }
  }
  if (test.has("target")) p["target"] = test.string("target");
  if (test.has("scratch")) p["scratch"] = test.string("scratch");
  return p;
}

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// $VAR, ${VAR} and ${VAR:-default} from the test's environment; an unset variable without
// a default is an error, not "".
std::string expand(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$') {
      out += text[i];
      continue;
    }
    std::size_t end = i + 1;
    std::string name;
    if (end < text.size() && text[end] == '{') {
      const std::size_t close = text.find('}', end);
      if (close == std::string::npos) throw std::invalid_argument("unclosed ${ in '" + text + "'");
      name = text.substr(end + 1, close - end - 1);
      end = close + 1;
      if (const auto dash = name.find(":-"); dash != std::string::npos) {
        const char* value = std::getenv(name.substr(0, dash).c_str());
        out += value && *value ? value : name.substr(dash + 2);
        i = end - 1;
        continue;
      }
    } else {
      while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
      name = text.substr(i + 1, end - i - 1);
    }
    const char* value = std::getenv(name.c_str());
    if (!value) throw std::invalid_argument("'" + text + "' uses $" + name + ", which is not set");
    out += value;
    i = end - 1;
  }
  return out;
}

}  // namespace

void expand_backend_config(nlohmann::json& config) {
  for (auto& [key, value] : config.items())  // paths such as ${SSH_DIR}/id_ed25519
    if (value.is_string()) value = expand(value.get<std::string>());
}

ArchiveJob open_archive_job(const std::string& params_json) {
  const auto p = nlohmann::json::parse(params_json);
  ArchiveJob job;
  job.params_json = params_json;
  const auto d = p.value("dataset", nlohmann::json::object());
  job.dataset.files = d.value("files", job.dataset.files);
  job.dataset.size_mb = d.value("size_mb", job.dataset.size_mb);
  job.dataset.mix = d.value("mix", job.dataset.mix);
  const auto seed = d.value("seed", std::int64_t{0});
  if (seed < 0) throw std::invalid_argument("dataset.seed must not be negative");
  job.dataset.seed = static_cast<std::uint64_t>(seed);
  job.dataset.compression = d.value("compression", job.dataset.compression);
  validate_dataset_spec(job.dataset);
  job.format = parse_archive_format(p.value("archive", nlohmann::json::object()).value("format", "tar"));
  job.backend_type = p.value("backend", "file");
  nlohmann::json config = nlohmann::json::object();
  if (const char* c = std::getenv(env::kBackendConfig); c && *c) {
    config = nlohmann::json::parse(c);
    expand_backend_config(config);
    job.backend_type = config.value("type", job.backend_type);
    job.backend_config = config.dump();
  }

  const std::string workspace = env_or(env::kTestWorkspace, fs::current_path().string());
  const std::string test = env_or(env::kTestName, "workload");
  const std::string unique = test + "-" + std::to_string(getpid());
  job.target = p.contains("target")      ? expand(p["target"].get<std::string>())
               : config.contains("root") ? expand(config["root"].get<std::string>())
                                         : default_root(job.backend_type, workspace + "/storage");
  job.scratch = (fs::path(p.contains("scratch") ? expand(p["scratch"].get<std::string>()) : workspace) /
                 ("scratch-" + unique)).string();
  job.remote_dir = "tellus-harness-" + unique;
  std::error_code ec;
  fs::create_directories(job.scratch, ec);
  if (ec) throw StorageError("cannot create scratch directory " + job.scratch + ": " + ec.message());
  if (backend_type_of(job.backend_type).reach == BackendType::Reach::kRemote) {
    // Remote: through the fault proxy when the network is simulated, and always retried.
    const bool simulate = p.contains("network") || env_or(env::kNetworkSimulation, "") == "1";
    if (const auto server = server_address(job.backend_type, job.backend_config); simulate && server) {
      FaultProfile faults;
      faults.latency_ms = 1;  // the profile's simulation alone: a mild, slow-ish link
      const auto n = p.value("network", nlohmann::json::object());
      faults.latency_ms = n.value("latency_ms", faults.latency_ms);
      faults.jitter_ms = n.value("jitter_ms", 0.0);
      faults.bandwidth_mb_s = n.value("bandwidth_mb_s", 0.0);
      faults.reset_every_mb = n.value("reset_every_mb", 0.0);
      faults.stall_every_mb = n.value("stall_every_mb", 0.0);
      faults.stall_s = n.value("stall_s", 0.0);
      job.proxy = std::make_unique<FaultProxy>(server->host, server->port, faults);
      job.backend_config = route_through(job.backend_config, {"127.0.0.1", job.proxy->port()});
    }
  }
  job.backend = open_backend(job.backend_type, job.target, job.backend_config);
  job.backend->mkdir(job.remote_dir);
  return job;
}

const BackendType& backend_type_of(const std::string& type) {
  const BackendType* t = find_backend_type(type);
  if (!t) throw StorageError("storage backend '" + type + "' is not available (available: " + backend_type_list() + ")");
  return *t;
}

std::string default_root(const std::string& type, const std::string& local_directory) {
  return backend_type_of(type).default_root == BackendType::DefaultRoot::kTopLevel ? "" : local_directory;
}

std::unique_ptr<StorageBackend> open_backend(const std::string& type, const std::string& root,
                                             const std::string& config_json) {
  if (backend_type_of(type).reach == BackendType::Reach::kLocal) {
    std::error_code ec;
    fs::create_directories(root, ec);
    if (ec || access(root.c_str(), W_OK) != 0)
      throw StorageError("target " + root + " is not a writable directory" + (ec ? ": " + ec.message() : ""));
    return make_storage_backend(type, root, config_json);
  }
  return std::make_unique<RetryingBackend>(
      type, [=] { return make_storage_backend(type, root, config_json); }, test_deadline_unix());
}

void close_archive_job(ArchiveJob& job) {
  try {
    if (job.backend) job.backend->remove(job.remote_dir);
  } catch (const std::exception&) {
    // Best effort: the step that failed has already said what went wrong.
  }
  std::error_code ec;
  fs::remove_all(job.scratch, ec);
}

void StepTimer::record(const std::string& name, std::uint64_t bytes, std::chrono::steady_clock::time_point t0) {
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  metrics_[name + "_s"] = s;
  if (bytes > 0 && s > 0) metrics_[name + "_mb_per_s"] = static_cast<double>(bytes) / (1 << 20) / s;
  flush();
}

void StepTimer::set(const std::string& metric, double value) {
  metrics_[metric] = value;
  flush();
}

void StepTimer::set_network(const StorageBackend* backend, const FaultProxy* proxy) {
  if (backend) metrics_["retries"] = backend->retries();
  if (proxy) {
    const ProxyStats s = proxy->stats();
    metrics_["network_resets"] = s.resets;
    metrics_["network_stalls"] = s.stalls;
  }
  flush();
}

void StepTimer::flush() const {
  if (const char* file = std::getenv(env::kMetricsFile); file && *file)
    write_file_atomically(file, nlohmann::json(metrics_).dump());
}

std::string verify_against_manifest(const Manifest& manifest, const std::vector<ExtractedFile>& extracted,
                                    const std::string& unpacked_dir) {
  std::map<std::string, const ExtractedFile*> got;
  for (const auto& e : extracted) got[e.path] = &e;
  if (got.size() != manifest.files.size())
    return "the archive holds " + std::to_string(got.size()) + " files, the manifest " +
           std::to_string(manifest.files.size());
  for (const auto& f : manifest.files) {
    const auto it = got.find(f.path);
    if (it == got.end()) return f.path + " is missing from the archive";
    if (it->second->size != f.size)
      return f.path + " has " + std::to_string(it->second->size) + " bytes, the manifest " + std::to_string(f.size);
    if (it->second->sha256 != f.sha256) return f.path + ": SHA-256 differs from the manifest";
    const std::string path = unpacked_dir + "/" + f.path;
    std::string problem;
    if (f.kind == "netcdf") problem = verify_netcdf_file(path, f.grid);
    if (f.kind == "hdf5") problem = verify_hdf5_file(path, f.grid);
    if (!problem.empty()) return f.path + ": " + problem;
  }
  return {};
}

}  // namespace tellus_harness
