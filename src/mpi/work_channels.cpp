// The claim protocol between rank 0 and the other ranks. Messages are short texts on one
// communicator, never blocking a rank's loop:
//   rank r -> 0 (kToCoordinator): "C n"            claim up to n tests
//                                 "F i outcome why" test i finished
//                                 "L"              rank r left its loop
//   0 -> rank r (kToWorker):      "G i j k..."     tests granted; fewer than asked: no more
#include <mpi.h>

#include <deque>
#include <sstream>
#include <string>
#include <utility>

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

std::string first_line(const std::string& s, std::size_t max = 300) {
  std::string line = s.substr(0, s.find('\n'));
  return line.size() > max ? line.substr(0, max) + "..." : line;
}

class CoordinatorChannel final : public WorkChannel {
 public:
  CoordinatorChannel(WorkPool& pool, ProgressDisplay& progress, const std::vector<TestSpec>& specs, int ranks)
      : pool_(pool), progress_(progress), specs_(specs), workers_left_(ranks > 1 ? ranks - 1 : 0) {}

  std::vector<int> take(int free_slots) override {
    if (drained_) return {};
    auto granted = pool_.claim(0, free_slots);
    if (static_cast<int>(granted.size()) < free_slots) drained_ = true;
    progress_.started(static_cast<int>(granted.size()));
    return granted;
  }

  bool drained() const override { return drained_; }

  void report(const TestResult& r) override { finished(r.index, r.outcome, 0, r.longrepr); }

  bool serve() override {
    for (;;) {
      int flag = 0;
      MPI_Status status;
      if (workers_left_ == 0) break;
      MPI_Iprobe(MPI_ANY_SOURCE, kToCoordinator, MPI_COMM_WORLD, &flag, &status);
      if (!flag) break;
      int length = 0;
      MPI_Get_count(&status, MPI_CHAR, &length);
      std::string text(static_cast<std::size_t>(length), '\0');
      MPI_Recv(text.data(), length, MPI_CHAR, status.MPI_SOURCE, kToCoordinator, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      handle(status.MPI_SOURCE, text);
    }
    outbox_.progress();
    progress_.tick();
    return workers_left_ == 0;
  }

  void stop() override {
    pool_.stop();
    drained_ = true;
  }

  void leave() override { outbox_.flush(); }

  std::chrono::microseconds poll_interval() const override {
    return std::chrono::microseconds(workers_left_ > 0 ? 500 : 50000);
  }

 private:
  void handle(int from, const std::string& text) {
    std::istringstream in(text);
    char type = 0;
    in >> type;
    if (type == 'C') {
      int count = 0;
      in >> count;
      std::string reply = "G";
      const auto granted = pool_.claim(from, count);
      for (int i : granted) reply += " " + std::to_string(i);
      progress_.started(static_cast<int>(granted.size()));
      outbox_.send(std::move(reply), from, kToWorker);
    } else if (type == 'F') {
      int index = 0, outcome = 0;
      in >> index >> outcome;
      std::string why;
      std::getline(in >> std::ws, why);
      finished(index, static_cast<Outcome>(outcome), from, why);
    } else if (type == 'L') {
      --workers_left_;
    }
  }

  void finished(int index, Outcome outcome, int rank, const std::string& why) {
    pool_.record_finish(outcome == Outcome::kFailed || outcome == Outcome::kError);
    progress_.finished(outcome, specs_[index].nodeid, rank, first_line(why));
  }

  WorkPool& pool_;
  ProgressDisplay& progress_;
  const std::vector<TestSpec>& specs_;
  int workers_left_;
  bool drained_ = false;
  Outbox outbox_;
};

class WorkerChannel final : public WorkChannel {
 public:
  explicit WorkerChannel(std::vector<int> first_batch) : first_batch_(std::move(first_batch)) {}

  std::vector<int> take(int free_slots) override {
    if (!first_batch_.empty()) return std::exchange(first_batch_, {});
    if (awaiting_) return poll_grant();
    if (drained_ || free_slots <= 0) return {};
    asked_ = free_slots;
    grant_.assign(static_cast<std::size_t>(16 + 12 * free_slots), '\0');
    outbox_.send("C " + std::to_string(free_slots), 0, kToCoordinator);
    MPI_Irecv(grant_.data(), static_cast<int>(grant_.size()), MPI_CHAR, 0, kToWorker, MPI_COMM_WORLD, &grant_request_);
    awaiting_ = true;
    return poll_grant();
  }

  bool drained() const override { return drained_ && !awaiting_; }

  void report(const TestResult& r) override {
    outbox_.send("F " + std::to_string(r.index) + " " + std::to_string(static_cast<int>(r.outcome)) + " " +
                     first_line(r.longrepr),
                 0, kToCoordinator);
  }

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
    return std::chrono::microseconds(awaiting_ ? 200 : 50000);
  }

 private:
  std::vector<int> poll_grant() {
    int done = 0;
    MPI_Status status;
    MPI_Test(&grant_request_, &done, &status);
    if (!done) return {};
    awaiting_ = false;
    int length = 0;
    MPI_Get_count(&status, MPI_CHAR, &length);
    std::istringstream in(grant_.substr(0, static_cast<std::size_t>(length)));
    char type = 0;
    in >> type;
    std::vector<int> granted;
    for (int i; in >> i;) granted.push_back(i);
    if (static_cast<int>(granted.size()) < asked_) drained_ = true;
    return granted;
  }

  std::vector<int> first_batch_;
  bool drained_ = false;
  bool awaiting_ = false;
  int asked_ = 0;
  std::string grant_;
  MPI_Request grant_request_ = MPI_REQUEST_NULL;
  Outbox outbox_;
};

}  // namespace

std::unique_ptr<WorkChannel> make_coordinator_channel(WorkPool& pool, ProgressDisplay& progress,
                                                      const std::vector<TestSpec>& specs, int ranks) {
  return std::make_unique<CoordinatorChannel>(pool, progress, specs, ranks);
}

std::unique_ptr<WorkChannel> make_worker_channel(std::vector<int> first_batch) {
  return std::make_unique<WorkerChannel>(std::move(first_batch));
}

}  // namespace tellus_harness
