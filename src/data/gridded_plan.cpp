#include <algorithm>
#include <cmath>

#include "tellus_harness/data/gridded_file.hpp"

namespace tellus_harness {

GriddedFileSpec plan_gridded_file(std::uint64_t target_bytes, std::uint64_t overhead_bytes, std::uint64_t seed,
                                  bool deflate) {
  const std::uint64_t payload = target_bytes > overhead_bytes + 1024 ? target_bytes - overhead_bytes : 1024;
  const std::uint64_t fields = climate_variables().size();
  // About 200 steps, so one step is ~0.5 % of the file; lon = 2 × lat as on a regular grid.
  const double points = std::max(8.0, static_cast<double>(payload) / (fields * 4.0 * 200.0));
  GriddedFileSpec spec;
  spec.seed = seed;
  spec.deflate = deflate;
  spec.shape.lat = std::max<std::size_t>(2, static_cast<std::size_t>(std::sqrt(points / 2.0)));
  spec.shape.lon = 2 * spec.shape.lat;
  const double step_bytes = static_cast<double>(fields * 4 * spec.shape.lat * spec.shape.lon);
  spec.steps = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(payload / step_bytes)));
  return spec;
}

}  // namespace tellus_harness
