#include "tellus_harness/perf/perf_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tellus_harness/common/environment_names.hpp"
#include "tellus_harness/common/process_runner.hpp"
#include "tellus_harness/common/schema_version.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

std::string default_perf_store() {
  if (const char* d = std::getenv(env::kPerfStore); d && *d) return d;
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/tmp") + "/.tellus_perf";
}

std::string resolve_perf_store(const std::string& option) {
  const std::string store = option.empty() ? default_perf_store() : option;
  return store == "none" ? std::string() : store;
}

namespace {

nlohmann::json to_json(const PerfRun& r) {
  nlohmann::json tests = nlohmann::json::object();
  for (const auto& [name, t] : r.tests) tests[name] = {{"duration_s", t.duration_s}, {"outcome", t.outcome}, {"tries", t.tries}};
  nlohmann::json j = {{"schema_version", kPerfRunSchemaVersion}, {"timestamp", r.timestamp}, {"git_commit", r.git_commit.empty() ? nlohmann::json() : nlohmann::json(r.git_commit)},
                      {"metrics", r.metrics}, {"run_id", r.run_id}, {"host", r.host}, {"profile", r.profile},
                      {"ranks", r.ranks}, {"branch", r.branch}, {"tests", tests}};
  if (!r.directions.empty()) j["directions"] = r.directions;
  return j;
}

PerfRun from_json(const nlohmann::json& j) {
  require_known_schema("the file", j.value("schema_version", 1), kPerfRunSchemaVersion);
  PerfRun r;
  r.timestamp = j.at("timestamp").get<double>();
  if (j.contains("git_commit") && j["git_commit"].is_string()) r.git_commit = j["git_commit"].get<std::string>();
  for (const auto& [test, metrics] : j.at("metrics").items())
    for (const auto& [metric, value] : metrics.items())
      if (value.is_number()) r.metrics[test][metric] = value.get<double>();
  r.run_id = j.value("run_id", "");
  r.host = j.value("host", "");
  r.profile = j.value("profile", "");
  r.ranks = j.value("ranks", 1);
  r.branch = j.value("branch", "");
  if (j.contains("directions")) r.directions = j["directions"].get<std::map<std::string, std::map<std::string, std::string>>>();
  if (j.contains("tests"))
    for (const auto& [name, t] : j["tests"].items())
      r.tests[name] = {t.value("duration_s", 0.0), t.value("outcome", ""), t.value("tries", 1)};
  return r;
}

// What git prints, on one line; "" outside a repository or without git.
std::string git_output(const std::vector<std::string>& argv) {
  const ProgramResult r = run_program(argv, "", true);
  if (!r.started || r.exit_code != 0) return {};
  std::string out = r.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string first_env(std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (const char* v = std::getenv(n); v && *v) return v;
  return {};
}

}  // namespace

std::string write_perf_run(const std::string& dir, const PerfRun& run) {
  fs::create_directories(dir);
  const std::string content = to_json(run).dump(2) + "\n";
  const std::string tmp = dir + "/.perf_results.tmp." + std::to_string(getpid()) + "." + run.run_id;
  {
    std::ofstream out(tmp);
    out << content;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  if (const int fd = open(tmp.c_str(), O_RDONLY); fd >= 0) {
    fsync(fd);
    close(fd);
  }
  // link() fails when the name exists, on NFS and Lustre too: two runs in the same second,
  // or concurrent jobs, each get a name of their own and nobody's file is replaced.
  const long long ts = static_cast<long long>(std::floor(run.timestamp));
  for (int n = 1;; ++n) {
    const std::string name = dir + "/perf_results_" + std::to_string(ts) + (n == 1 ? "" : "_" + std::to_string(n)) + ".json";
    if (link(tmp.c_str(), name.c_str()) == 0) {
      unlink(tmp.c_str());
      return name;
    }
    if (errno != EEXIST) {
      const std::string why = std::strerror(errno);
      unlink(tmp.c_str());
      throw std::runtime_error("cannot write " + name + ": " + why);
    }
  }
}

std::vector<PerfRun> load_perf_runs(const std::string& dir, double since, std::vector<std::string>& warnings) {
  std::vector<PerfRun> runs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with("perf_results_") || !name.ends_with(".json")) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    try {
      PerfRun r = from_json(nlohmann::json::parse(text.str()));
      if (r.timestamp < since) continue;
      r.file = e.path().string();
      runs.push_back(std::move(r));
    } catch (const std::exception& ex) {
      warnings.push_back(e.path().string() + ": skipped, not a readable perf result (" + ex.what() + ")");
    }
  }
  std::sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a.timestamp < b.timestamp; });
  return runs;
}

std::string current_git_commit() {
  std::string c = first_env({env::kGitCommit, "GITHUB_SHA", "CI_COMMIT_SHA", "GIT_COMMIT"});
  return c.empty() ? git_output({"git", "rev-parse", "HEAD"}) : c;
}

std::string current_git_branch() {
  std::string b = first_env({env::kGitBranch, "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME", "GIT_BRANCH"});
  return b.empty() ? git_output({"git", "rev-parse", "--abbrev-ref", "HEAD"}) : b;
}

}  // namespace tellus_harness
