#include "tellus_harness/exec/process_memory.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace tellus_harness {

std::unordered_map<pid_t, std::int64_t> resident_bytes_by_process_group() {
  static const long page = sysconf(_SC_PAGESIZE);
  std::unordered_map<pid_t, std::int64_t> usage;
  DIR* proc = opendir("/proc");
  if (!proc) return usage;
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
    // state(3) ppid(4) pgrp(5) ... rss(24): count fields from the one after ')'.
    int field = 2;
    long pgrp = 0, rss = 0;
    for (const char* q = p + 1; *q; ++q) {
      if (*q != ' ') continue;
      ++field;
      if (field == 5) pgrp = std::strtol(q + 1, nullptr, 10);
      if (field == 24) {
        rss = std::strtol(q + 1, nullptr, 10);
        break;
      }
    }
    if (pgrp > 0) usage[static_cast<pid_t>(pgrp)] += static_cast<std::int64_t>(rss) * page;
  }
  closedir(proc);
  return usage;
}

}  // namespace tellus_harness
