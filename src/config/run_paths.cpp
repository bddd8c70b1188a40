#include "tellus_harness/config/run_paths.hpp"

#include <filesystem>

#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/config/suite.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

namespace {

bool is_yaml(const std::string& path) { return path.ends_with(".yaml") || path.ends_with(".yml"); }

bool holds_python_files(const std::string& dir) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->path().extension() == ".py" && it->is_regular_file(ec)) return true;
  return false;
}

}  // namespace

RunPaths classify_run_paths(const std::vector<std::string>& paths) {
  RunPaths out;
  for (const auto& path : paths) {
    std::error_code ec;
    const std::string file = path.substr(0, path.find("::"));
    if (path.find("::") != std::string::npos || file.ends_with(".py")) {
      if (!fs::is_regular_file(file, ec))
        throw UserError(file, 0, "no such test file (from the pytest path '" + path + "')");
      out.pytest_paths.push_back(path);
    } else if (fs::is_directory(path, ec)) {
      for (auto& suite : expand_suite_paths({path})) out.suite_files.push_back(std::move(suite));
      if (holds_python_files(path)) out.pytest_paths.push_back(path);
    } else if (is_yaml(path) || fs::exists(path, ec)) {
      for (auto& suite : expand_suite_paths({path})) out.suite_files.push_back(std::move(suite));
    } else {
      throw UserError(path, 0, "no such suite file, pytest file or directory");
    }
  }
  return out;
}

}  // namespace tellus_harness
