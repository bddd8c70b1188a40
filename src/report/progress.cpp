#include "tellus_harness/report/progress.hpp"

namespace tellus_harness {

using Clock = std::chrono::steady_clock;

ProgressDisplay::ProgressDisplay(int total, bool enabled, bool terminal, double plain_interval_s, std::FILE* out)
    : total_(total), enabled_(enabled), terminal_(terminal), plain_interval_s_(plain_interval_s), out_(out),
      start_(Clock::now()), last_draw_(Clock::now()) {}

void ProgressDisplay::started(int count) {
  running_ += count;
  dirty_ = true;
}

void ProgressDisplay::finished(Outcome outcome, const std::string& nodeid, int rank, const std::string& why) {
  ++done_;
  --running_;
  if (outcome == Outcome::kPassed) ++passed_;
  if (outcome == Outcome::kFailed || outcome == Outcome::kError) {
    ++failed_;
    if (enabled_) {
      if (terminal_) std::fprintf(out_, "\r\033[K");
      std::fprintf(out_, "%s %s (rank %d): %s\n", outcome == Outcome::kFailed ? "FAILED" : "ERROR", nodeid.c_str(),
                   rank, why.c_str());
    }
  }
  dirty_ = true;
  draw(false);
}

void ProgressDisplay::rerun(const std::string& nodeid, int rank, const std::string& why) {
  --running_;
  if (enabled_) {
    if (terminal_) std::fprintf(out_, "\r\033[K");
    std::fprintf(out_, "RERUN %s (rank %d): %s\n", nodeid.c_str(), rank, why.c_str());
  }
  dirty_ = true;
  draw(false);
}

void ProgressDisplay::tick() { draw(false); }

std::string ProgressDisplay::status_line() const {
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  char eta[32] = "--:--";
  if (done_ > 0 && done_ < total_) {
    const long s = static_cast<long>(elapsed / done_ * (total_ - done_));
    std::snprintf(eta, sizeof eta, "%ld:%02ld", s / 60, s % 60);
  } else if (done_ >= total_) {
    std::snprintf(eta, sizeof eta, "0:00");
  }
  char line[256];
  std::snprintf(line, sizeof line, "[tellus-harness] %d/%d done, %d passed, %d failed, %d running, ETA %s", done_,
                total_, passed_, failed_, running_, eta);
  return line;
}

void ProgressDisplay::draw(bool force) {
  if (!enabled_ || (!dirty_ && !force)) return;
  const auto now = Clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  if (!force && since < (terminal_ ? 0.2 : plain_interval_s_)) return;
  last_draw_ = now;
  dirty_ = false;
  if (terminal_) std::fprintf(out_, "\r\033[K%s", status_line().c_str());
  else std::fprintf(out_, "%s\n", status_line().c_str());
  std::fflush(out_);
}

void ProgressDisplay::close() {
  if (!enabled_) return;
  dirty_ = true;
  draw(true);
  if (terminal_) std::fprintf(out_, "\n");
  std::fflush(out_);
}

}  // namespace tellus_harness
