#include <memory>

#include "tellus_harness/scheduler/scheduler.hpp"

namespace tellus_harness {

// Each batch system's folder defines its factory; one line here declares it, one lists it.
std::unique_ptr<Scheduler> make_slurm_scheduler();

namespace {
const std::vector<std::unique_ptr<Scheduler>>& registry() {
  static const std::vector<std::unique_ptr<Scheduler>> all = [] {
    std::vector<std::unique_ptr<Scheduler>> s;
    s.push_back(make_slurm_scheduler());
    return s;
  }();
  return all;
}
}  // namespace

const Scheduler* find_scheduler(const std::string& name) {
  for (const auto& s : registry())
    if (s->name() == name) return s.get();
  return nullptr;
}

std::vector<std::string> scheduler_names() {
  std::vector<std::string> names;
  for (const auto& s : registry()) names.push_back(s->name());
  return names;
}

}  // namespace tellus_harness
