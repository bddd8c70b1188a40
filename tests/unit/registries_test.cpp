// The extension points' registries against docs/architecture.md ("Adding to the harness"),
// which lists what each holds: the recipes there stay true.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tellus_harness/report/reporter.hpp"
#include "tellus_harness/scheduler/scheduler.hpp"
#include "tellus_harness/storage/backend_type.hpp"
#include "tellus_harness/workloads/workload.hpp"

using namespace tellus_harness;

namespace {

// The names after "**HEADING** Registered:" up to the sentence's end.
std::vector<std::string> documented(const std::string& heading) {
  std::ifstream in(TELLUS_SOURCE_DIR "/docs/architecture.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const std::string marker = "**" + heading + "** Registered:";
  const auto at = doc.find(marker);
  if (at == std::string::npos) return {};
  const auto start = at + marker.size();
  std::string list = doc.substr(start, doc.find('.', start) - start);
  std::vector<std::string> names;
  std::string name;
  for (char c : list + ",") {
    if (c == ',') {
      if (!name.empty()) names.push_back(name);
      name.clear();
    } else if (c != ' ' && c != '\n') {
      name += c;
    }
  }
  return names;
}

}  // namespace

TEST_CASE("registries list what docs/architecture.md says") {
  CHECK(documented("A storage backend type.") == backend_type_names());
  CHECK(documented("A workload kind.") == workload_kinds());
  CHECK(documented("A report format.") == report_formats());
  CHECK(documented("A batch system.") == scheduler_names());
}
