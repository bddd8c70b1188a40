#include "tellus_harness/exec/workspace.hpp"

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
  if (mkdir(root.c_str(), 0755) != 0) {
    std::error_code ec;
    if (errno == ENOENT) fs::create_directories(parent, ec);
    else if (errno == EEXIST) fs::remove_all(root, ec);  // left by an earlier run into the same directory
    if (mkdir(root.c_str(), 0755) != 0)
      throw std::runtime_error("cannot create workspace " + root + ": " + std::strerror(errno));
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
  std::error_code ec;
  fs::remove_all(path, ec);  // removes symlinks themselves, does not follow them
  return ec ? "cannot remove workspace " + path + ": " + ec.message() : std::string();
}

}  // namespace tellus_harness
