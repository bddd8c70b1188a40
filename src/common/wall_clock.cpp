#include "tellus_harness/common/wall_clock.hpp"

#include <ctime>

namespace tellus_harness {

std::string utc_text(double unix_seconds, const char* format) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[64];
  const std::size_t n = std::strftime(text, sizeof text, format, &utc);
  return std::string(text, n);
}

}  // namespace tellus_harness
