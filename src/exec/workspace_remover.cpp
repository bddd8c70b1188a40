#include "tellus_harness/exec/workspace_remover.hpp"

#include "tellus_harness/exec/workspace.hpp"

namespace tellus_harness {

WorkspaceRemover::WorkspaceRemover() : thread_([this] { run(); }) {}

WorkspaceRemover::~WorkspaceRemover() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void WorkspaceRemover::remove(std::string path) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(path));
  }
  wake_.notify_one();
}

std::vector<std::string> WorkspaceRemover::drain() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
  return problems_;
}

void WorkspaceRemover::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and all done
    const std::string path = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    const std::string problem = remove_workspace(path);
    lock.lock();
    busy_ = false;
    if (!problem.empty()) problems_.push_back(problem);
    if (queue_.empty()) idle_.notify_all();
  }
}

}  // namespace tellus_harness
