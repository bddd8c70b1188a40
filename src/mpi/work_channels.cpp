// The claim protocol between rank 0 and the other ranks. Messages are texts on one
// communicator, never blocking a rank's loop:
//   rank r -> 0 (kToCoordinator): "C n"            claim up to n tests
//                                 "F i outcome why" test i finished
//                                 "L"              rank r left its loop
//   0 -> rank r (kToWorker):      "I [[i, spec], ...]"  the first tests, sent unasked
//                                 "G [[i, spec], ...]"  tests granted; fewer than asked: no more
// A grant carries the specs, so a rank holds only the tests it runs.
#include <mpi.h>

#include <deque>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>

#include "tellus_harness/config/test_spec_json.hpp"
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

// "G" or "I" and the tests with their specs.
std::string grant_message(char type, const std::vector<int>& granted, const std::vector<TestSpec>& specs) {
  nlohmann::json tests = nlohmann::json::array();
  for (int i : granted) tests.push_back({i, specs[i]});
  return std::string(1, type) + " " + tests.dump();
}

std::vector<GrantedTest> granted_tests(const std::vector<int>& indices, const std::vector<TestSpec>& specs) {
  std::vector<GrantedTest> out;
  for (int i : indices) out.push_back({i, specs[i]});
  return out;
}

std::string first_line(const std::string& s, std::size_t max = 300) {
  std::string line = s.substr(0, s.find('\n'));
  return line.size() > max ? line.substr(0, max) + "..." : line;
}

class CoordinatorChannel final : public WorkChannel {
 public:
  CoordinatorChannel(WorkPool& pool, ProgressDisplay& progress, const std::vector<TestSpec>& specs, int ranks,
                     int first_batch)
      : pool_(pool), progress_(progress), specs_(specs), workers_left_(ranks > 1 ? ranks - 1 : 0) {
    for (int r = 1; r < ranks; ++r) {
      const auto first = pool_.claim_own(r, first_batch);
      progress_.started(static_cast<int>(first.size()));
      outbox_.send(grant_message('I', first, specs_), r, kToWorker);
    }
  }

  std::vector<GrantedTest> take(int free_slots) override {
    if (drained_) return {};
    auto granted = pool_.claim(0, free_slots);
    if (static_cast<int>(granted.size()) < free_slots) drained_ = true;
    progress_.started(static_cast<int>(granted.size()));
    return granted_tests(granted, specs_);
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
      const auto granted = pool_.claim(from, count);
      progress_.started(static_cast<int>(granted.size()));
      outbox_.send(grant_message('G', granted, specs_), from, kToWorker);
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
  std::vector<GrantedTest> take(int free_slots) override {
    if (awaiting_) return poll_grant();
    if (drained_ || free_slots <= 0) return {};
    asked_ = free_slots;
    outbox_.send("C " + std::to_string(free_slots), 0, kToCoordinator);
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
    std::vector<GrantedTest> granted;
    for (const auto& t : nlohmann::json::parse(text.substr(2))) granted.push_back({t.at(0).get<int>(), t.at(1).get<TestSpec>()});
    // The first grant ("I") is sent unasked; a claim's ("G") with fewer than asked is the last.
    if (text[0] == 'G' && static_cast<int>(granted.size()) < asked_) drained_ = true;
    return granted;
  }

  bool drained_ = false;
  bool awaiting_ = true;  // the first grant is on its way
  int asked_ = 0;
  Outbox outbox_;
};

}  // namespace

std::unique_ptr<WorkChannel> make_coordinator_channel(WorkPool& pool, ProgressDisplay& progress,
                                                      const std::vector<TestSpec>& specs, int ranks, int first_batch) {
  return std::make_unique<CoordinatorChannel>(pool, progress, specs, ranks, first_batch);
}

std::unique_ptr<WorkChannel> make_worker_channel() { return std::make_unique<WorkerChannel>(); }

}  // namespace tellus_harness
