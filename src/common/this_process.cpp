#include "tellus_harness/common/this_process.hpp"

#include <unistd.h>

#include <cstdlib>

namespace tellus_harness {

std::string this_host_name() {
  // In a Slurm job step the node's name is what people look for (and what tells apart nodes
  // that share a host name, as in containers).
  if (const char* node = std::getenv("SLURMD_NODENAME"); node && *node) return node;
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

std::string this_executable() {
  char path[4096];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  return n > 0 ? std::string(path, static_cast<std::size_t>(n)) : std::string("tellus-harness");
}

}  // namespace tellus_harness
