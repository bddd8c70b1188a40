#include "tellus_harness/data/climate_field.hpp"

#include <algorithm>
#include <cmath>

#include "tellus_harness/data/prng.hpp"

namespace tellus_harness {

const std::vector<FieldVariable>& climate_variables() {
  static const std::vector<FieldVariable> vars{
      {"tas", "air_temperature", "Near-Surface Air Temperature", "K", 278.0f, 30.0f, 8.0f, 0.5f, 150.0f},
      {"pr", "precipitation_flux", "Precipitation", "kg m-2 s-1", 3.0e-5f, 2.5e-5f, 1.0e-5f, 4.0e-6f, 0.0f},
  };
  return vars;
}

void fill_field(const FieldVariable& var, std::uint64_t seed, std::size_t step, FieldShape shape, float* out) {
  Prng noise(Prng::derive(seed, step));
  const float season = std::sin(6.2831853f * static_cast<float>(step % 12) / 12.0f);
  std::vector<float> wave(shape.lon);
  for (std::size_t j = 0; j < shape.lon; ++j)
    wave[j] = 0.3f * var.seasonal * std::sin(6.2831853f * (static_cast<float>(j) / shape.lon + 0.05f * step));
  for (std::size_t i = 0; i < shape.lat; ++i) {
    const float lat = -1.5707963f + 3.1415926f * (static_cast<float>(i) + 0.5f) / shape.lat;
    const float row = var.base + var.gradient * (std::cos(lat) - 0.5f) + var.seasonal * season * std::sin(lat);
    float* r = out + i * shape.lon;
    for (std::size_t j = 0; j < shape.lon; ++j)
      r[j] = std::max(var.minimum, row + wave[j] + var.noise * noise.symmetric_unit());
  }
}

}  // namespace tellus_harness
