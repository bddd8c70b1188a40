#include "tellus_harness/run/rank_loop.hpp"

#include <cstdio>

#include "tellus_harness/exec/interrupt.hpp"

namespace tellus_harness {

void run_rank_loop(Executor& executor, WorkChannel& channel, Journal& journal, int rank, int attempt) {
  // A rank that cannot journal (a full disk) stops starting tests: a result it could not keep
  // would be lost to the next kill. What it has still reaches rank 0 and the reports.
  std::string stop_reason;
  auto record = [&](TestResult r) {
    r.attempt = attempt;
    if (!journal.append(r, &r.journal_line) && stop_reason.empty()) {
      stop_reason = "rank " + std::to_string(rank) + " stopped: " + journal.failure();
      std::fprintf(stderr, "tellus-harness: error: %s; it starts no more tests (free space; finished results are kept)\n",
                   stop_reason.c_str());
    }
    channel.report(r);
  };
  bool stopping = false;
  for (;;) {
    if ((interrupted() || !stop_reason.empty()) && !stopping) {
      stopping = true;
      channel.stop();
      executor.stop_all(interrupted() ? interrupt_reason() : stop_reason);
    }
    if (stopping) {
      // A grant that was already on its way is answered with errors, so every claim ends.
      for (const auto& granted : channel.take(0)) {
        TestResult r;
        r.index = granted.index;
        r.nodeid = granted.spec.nodeid;
        r.outcome = Outcome::kError;
        r.phase = "setup";
        r.longrepr = interrupted() ? interrupt_reason() : stop_reason;
        r.stopped_by_run = true;
        r.rank = rank;
        record(std::move(r));
      }
    } else if (const int slots = executor.free_slots() + executor.lookahead_slots(); !channel.drained() && slots > 0) {
      for (const auto& granted : channel.take(slots)) executor.start(granted.index, granted.spec);
    }
    for (auto& r : executor.wait(channel.poll_interval())) record(std::move(r));
    const bool others_done = channel.serve();
    if (channel.drained() && executor.idle() && others_done) break;
  }
  channel.leave();
}

}  // namespace tellus_harness
