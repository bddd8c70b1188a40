#pragma once
// Rank 0's side of the claim protocol as plain C++: it reads the other ranks' messages and
// writes its answers as text; work_channels.cpp moves the texts with MPI. Kept apart from MPI
// so that bench/claims.cpp measures what rank 0 does per claim and finish with a thousand
// simulated ranks in one process.
//   rank r -> 0: "C n"              claim up to n tests
//                "F {result}"       a test finished: its result as its journal line holds it,
//                                   but for what the test printed and its pytest report, which
//                                   stay in the journal ("journal": [offset, length] says where;
//                                   a result that could not be journaled comes whole)
//                "L"                rank r left its loop
//   0 -> rank r: "I [[i, spec], ...]"  the first tests, sent unasked
//                "G [[i, spec], ...]"  tests granted; fewer than asked: no more
//                "H [[i, spec], ...]"  fewer than asked for now: ask again later (a failed
//                                      test may yet be rerun, --reruns)
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <regex>

#include "tellus_harness/config/test_spec.hpp"
#include "tellus_harness/plan/run_plan.hpp"
#include "tellus_harness/plan/work_pool.hpp"
#include "tellus_harness/report/progress.hpp"
#include "tellus_harness/results/test_result.hpp"

namespace tellus_harness {

// A test given to a rank: its place in the plan and what it needs to run.
struct GrantedTest {
  int index = 0;
  TestSpec spec;
};

// Where rank 0 keeps each finished result, whichever rank ran it.
using ResultSink = std::function<void(TestResult)>;

class ClaimCoordinator {
 public:
  // Every result goes to `sink`, a failed try that will be rerun (`reruns`) too.
  // `tests` is the plan's own list (rank 0 keeps no copy of the specs), alive as long as this.
  ClaimCoordinator(WorkPool& pool, ProgressDisplay& progress, const std::vector<CollectedTest>& tests, int ranks,
                   ResultSink sink, RerunPolicy reruns = {});

  // Each other rank's first `batch` tests from its own group: (rank, grant text) to send.
  std::vector<std::pair<int, std::string>> first_grants(int batch);
  // One message from rank `from`; the answer to send back, if any. Throws on a garbled result.
  std::optional<std::string> handle(int from, const std::string& text);
  // Rank 0's own tests, taken without a message; `drained` once no more can come.
  std::vector<GrantedTest> take_own(int count, bool& drained);
  // Rank 0's own finished test, and those the others report.
  void finished(TestResult result);
  int workers_left() const { return workers_left_; }

 private:
  WorkPool& pool_;
  ProgressDisplay& progress_;
  const std::vector<CollectedTest>& tests_;
  int workers_left_;
  bool rerun_wanted(const TestResult& result) const;
  std::vector<GrantedTest> granted_tests(const std::vector<int>& indices) const;

  int ranks_;
  ResultSink sink_;
  RerunPolicy reruns_;
  std::optional<std::regex> only_rerun_;
  std::vector<int> tries_;  // per test: results so far
};

// What the other ranks write and read.
std::string claim_message(int count);
std::string finish_message(const TestResult& result);
struct Grant {
  bool first = false;  // "I": sent unasked, never the last
  bool hold = false;   // "H": more may come later, never the last
  std::vector<GrantedTest> tests;
};
Grant parse_grant(const std::string& text);  // throws nlohmann's exceptions on a garbled grant

}  // namespace tellus_harness
