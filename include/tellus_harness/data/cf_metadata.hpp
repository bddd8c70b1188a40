#pragma once
// What a netCDF-4 file of climate_variables() says about itself, by the CF-1.8 conventions:
// the attributes of its coordinates, its variables and the file, and the coordinates' values.
// One description for both writers, the serial one (data/netcdf_file.cpp) and the parallel
// one (tellus-parallel-io), which share nothing else. Header-only: tellus-parallel-io links
// none of the harness's libraries.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "tellus_harness/data/climate_field.hpp"

namespace tellus_harness::cf {

using Attributes = std::vector<std::pair<const char*, std::string>>;

inline Attributes time_attributes() {
  return {{"standard_name", "time"}, {"units", "days since 1850-01-01 00:00:00"}, {"calendar", "standard"}, {"axis", "T"}};
}
inline Attributes lat_attributes() { return {{"standard_name", "latitude"}, {"units", "degrees_north"}, {"axis", "Y"}}; }
inline Attributes lon_attributes() { return {{"standard_name", "longitude"}, {"units", "degrees_east"}, {"axis", "X"}}; }
inline Attributes variable_attributes(const FieldVariable& v) {
  return {{"standard_name", v.standard_name}, {"long_name", v.long_name}, {"units", v.units}, {"cell_methods", "time: mean"}};
}
inline Attributes file_attributes(const std::string& title) {
  return {{"Conventions", "CF-1.8"},
          {"title", title},
          {"institution", "tellus-harness"},
          {"source", "tellus-harness climate field generator"},
          {"frequency", "mon"}};
}

// Cell centres of n equal cells from `from` over `span` degrees.
inline std::vector<float> axis(std::size_t n, float from, float span) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = from + span * (static_cast<float>(i) + 0.5f) / n;
  return v;
}
inline std::vector<float> latitudes(std::size_t n) { return axis(n, -90.f, 180.f); }
inline std::vector<float> longitudes(std::size_t n) { return axis(n, 0.f, 360.f); }
// Monthly means: the middle of each 30-day month, in days since 1850-01-01.
inline std::vector<double> times(std::size_t steps) {
  std::vector<double> t(steps);
  for (std::size_t i = 0; i < steps; ++i) t[i] = 15.0 + 30.0 * static_cast<double>(i);
  return t;
}

}  // namespace tellus_harness::cf
