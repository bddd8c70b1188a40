// tellus-parallel-io: N MPI ranks write one CF-1.8 netCDF-4 file collectively, as a climate
// model's output is written, through netCDF-C's parallel API on HDF5 and MPI-IO; then each rank
// reads back another rank's part and checks every value. A program of its own, linked against
// the MPI flavours of netCDF and HDF5 (Debian's libnetcdf-mpi-dev, libhdf5-openmpi-dev, or a
// site's parallel HDF5 module), so that tellus-harness itself keeps the serial ones.
//
//   mpiexec -n N tellus-parallel-io --output FILE [--size-mb 64] [--lat 360] [--lon 720]
//       [--mode collective|independent] [--layout chunked|contiguous] [--deflate 0-9] [--seed S]
//       [--fsync] [--verify-only]
// --fsync makes the write end with the data on disk (nc_sync: MPI_File_sync under HDF5), as
// dd's conv=fsync. --verify-only reads and checks a FILE written before with the same sizes
// and seed.
//
// Each rank owns a band of latitudes of every time step of tas and pr (the serial generator's
// fields, data/climate_field.hpp). Rank 0 prints one JSON line: the bytes, seconds and MB/s of
// the write and of the read, aggregated over the ranks (the bytes of every rank over the
// slowest rank's time), and writes the same as metrics to $TELLUS_METRICS_FILE when set.
// Exit 0 when every value read back is right, 1 when one is not, 2 for bad arguments.
#include <mpi.h>
#include <netcdf.h>
#include <netcdf_par.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tellus_harness/data/cf_metadata.hpp"
#include "tellus_harness/data/climate_field.hpp"

using namespace tellus_harness;

namespace {

struct Options {
  std::string output;
  double size_mb = 64;
  std::size_t lat = 360, lon = 720;
  bool collective = true;
  bool chunked = true;
  int deflate = 0;
  std::uint64_t seed = 0;
  bool verify_only = false;
  bool fsync = false;
};

struct BadArguments : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw BadArguments(a + " needs a value");
      return argv[++i];
    };
    auto number = [&](double low, double high) {
      const std::string v = value();
      char* end = nullptr;
      const double d = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end != '\0' || !(d >= low && d <= high))
        throw BadArguments(a + " must be a number from " + std::to_string(low) + " to " + std::to_string(high) + ", got '" + v + "'");
      return d;
    };
    if (a == "--output") o.output = value();
    else if (a == "--verify-only") o.verify_only = true;
    else if (a == "--fsync") o.fsync = true;
    else if (a == "--size-mb") o.size_mb = number(0.001, 1 << 24);
    else if (a == "--lat") o.lat = static_cast<std::size_t>(number(1, 1 << 16));
    else if (a == "--lon") o.lon = static_cast<std::size_t>(number(1, 1 << 16));
    else if (a == "--deflate") o.deflate = static_cast<int>(number(0, 9));
    else if (a == "--seed") o.seed = static_cast<std::uint64_t>(number(0, 1e15));
    else if (a == "--mode") {
      const std::string v = value();
      if (v != "collective" && v != "independent") throw BadArguments("--mode is collective or independent, got '" + v + "'");
      o.collective = v == "collective";
    } else if (a == "--layout") {
      const std::string v = value();
      if (v != "chunked" && v != "contiguous") throw BadArguments("--layout is chunked or contiguous, got '" + v + "'");
      o.chunked = v == "chunked";
    } else {
      throw BadArguments("unknown argument '" + a + "'");
    }
  }
  if (o.output.empty()) throw BadArguments("--output FILE is required");
  const std::filesystem::path parent = std::filesystem::absolute(o.output).parent_path();
  if (!o.verify_only && access(parent.c_str(), W_OK) != 0)
    throw BadArguments("cannot write in " + parent.string() + " (--output " + o.output + "): make the directory, or name one that is writable");
  if (o.verify_only && access(o.output.c_str(), R_OK) != 0)
    throw BadArguments("cannot read " + o.output + " (--verify-only reads a file written before)");
  // netCDF-C writes a deflated variable in parallel only collectively, and only in chunks.
  if (o.deflate > 0 && (!o.collective || !o.chunked))
    throw BadArguments("--deflate needs --mode collective and --layout chunked (parallel compression in netCDF-C)");
  return o;
}

struct NetcdfError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void check(int status, const char* what) {
  if (status != NC_NOERR) throw NetcdfError(std::string(what) + ": " + nc_strerror(status));
}

void attributes(int nc, int var, const cf::Attributes& all) {
  for (const auto& [name, value] : all) check(nc_put_att_text(nc, var, name, value.size(), value.c_str()), "attribute");
}

// The latitudes of rank r of n: a band, the first bands one row longer when they do not divide.
std::pair<std::size_t, std::size_t> band(std::size_t lat, int r, int n) {
  const std::size_t base = lat / n, extra = lat % n;
  const std::size_t first = r * base + std::min<std::size_t>(r, extra);
  return {first, base + (static_cast<std::size_t>(r) < extra ? 1 : 0)};
}

// Time steps of tas and pr that make about size_mb of values.
std::size_t steps_for(const Options& o) {
  const double plane_mb = 4.0 * o.lat * o.lon * climate_variables().size() / 1048576.0;
  return std::max<std::size_t>(1, static_cast<std::size_t>(o.size_mb / plane_mb + 0.5));
}

// Rank r's values of variable k: steps x its band x lon.
std::vector<float> band_values(const Options& o, std::size_t k, std::size_t steps, int r, int n) {
  const auto [first, rows] = band(o.lat, r, n);
  std::vector<float> plane(o.lat * o.lon), out(steps * rows * o.lon);
  for (std::size_t t = 0; t < steps; ++t) {
    fill_field(climate_variables()[k], o.seed + k, t, {o.lat, o.lon}, plane.data());
    std::copy_n(plane.data() + first * o.lon, rows * o.lon, out.data() + t * rows * o.lon);
  }
  return out;
}

void define_file(int nc, const Options& o, std::size_t steps, std::vector<int>& vars, int& lat_var, int& lon_var,
                 int& time_var) {
  check(nc_set_fill(nc, NC_NOFILL, nullptr), "set fill");
  int time_dim, lat_dim, lon_dim;
  check(nc_def_dim(nc, "time", steps, &time_dim), "define time");
  check(nc_def_dim(nc, "lat", o.lat, &lat_dim), "define lat");
  check(nc_def_dim(nc, "lon", o.lon, &lon_dim), "define lon");
  check(nc_def_var(nc, "time", NC_DOUBLE, 1, &time_dim, &time_var), "define time");
  attributes(nc, time_var, cf::time_attributes());
  check(nc_def_var(nc, "lat", NC_FLOAT, 1, &lat_dim, &lat_var), "define lat");
  attributes(nc, lat_var, cf::lat_attributes());
  check(nc_def_var(nc, "lon", NC_FLOAT, 1, &lon_dim, &lon_var), "define lon");
  attributes(nc, lon_var, cf::lon_attributes());
  const int dims[3] = {time_dim, lat_dim, lon_dim};
  const std::size_t chunk[3] = {1, o.lat, o.lon};
  for (const auto& v : climate_variables()) {
    int id;
    check(nc_def_var(nc, v.name.c_str(), NC_FLOAT, 3, dims, &id), "define variable");
    check(nc_def_var_chunking(nc, id, o.chunked ? NC_CHUNKED : NC_CONTIGUOUS, o.chunked ? chunk : nullptr), "chunking");
    if (o.deflate > 0) check(nc_def_var_deflate(nc, id, 1, 1, o.deflate), "deflate");
    attributes(nc, id, cf::variable_attributes(v));
    vars.push_back(id);
  }
  attributes(nc, NC_GLOBAL, cf::file_attributes("tellus-harness synthetic model output, written in parallel"));
  check(nc_enddef(nc), "end define");
}

double seconds_between_barriers(const std::function<void()>& work) {
  MPI_Barrier(MPI_COMM_WORLD);
  const double t0 = MPI_Wtime();
  work();
  MPI_Barrier(MPI_COMM_WORLD);
  return MPI_Wtime() - t0;
}

struct Figures {
  double bytes = 0, write_s = 0, read_s = 0;
  std::string wrong;  // empty when every value read back was right
};

Figures run(const Options& o, int rank, int ranks) {
  const std::size_t steps = steps_for(o);
  const std::size_t nvars = climate_variables().size();
  // Plain names, not a structured binding: the lambdas below capture them (clang 14).
  const auto my_band = band(o.lat, rank, ranks);
  const std::size_t first = my_band.first, rows = my_band.second;
  std::vector<std::vector<float>> mine;  // made before the clock starts: it times the I/O alone
  if (!o.verify_only)
    for (std::size_t k = 0; k < nvars; ++k) mine.push_back(band_values(o, k, steps, rank, ranks));
  Figures f;
  f.bytes = 4.0 * steps * o.lat * o.lon * nvars;
  const int access = o.collective ? NC_COLLECTIVE : NC_INDEPENDENT;

  if (!o.verify_only) f.write_s = seconds_between_barriers([&] {
    int nc;
    check(nc_create_par(o.output.c_str(), NC_NETCDF4 | NC_CLOBBER, MPI_COMM_WORLD, MPI_INFO_NULL, &nc), "create");
    std::vector<int> vars;
    int lat_var, lon_var, time_var;
    define_file(nc, o, steps, vars, lat_var, lon_var, time_var);
    for (int v : vars) check(nc_var_par_access(nc, v, access), "parallel access");
    // The coordinates: rank 0 writes them, independently.
    for (int v : {lat_var, lon_var, time_var}) check(nc_var_par_access(nc, v, NC_INDEPENDENT), "parallel access");
    if (rank == 0) {
      const auto lat = cf::latitudes(o.lat);
      const auto lon = cf::longitudes(o.lon);
      const auto times = cf::times(steps);
      check(nc_put_var_float(nc, lat_var, lat.data()), "write lat");
      check(nc_put_var_float(nc, lon_var, lon.data()), "write lon");
      check(nc_put_var_double(nc, time_var, times.data()), "write time");
    }
    // A step at a time, as a model writes its output.
    for (std::size_t k = 0; k < nvars; ++k)
      for (std::size_t t = 0; t < steps; ++t) {
        const std::size_t start[3] = {t, first, 0}, count[3] = {1, rows, o.lon};
        check(nc_put_vara_float(nc, vars[k], start, count, mine[k].data() + t * rows * o.lon), "write");
      }
    if (o.fsync) check(nc_sync(nc), "sync");
    check(nc_close(nc), "close");
  });

  // Every rank reads its neighbour's band: what it checks was written by another process.
  const int other = (rank + 1) % ranks;
  const auto other_band = band(o.lat, other, ranks);
  const std::size_t other_first = other_band.first, other_rows = other_band.second;
  std::vector<std::vector<float>> read(nvars, std::vector<float>(steps * other_rows * o.lon));
  f.read_s = seconds_between_barriers([&] {
    int nc;
    check(nc_open_par(o.output.c_str(), NC_NOWRITE, MPI_COMM_WORLD, MPI_INFO_NULL, &nc), "open");
    for (std::size_t k = 0; k < nvars; ++k) {
      int id;
      check(nc_inq_varid(nc, climate_variables()[k].name.c_str(), &id), "find variable");
      check(nc_var_par_access(nc, id, access), "parallel access");
      const std::size_t start[3] = {0, other_first, 0}, count[3] = {steps, other_rows, o.lon};
      check(nc_get_vara_float(nc, id, start, count, read[k].data()), "read");
    }
    check(nc_close(nc), "close");
  });
  mine.clear();
  for (std::size_t k = 0; k < nvars && f.wrong.empty(); ++k)
    if (read[k] != band_values(o, k, steps, other, ranks))
      f.wrong = "rank " + std::to_string(rank) + " read values of " + climate_variables()[k].name + " from rank " +
                std::to_string(other) + "'s band (latitudes " + std::to_string(other_first) + ".." +
                std::to_string(other_first + other_rows - 1) + ") that differ from what it wrote";
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  int code = 0;
  try {
    const Options o = parse(argc, argv);
    if (o.lat < static_cast<std::size_t>(ranks))
      throw BadArguments("--lat " + std::to_string(o.lat) + " gives some of the " + std::to_string(ranks) +
                         " ranks no latitude to write: at least one per rank");
    const Figures f = run(o, rank, ranks);
    int wrong = f.wrong.empty() ? 0 : 1, any_wrong = 0;
    MPI_Allreduce(&wrong, &any_wrong, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (wrong) std::fprintf(stderr, "tellus-parallel-io: %s\n", f.wrong.c_str());
    code = any_wrong ? 1 : 0;
    if (rank == 0) {
      const double mb = f.bytes / 1e6;
      char metrics[512];
      std::snprintf(metrics, sizeof metrics,
                    "{\"ranks\": %d, \"bytes\": %.0f, \"write_s\": %.6f, \"read_s\": %.6f, \"write_mb_s\": %.3f, "
                    "\"read_mb_s\": %.3f, \"verified\": %d}",
                    ranks, f.bytes, f.write_s, f.read_s, f.write_s > 0 ? mb / f.write_s : 0.0,
                    f.read_s > 0 ? mb / f.read_s : 0.0, any_wrong ? 0 : 1);
      std::printf("%s\n", metrics);
      if (const char* path = std::getenv("TELLUS_METRICS_FILE"); path && *path) std::ofstream(path) << metrics << "\n";
    }
  } catch (const BadArguments& e) {
    if (rank == 0)
      std::fprintf(stderr, "tellus-parallel-io: error: %s\nusage: mpiexec -n N tellus-parallel-io --output FILE [--size-mb MB] "
                           "[--lat N] [--lon N] [--mode collective|independent] [--layout chunked|contiguous] [--deflate 0-9] [--seed S] "
                           "[--fsync] [--verify-only]\n",
                   e.what());
    code = 2;
  } catch (const NetcdfError& e) {
    // A failure inside a collective call leaves the other ranks in it: only an abort ends them.
    std::fprintf(stderr, "tellus-parallel-io: rank %d: netCDF %s\n", rank, e.what());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Finalize();
  return code;
}
