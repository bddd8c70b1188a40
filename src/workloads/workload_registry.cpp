#include <algorithm>
#include <stdexcept>

#include "tellus_harness/workloads/workload.hpp"
#include "workloads/builtin_workloads.hpp"

namespace tellus_harness {

namespace {
const std::vector<std::unique_ptr<Workload>>& registry() {
  static const std::vector<std::unique_ptr<Workload>> workloads = [] {
    std::vector<std::unique_ptr<Workload>> w;
    // One line per workload kind.
    w.push_back(make_command_workload());
    w.push_back(make_archive_roundtrip_workload());
    w.push_back(make_integrity_workload());
    w.push_back(make_concurrent_access_workload());
    w.push_back(make_stage_recall_workload());
    w.push_back(make_transfer_workload());
    w.push_back(make_parallel_io_workload());
    return w;
  }();
  return workloads;
}
}  // namespace

int Workload::execute(const std::string&) const {
  throw std::logic_error("workload kind '" + kind() + "' does not run inside the harness");
}

const Workload* find_workload(const std::string& kind) {
  for (const auto& w : registry())
    if (w->kind() == kind) return w.get();
  return nullptr;
}

std::vector<std::string> workload_command_line(const TestSpec& spec, const std::string& self_exe,
                                               const std::vector<std::string>& launcher) {
  const Workload* workload = find_workload(spec.kind);
  if (!workload) throw std::runtime_error("unknown workload kind '" + spec.kind + "'");
  return workload->child_argv(spec, self_exe, launcher);
}

const TestKinds& workload_test_kinds() {
  struct Registered final : TestKinds {
    const TestKind* find(const std::string& kind) const override { return find_workload(kind); }
    std::vector<std::string> names() const override { return workload_kinds(); }
  };
  static const Registered kinds;
  return kinds;
}

std::vector<std::string> workload_kinds() {
  std::vector<std::string> kinds;
  for (const auto& w : registry()) kinds.push_back(w->kind());
  std::sort(kinds.begin(), kinds.end());
  return kinds;
}

}  // namespace tellus_harness
