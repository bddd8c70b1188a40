#pragma once
#include <filesystem>
#include <string>

// An empty directory /tmp/tellus-unit/<name>, made afresh for one test.
inline std::string fresh_temp_dir(const std::string& name) {
  const std::string dir = "/tmp/tellus-unit/" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}
