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
}

std::vector<int> WorkPool::claim(int rank, int count) {
  std::vector<int> granted;
  const auto now = std::chrono::steady_clock::now();
  while (!stopped_ && static_cast<int>(granted.size()) < count && !reruns_.empty() && reruns_.front().not_before <= now) {
    granted.push_back(reruns_.front().test);
    reruns_.pop_front();
    ++claimed_;
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
    ++claimed_;
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
    ++claimed_;
  }
  return granted;
}

void WorkPool::record_finish(bool failed) {
  ++finished_;
  if (failed) ++failures_;
  if (stopped_by_maxfail()) stopped_ = true;
}

void WorkPool::requeue(int test, std::chrono::steady_clock::time_point not_before) {
  reruns_.push_back({test, not_before});
}

bool WorkPool::may_get_more(bool reruns_possible) const {
  return !stopped_ && (!reruns_.empty() || (reruns_possible && claimed_ > finished_));
}

std::vector<int> WorkPool::unclaimed() const {
  std::vector<int> left;
  for (const auto& q : queues_) left.insert(left.end(), q.begin(), q.end());
  std::sort(left.begin(), left.end());
  return left;
}

}  // namespace tellus_harness
