#include <cstring>
#include <string_view>

#include "tellus_harness/data/dataset.hpp"
#include "tellus_harness/data/prng.hpp"

namespace tellus_harness {

void fill_binary(std::uint64_t seed, char* out, std::size_t size) {
  Prng prng(seed);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    const std::uint64_t v = prng.next();
    std::memcpy(out + i, &v, 8);
  }
  if (i < size) {
    const std::uint64_t v = prng.next();
    std::memcpy(out + i, &v, size - i);
  }
}

void fill_log(char* out, std::size_t size) {
  // The seed's log lines, repeated.
  static constexpr std::string_view kLines =
      "2024-01-01 00:00:00 INFO: Simulation started\n"
      "2024-01-01 00:01:00 DEBUG: Processing timestep 1\n"
      "2024-01-01 00:02:00 WARNING: High memory usage detected\n"
      "2024-01-01 00:03:00 INFO: Checkpoint saved\n";
  for (std::size_t i = 0; i < size; i += kLines.size())
    std::memcpy(out + i, kLines.data(), std::min(kLines.size(), size - i));
}

}  // namespace tellus_harness
