#include "tellus_harness/exec/output_capture.hpp"

#include <algorithm>

namespace tellus_harness {

void OutputCapture::append(std::string_view data) {
  total_ += data.size();
  const std::size_t head_limit = limit_ / 2;
  const std::size_t tail_limit = limit_ - head_limit;
  if (head_.size() < head_limit) {
    const std::size_t n = std::min(head_limit - head_.size(), data.size());
    head_.append(data.substr(0, n));
    data.remove_prefix(n);
  }
  if (tail_limit == 0) return;
  if (data.size() >= tail_limit) data = data.substr(data.size() - tail_limit);
  for (char c : data) {  // ring buffer of the last tail_limit bytes
    if (tail_.size() < tail_limit) {
      tail_.push_back(c);
    } else {
      tail_[tail_pos_] = c;
      tail_pos_ = (tail_pos_ + 1) % tail_limit;
    }
  }
}

std::string OutputCapture::text() const {
  std::string tail = tail_.substr(tail_pos_) + tail_.substr(0, tail_pos_);
  const std::size_t kept = head_.size() + tail.size();
  if (kept >= total_) return head_ + tail;
  return head_ + "\n[... " + std::to_string(total_ - kept) + " bytes omitted ...]\n" + tail;
}

}  // namespace tellus_harness
