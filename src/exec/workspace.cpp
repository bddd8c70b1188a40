#include "tellus_harness/exec/workspace.hpp"

#include <ftw.h>
#include <sys/stat.h>

#include <filesystem>
#include <stdexcept>

namespace fs = std::filesystem;

namespace tellus_harness {

std::string create_workspace(const std::string& output_dir, const std::string& name) {
  const fs::path root = fs::absolute(fs::path(output_dir) / "work" / name);
  std::error_code ec;
  fs::remove_all(root, ec);
  for (const char* sub : {"cache", "config"}) {
    fs::create_directories(root / sub, ec);
    if (ec) throw std::runtime_error("cannot create workspace " + (root / sub).string() + ": " + ec.message());
  }
  return root.string();
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
