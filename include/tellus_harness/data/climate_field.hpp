#pragma once
// Values of a climate-model-like variable: a smooth field (latitude gradient, a seasonal cycle
// and a travelling wave) plus seeded noise, so that compressors see realistic data, neither
// constant patterns nor pure noise. The same (variable, seed, step) always gives the same values.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tellus_harness {

struct FieldShape {
  std::size_t lat = 0;
  std::size_t lon = 0;
};

struct FieldVariable {
  std::string name;           // tas, pr
  std::string standard_name;  // CF standard name
  std::string long_name;
  std::string units;
  float base;       // mean value
  float gradient;   // equator-to-pole amplitude
  float seasonal;   // amplitude of the annual cycle
  float noise;      // amplitude of the noise
  float minimum;    // physical lower bound (precipitation >= 0)
};

const std::vector<FieldVariable>& climate_variables();  // tas (K), pr (kg m-2 s-1)

// Fills `out` (lat × lon floats) with time step `step` of `var`.
void fill_field(const FieldVariable& var, std::uint64_t seed, std::size_t step, FieldShape shape, float* out);

}  // namespace tellus_harness
