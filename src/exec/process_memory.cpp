#include "tellus_harness/exec/process_memory.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unordered_set>

namespace tellus_harness {

namespace {

// Resident pages of one process: the second field of /proc/<pid>/statm; 0 when it is gone.
std::int64_t resident_pages(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/statm", static_cast<int>(pid));
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[256];
  const ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  char* rest = nullptr;
  std::strtoll(buf, &rest, 10);  // size
  return std::strtoll(rest, nullptr, 10);
}

// A fork bomb below a test must not make the walk unbounded.
constexpr std::size_t kMaxProcessesPerTree = 100000;

}  // namespace

std::vector<pid_t> child_processes(pid_t pid) {
  std::vector<pid_t> out;
  const std::string task_dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* tasks = opendir(task_dir.c_str());
  if (!tasks) return out;
  while (dirent* t = readdir(tasks)) {
    if (t->d_name[0] == '.') continue;
    std::ifstream children(task_dir + "/" + t->d_name + "/children");
    for (pid_t c; children >> c;) out.push_back(c);
  }
  closedir(tasks);
  return out;
}

std::unordered_map<pid_t, std::int64_t> resident_bytes_by_tree(const std::vector<pid_t>& roots) {
  static const long page = sysconf(_SC_PAGESIZE);
  std::unordered_map<pid_t, std::int64_t> usage;
  for (pid_t root : roots) {
    std::int64_t pages = 0;
    std::vector<pid_t> todo{root};
    std::unordered_set<pid_t> seen;
    while (!todo.empty() && seen.size() < kMaxProcessesPerTree) {
      const pid_t p = todo.back();
      todo.pop_back();
      if (!seen.insert(p).second) continue;  // a pid reused while we walked
      pages += resident_pages(p);
      for (pid_t c : child_processes(p)) todo.push_back(c);
    }
    usage[root] = pages * page;
  }
  return usage;
}

}  // namespace tellus_harness
