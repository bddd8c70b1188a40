#pragma once
// Removes passed tests' workspaces on a background thread, so that the rank's loop is not
// held up by directory removal (it costs more than starting a short test). The thread only
// touches the filesystem, never MPI. Destruction waits until every queued removal is done.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tellus_harness {

class WorkspaceRemover {
 public:
  WorkspaceRemover();
  ~WorkspaceRemover();
  WorkspaceRemover(const WorkspaceRemover&) = delete;
  WorkspaceRemover& operator=(const WorkspaceRemover&) = delete;

  void remove(std::string path);
  // Waits for the queue to empty; returns the removal problems met so far.
  std::vector<std::string> drain();

 private:
  void run();
  std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::deque<std::string> queue_;
  std::vector<std::string> problems_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tellus_harness
