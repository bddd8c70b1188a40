#pragma once
// netCDF-4 (CF-1.8) and HDF5 files of climate-model-like output: time (unlimited) × lat × lon
// float32 fields tas and pr with coordinates and attributes, chunked one time step per chunk,
// optionally deflated with shuffle. Deterministic: no timestamps, so equal parameters give
// byte-identical files and stable checksums on every node.
#include <cstdint>
#include <string>

#include "tellus_harness/data/climate_field.hpp"

namespace tellus_harness {

struct GriddedFileSpec {
  std::uint64_t seed = 0;
  std::size_t steps = 1;
  FieldShape shape{16, 32};
  bool deflate = false;
};

// A grid and step count whose uncompressed size is close to `target_bytes` (within about
// 1 % once `overhead_bytes`, the file format's own bytes, are taken off).
GriddedFileSpec plan_gridded_file(std::uint64_t target_bytes, std::uint64_t overhead_bytes, std::uint64_t seed,
                                  bool deflate);

void write_netcdf_file(const std::string& path, const GriddedFileSpec& spec);
void write_hdf5_file(const std::string& path, const GriddedFileSpec& spec);

// Opens the file with its library, reads every field back and compares it with what the
// spec generates. Returns "" when equal, else what differs. Throws LibraryError if unreadable.
std::string verify_netcdf_file(const std::string& path, const GriddedFileSpec& spec);
std::string verify_hdf5_file(const std::string& path, const GriddedFileSpec& spec);

}  // namespace tellus_harness
