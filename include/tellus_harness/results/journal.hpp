#pragma once
// Each rank appends every finished result to its own journal (<output-dir>/journal/rank-N.jsonl),
// one JSON line per test, written with a single write() so that a kill loses at most the
// test in flight. `report --from` rebuilds the reports from these files.
#include <string>
#include <vector>

#include "tellus_harness/results/test_result.hpp"

namespace tellus_harness {

// A journal line's format (docs/schemas/journal-line.schema.json).
inline constexpr int kJournalSchemaVersion = 1;

class Journal {
 public:
  // A journal that cannot be opened does not throw: it is failed() from the start.
  Journal(const std::string& output_dir, int rank, std::string run_id);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  // False once a write failed (a full disk): the result is not journaled, and failure() says why.
  // `where` (may be null) is told where the line went.
  bool append(const TestResult& result, JournalLine* where = nullptr);
  const std::string& failure() const { return failure_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string run_id_;
  std::string failure_;
  int rank_;
  int fd_ = -1;
};

// What read_journals keeps of each result: all of it, or its summary (keep_summary in
// results/result_details.hpp) with where its line is, so that memory follows the number of
// results, not what the tests printed.
enum class JournalDetail { kWhole, kSummary };

// Every result of run `run_id` in the output dir's journals. A torn last line (the writer was
// killed), a line that is not a result and a line of another run are skipped; `warnings`
// says which file and line. Lines longer than 16 MiB are skipped unread.
std::vector<TestResult> read_journals(const std::string& output_dir, const std::string& run_id,
                                      std::vector<std::string>& warnings, JournalDetail detail = JournalDetail::kWhole);

// The path of rank `rank`'s journal in `output_dir`.
std::string journal_path(const std::string& output_dir, int rank);
// The longest line a journal holds: one result, whose captured output is bounded.
inline constexpr std::size_t kMaxJournalLine = 16 << 20;

}  // namespace tellus_harness
