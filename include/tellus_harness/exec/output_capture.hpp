#pragma once
// Bounded capture of a child's stdout or stderr: keeps the first and the last `limit / 2`
// bytes and counts what was left out in between, so a chatty test cannot exhaust memory
// while its first error and its last words both stay in the report.
#include <cstddef>
#include <string>
#include <string_view>

namespace tellus_harness {

class OutputCapture {
 public:
  explicit OutputCapture(std::size_t limit_bytes = 64 * 1024) : limit_(limit_bytes) {}
  void append(std::string_view data);
  std::string text() const;
  std::size_t total_bytes() const { return total_; }

 private:
  std::size_t limit_;
  std::size_t total_ = 0;
  std::string head_;
  std::string tail_;  // ring of the last bytes, rotated on text()
  std::size_t tail_pos_ = 0;
};

}  // namespace tellus_harness
