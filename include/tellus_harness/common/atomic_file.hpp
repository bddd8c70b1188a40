#pragma once
#include <string>
#include <string_view>

namespace tellus_harness {

// Writes `content` to a temporary file beside `path`, fsyncs it and renames it over `path`,
// so readers see the old file or the new one, never half of one. Creates parent directories.
// Throws std::runtime_error naming the path.
void write_file_atomically(const std::string& path, const std::string& content);

// The same, written in pieces (a report of 100,000 tests is never one string in memory):
// write() as often as needed, then commit(). Destroyed uncommitted, it leaves `path` as it
// was. Throws std::runtime_error naming the path.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::string path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  void write(std::string_view piece);
  void commit();

 private:
  void flush();
  [[noreturn]] void fail();
  std::string path_;
  std::string tmp_;
  std::string buffer_;
  int fd_ = -1;
};

}  // namespace tellus_harness
