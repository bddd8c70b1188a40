#include "tellus_harness/mpi/mpi_session.hpp"

#include <mpi.h>
#include <unistd.h>

#include <numeric>

namespace tellus_harness {

namespace {
// Open MPI's blocking calls poll without sleeping: a rank waiting for rank 0 (collecting the
// tests, writing the reports) would take a core from it. These waits sleep between polls.
void wait_sleeping(MPI_Request& request) {
  for (int polls = 0;; ++polls) {
    int done = 0;
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) return;
    usleep(polls < 10 ? 50 : 1000);
  }
}
}  // namespace

MpiSession::MpiSession(int* argc, char*** argv) {
  MPI_Init(argc, argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() { MPI_Finalize(); }

int MpiSession::broadcast(int value) const {
  MPI_Request request;
  MPI_Ibcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD, &request);
  wait_sleeping(request);
  return value;
}

std::string MpiSession::broadcast(std::string text) const {
  unsigned long long size = text.size();
  MPI_Request request;
  MPI_Ibcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD, &request);
  wait_sleeping(request);
  text.resize(size);
  // Chunks below INT_MAX so that huge suites still fit MPI's int counts.
  constexpr unsigned long long kChunk = 1ull << 30;
  for (unsigned long long off = 0; off < size; off += kChunk)
    MPI_Bcast(text.data() + off, static_cast<int>(std::min(kChunk, size - off)), MPI_CHAR, 0, MPI_COMM_WORLD);
  return text;
}

std::vector<std::string> MpiSession::gather_texts(const std::string& mine) const {
  int length = static_cast<int>(mine.size());
  std::vector<int> lengths(size_), displacements(size_);
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::string all;
  if (rank_ == 0) {
    std::exclusive_scan(lengths.begin(), lengths.end(), displacements.begin(), 0);
    all.resize(static_cast<std::size_t>(displacements.back()) + lengths.back());
  }
  MPI_Gatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(), displacements.data(), MPI_CHAR, 0,
              MPI_COMM_WORLD);
  std::vector<std::string> texts;
  if (rank_ == 0)
    for (int r = 0; r < size_; ++r) texts.push_back(all.substr(displacements[r], lengths[r]));
  return texts;
}

void MpiSession::sleeping_barrier() const {
  MPI_Request request;
  MPI_Ibarrier(MPI_COMM_WORLD, &request);
  wait_sleeping(request);
}

}  // namespace tellus_harness

namespace tellus_harness {
void MpiSession::abort(int code) const {
  MPI_Abort(MPI_COMM_WORLD, code);
  _exit(code);
}
}  // namespace tellus_harness
