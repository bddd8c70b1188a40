#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tellus_harness {

// pytest's outcomes. xfailed: failed as a test marked xfail expected; xpassed: such a test
// passed (a strict xfail that passes is failed, as pytest reports it).
enum class Outcome { kPassed, kFailed, kSkipped, kError, kXfailed, kXpassed };

std::string_view outcome_name(Outcome o);        // "passed", "failed", "skipped", "error", "xfailed", "xpassed"
Outcome parse_outcome(std::string_view name);     // inverse; throws std::invalid_argument

// Where a result's whole line is in its run's journals (results/journal.hpp): the journal of
// rank `rank`, `length` bytes from `offset`, the newline not counted.
struct JournalLine {
  int rank = -1;
  std::int64_t offset = -1;
  std::int64_t length = 0;
  bool known() const { return rank >= 0 && offset >= 0 && length > 0; }
};

// What one test did: produced by the executor on the rank that ran it, journaled there,
// gathered to rank 0 and written into the reports.
struct TestResult {
  int index = -1;  // position in the run's collected tests
  std::string nodeid;
  Outcome outcome = Outcome::kError;
  std::string phase = "call";  // the phase that decided the outcome: setup, call or teardown
  std::string longrepr;        // why it failed, errored or was skipped
  std::string stdout_text;
  std::string stderr_text;
  double setup_s = 0, call_s = 0, teardown_s = 0;
  double start_unix = 0, stop_unix = 0;
  int rank = -1;
  std::string host;
  // A test that ran several MPI processes: how many, the host of each, and the harness ranks
  // (slots of the allocation) it held meanwhile. For others 1 and empty.
  int ranks = 1;
  std::vector<std::string> hosts;
  std::vector<int> slots;
  int exit_status = -1;  // -1 when it did not exit normally
  int signal = 0;        // signal that ended it, 0 if none
  double peak_memory_mb = 0;
  int leftover_processes = 0;  // processes still running when the test ended, killed then
  std::string workspace;      // kept workspace path, empty once removed
  int attempt = 1;             // the run's attempt that ran it: 1, then one more per --resume
  // Ended by the run's own stop (an interrupt, a rank that could not journal), not by itself:
  // --resume runs it again.
  bool stopped_by_run = false;
  // A pytest test that called pytest.exit or raised KeyboardInterrupt, pytest's ways to end a
  // session: why the run stops (no further test starts on any rank). Empty for all others.
  std::string stops_run;
  std::string metrics_json = "{}";  // {"metric": value} reported by the test
  // pytest tests: the worker's report, {"stages": {"setup": {...}, "call": ..., "teardown": ...},
  // "keywords": [...]} with pytest-json-report's fields per stage; empty for harness tests.
  std::string pytest_report_json;
  // Rank 0 keeps a summary of each result (results/result_details.hpp): the captured output,
  // the pytest report and all of a long longrepr but its start stay in the journal line, and
  // the reports read them from there one test at a time.
  JournalLine journal_line;
  bool details_in_journal = false;
};

}  // namespace tellus_harness
