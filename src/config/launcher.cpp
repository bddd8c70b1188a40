#include "tellus_harness/config/launcher.hpp"

#include <algorithm>

namespace tellus_harness {

const std::vector<std::string>& launcher_placeholders() {
  static const std::vector<std::string> names{"{ranks}", "{nodes}", "{hosts}", "{nodelist}"};
  return names;
}

std::string unknown_placeholder(const std::string& word) {
  for (std::size_t open = word.find('{'); open != std::string::npos; open = word.find('{', open + 1)) {
    const std::size_t close = word.find('}', open);
    if (close == std::string::npos) return word.substr(open);
    const std::string name = word.substr(open, close - open + 1);
    const auto& known = launcher_placeholders();
    if (std::find(known.begin(), known.end(), name) == known.end()) return name;
  }
  return {};
}

namespace {

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

}  // namespace

std::vector<std::string> launch_prefix(const Launcher& launcher, const TestSpec& spec, bool under_slurm) {
  // Distinct hosts in the order the processes are placed, each with its count.
  std::vector<std::pair<std::string, int>> per_host;
  for (const auto& h : spec.hosts) {
    auto it = std::find_if(per_host.begin(), per_host.end(), [&](const auto& p) { return p.first == h; });
    if (it == per_host.end()) per_host.emplace_back(h, 1);
    else ++it->second;
  }
  std::string hosts, nodelist;
  for (const auto& [host, count] : per_host) {
    hosts += (hosts.empty() ? "" : ",") + host + ":" + std::to_string(count);
    nodelist += (nodelist.empty() ? "" : ",") + host;
  }
  const std::string ranks = std::to_string(spec.ranks);
  const std::string nodes = std::to_string(per_host.empty() ? 1 : per_host.size());
  std::vector<std::string> words = under_slurm ? launcher.slurm : launcher.mpirun;
  for (auto& w : words) {
    replace_all(w, "{ranks}", ranks);
    replace_all(w, "{nodes}", nodes);
    replace_all(w, "{hosts}", hosts);
    replace_all(w, "{nodelist}", nodelist);
  }
  return words;
}

}  // namespace tellus_harness
