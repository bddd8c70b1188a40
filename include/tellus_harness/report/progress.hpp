#pragma once
// Rank 0's live progress on stderr: done/total, passed, failed, running, ETA. On a terminal
// one line redrawn in place; otherwise (Slurm logs, cron) plain lines at most every
// `plain_interval_s`, plus one line per failure as it happens.
#include <chrono>
#include <cstdio>
#include <string>

#include "tellus_harness/results/test_result.hpp"

namespace tellus_harness {

class ProgressDisplay {
 public:
  ProgressDisplay(int total, bool enabled, bool terminal, double plain_interval_s = 10.0, std::FILE* out = stderr);
  void started(int count);
  void finished(Outcome outcome, const std::string& nodeid, int rank, const std::string& why);
  void rerun(const std::string& nodeid, int rank, const std::string& why);  // a failed try, to run again
  void tick();  // redraws when due
  void close();  // final line

 private:
  std::string status_line() const;
  void draw(bool force);

  int total_;
  bool enabled_;
  bool terminal_;
  double plain_interval_s_;
  std::FILE* out_;
  int done_ = 0, passed_ = 0, failed_ = 0, running_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool dirty_ = false;
};

}  // namespace tellus_harness
