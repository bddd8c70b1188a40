#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "temp_dir.hpp"
#include <cmath>
#include <filesystem>
#include <fstream>

#include "tellus_harness/common/sha256.hpp"
#include "tellus_harness/data/data_cache.hpp"
#include "tellus_harness/data/dataset.hpp"
#include "tellus_harness/data/gridded_file.hpp"

using namespace tellus_harness;
namespace fs = std::filesystem;

namespace {
std::string run(const std::string& command) {
  std::string out;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  pclose(p);
  return out;
}
}  // namespace

TEST_CASE("a netCDF-4 file holds CF climate output that ncdump reads and the library reads back") {
  const std::string path = fresh_temp_dir("nc") + "/t.nc";
  const GriddedFileSpec spec{7, 12, {8, 16}, false};
  write_netcdf_file(path, spec);
  const std::string header = run("ncdump -h " + path);
  CHECK_THAT(header, Catch::Contains("time = UNLIMITED ; // (12 currently)"));
  CHECK_THAT(header, Catch::Contains("float tas(time, lat, lon)"));
  CHECK_THAT(header, Catch::Contains("tas:units = \"K\""));
  CHECK_THAT(header, Catch::Contains("pr:standard_name = \"precipitation_flux\""));
  CHECK_THAT(header, Catch::Contains(":Conventions = \"CF-1.8\""));
  CHECK_THAT(run("ncdump -k " + path), Catch::Contains("netCDF-4"));
  CHECK(verify_netcdf_file(path, spec).empty());
  CHECK_THAT(verify_netcdf_file(path, GriddedFileSpec{8, 12, {8, 16}, false}), Catch::Contains("differs"));
}

TEST_CASE("an HDF5 file has groups, chunked datasets and attributes that h5dump reads") {
  const std::string path = fresh_temp_dir("h5") + "/t.h5";
  const GriddedFileSpec spec{3, 5, {4, 8}, true};
  write_hdf5_file(path, spec);
  const std::string header = run("h5dump -H -p " + path);
  CHECK_THAT(header, Catch::Contains("GROUP \"atmosphere\""));
  CHECK_THAT(header, Catch::Contains("DATASET \"tas\""));
  CHECK_THAT(header, Catch::Contains("CHUNKED ( 1, 4, 8 )"));
  CHECK_THAT(header, Catch::Contains("COMPRESSION DEFLATE"));
  CHECK(verify_hdf5_file(path, spec).empty());
}

TEST_CASE("fields are smooth plus noise: realistic compression, physical values") {
  std::vector<float> f(64 * 128);
  fill_field(climate_variables()[0], 1, 0, {64, 128}, f.data());
  const auto [lo, hi] = std::minmax_element(f.begin(), f.end());
  CHECK(*lo > 200.f);
  CHECK(*hi < 330.f);
  std::vector<float> pr(64 * 128);
  fill_field(climate_variables()[1], 1, 0, {64, 128}, pr.data());
  CHECK(*std::min_element(pr.begin(), pr.end()) >= 0.f);
}

TEST_CASE("datasets are deterministic and their total size is what was asked") {
  const DatasetSpec spec{30, 3, "seed", 11, "none"};
  const Manifest a = generate_dataset(spec, fresh_temp_dir("det-a"));
  const Manifest b = generate_dataset(spec, fresh_temp_dir("det-b"));
  REQUIRE(a.files.size() == 30);
  for (std::size_t i = 0; i < a.files.size(); ++i) {
    CHECK(a.files[i].path == b.files[i].path);
    CHECK(a.files[i].sha256 == b.files[i].sha256);  // byte-identical, netCDF included
  }
  CHECK(a.total_bytes() == 3u * 1024 * 1024);
  CHECK(a.files[0].path == "data/output_0000.nc");
  CHECK(a.files[5].path == "logs/run_0005.log");
  CHECK(a.files[1].path == "results/file_0001.dat");
  CHECK(a.files[0].sha256 == sha256_of_file("/tmp/tellus-unit/det-a/data/output_0000.nc"));
}

TEST_CASE("netCDF and HDF5 file sizes are within 1 % of what was asked") {
  for (const char* mix : {"netcdf", "hdf5"}) {
    INFO(mix);
    const Manifest m = generate_dataset({4, 2, mix, 5, "none"}, fresh_temp_dir(std::string("size-") + mix));
    for (const auto& f : m.files) CHECK(std::fabs(static_cast<double>(f.size) - 524288.0) / 524288.0 <= 0.01);
  }
}

TEST_CASE("bad dataset parameters are clear errors") {
  CHECK_THROWS_WITH(validate_dataset_spec({0, 1, "seed", 0, "none"}), Catch::Contains("dataset.files"));
  CHECK_THROWS_WITH(validate_dataset_spec({1, -1, "seed", 0, "none"}), Catch::Contains("dataset.size_mb"));
  CHECK_THROWS_WITH(validate_dataset_spec({1, 1, "grib", 0, "none"}), Catch::Contains("unknown dataset.mix 'grib'"));
}

TEST_CASE("many processes asking the cache for one entry generate it once") {
  const std::string dir = fresh_temp_dir("cache-concurrent");
  const DatasetSpec spec{20, 4, "seed", 21, "none"};
  std::vector<pid_t> children;
  for (int i = 0; i < 6; ++i) {
    const pid_t pid = fork();
    if (pid == 0) {
      try {
        const auto archive = DataCache(dir).archive(spec, ArchiveFormat::kTarGz);
        _exit(archive.generated ? 10 : 11);
      } catch (...) {
        _exit(1);
      }
    }
    children.push_back(pid);
  }
  int generated = 0, found = 0;
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    generated += WEXITSTATUS(status) == 10;
    found += WEXITSTATUS(status) == 11;
  }
  CHECK(generated == 1);
  CHECK(found == 5);
}

TEST_CASE("a corrupted or partial cache entry is detected and regenerated") {
  const std::string dir = fresh_temp_dir("cache-corrupt");
  const DatasetSpec spec{10, 1, "seed", 22, "none"};
  DataCache cache(dir);
  const auto first = cache.dataset(spec);
  CHECK(first.generated);
  CHECK_FALSE(cache.dataset(spec).generated);
  { std::ofstream(first.files_dir + "/" + first.manifest.files[3].path, std::ios::in | std::ios::out) << "X"; }
  CHECK(cache.dataset(spec).generated);
  fs::remove(first.files_dir + "/" + first.manifest.files[7].path);
  CHECK(cache.dataset(spec).generated);
  const auto archive = cache.archive(spec, ArchiveFormat::kTar);
  fs::resize_file(archive.path, 1000);  // a half-written archive
  CHECK(cache.archive(spec, ArchiveFormat::kTar).generated);
  CHECK(cache.list().size() == 1);
  CHECK(cache.clean(std::nullopt) == 1);
  CHECK(cache.list().empty());
}
