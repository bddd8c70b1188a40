// The claim protocol's messages (mpi/claim_coordinator.hpp) moved with MPI, never blocking a
// rank's loop.
#include <mpi.h>

#include <deque>
#include <string>
#include <utility>

#include "tellus_harness/mpi/claim_coordinator.hpp"
#include "tellus_harness/mpi/work_channel.hpp"

namespace tellus_harness {

namespace {

constexpr int kToCoordinator = 11;
constexpr int kToWorker = 12;

// Sends without blocking; buffers stay alive until MPI is done with them.
class Outbox {
 public:
  void send(std::string text, int to, int tag) {
    pending_.push_back({std::move(text), MPI_REQUEST_NULL});
    auto& p = pending_.back();
    MPI_Isend(p.text.data(), static_cast<int>(p.text.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD, &p.request);
    progress();
  }
  void progress() {
    while (!pending_.empty()) {
      int done = 0;
      MPI_Test(&pending_.front().request, &done, MPI_STATUS_IGNORE);
      if (!done) return;
      pending_.pop_front();
    }
  }
  void flush() {
    for (auto& p : pending_) MPI_Wait(&p.request, MPI_STATUS_IGNORE);
    pending_.clear();
  }

 private:
  struct Pending {
    std::string text;
    MPI_Request request;
  };
  std::deque<Pending> pending_;  // deque: elements never move, so request addresses stay valid
};

class CoordinatorChannel final : public WorkChannel {
 public:
  CoordinatorChannel(WorkPool& pool, ProgressDisplay& progress, const std::vector<CollectedTest>& tests, int ranks,
                     int first_batch, ResultSink sink, const RerunPolicy& reruns)
      : pool_(pool), progress_(progress), coordinator_(pool, progress, tests, ranks, std::move(sink), reruns) {
    for (auto& [rank, grant] : coordinator_.first_grants(first_batch)) outbox_.send(std::move(grant), rank, kToWorker);
  }

  std::vector<GrantedTest> take(int free_slots) override {
    if (drained_) return {};
    return coordinator_.take_own(free_slots, drained_);
  }

  bool drained() const override { return drained_; }

  void report(const TestResult& r) override { coordinator_.finished(r); }

  bool serve() override {
    for (;;) {
      int flag = 0;
      MPI_Status status;
      if (coordinator_.workers_left() == 0) break;
      MPI_Iprobe(MPI_ANY_SOURCE, kToCoordinator, MPI_COMM_WORLD, &flag, &status);
      if (!flag) break;
      int length = 0;
      MPI_Get_count(&status, MPI_CHAR, &length);
      std::string text(static_cast<std::size_t>(length), '\0');
      MPI_Recv(text.data(), length, MPI_CHAR, status.MPI_SOURCE, kToCoordinator, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (auto reply = coordinator_.handle(status.MPI_SOURCE, text)) outbox_.send(std::move(*reply), status.MPI_SOURCE, kToWorker);
    }
    outbox_.progress();
    progress_.tick();
    return coordinator_.workers_left() == 0;
  }

  void stop() override {
    pool_.stop();
    drained_ = true;
  }

  void leave() override { outbox_.flush(); }

  // Each wake-up costs the core this rank shares with its own tests (in a VM, 500 us polling
  // took a fifth of it); a claim waits at most this long, hidden behind the tests a busy
  // pytest worker has queued.
  std::chrono::microseconds poll_interval() const override {
    return std::chrono::microseconds(coordinator_.workers_left() > 0 ? 2000 : 50000);
  }

 private:
  WorkPool& pool_;
  ProgressDisplay& progress_;
  ClaimCoordinator coordinator_;
  bool drained_ = false;
  Outbox outbox_;
};

class WorkerChannel final : public WorkChannel {
 public:
  std::vector<GrantedTest> take(int free_slots) override {
    if (awaiting_) return poll_grant();
    if (drained_ || free_slots <= 0 || Clock::now() < hold_until_) return {};
    asked_ = free_slots;
    outbox_.send(claim_message(free_slots), 0, kToCoordinator);
    awaiting_ = true;
    return poll_grant();
  }

  bool drained() const override { return drained_ && !awaiting_; }

  void report(const TestResult& r) override { outbox_.send(finish_message(r), 0, kToCoordinator); }

  bool serve() override {
    outbox_.progress();
    return true;
  }

  void stop() override { drained_ = true; }

  void leave() override {
    outbox_.send("L", 0, kToCoordinator);
    outbox_.flush();
  }

  std::chrono::microseconds poll_interval() const override {
    return std::chrono::microseconds(awaiting_ ? 1000 : 50000);
  }

 private:
  // A grant is as long as its specs: probed for its size, then received.
  std::vector<GrantedTest> poll_grant() {
    int flag = 0;
    MPI_Status status;
    MPI_Iprobe(0, kToWorker, MPI_COMM_WORLD, &flag, &status);
    if (!flag) return {};
    int length = 0;
    MPI_Get_count(&status, MPI_CHAR, &length);
    std::string text(static_cast<std::size_t>(length), '\0');
    MPI_Recv(text.data(), length, MPI_CHAR, 0, kToWorker, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    awaiting_ = false;
    Grant grant = parse_grant(text);
    // The first grant is sent unasked; a claim's with fewer than asked is the last.
    if (!grant.first && !grant.hold && static_cast<int>(grant.tests.size()) < asked_) drained_ = true;
    // Nothing more for now, but a failed test may come back for a rerun: ask again soon.
    if (grant.hold && static_cast<int>(grant.tests.size()) < asked_) hold_until_ = Clock::now() + kHoldInterval;
    return std::move(grant.tests);
  }

  using Clock = std::chrono::steady_clock;
  static constexpr auto kHoldInterval = std::chrono::milliseconds(20);
  bool drained_ = false;
  bool awaiting_ = true;  // the first grant is on its way
  int asked_ = 0;
  Clock::time_point hold_until_;
  Outbox outbox_;
};

}  // namespace

std::unique_ptr<WorkChannel> make_coordinator_channel(WorkPool& pool, ProgressDisplay& progress,
                                                      const std::vector<CollectedTest>& tests, int ranks, int first_batch,
                                                      ResultSink sink, const RerunPolicy& reruns) {
  return std::make_unique<CoordinatorChannel>(pool, progress, tests, ranks, first_batch, std::move(sink), reruns);
}

std::unique_ptr<WorkChannel> make_worker_channel() { return std::make_unique<WorkerChannel>(); }

}  // namespace tellus_harness
