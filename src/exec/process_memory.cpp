#include "tellus_harness/exec/process_memory.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace tellus_harness {

namespace {

struct ProcStat {
  pid_t ppid = 0;
  std::int64_t rss_pages = 0;
};

// ppid and rss of every process, from /proc/<pid>/stat.
std::unordered_map<pid_t, ProcStat> read_all_stats() {
  std::unordered_map<pid_t, ProcStat> stats;
  DIR* proc = opendir("/proc");
  if (!proc) return stats;
  char path[300];
  char buf[1024];
  while (dirent* e = readdir(proc)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    const ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) continue;
    buf[n] = '\0';
    // Fields after the command name, which may itself contain spaces and parentheses.
    const char* p = std::strrchr(buf, ')');
    if (!p) continue;
    // state(3) ppid(4) ... rss(24): count fields from the one after ')'.
    int field = 2;
    ProcStat s;
    for (const char* q = p + 1; *q; ++q) {
      if (*q != ' ') continue;
      ++field;
      if (field == 4) s.ppid = static_cast<pid_t>(std::strtol(q + 1, nullptr, 10));
      if (field == 24) {
        s.rss_pages = std::strtol(q + 1, nullptr, 10);
        break;
      }
    }
    stats[static_cast<pid_t>(std::atoi(e->d_name))] = s;
  }
  closedir(proc);
  return stats;
}

}  // namespace

std::unordered_map<pid_t, std::int64_t> resident_bytes_by_tree(const std::vector<pid_t>& roots) {
  static const long page = sysconf(_SC_PAGESIZE);
  std::unordered_map<pid_t, std::int64_t> usage;
  if (roots.empty()) return usage;
  for (pid_t r : roots) usage[r] = 0;
  const auto stats = read_all_stats();
  // Which root each process is under (0: none), remembered along each walk up the tree.
  std::unordered_map<pid_t, pid_t> owner;
  for (pid_t r : roots) owner[r] = r;
  for (const auto& [pid, stat] : stats) {
    std::vector<pid_t> path;
    pid_t p = pid;
    pid_t found = 0;
    for (int depth = 0; p > 1 && depth < 4096; ++depth) {
      if (auto it = owner.find(p); it != owner.end()) {
        found = it->second;
        break;
      }
      path.push_back(p);
      const auto s = stats.find(p);
      if (s == stats.end()) break;
      p = s->second.ppid;
    }
    for (pid_t q : path) owner[q] = found;
    if (found) usage[found] += stat.rss_pages * page;
  }
  return usage;
}

}  // namespace tellus_harness
