#pragma once
// The only place that talks to MPI directly (besides the claim channels beside it): init and
// finalize, and the collectives the run needs. Waiting ranks sleep instead of spinning, so
// a rank that finished early does not steal a core from tests still running on its node.
#include <string>
#include <vector>

namespace tellus_harness {

class MpiSession {
 public:
  MpiSession(int* argc, char*** argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  int broadcast(int value) const;                // from rank 0
  std::string broadcast(std::string text) const;  // from rank 0
  // Every rank passes its text; rank 0 gets all of them in rank order (MPI_Gatherv).
  std::vector<std::string> gather_texts(const std::string& mine) const;
  // A barrier that polls with sleeps rather than busy-waiting.
  void sleeping_barrier() const;
  // MPI ends here, or at the latest when the session goes. Every rank must call it; it waits
  // for all of them, mostly asleep, so rank 0 writes its reports meanwhile.
  void finalize();
  // Ends every rank at once; for internal errors only, never for user errors. After
  // finalize(), only this process ends.
  [[noreturn]] void abort(int code) const;

 private:
  int rank_ = 0;
  int size_ = 1;
  bool finalized_ = false;
};

}  // namespace tellus_harness
