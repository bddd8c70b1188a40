#pragma once
// The metrics a test reports in $TELLUS_METRICS_FILE: a JSON object of metric name to a
// number or to {"value": number, "direction": "lower"|"higher", ...}. A test wrote it, so it
// is read within bounds (size, depth, count) and checked; a bad file fails that test alone.
#include <string>

namespace tellus_harness {

struct MetricsFile {
  std::string json = "{}";  // the validated object, as JSON text
  std::string problem;      // why the file was refused; empty when fine or absent
};

MetricsFile read_metrics_file(const std::string& path);

}  // namespace tellus_harness
