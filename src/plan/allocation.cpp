#include "tellus_harness/plan/allocation.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace tellus_harness {

namespace {

std::map<std::string, int> slots_per_host(const Allocation& a) {
  std::map<std::string, int> per_host;
  for (const auto& h : a.rank_hosts) ++per_host[h];
  return per_host;
}

std::string plural(int n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

std::string describe(const Allocation& a) {
  return plural(a.size(), "rank") + " on " + plural(a.hosts(), "node");
}

}  // namespace

int Allocation::hosts() const { return static_cast<int>(slots_per_host(*this).size()); }

std::string misfit_reason(const Allocation& a, int ranks, int nodes) {
  const std::string asked = "asks for " + plural(ranks, "rank") + (nodes > 0 ? " on " + plural(nodes, "node") : "");
  if (nodes > a.hosts())
    return asked + "; the allocation has " + describe(a) + ": run the harness over more nodes";
  if (ranks > a.size()) {
    if (!a.oversubscribe)
      return asked + "; the allocation has " + describe(a) +
             ": give the run more ranks, or set 'launcher: {oversubscribe: true}' in the profile to run it oversubscribed";
    return {};
  }
  if (nodes > 0) {
    std::vector<int> counts;
    for (const auto& [host, n] : slots_per_host(a)) counts.push_back(n);
    std::sort(counts.rbegin(), counts.rend());
    int most = 0;
    for (int i = 0; i < nodes; ++i) most += counts[i];
    if (most < ranks)
      return asked + "; the allocation's " + plural(nodes, "busiest node") + " hold " + plural(most, "rank") + " (" +
             describe(a) + ")";
  }
  return {};
}

int slots_needed(const Allocation& a, int ranks) { return std::min(ranks, a.size()); }

bool may_join(const Allocation& a, const std::vector<int>& chosen, int rank, int slots, int nodes) {
  if (static_cast<int>(chosen.size()) >= slots) return false;
  if (std::find(chosen.begin(), chosen.end(), rank) != chosen.end()) return false;
  if (nodes == 0) return true;
  std::set<std::string> hosts;
  for (int r : chosen) hosts.insert(a.rank_hosts[r]);
  hosts.insert(a.rank_hosts[rank]);
  const int used = static_cast<int>(hosts.size());
  if (used > nodes) return false;
  // Each host still to be added needs a slot of its own; the hosts in the set must be able
  // to hold the rest.
  const int left = slots - static_cast<int>(chosen.size()) - 1;
  if (left < nodes - used) return false;
  if (used == nodes) {
    int room = 0;
    std::vector<int> taken(chosen);
    taken.push_back(rank);
    for (int r = 0; r < a.size(); ++r)
      if (hosts.count(a.rank_hosts[r]) && std::find(taken.begin(), taken.end(), r) == taken.end()) ++room;
    if (room < left) return false;
  }
  return true;
}

std::vector<std::string> process_hosts(const Allocation& a, const std::vector<int>& slots, int ranks, int nodes) {
  std::vector<int> ordered(slots);
  // Processes of one host next to each other, as launchers number them by default.
  std::stable_sort(ordered.begin(), ordered.end(),
                   [&](int x, int y) { return a.rank_hosts[x] < a.rank_hosts[y]; });
  if (nodes > 0) {
    std::set<std::string> kept;
    std::vector<int> on_kept;
    for (int s : ordered) {
      if (!kept.count(a.rank_hosts[s]) && static_cast<int>(kept.size()) == nodes) continue;
      kept.insert(a.rank_hosts[s]);
      on_kept.push_back(s);
    }
    ordered = std::move(on_kept);
  }
  std::vector<std::string> hosts;
  hosts.reserve(ranks);
  for (int i = 0; i < ranks; ++i) hosts.push_back(a.rank_hosts[ordered[i % ordered.size()]]);
  std::stable_sort(hosts.begin(), hosts.end());
  return hosts;
}

}  // namespace tellus_harness
