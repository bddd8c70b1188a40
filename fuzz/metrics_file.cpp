// Metrics files: whatever a test wrote, reading it never throws; bad content is a problem text.
#include "fuzz_input_file.hpp"
#include "tellus_harness/exec/metrics_file.hpp"

#include <cstdlib>
#include <nlohmann/json.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string dir = fuzz_directory("metrics");
  const auto m = tellus_harness::read_metrics_file(write_input(dir + "/metrics.json", data, size));
  // What is accepted is an object the reports can embed.
  if (m.problem.empty() && !nlohmann::json::parse(m.json).is_object()) std::abort();
  return 0;
}
