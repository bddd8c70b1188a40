#include "tellus_harness/plan/work_pool.hpp"

#include <algorithm>

namespace tellus_harness {

WorkPool::WorkPool(std::vector<std::vector<int>> groups, std::vector<double> expected_durations,
                   bool allow_stealing, int maxfail)
    : durations_(std::move(expected_durations)), allow_stealing_(allow_stealing), maxfail_(maxfail) {
  for (auto& g : groups) {
    double total = 0;
    for (int t : g) total += durations_[t];
    remaining_.push_back(total);
    queues_.emplace_back(g.begin(), g.end());
  }
  running_.assign(queues_.size(), 0);
  held_by_.assign(queues_.size(), -1);
  busy_until_.assign(queues_.size(), {});
}

void WorkPool::add_multi_rank(std::vector<MultiRankTest> tests, Allocation allocation) {
  allocation_ = std::move(allocation);
  for (const auto& t : tests) {
    multi_[t.test] = t;
    queue_launch(t, {}, false);
  }
}

// Largest first; among equals, longest expected first, then in test order.
void WorkPool::queue_launch(MultiRankTest test, std::chrono::steady_clock::time_point not_before, bool rerun) {
  const auto before = [&](const WaitingLaunch& w) {
    if (w.test.ranks != test.ranks) return w.test.ranks > test.ranks;
    return durations_[w.test.test] >= durations_[test.test];
  };
  auto at = launches_.begin();
  while (at != launches_.end() && before(*at)) ++at;
  launches_.insert(at, {test, not_before, rerun});
}

std::vector<int> WorkPool::slots_of(int test) const {
  const auto it = held_.find(test);
  return it == held_.end() ? std::vector<int>{} : it->second;
}

void WorkPool::count_claim(int rank, int test) {
  ++claimed_;
  if (multi_.count(test) || rank >= static_cast<int>(running_.size())) return;
  ++running_[rank];
  // Tests a rank runs at once are counted one after another: an estimate on the late side.
  const auto now = std::chrono::steady_clock::now();
  busy_until_[rank] = std::max(busy_until_[rank], now) +
                      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(durations_[test]));
}

int WorkPool::backfill(int rank, std::chrono::steady_clock::time_point deadline) {
  const double window = std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
  int from = -1;
  for (int r = 0; r < static_cast<int>(queues_.size()); ++r) {
    if (queues_[r].empty() || durations_[queues_[r].back()] > window) continue;
    if (r != rank && !allow_stealing_) continue;
    if (from < 0 || r == rank || durations_[queues_[r].back()] < durations_[queues_[from].back()]) from = r;
    if (from == rank) break;
  }
  if (from < 0) return -1;
  const int test = queues_[from].back();
  queues_[from].pop_back();
  remaining_[from] -= durations_[test];
  count_claim(rank, test);
  return test;
}

std::vector<int> WorkPool::claim_launch(int rank, bool& handled) {
  handled = false;
  if (launches_.empty() || launches_.front().not_before > std::chrono::steady_clock::now()) return {};
  const MultiRankTest next = launches_.front().test;
  const int slots = slots_needed(allocation_, next.ranks);
  const bool joined = std::find(gathering_.begin(), gathering_.end(), rank) != gathering_.end();
  if (!joined) {
    if (!may_join(allocation_, gathering_, rank, slots, next.nodes)) return {};
    gathering_.push_back(rank);
  }
  handled = true;
  if (static_cast<int>(gathering_.size()) < slots) return {};
  bool busy = false;
  auto ready_at = std::chrono::steady_clock::time_point{};
  for (int r : gathering_) {
    if (running_[r] == 0) continue;
    busy = true;  // a slot still busy with its last single-rank tests
    ready_at = std::max(ready_at, busy_until_[r]);
  }
  if (busy) {
    if (running_[rank] > 0) return {};
    const int filler = backfill(rank, ready_at);
    return filler < 0 ? std::vector<int>{} : std::vector<int>{filler};
  }
  // Every slot is idle: the test starts on this rank, holding them all.
  for (int r : gathering_) held_by_[r] = next.test;
  held_[next.test] = std::move(gathering_);
  gathering_.clear();
  launches_.pop_front();
  ++claimed_;
  return {next.test};
}

std::vector<int> WorkPool::claim(int rank, int count) {
  std::vector<int> granted;
  if (stopped_ || count <= 0) return granted;
  if (rank < static_cast<int>(held_by_.size()) && held_by_[rank] >= 0) return granted;  // its slot is in use
  bool set_aside = false;
  granted = claim_launch(rank, set_aside);
  if (set_aside) return granted;
  const auto now = std::chrono::steady_clock::now();
  while (!stopped_ && static_cast<int>(granted.size()) < count && !reruns_.empty() && reruns_.front().not_before <= now) {
    granted.push_back(reruns_.front().test);
    reruns_.pop_front();
    count_claim(rank, granted.back());
  }
  while (!stopped_ && static_cast<int>(granted.size()) < count) {
    int from = -1;
    bool take_front = true;
    if (rank < static_cast<int>(queues_.size()) && !queues_[rank].empty()) {
      from = rank;
    } else if (allow_stealing_) {
      double most = 0;
      for (int r = 0; r < static_cast<int>(queues_.size()); ++r)
        if (!queues_[r].empty() && (from < 0 || remaining_[r] > most)) {
          from = r;
          most = remaining_[r];
        }
      take_front = false;  // the victim keeps its longest tests; the thief takes the shortest
    }
    if (from < 0) break;
    auto& q = queues_[from];
    const int test = take_front ? q.front() : q.back();
    if (take_front) q.pop_front();
    else q.pop_back();
    remaining_[from] -= durations_[test];
    granted.push_back(test);
    count_claim(rank, test);
  }
  return granted;
}

std::vector<int> WorkPool::claim_own(int rank, int count) {
  std::vector<int> granted;
  auto& q = queues_[rank];
  while (static_cast<int>(granted.size()) < count && !q.empty()) {
    granted.push_back(q.front());
    remaining_[rank] -= durations_[q.front()];
    q.pop_front();
    count_claim(rank, granted.back());
  }
  return granted;
}

void WorkPool::record_finish(int test, int rank, bool failed) {
  if (const auto it = held_.find(test); it != held_.end()) {
    for (int r : it->second) held_by_[r] = -1;
    held_.erase(it);
  } else if (rank >= 0 && rank < static_cast<int>(running_.size()) && running_[rank] > 0) {
    if (--running_[rank] == 0) busy_until_[rank] = std::chrono::steady_clock::now();
  }
  ++finished_;
  if (failed) ++failures_;
  if (stopped_by_maxfail()) stopped_ = true;
}

void WorkPool::requeue(int test, std::chrono::steady_clock::time_point not_before) {
  if (const auto it = multi_.find(test); it != multi_.end()) return queue_launch(it->second, not_before, true);
  reruns_.push_back({test, not_before});
}

bool WorkPool::may_get_more(int rank, bool reruns_possible) const {
  if (stopped_) return false;
  const bool held = rank >= 0 && rank < static_cast<int>(held_by_.size()) && held_by_[rank] >= 0;
  return held || !launches_.empty() || !reruns_.empty() || (reruns_possible && claimed_ > finished_);
}

std::vector<int> WorkPool::unclaimed() const {
  std::vector<int> left;
  for (const auto& q : queues_) left.insert(left.end(), q.begin(), q.end());
  for (const auto& w : launches_)
    if (!w.rerun) left.push_back(w.test.test);  // a rerun has its failed try
  std::sort(left.begin(), left.end());
  return left;
}

}  // namespace tellus_harness
