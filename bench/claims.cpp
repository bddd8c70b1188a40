// The claim protocol at scale, in one process: rank 0's ClaimCoordinator (the code
// work_channels.cpp runs on rank 0, without MPI's transport) serving RANKS simulated ranks
// that claim one test at a time and report it finished, TESTS tests in all. Both sides of a
// comparison in this run: grants that carry each test's spec (what the harness sends) against
// grants of bare indices (what it sent before ranks stopped holding the whole plan).
//   bench_claims [TESTS] [RANKS]        Goal: >= 20,000 claims and finishes per second.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "synthetic_tests.hpp"
#include "tellus_harness/mpi/claim_coordinator.hpp"
#include "tellus_harness/plan/partition.hpp"
#include "tellus_harness/plan/work_pool.hpp"
#include "tellus_harness/report/progress.hpp"

using namespace tellus_harness;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Figures {
  double coordinator_s = 0;  // rank 0's handling of claims and finishes
  double ranks_s = 0;        // the simulated ranks decoding their grants
  long messages = 0;         // claims + finishes handled
};

// Every rank claims one test at a time, round robin, until the pool is drained.
Figures serve(const std::vector<CollectedTest>& tests, int ranks, bool with_specs) {
  std::vector<double> durations(tests.size(), 1.0);
  WorkPool pool(partition_longest_first(durations, ranks), durations, true, 0);
  ProgressDisplay progress(static_cast<int>(tests.size()), false, false);
  ClaimCoordinator coordinator(pool, progress, tests, ranks, [](TestResult) {});
  Figures f;
  std::vector<bool> done(ranks, false);
  done[0] = true;  // rank 0 runs no simulated tests here
  const auto t_first = Clock::now();
  coordinator.first_grants(0);
  f.coordinator_s += seconds_since(t_first);
  for (int active = ranks - 1; active > 0;) {
    for (int r = 1; r < ranks; ++r) {
      if (done[r]) continue;
      const std::string claim = claim_message(1);
      auto t0 = Clock::now();
      std::vector<int> granted;
      std::string reply;
      if (with_specs) {
        reply = *coordinator.handle(r, claim);
      } else {  // the former protocol: "G i j k" and no specs
        granted = pool.claim(r, 1);
        reply = "G";
        for (int i : granted) reply += " " + std::to_string(i);
      }
      f.coordinator_s += seconds_since(t0);
      t0 = Clock::now();
      if (with_specs) {
        for (const auto& g : parse_grant(reply).tests) granted.push_back(g.index);
      } else {
        granted.clear();
        for (std::size_t at = reply.find(' '); at != std::string::npos; at = reply.find(' ', at + 1))
          granted.push_back(std::atoi(reply.c_str() + at + 1));
      }
      f.ranks_s += seconds_since(t0);
      ++f.messages;
      if (granted.empty()) {
        done[r] = true;
        --active;
        continue;
      }
      TestResult result;
      result.index = granted[0];
      result.outcome = Outcome::kPassed;
      const std::string finish = finish_message(result);
      t0 = Clock::now();
      coordinator.handle(r, finish);
      f.coordinator_s += seconds_since(t0);
      ++f.messages;
    }
  }
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  const int tests = argc > 1 ? std::atoi(argv[1]) : 100000;
  const int ranks = argc > 2 ? std::atoi(argv[2]) : 1000;
  std::vector<CollectedTest> plan_tests;
  for (int i = 0; i < tests; ++i) plan_tests.push_back({synthetic_spec(i), "", ""});
  for (const bool with_specs : {true, false}) {
    const Figures f = serve(plan_tests, ranks, with_specs);
    std::printf("%-22s %d tests, %d ranks: rank 0 %.2f s for %ld claims and finishes = %.0f per second; "
                "the ranks' decoding %.2f s\n",
                with_specs ? "grants with specs:" : "grants of indices:", tests, ranks, f.coordinator_s, f.messages,
                f.messages / f.coordinator_s, f.ranks_s);
  }
  return 0;
}
