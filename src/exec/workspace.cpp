#include "tellus_harness/exec/workspace.hpp"

#include "tellus_harness/exec/confined_removal.hpp"

#include <ftw.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace fs = std::filesystem;

namespace tellus_harness {

std::string create_workspace(const std::string& output_dir, const std::string& name) {
  const fs::path parent = fs::absolute(fs::path(output_dir) / "work");
  const std::string root = (parent / name).string();
  // Plain mkdir calls: this runs once per test, thousands of times in a big suite.
  // A workspace that exists already was made by something else (another test writing into
  // work/): it is not ours to reuse or to remove.
  if (mkdir(root.c_str(), 0755) != 0) {
    std::error_code ec;
    if (errno == ENOENT) fs::create_directories(parent, ec);
    if (mkdir(root.c_str(), 0755) != 0) {
      if (errno == EEXIST)
        throw std::runtime_error("workspace " + root + " exists already (another test made it?); it was left untouched");
      throw std::runtime_error("cannot create workspace " + root + ": " + std::strerror(errno));
    }
  }
  for (const char* sub : {"/cache", "/config"})
    if (mkdir((root + sub).c_str(), 0755) != 0)
      throw std::runtime_error("cannot create workspace " + root + sub + ": " + std::strerror(errno));
  return root;
}

namespace {
thread_local std::int64_t g_usage = 0;
int add_usage(const char*, const struct stat* st, int, struct FTW*) {
  g_usage += static_cast<std::int64_t>(st->st_blocks) * 512;
  return 0;
}
}  // namespace

std::int64_t disk_usage_bytes(const std::string& path) {
  g_usage = 0;
  nftw(path.c_str(), add_usage, 32, FTW_PHYS | FTW_MOUNT);
  return g_usage;
}

std::string remove_workspace(const std::string& path) {
  std::string problems;
  for (const auto& p : remove_tree_confined(path)) problems += (problems.empty() ? "" : "; ") + p;
  return problems;
}

}  // namespace tellus_harness
