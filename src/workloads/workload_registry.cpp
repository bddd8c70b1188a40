#include <algorithm>

#include "tellus_harness/workloads/workload.hpp"
#include "workloads/builtin_workloads.hpp"

namespace tellus_harness {

namespace {
const std::vector<std::unique_ptr<Workload>>& registry() {
  static const std::vector<std::unique_ptr<Workload>> workloads = [] {
    std::vector<std::unique_ptr<Workload>> w;
    // One line per workload kind.
    w.push_back(make_command_workload());
    return w;
  }();
  return workloads;
}
}  // namespace

const Workload* find_workload(const std::string& kind) {
  for (const auto& w : registry())
    if (w->kind() == kind) return w.get();
  return nullptr;
}

std::vector<std::string> workload_kinds() {
  std::vector<std::string> kinds;
  for (const auto& w : registry()) kinds.push_back(w->kind());
  std::sort(kinds.begin(), kinds.end());
  return kinds;
}

}  // namespace tellus_harness
