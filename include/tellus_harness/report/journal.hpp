#pragma once
// Each rank appends every finished result to its own journal (<output-dir>/journal/rank-N.jsonl),
// one JSON line per test, written with a single write() so that a kill loses at most the
// test in flight. `report --from` rebuilds the reports from these files.
#include <string>
#include <vector>

#include "tellus_harness/exec/test_result.hpp"

namespace tellus_harness {

class Journal {
 public:
  Journal(const std::string& output_dir, int rank);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  void append(const TestResult& result);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

// Every result in the output dir's journals. A torn last line (the writer was killed) is
// skipped; `warnings` says which file and line.
std::vector<TestResult> read_journals(const std::string& output_dir, std::vector<std::string>& warnings);

}  // namespace tellus_harness
