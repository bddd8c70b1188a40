#pragma once
// Rank 0 holds one result per test for the whole run, but not what the tests printed. A
// result's summary keeps what the run's bookkeeping and the short reports need (outcome,
// times, rank, metrics, the start of the longrepr); the captured output, the pytest report
// and the rest of the longrepr stay in the journal line the test's rank wrote, and the
// reports that show them read them back one test at a time (ResultDetails). So rank 0's
// memory follows the number of tests, whatever they print.
#include <map>
#include <string>

#include "tellus_harness/results/test_result.hpp"

namespace tellus_harness {

// A result whose journal line is this short is kept whole: reading it back would cost more
// than it saves.
inline constexpr std::int64_t kWholeResultBytes = 1024;
// The start of the longrepr a summary keeps: the reason's first lines, for the terminal,
// the progress lines and the alerts.
inline constexpr std::size_t kSummaryLongreprBytes = 1024;

// Whether `r` is kept in summary: it knows its journal line, and the line is long. A result
// that was never journaled (the disk was full) stays whole: nothing else holds it.
bool summarized(const TestResult& r);
// Drops from `r` what its journal line holds beyond the summary, when summarized(r).
void keep_summary(TestResult& r);

// Reads results' details back from a run's journals, keeping each journal open once read.
class ResultDetails {
 public:
  explicit ResultDetails(std::string output_dir);
  ~ResultDetails();
  ResultDetails(const ResultDetails&) = delete;
  ResultDetails& operator=(const ResultDetails&) = delete;
  // `r` whole: itself when nothing of it is elsewhere, else with its captured output, pytest
  // report and longrepr from its journal line. A line that can no longer be read (the journal
  // was removed or changed) leaves the summary, with a note at the end of its longrepr.
  TestResult whole(const TestResult& r);

 private:
  int journal(int rank);
  std::string output_dir_;
  std::map<int, int> fds_;  // rank -> its journal, open (-1: could not be opened)
};

}  // namespace tellus_harness
