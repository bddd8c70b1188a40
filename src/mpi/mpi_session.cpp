#include "tellus_harness/mpi/mpi_session.hpp"

#include <mpi.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "tellus_harness/common/environment_names.hpp"

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
// The gather's own tag: the claim channels use others.
constexpr int kGatherTag = 21;

// Messages go in chunks below INT_MAX (MPI counts are ints); TELLUS_MPI_CHUNK_BYTES makes them
// small so that tests see the chunking at work without gigabytes.
unsigned long long chunk_bytes() {
  static const unsigned long long bytes = [] {
    const char* v = std::getenv(env::kMpiChunkBytes);
    const unsigned long long n = v && *v ? std::strtoull(v, nullptr, 10) : 0;
    return n > 0 && n <= (1ull << 30) ? n : (1ull << 30);
  }();
  return bytes;
}
}  // namespace

MpiSession::MpiSession(int* argc, char*** argv) {
  // Threads of the harness's own (the report writers) never call MPI.
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() { finalize(); }

void MpiSession::finalize() {
  if (finalized_) return;
  finalized_ = true;
  MPI_Finalize();
}

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
  const unsigned long long chunk = chunk_bytes();
  for (unsigned long long off = 0; off < size; off += chunk) {
    MPI_Ibcast(text.data() + off, static_cast<int>(std::min(chunk, size - off)), MPI_CHAR, 0, MPI_COMM_WORLD, &request);
    wait_sleeping(request);
  }
  return text;
}

// Sizes first (64-bit), then each rank's text to rank 0 in rank order, in chunks: a gather
// of more than 2 GiB in all, or from one rank, never overflows MPI's int counts.
std::vector<std::string> MpiSession::gather_texts(const std::string& mine) const {
  unsigned long long length = mine.size();
  std::vector<unsigned long long> lengths(size_);
  MPI_Request request;
  MPI_Igather(&length, 1, MPI_UNSIGNED_LONG_LONG, lengths.data(), 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD, &request);
  wait_sleeping(request);
  const unsigned long long chunk = chunk_bytes();
  std::vector<std::string> texts;
  if (rank_ != 0) {
    for (unsigned long long off = 0; off < length; off += chunk) {
      MPI_Isend(mine.data() + off, static_cast<int>(std::min(chunk, length - off)), MPI_CHAR, 0, kGatherTag,
                MPI_COMM_WORLD, &request);
      wait_sleeping(request);
    }
    return texts;
  }
  texts.push_back(mine);
  for (int r = 1; r < size_; ++r) {
    std::string text(lengths[r], '\0');
    for (unsigned long long off = 0; off < lengths[r]; off += chunk) {
      MPI_Irecv(text.data() + off, static_cast<int>(std::min(chunk, lengths[r] - off)), MPI_CHAR, r, kGatherTag,
                MPI_COMM_WORLD, &request);
      wait_sleeping(request);
    }
    texts.push_back(std::move(text));
  }
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
  if (!finalized_) MPI_Abort(MPI_COMM_WORLD, code);
  _exit(code);
}
}  // namespace tellus_harness
