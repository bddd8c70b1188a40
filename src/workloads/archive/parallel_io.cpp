// kind: parallel_io — the test's ranks write one CF-1.8 netCDF-4 file together through
// netCDF-C's parallel API (tellus-parallel-io, started by the profile's launcher on the
// test's slots), each reads back another rank's band and checks it; then the file goes
// through the archive steps (pack, put, get, unpack, verify) on the test's backend.
// Metrics: the writers' aggregate write and read MB/s, and each archive step's.
#include <cstdlib>
#include <filesystem>

#include "tellus_harness/common/environment_names.hpp"
#include "tellus_harness/common/process_runner.hpp"
#include "tellus_harness/common/sha256.hpp"
#include "tellus_harness/common/this_process.hpp"
#include "workloads/archive/archive_kind.hpp"
#include "workloads/builtin_workloads.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

namespace {

constexpr char kWriter[] = "tellus-parallel-io";

// The writer's own parameters, checked when the suite is read.
nlohmann::json parse_writer_parameters(const YamlMap& test) {
  nlohmann::json w = nlohmann::json::object();
  if (test.has("size_mb")) w["size_mb"] = test.positive_number("size_mb", 1 << 24);
  if (test.has("mode")) {
    const std::string mode = test.string("mode");
    if (mode != "collective" && mode != "independent") test.fail("mode", "is collective or independent, not '" + mode + "'");
    w["mode"] = mode;
  }
  if (test.has("layout")) {
    const std::string layout = test.string("layout");
    if (layout != "chunked" && layout != "contiguous") test.fail("layout", "is chunked or contiguous, not '" + layout + "'");
    w["layout"] = layout;
  }
  if (test.has("deflate")) {
    const auto level = test.integer("deflate");
    if (level < 0 || level > 9) test.fail("deflate", "is a deflate level from 0 to 9");
    w["deflate"] = level;
    if (level > 0 && (w.value("mode", "collective") != "collective" || w.value("layout", "chunked") != "chunked"))
      test.fail("deflate", "needs mode collective and layout chunked (netCDF-C compresses in parallel only so)");
  }
  if (test.has("seed")) w["seed"] = test.non_negative_integer("seed", 1000000000000000);
  if (test.has("fsync")) w["fsync"] = test.boolean("fsync");
  return w;
}

// The last line of the writer's output that is its JSON figures (rank 0 prints them).
nlohmann::json writer_figures(const std::string& out) {
  for (std::size_t end = out.size(); end > 0;) {
    const std::size_t start = out.rfind('\n', end - 1);
    const std::size_t from = start == std::string::npos ? 0 : start + 1;
    auto j = nlohmann::json::parse(out.substr(from, end - from), nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("write_mb_s")) return j;
    if (start == std::string::npos) break;
    end = start;
  }
  return nullptr;
}

class ParallelIo final : public ArchiveKind {
 public:
  std::string kind() const override { return "parallel_io"; }
  bool multi_rank() const override { return true; }

  std::vector<std::string> parameter_keys() const override {
    std::vector<std::string> keys{"size_mb", "mode", "layout", "deflate", "seed", "fsync"};
    for (auto& k : archive_parameter_keys())
      if (k != "dataset") keys.push_back(std::move(k));  // the writer makes the data
    return keys;
  }

  std::string parse_parameters(const YamlMap& test, const SuiteBackends& backends) const override {
    nlohmann::json p = nlohmann::json::parse(ArchiveKind::parse_parameters(test, backends));
    p["writer"] = parse_writer_parameters(test);
    return p.dump();
  }

  // The launcher's words travel with the parameters: the child starts the writer with them.
  std::vector<std::string> child_argv(const TestSpec& spec, const std::string& self_exe,
                                      const std::vector<std::string>& launcher) const override {
    nlohmann::json p = nlohmann::json::parse(spec.params_json);
    p["launcher"] = launcher;
    return {self_exe, "__workload", kind(), p.dump()};
  }

 protected:
  void run(ArchiveJob& job) const override {
    const nlohmann::json params = nlohmann::json::parse(job.params_json);
    const nlohmann::json& w = params.at("writer");
    const fs::path writer = fs::path(this_executable()).parent_path() / kWriter;
    if (!fs::exists(writer))
      throw std::runtime_error(std::string(kWriter) + " is not installed beside tellus-harness: it is built when CMake "
                               "finds netCDF-C with parallel HDF5 (Debian: libnetcdf-mpi-dev libhdf5-openmpi-dev)");
    const std::string name = "parallel.nc";
    const std::string file = job.scratch + "/" + name;
    std::vector<std::string> argv = params.value("launcher", std::vector<std::string>{});
    argv.insert(argv.end(), {writer.string(), "--output", file});
    if (w.contains("size_mb")) argv.insert(argv.end(), {"--size-mb", std::to_string(w["size_mb"].get<double>())});
    for (const char* key : {"mode", "layout"})
      if (w.contains(key)) argv.insert(argv.end(), {std::string("--") + key, w[key].get<std::string>()});
    for (const char* key : {"deflate", "seed"})
      if (w.contains(key)) argv.insert(argv.end(), {std::string("--") + key, std::to_string(w[key].get<std::int64_t>())});
    if (w.value("fsync", false)) argv.emplace_back("--fsync");

    // The writer's figures come back on its output; the test's metrics file is the steps'.
    const char* metrics = std::getenv(env::kMetricsFile);
    const std::string metrics_file = metrics ? metrics : "";
    unsetenv(env::kMetricsFile);
    StepTimer& steps = job.steps;
    const ProgramResult writing = steps.step("parallel_write_read", 0, [&] { return run_program(argv); });
    if (!metrics_file.empty()) setenv(env::kMetricsFile, metrics_file.c_str(), 1);
    const std::string how = argv.front() == writer.string() ? std::string(kWriter) : std::string(kWriter) + " through " + argv.front();
    if (!writing.started) throw std::runtime_error("could not start " + how + ": is " + argv.front() + " on PATH?");
    if (writing.exit_code != 0)
      throw std::runtime_error(how + " exited with " + std::to_string(writing.exit_code) +
                               (writing.exit_code == 1 ? ": a rank read back data that differs from what was written"
                                                       : " (its messages are in the test's stderr)"));
    const nlohmann::json figures = writer_figures(writing.out);
    if (figures.is_null()) throw std::runtime_error(std::string(kWriter) + " printed no figures");
    for (const char* key : {"ranks", "bytes", "write_s", "read_s", "write_mb_s", "read_mb_s"})
      steps.set(std::string("parallel_") + key, figures.value(key, 0.0));
    std::printf("%s\n", figures.dump().c_str());

    // The written file, archived and brought back like any dataset.
    const std::uint64_t bytes = fs::file_size(file);
    const std::string file_sha = steps.step("checksum_file", bytes, [&] { return sha256_of_file(file); });
    const std::string archive = job.scratch + "/parallel" + archive_extension(job.format);
    steps.step("pack", bytes, [&] { pack_files(job.scratch, {name}, archive, job.format); });
    fs::remove(file);
    const std::uint64_t archive_bytes = fs::file_size(archive);
    const std::string remote = job.remote_dir + "/" + fs::path(archive).filename().string();
    steps.step("put", archive_bytes, [&] { job.backend->put(archive, remote); });
    fs::remove(archive);
    const std::string fetched = job.scratch + "/fetched" + archive_extension(job.format);
    steps.step("get", archive_bytes, [&] { job.backend->get(remote, fetched); });
    const std::string unpacked = job.scratch + "/unpacked";
    const auto extracted = steps.step("unpack", bytes, [&] { return extract_archive(fetched, unpacked); });
    steps.step("verify", bytes, [&] {
      if (extracted.size() != 1 || extracted[0].path != name || extracted[0].sha256 != file_sha)
        throw std::runtime_error("verification failed: the netCDF file unpacked from " + remote +
                                 " is not the one the ranks wrote (SHA-256)");
    });
    std::printf("parallel netCDF-4 file of %.1f MiB by %d ranks, archived on the %s backend: verified\n",
                static_cast<double>(bytes) / (1 << 20), figures.value("ranks", 0), job.backend->type().c_str());
  }
};

}  // namespace

std::unique_ptr<Workload> make_parallel_io_workload() { return std::make_unique<ParallelIo>(); }

}  // namespace tellus_harness
