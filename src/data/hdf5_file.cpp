#include <hdf5.h>

#include <algorithm>
#include <tuple>
#include <utility>
#include <vector>

#include "tellus_harness/common/library_error.hpp"
#include "tellus_harness/data/gridded_file.hpp"

namespace tellus_harness {

namespace {

// The innermost message of HDF5's error stack: the library's own words for what failed.
herr_t keep_message(unsigned, const H5E_error2_t* e, void* out) {
  if (e->desc && *e->desc) *static_cast<std::string*>(out) = e->desc;
  return 0;
}

// Owns one hid_t; closes it with the function that fits its kind.
class Handle {
 public:
  Handle(hid_t id, herr_t (*closer)(hid_t), const std::string& what, const std::string& path) : id_(id), closer_(closer) {
    if (id_ < 0) {
      std::string message = "call failed";
      H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, keep_message, &message);
      throw LibraryError("HDF5 " + what + " " + path + ": " + message);
    }
  }
  ~Handle() {
    if (id_ >= 0) closer_(id_);
  }
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), closer_(other.closer_) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  operator hid_t() const { return id_; }

 private:
  hid_t id_;
  herr_t (*closer_)(hid_t);
};

void check(herr_t status, const std::string& what, const std::string& path) {
  if (status < 0) {
    std::string message = "call failed";
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, keep_message, &message);
    throw LibraryError("HDF5 " + what + " " + path + ": " + message);
  }
}

// HDF5 prints its error stack to stderr by default; errors here become exceptions instead.
void silence_hdf5_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

void text_attribute(hid_t object, const char* name, const std::string& value, const std::string& path) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "string type", path);
  check(H5Tset_size(type, value.size()), "string size", path);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "dataspace", path);
  Handle attr(H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, "attribute", path);
  check(H5Awrite(attr, type, value.data()), "write attribute", path);
}

// Object creation without modification times: equal inputs give byte-identical files.
Handle untimed(hid_t plist_class, const std::string& path) {
  Handle p(H5Pcreate(plist_class), H5Pclose, "property list", path);
  check(H5Pset_obj_track_times(p, 0), "track times", path);
  return p;
}

}  // namespace

void write_hdf5_file(const std::string& path, const GriddedFileSpec& spec) {
  silence_hdf5_errors();
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, "create", path);
  text_attribute(file, "title", "tellus-harness synthetic model output", path);
  text_attribute(file, "source", "tellus-harness climate field generator", path);
  Handle gcpl = untimed(H5P_GROUP_CREATE, path);
  Handle grid(H5Gcreate2(file, "grid", H5P_DEFAULT, gcpl, H5P_DEFAULT), H5Gclose, "create group", path);
  Handle atmosphere(H5Gcreate2(file, "atmosphere", H5P_DEFAULT, gcpl, H5P_DEFAULT), H5Gclose, "create group", path);
  text_attribute(atmosphere, "realm", "atmos", path);

  Handle plain = untimed(H5P_DATASET_CREATE, path);
  for (const auto& [name, n, from, span] : {std::tuple{"lat", spec.shape.lat, -90.f, 180.f}, std::tuple{"lon", spec.shape.lon, 0.f, 360.f}}) {
    const hsize_t dim = n;
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = from + span * (static_cast<float>(i) + 0.5f) / n;
    Handle space(H5Screate_simple(1, &dim, nullptr), H5Sclose, "dataspace", path);
    Handle ds(H5Dcreate2(grid, name, H5T_IEEE_F32LE, space, H5P_DEFAULT, plain, H5P_DEFAULT), H5Dclose, "create dataset", path);
    check(H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "write", path);
    text_attribute(ds, "units", std::string(name) == "lat" ? "degrees_north" : "degrees_east", path);
  }

  const hsize_t dims[3] = {spec.steps, spec.shape.lat, spec.shape.lon};
  const hsize_t chunk[3] = {1, spec.shape.lat, spec.shape.lon};
  Handle dcpl = untimed(H5P_DATASET_CREATE, path);
  check(H5Pset_chunk(dcpl, 3, chunk), "chunking", path);
  check(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER), "fill time", path);
  if (spec.deflate) {
    check(H5Pset_shuffle(dcpl), "shuffle", path);
    check(H5Pset_deflate(dcpl, 4), "deflate", path);
  }
  Handle space(H5Screate_simple(3, dims, nullptr), H5Sclose, "dataspace", path);
  const std::size_t plane = spec.shape.lat * spec.shape.lon;
  const std::size_t batch = std::max<std::size_t>(1, (32u << 20) / (4 * plane));
  std::vector<float> buffer(batch * plane);
  for (std::size_t k = 0; k < climate_variables().size(); ++k) {
    const auto& var = climate_variables()[k];
    Handle ds(H5Dcreate2(atmosphere, var.name.c_str(), H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), H5Dclose,
              "create dataset", path);
    text_attribute(ds, "units", var.units, path);
    text_attribute(ds, "standard_name", var.standard_name, path);
    for (std::size_t t = 0; t < spec.steps; t += batch) {
      const hsize_t n = std::min(batch, spec.steps - t);
      for (std::size_t s = 0; s < n; ++s) fill_field(var, spec.seed + k, t + s, spec.shape, buffer.data() + s * plane);
      const hsize_t start[3] = {t, 0, 0};
      const hsize_t count[3] = {n, spec.shape.lat, spec.shape.lon};
      Handle file_space(H5Dget_space(ds), H5Sclose, "dataspace", path);
      check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr), "select", path);
      Handle memory(H5Screate_simple(3, count, nullptr), H5Sclose, "dataspace", path);
      check(H5Dwrite(ds, H5T_NATIVE_FLOAT, memory, file_space, H5P_DEFAULT, buffer.data()), "write", path);
    }
  }
}

std::string verify_hdf5_file(const std::string& path, const GriddedFileSpec& spec) {
  silence_hdf5_errors();
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open", path);
  const std::size_t plane = spec.shape.lat * spec.shape.lon;
  std::vector<float> read(plane), expected(plane);
  for (std::size_t k = 0; k < climate_variables().size(); ++k) {
    const auto& var = climate_variables()[k];
    Handle ds(H5Dopen2(file, ("atmosphere/" + var.name).c_str(), H5P_DEFAULT), H5Dclose, "open dataset", path);
    Handle file_space(H5Dget_space(ds), H5Sclose, "dataspace", path);
    hsize_t dims[3] = {0, 0, 0};
    if (H5Sget_simple_extent_ndims(file_space) != 3) return var.name + " is not three-dimensional";
    H5Sget_simple_extent_dims(file_space, dims, nullptr);
    if (dims[0] != spec.steps || dims[1] != spec.shape.lat || dims[2] != spec.shape.lon)
      return var.name + " has another shape than was written";
    const hsize_t count[3] = {1, spec.shape.lat, spec.shape.lon};
    Handle memory(H5Screate_simple(3, count, nullptr), H5Sclose, "dataspace", path);
    for (std::size_t t = 0; t < spec.steps; ++t) {
      const hsize_t start[3] = {t, 0, 0};
      check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr), "select", path);
      check(H5Dread(ds, H5T_NATIVE_FLOAT, memory, file_space, H5P_DEFAULT, read.data()), "read", path);
      fill_field(var, spec.seed + k, t, spec.shape, expected.data());
      if (!std::equal(read.begin(), read.end(), expected.begin()))
        return var.name + " differs from what was written at time step " + std::to_string(t);
    }
  }
  return {};
}

}  // namespace tellus_harness
