#include "tellus_harness/exec/metrics_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "tellus_harness/common/bounded_json.hpp"

namespace tellus_harness {

namespace {
constexpr std::size_t kMaxBytes = 1 << 20;
constexpr std::size_t kMaxMetrics = 10000;

bool finite_number(const nlohmann::json& v) { return v.is_number() && std::isfinite(v.get<double>()); }
}  // namespace

MetricsFile read_metrics_file(const std::string& path) {
  MetricsFile out;
  // O_NOFOLLOW and a regular file only: not a FIFO that never ends, not /dev/zero.
  const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) out.problem = "metrics file: cannot read it (" + std::string(std::strerror(errno)) + ")";
    return out;
  }
  struct stat st {};
  std::string text;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    out.problem = "metrics file: not a regular file";
    return out;
  }
  if (static_cast<std::size_t>(st.st_size) > kMaxBytes) {
    close(fd);
    out.problem = "metrics file: " + std::to_string(st.st_size) + " bytes, at most " + std::to_string(kMaxBytes);
    return out;
  }
  text.resize(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  close(fd);
  text.resize(got);
  try {
    const auto j = parse_bounded_json(text, {kMaxBytes, 4});
    if (!j.is_object()) throw std::invalid_argument("not a JSON object of metric names");
    if (j.size() > kMaxMetrics) throw std::invalid_argument("more than " + std::to_string(kMaxMetrics) + " metrics");
    for (const auto& [name, value] : j.items()) {
      const bool ok = finite_number(value) || (value.is_object() && value.contains("value") && finite_number(value["value"]));
      if (!ok) throw std::invalid_argument("metric '" + name + "' is not a finite number or {\"value\": number}");
    }
    out.json = j.dump();
  } catch (const std::exception& e) {
    out.problem = std::string("metrics file: ") + e.what();
  }
  return out;
}

}  // namespace tellus_harness
