#pragma once
// "~/x" as $HOME/x, for the key, known_hosts and credentials files a backend names.
#include <cstdlib>
#include <string>

namespace tellus_harness {

inline std::string home_path(std::string path) {
  if (path.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    path = std::string(home ? home : "") + path.substr(1);
  }
  return path;
}

}  // namespace tellus_harness
