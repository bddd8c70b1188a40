// tellus-parallel-io, the parallel netCDF-4 writer, under mpiexec -n 4 on its own.
#include <catch2/catch.hpp>
#include <filesystem>

#include "harness_process.hpp"

namespace fs = std::filesystem;

namespace {
ProcessResult parallel_io(int ranks, const std::string& args) {
  return run_shell(std::string(TELLUS_MPIEXEC) + " -n " + std::to_string(ranks) + " --oversubscribe " +
                   TELLUS_PARALLEL_IO_EXE + " " + args);
}
}  // namespace

TEST_CASE("tellus-parallel-io: 4 ranks write one CF netCDF-4 file in every mode, and each reads back another's part") {
  const std::string dir = fresh_output_dir("parallel-io");
  fs::create_directories(dir);
  for (const std::string mode : {"--mode collective --layout chunked", "--mode collective --layout contiguous",
                                 "--mode independent --layout chunked", "--mode collective --layout chunked --deflate 1"}) {
    INFO(mode);
    const std::string file = dir + "/out.nc";
    const auto r = parallel_io(4, "--output " + file + " --size-mb 4 --lat 90 --lon 180 " + mode);
    INFO(r.out + r.err);
    REQUIRE(r.exit_code == 0);
    const auto metrics = nlohmann::json::parse(r.out);
    CHECK(metrics["ranks"] == 4);
    CHECK(metrics["verified"] == 1);
    CHECK(metrics["write_mb_s"].get<double>() > 0);
    CHECK(metrics["read_mb_s"].get<double>() > 0);
    // What ncdump, a reader of its own, sees: netCDF-4, CF-1.8, the full grid.
    const auto header = run_shell("ncdump -sh " + file);
    CHECK_THAT(header.out, Catch::Contains(":_Format = \"netCDF-4\"") && Catch::Contains(":Conventions = \"CF-1.8\"") &&
                               Catch::Contains("lat = 90 ;") && Catch::Contains("float tas(time, lat, lon)"));
    if (mode.find("deflate") != std::string::npos) CHECK_THAT(header.out, Catch::Contains("tas:_DeflateLevel = 1"));
  }
}

TEST_CASE("tellus-parallel-io: a file that is not what was written fails its check, and bad arguments exit 2") {
  const std::string dir = fresh_output_dir("parallel-io-wrong");
  fs::create_directories(dir);
  const std::string file = dir + "/out.nc";
  REQUIRE(parallel_io(4, "--output " + file + " --size-mb 2 --lat 40 --lon 80 --seed 1").exit_code == 0);
  CHECK(parallel_io(4, "--output " + file + " --size-mb 2 --lat 40 --lon 80 --seed 1 --verify-only").exit_code == 0);
  const auto wrong = parallel_io(4, "--output " + file + " --size-mb 2 --lat 40 --lon 80 --seed 2 --verify-only");
  CHECK(wrong.exit_code == 1);
  CHECK_THAT(wrong.err, Catch::Contains("differ from what it wrote"));
  const auto bad = parallel_io(2, "--output " + file + " --mode sideways");
  CHECK(bad.exit_code == 2);
  CHECK(count_lines_with(bad.err, "--mode is collective or independent") == 1);  // once, from rank 0
  const auto nowhere = parallel_io(2, "--output /nonexistent/dir/out.nc");
  CHECK(nowhere.exit_code == 2);
  CHECK_THAT(nowhere.err, Catch::Contains("cannot write in /nonexistent/dir"));
  CHECK(parallel_io(2, "--output " + file + " --mode independent --deflate 1").exit_code == 2);
}
