#include <netcdf.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "tellus_harness/common/library_error.hpp"
#include "tellus_harness/data/cf_metadata.hpp"
#include "tellus_harness/data/gridded_file.hpp"

namespace tellus_harness {

namespace {

// Owns an open netCDF id; every failing call becomes a LibraryError with nc_strerror's text.
class NetcdfFile {
 public:
  NetcdfFile(const std::string& path, bool create) : path_(path) {
    check(create ? nc_create(path.c_str(), NC_NETCDF4 | NC_CLOBBER, &id_) : nc_open(path.c_str(), NC_NOWRITE, &id_),
          create ? "create" : "open");
  }
  ~NetcdfFile() {
    if (id_ >= 0) nc_close(id_);
  }
  NetcdfFile(const NetcdfFile&) = delete;
  NetcdfFile& operator=(const NetcdfFile&) = delete;
  void close() {
    const int id = std::exchange(id_, -1);
    check(nc_close(id), "close");
  }
  int id() const { return id_; }
  void check(int status, const char* what) const {
    if (status != NC_NOERR) throw LibraryError("netCDF " + std::string(what) + " " + path_ + ": " + nc_strerror(status));
  }
  void attributes(int var, const cf::Attributes& all) const {
    for (const auto& [name, value] : all) check(nc_put_att_text(id_, var, name, value.size(), value.c_str()), "attribute");
  }

 private:
  std::string path_;
  int id_ = -1;
};

// Steps written per call: about 32 MiB of one variable.
std::size_t batch_steps(const GriddedFileSpec& s) {
  return std::max<std::size_t>(1, (32u << 20) / (4 * s.shape.lat * s.shape.lon));
}

}  // namespace

void write_netcdf_file(const std::string& path, const GriddedFileSpec& spec) {
  NetcdfFile f(path, true);
  const int nc = f.id();
  f.check(nc_set_fill(nc, NC_NOFILL, nullptr), "set fill");
  int time_dim, lat_dim, lon_dim, time_var, lat_var, lon_var;
  f.check(nc_def_dim(nc, "time", NC_UNLIMITED, &time_dim), "define time");
  f.check(nc_def_dim(nc, "lat", spec.shape.lat, &lat_dim), "define lat");
  f.check(nc_def_dim(nc, "lon", spec.shape.lon, &lon_dim), "define lon");
  f.check(nc_def_var(nc, "time", NC_DOUBLE, 1, &time_dim, &time_var), "define time");
  f.attributes(time_var, cf::time_attributes());
  f.check(nc_def_var(nc, "lat", NC_FLOAT, 1, &lat_dim, &lat_var), "define lat");
  f.attributes(lat_var, cf::lat_attributes());
  f.check(nc_def_var(nc, "lon", NC_FLOAT, 1, &lon_dim, &lon_var), "define lon");
  f.attributes(lon_var, cf::lon_attributes());
  const int dims[3] = {time_dim, lat_dim, lon_dim};
  const std::size_t chunk[3] = {1, spec.shape.lat, spec.shape.lon};
  std::vector<int> vars;
  for (const auto& v : climate_variables()) {
    int id;
    f.check(nc_def_var(nc, v.name.c_str(), NC_FLOAT, 3, dims, &id), "define variable");
    f.check(nc_def_var_chunking(nc, id, NC_CHUNKED, chunk), "chunking");
    if (spec.deflate) f.check(nc_def_var_deflate(nc, id, 1, 1, 4), "deflate");
    f.attributes(id, cf::variable_attributes(v));
    vars.push_back(id);
  }
  f.attributes(NC_GLOBAL, cf::file_attributes("tellus-harness synthetic model output"));
  f.check(nc_enddef(nc), "end define");

  const auto lat = cf::latitudes(spec.shape.lat);
  const auto lon = cf::longitudes(spec.shape.lon);
  f.check(nc_put_var_float(nc, lat_var, lat.data()), "write lat");
  f.check(nc_put_var_float(nc, lon_var, lon.data()), "write lon");
  const std::vector<double> times = cf::times(spec.steps);
  const std::size_t t0 = 0;
  f.check(nc_put_vara_double(nc, time_var, &t0, &spec.steps, times.data()), "write time");

  const std::size_t plane = spec.shape.lat * spec.shape.lon;
  const std::size_t batch = batch_steps(spec);
  std::vector<float> buffer(batch * plane);
  for (std::size_t k = 0; k < vars.size(); ++k) {
    const auto& var = climate_variables()[k];
    for (std::size_t t = 0; t < spec.steps; t += batch) {
      const std::size_t n = std::min(batch, spec.steps - t);
      for (std::size_t s = 0; s < n; ++s) fill_field(var, spec.seed + k, t + s, spec.shape, buffer.data() + s * plane);
      const std::size_t start[3] = {t, 0, 0};
      const std::size_t count[3] = {n, spec.shape.lat, spec.shape.lon};
      f.check(nc_put_vara_float(nc, vars[k], start, count, buffer.data()), "write variable");
    }
  }
  f.close();
}

std::string verify_netcdf_file(const std::string& path, const GriddedFileSpec& spec) {
  NetcdfFile f(path, false);
  const std::size_t plane = spec.shape.lat * spec.shape.lon;
  std::vector<float> read(plane), expected(plane);
  for (std::size_t k = 0; k < climate_variables().size(); ++k) {
    const auto& var = climate_variables()[k];
    int id;
    f.check(nc_inq_varid(f.id(), var.name.c_str(), &id), ("find variable " + var.name).c_str());
    int dims[3];
    int ndims = 0;
    f.check(nc_inq_varndims(f.id(), id, &ndims), "inquire");
    if (ndims != 3) return var.name + " has " + std::to_string(ndims) + " dimensions, expected 3";
    f.check(nc_inq_vardimid(f.id(), id, dims), "inquire");
    std::size_t steps = 0;
    f.check(nc_inq_dimlen(f.id(), dims[0], &steps), "inquire");
    if (steps != spec.steps) return var.name + " has " + std::to_string(steps) + " time steps, expected " + std::to_string(spec.steps);
    for (std::size_t t = 0; t < spec.steps; ++t) {
      const std::size_t start[3] = {t, 0, 0};
      const std::size_t count[3] = {1, spec.shape.lat, spec.shape.lon};
      f.check(nc_get_vara_float(f.id(), id, start, count, read.data()), "read variable");
      fill_field(var, spec.seed + k, t, spec.shape, expected.data());
      if (!std::equal(read.begin(), read.end(), expected.begin()))
        return var.name + " differs from what was written at time step " + std::to_string(t);
    }
  }
  return {};
}

}  // namespace tellus_harness
