#pragma once
// The allocation as the harness sees it: each harness rank is one slot, on its host. A test
// that asks for N ranks holds N slots while it runs (its processes take their CPUs), so
// that single- and multi-rank tests together never oversubscribe the allocation.
#include <string>
#include <vector>

namespace tellus_harness {

struct Allocation {
  std::vector<std::string> rank_hosts;  // the host of each harness rank, by rank
  bool oversubscribe = false;           // the profile's launcher.oversubscribe

  int size() const { return static_cast<int>(rank_hosts.size()); }
  int hosts() const;  // distinct hosts
};

// Why a test asking for `ranks` processes over `nodes` hosts (0: any) can never run in
// `allocation`; empty when it can.
std::string misfit_reason(const Allocation& allocation, int ranks, int nodes);

// How many slots such a test holds: its ranks, or every slot when it runs oversubscribed.
int slots_needed(const Allocation& allocation, int ranks);

// Whether `rank` may join the slots gathered so far (`chosen`) for a test of `slots` slots
// spanning `nodes` hosts (0: any) without making the set impossible to complete.
bool may_join(const Allocation& allocation, const std::vector<int>& chosen, int rank, int slots, int nodes);

// The host of each of a test's `ranks` processes on the slots it holds, in rank order:
// round robin over the slots, so an oversubscribed test puts the extra processes evenly.
// With `nodes` (0: any), only the slots on the first `nodes` hosts take processes (an
// oversubscribed test holds every slot, on more hosts than it asked for).
std::vector<std::string> process_hosts(const Allocation& allocation, const std::vector<int>& slots, int ranks,
                                       int nodes = 0);

}  // namespace tellus_harness
