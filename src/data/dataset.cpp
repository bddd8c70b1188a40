#include "tellus_harness/data/dataset.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "tellus_harness/common/sha256.hpp"
#include "tellus_harness/data/prng.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

void validate_dataset_spec(const DatasetSpec& spec) {
  if (spec.files < 1) throw std::invalid_argument("dataset.files must be at least 1, got " + std::to_string(spec.files));
  if (!(spec.size_mb > 0)) throw std::invalid_argument("dataset.size_mb must be greater than zero");
  if (spec.mix != "seed" && spec.mix != "netcdf" && spec.mix != "hdf5" && spec.mix != "binary")
    throw std::invalid_argument("unknown dataset.mix '" + spec.mix + "' (use seed, netcdf, hdf5 or binary)");
  if (spec.compression != "none" && spec.compression != "deflate")
    throw std::invalid_argument("unknown dataset.compression '" + spec.compression + "' (use none or deflate)");
}

std::uint64_t Manifest::total_bytes() const {
  std::uint64_t total = 0;
  for (const auto& f : files) total += f.size;
  return total;
}

namespace {

std::string kind_for(const std::string& mix, std::int64_t i) {
  if (mix == "seed") return i % 10 == 0 ? "netcdf" : i % 5 == 0 ? "log" : "binary";
  return mix;
}

std::string path_for(const std::string& kind, std::int64_t i) {
  char name[64];
  if (kind == "netcdf") std::snprintf(name, sizeof name, "data/output_%04lld.nc", static_cast<long long>(i));
  else if (kind == "hdf5") std::snprintf(name, sizeof name, "data/output_%04lld.h5", static_cast<long long>(i));
  else if (kind == "log") std::snprintf(name, sizeof name, "logs/run_%04lld.log", static_cast<long long>(i));
  else std::snprintf(name, sizeof name, "results/file_%04lld.dat", static_cast<long long>(i));
  return name;
}

void write_bytes_file(const std::string& path, const std::string& kind, std::uint64_t seed, std::uint64_t size) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  constexpr std::size_t kBlock = 4 << 20;
  std::vector<char> block(std::min<std::uint64_t>(kBlock, std::max<std::uint64_t>(size, 1)));
  Prng blocks(seed);
  for (std::uint64_t done = 0; done < size;) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), size - done));
    if (kind == "log") fill_log(block.data(), n);  // same text in every block: it is a log
    else fill_binary(blocks.next(), block.data(), n);
    for (std::size_t off = 0; off < n;) {
      const ssize_t w = write(fd, block.data() + off, n - off);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        const std::string why = std::strerror(errno);
        close(fd);
        throw std::runtime_error("cannot write " + path + ": " + why);
      }
      off += static_cast<std::size_t>(w);
    }
    done += n;
  }
  if (close(fd) != 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
}

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) throw std::runtime_error("cannot stat " + path + ": " + std::strerror(errno));
  return static_cast<std::uint64_t>(st.st_size);
}

std::uint64_t payload_bytes(const GriddedFileSpec& g) {
  return climate_variables().size() * 4ull * g.steps * g.shape.lat * g.shape.lon;
}

}  // namespace

Manifest generate_dataset(const DatasetSpec& spec, const std::string& dir) {
  validate_dataset_spec(spec);
  for (const char* sub : {"data", "logs", "results"}) fs::create_directories(fs::path(dir) / sub);
  Manifest manifest;
  manifest.spec = spec;
  const auto total = static_cast<std::uint64_t>(std::llround(spec.size_mb * 1024 * 1024));
  const std::uint64_t per_file = total / static_cast<std::uint64_t>(spec.files);
  const bool deflate = spec.compression == "deflate";

  // netCDF/HDF5 files first: their sizes are only close to what was asked, and the byte
  // files that follow make up the difference, so the dataset's total is exact.
  std::vector<std::int64_t> gridded, plain;
  for (std::int64_t i = 0; i < spec.files; ++i) {
    const std::string kind = kind_for(spec.mix, i);
    (kind == "netcdf" || kind == "hdf5" ? gridded : plain).push_back(i);
  }
  std::uint64_t overhead = 0;  // the format's own bytes, learned from the first file
  std::uint64_t written = 0;
  manifest.files.resize(static_cast<std::size_t>(spec.files));
  for (std::int64_t i : gridded) {
    DatasetFile& f = manifest.files[i];
    f.kind = kind_for(spec.mix, i);
    f.path = path_for(f.kind, i);
    const std::string full = dir + "/" + f.path;
    auto write = [&](const GriddedFileSpec& g) {
      f.kind == "netcdf" ? write_netcdf_file(full, g) : write_hdf5_file(full, g);
      return file_size(full);
    };
    f.grid = plan_gridded_file(per_file, overhead, Prng::derive(spec.seed, i), deflate);
    f.size = write(f.grid);
    const std::uint64_t payload = payload_bytes(f.grid);
    if (f.size > payload) overhead = f.size - payload;
    const double off = std::fabs(static_cast<double>(f.size) - per_file) / per_file;
    if (!deflate && off > 0.01) {  // replan once with the format's overhead known
      f.grid = plan_gridded_file(per_file, overhead, Prng::derive(spec.seed, i), deflate);
      f.size = write(f.grid);
    }
    f.sha256 = sha256_of_file(full);
    written += f.size;
  }
  for (std::size_t k = 0; k < plain.size(); ++k) {
    const std::int64_t i = plain[k];
    DatasetFile& f = manifest.files[i];
    f.kind = kind_for(spec.mix, i);
    f.path = path_for(f.kind, i);
    const std::uint64_t left = total > written ? total - written : 0;
    f.size = left / (plain.size() - k);
    write_bytes_file(dir + "/" + f.path, f.kind, Prng::derive(spec.seed, i), f.size);
    f.sha256 = sha256_of_file(dir + "/" + f.path);
    written += f.size;
  }
  return manifest;
}

std::string dataset_key(const DatasetSpec& spec) {
  char size[32];
  std::snprintf(size, sizeof size, "%g", spec.size_mb);
  const std::string canonical = nlohmann::json{{"files", spec.files}, {"size_mb", spec.size_mb}, {"mix", spec.mix},
                                               {"seed", spec.seed}, {"compression", spec.compression},
                                               {"generator", kGeneratorVersion}}
                                    .dump();
  return std::to_string(spec.files) + "f-" + size + "mb-" + spec.mix + "-s" + std::to_string(spec.seed) + "-" +
         spec.compression + "-g" + std::to_string(kGeneratorVersion) + "-" + sha256_of_text(canonical).substr(0, 12);
}

void to_json(nlohmann::json& j, const Manifest& m) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : m.files) {
    nlohmann::json e = {{"path", f.path}, {"kind", f.kind}, {"size", f.size}, {"sha256", f.sha256}};
    if (f.kind == "netcdf" || f.kind == "hdf5")
      e["grid"] = {{"seed", f.grid.seed}, {"steps", f.grid.steps}, {"lat", f.grid.shape.lat},
                   {"lon", f.grid.shape.lon}, {"deflate", f.grid.deflate}};
    files.push_back(e);
  }
  j = {{"generator", kGeneratorVersion},
       {"spec", {{"files", m.spec.files}, {"size_mb", m.spec.size_mb}, {"mix", m.spec.mix}, {"seed", m.spec.seed},
                 {"compression", m.spec.compression}}},
       {"total_bytes", m.total_bytes()},
       {"files", files}};
}

void from_json(const nlohmann::json& j, Manifest& m) {
  const auto& s = j.at("spec");
  m.spec = {s.at("files").get<std::int64_t>(), s.at("size_mb").get<double>(), s.at("mix").get<std::string>(),
            s.at("seed").get<std::uint64_t>(), s.at("compression").get<std::string>()};
  m.files.clear();
  for (const auto& e : j.at("files")) {
    DatasetFile f;
    f.path = e.at("path").get<std::string>();
    f.kind = e.at("kind").get<std::string>();
    f.size = e.at("size").get<std::uint64_t>();
    f.sha256 = e.at("sha256").get<std::string>();
    if (e.contains("grid")) {
      const auto& g = e["grid"];
      f.grid.seed = g.at("seed").get<std::uint64_t>();
      f.grid.steps = g.at("steps").get<std::size_t>();
      f.grid.shape = {g.at("lat").get<std::size_t>(), g.at("lon").get<std::size_t>()};
      f.grid.deflate = g.at("deflate").get<bool>();
    }
    m.files.push_back(f);
  }
}

}  // namespace tellus_harness
