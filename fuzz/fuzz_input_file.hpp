#pragma once
// Fuzz targets whose parser reads a file get the input written to one, in a directory of
// their own under /dev/shm (memory: the fuzzer writes thousands of them a second).
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

inline std::string fuzz_directory(const std::string& target) {
  const std::string dir = "/dev/shm/tellus-fuzz-" + target + "-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string write_input(const std::string& path, const std::uint8_t* data, std::size_t size) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}
