#include "tellus_harness/run/run_request.hpp"

#include <sched.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <regex>

#include "tellus_harness/common/environment_names.hpp"
#include "tellus_harness/common/this_process.hpp"
#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/common/wall_clock.hpp"
#include "tellus_harness/config/quarantine.hpp"
#include "tellus_harness/config/run_paths.hpp"
#include "tellus_harness/config/suite.hpp"
#include "tellus_harness/config/value_ranges.hpp"
#include "tellus_harness/perf/run_recording.hpp"
#include "tellus_harness/perf/trend_analysis.hpp"
#include "tellus_harness/plan/partition.hpp"
#include "tellus_harness/pytest/pytest_collection.hpp"
#include "tellus_harness/run/last_failed.hpp"
#include "tellus_harness/workloads/workload.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

namespace {

// tellus-results/<UTC timestamp>, with -2, -3, ... when runs start in the same second.
std::string create_output_dir(const std::string& requested) {
  std::error_code ec;
  if (!requested.empty()) {
    // Two runs' journals and workspaces in one directory would mix their results.
    if (fs::exists(requested, ec) && !fs::is_empty(requested, ec))
      throw UserError("output directory '" + requested +
                      "' already holds files (an earlier run?): name a new or empty --output-dir, or remove it");
    fs::create_directories(requested, ec);
    if (ec) throw UserError("cannot create output directory '" + requested + "': " + ec.message());
    return requested;
  }
  const std::string stamp = utc_text(now_unix(), kDirectoryStamp);
  fs::create_directories(kResultsRoot, ec);
  if (ec) throw UserError(std::string("cannot create output directory '") + kResultsRoot + "': " + ec.message());
  for (int n = 1;; ++n) {
    const std::string dir = std::string(kResultsRoot) + "/" + stamp + (n == 1 ? "" : "-" + std::to_string(n));
    if (mkdir(dir.c_str(), 0755) == 0) return dir;
    if (errno != EEXIST) throw UserError("cannot create output directory '" + dir + "': " + std::strerror(errno));
  }
}

// A report path whose directory cannot be written is found now, not after the last test.
void check_report_path(const std::string& path, const char* option) {
  const fs::path parent = fs::absolute(path).parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec || access(parent.c_str(), W_OK) != 0)
    throw UserError(std::string(option) + " " + path + ": cannot write to " + parent.string() + ": " +
                    (ec ? ec.message() : std::strerror(errno)) + "; choose a writable path");
}

// 16 hex digits that tell this run's journal lines from any other's.
std::string new_run_id() {
  unsigned char bytes[8] = {};
  if (getrandom(bytes, sizeof bytes, 0) != sizeof bytes) {
    const auto t = static_cast<std::uint64_t>(now_unix() * 1e6) ^ static_cast<std::uint64_t>(getpid());
    std::memcpy(bytes, &t, sizeof bytes);
  }
  char hex[17];
  for (int i = 0; i < 8; ++i) std::snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
  return hex;
}

// Each test's median duration over its recent runs, where the store has them, replaces the
// suite's expected_duration as the scheduling estimate.
void apply_duration_history(RunPlan& plan, const std::vector<PerfRun>& history) {
  const auto medians = median_durations(history);
  for (auto& t : plan.tests)
    if (auto it = medians.find(perf_key(t.spec)); it != medians.end()) t.spec.expected_duration_s = it->second;
}

// The CPUs one rank may use: its affinity mask when it is bound (mpirun binds to cores by
// default), else the node's CPUs shared among the ranks on it.
int cpus_per_rank() {
  cpu_set_t set;
  CPU_ZERO(&set);
  const int bound = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  int local_ranks = 1;
  if (const char* n = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE"); n && std::atoi(n) > 0) local_ranks = std::atoi(n);
  if (bound < online) return std::max(1, bound);
  return std::max(1, bound / local_ranks);
}

// pytest tests are mostly CPU-bound: more at once than a rank has CPUs only slows them down.
// (Not when --max-concurrent or TELLUS_CONCURRENT_LIMIT says how many.)
void cap_concurrency_for_pytest(Profile& profile) {
  const int cpus = cpus_per_rank();
  if (profile.max_concurrent_operations <= cpus) return;
  profile.max_concurrent_operations = cpus;
  profile.sources["max_concurrent_operations"] += ", capped at the " + std::to_string(cpus) + " CPU" +
                                                  (cpus == 1 ? "" : "s") + " a rank may use (a run with pytest tests)";
}

// pytest's tests join the run as pytest selected them; the profile's gates still apply.
void add_pytest_tests(RunPlan& plan, Selection& selection, double default_timeout_s, const PytestCollector& collect) {
  PytestCollection collected = collect ? collect(default_timeout_s)
                                       : collect_pytest_tests(plan.pytest, find_pytest_plugin_dir(this_executable()), default_timeout_s);
  for (auto& t : collected.tests) {
    if (t.collect_error.empty() && t.skip_reason.empty()) t.skip_reason = profile_gate_reason(t.spec, plan.profile);
    selection.tests.push_back(std::move(t));
  }
  selection.deselected += collected.deselected;
  // The project's -x or --maxfail in its pytest configuration counts over every rank, as the
  // harness's own does; the command line's --maxfail comes first.
  if (plan.maxfail == 0) plan.maxfail = collected.maxfail;
}

// --count N: each selected test N times in a row of the plan, repetition i of N with "[i-N]"
// after its node id (inside a parametrized test's brackets: "test_x[a-i-N]", as
// pytest-repeat names them) and a workspace of its own.
void repeat_tests(RunPlan& plan, int count) {
  if (count == 1) return;
  std::vector<CollectedTest> repeated;
  repeated.reserve(plan.tests.size() * count);
  for (const auto& t : plan.tests) {
    for (int i = 1; i <= count; ++i) {
      CollectedTest copy = t;
      const std::string tag = std::to_string(i) + "-" + std::to_string(count);
      TestSpec& s = copy.spec;
      s.repeat_of = t.spec.nodeid;
      s.nodeid = !s.nodeid.empty() && s.nodeid.back() == ']' ? s.nodeid.substr(0, s.nodeid.size() - 1) + "-" + tag + "]"
                                                              : s.nodeid + "[" + tag + "]";
      if (s.kind != "pytest") s.name += "[" + tag + "]";
      if (!s.workspace_name.empty()) s.workspace_name += "+" + tag;
      repeated.push_back(std::move(copy));
    }
  }
  plan.tests = std::move(repeated);
}

// --quarantine, else quarantine.yaml beside the first suite path that has one, else the
// profile's; "" when there is none.
std::string quarantine_file_for(const RunRequest& request, const Profile& profile) {
  if (!request.quarantine_file.empty()) {
    if (!fs::exists(request.quarantine_file))
      throw UserError("--quarantine " + request.quarantine_file + ": no such file");
    return request.quarantine_file;
  }
  for (const auto& given : request.paths) {
    const fs::path path = given.substr(0, given.find("::"));
    std::error_code ec;
    const fs::path beside = (fs::is_directory(path, ec) ? path : path.parent_path()) / "quarantine.yaml";
    if (fs::is_regular_file(beside, ec)) return beside.string();
  }
  return profile.quarantine;
}

// The quarantine's entries, each judged expired or not as of today; an entry that names none
// of the collected tests is a warning (a typo, or a test that was renamed or removed).
void apply_quarantine(RunPlan& plan, const RunRequest& request) {
  const std::string file = quarantine_file_for(request, plan.profile);
  if (file.empty()) return;
  plan.quarantine = load_quarantine(file);
  const std::string today = quarantine_today();
  for (auto& entry : plan.quarantine) {
    entry.expired = today > entry.expires;
    const bool names_a_test = std::any_of(plan.tests.begin(), plan.tests.end(), [&](const CollectedTest& t) {
      return quarantine_matches(entry, t.spec.nodeid) || quarantine_matches(entry, t.spec.collected_nodeid());
    });
    if (!names_a_test)
      std::fprintf(stderr, "tellus-harness: warning: %s:%d: quarantine entry '%s' names none of the selected tests\n",
                   entry.file.c_str(), entry.line, entry.test.c_str());
  }
}

void create_output_for(RunPlan& plan, const RunRequest& request) {
  if (!request.json_report_file.empty()) check_report_path(request.json_report_file, "--json-report-file");
  if (!request.junitxml.empty()) check_report_path(request.junitxml, "--junitxml");
  plan.output_dir = create_output_dir(request.output_dir);
  plan.json_report_path = request.json_report_file.empty() ? plan.output_dir + "/report.json" : request.json_report_file;
  plan.junit_path = request.junitxml.empty() ? plan.output_dir + "/report.xml" : request.junitxml;
}

}  // namespace

PytestInvocation plan_pytest(const RunRequest& request, Profile& profile) {
  const RunPaths paths = classify_run_paths(request.paths);
  if (paths.pytest_paths.empty()) return {};
  check_pytest_args(request.pytest_args);
  PytestInvocation pytest = choose_python(request.python, profile.python);
  pytest.cwd = fs::current_path().string();
  pytest.args = pytest_arguments(request.pytest_args, request.selection.marker_expression,
                                 request.selection.keyword_expression, paths.pytest_paths);
  if (!request.profile.max_concurrent && !process_environment()(env::kConcurrentLimit)) cap_concurrency_for_pytest(profile);
  return pytest;
}

std::vector<PerfRun> load_recent_history(const std::string& store, std::vector<std::string>& warnings) {
  const std::string dir = resolve_perf_store(store);
  if (dir.empty()) return {};
  const double since = now_unix() - 90 * 86400.0;
  return load_perf_runs(dir, since, warnings);
}

RunPlan prepare_run_plan(const RunRequest& request, int ranks, bool create_output) {
  parse_schedule(request.schedule);  // validates
  if (!(request.default_timeout_s > 0) || !(request.default_timeout_s <= kMaxTimeoutSeconds))
    throw UserError("--timeout must be greater than zero and at most 2592000 (30 days)");
  if (request.maxfail < 0) throw UserError("--maxfail must not be negative");
  if (request.count < 1 || request.count > kMaxRepetitions)
    throw UserError("--count must be from 1 to " + std::to_string(kMaxRepetitions));
  if (request.reruns.count < 0 || request.reruns.count > kMaxReruns)
    throw UserError("--reruns must be from 0 to " + std::to_string(kMaxReruns));
  if (!(request.reruns.delay_s >= 0) || !(request.reruns.delay_s <= kMaxRerunDelaySeconds))
    throw UserError("--reruns-delay must be from 0 to 3600 seconds");
  try {
    std::regex check(request.reruns.only_matching);
  } catch (const std::regex_error& e) {
    throw UserError("--only-rerun '" + request.reruns.only_matching + "' is not a regular expression (" + e.what() +
                    "); write an ECMAScript regex, e.g. 'ConnectionError|timed out'");
  }
  if (!(request.kill_grace_s >= 0) || !(request.kill_grace_s <= kMaxKillGraceSeconds))
    throw UserError("--kill-grace must be from 0 to 3600 seconds");
  RunPlan plan;
  plan.profile = resolve_profile(request.profile, process_environment());
  plan.pytest = plan_pytest(request, plan.profile);
  plan.created_unix = now_unix();
  plan.root = fs::current_path().string();
  plan.command_line = request.command_line;
  plan.ranks = ranks;
  plan.schedule = request.schedule;
  plan.maxfail = request.maxfail;
  plan.reruns = request.reruns;
  plan.run_id = new_run_id();
  plan.attempts = {{1, plan.created_unix, ranks}};
  // pytest workers start while rank 0 collects, and their workspaces need the directory.
  if (create_output && plan.pytest.used()) create_output_for(plan, request);
  return plan;
}

void complete_run_plan(RunPlan& plan, const RunRequest& request, bool create_output,
                       const std::vector<PerfRun>& history, const PytestCollector& collect_pytest) {
  const RunPaths paths = classify_run_paths(request.paths);
  Selection selection = select_tests(load_suites(paths.suite_files, request.default_timeout_s, workload_test_kinds()), request.selection, plan.profile);
  if (plan.pytest.used()) add_pytest_tests(plan, selection, request.default_timeout_s, collect_pytest);
  plan.tests = std::move(selection.tests);
  apply_duration_history(plan, history);
  plan.deselected = selection.deselected;
  repeat_tests(plan, request.count);
  apply_quarantine(plan, request);
  if (request.last_failed || request.failed_first) {
    std::vector<std::string> warnings;
    apply_previous_failures(plan, previous_failures(request.previous_run_dir, plan, history, warnings), request.last_failed);
    for (const auto& w : warnings) std::fprintf(stderr, "tellus-harness: warning: %s\n", w.c_str());
  }
  if (!create_output) return;
  if (plan.output_dir.empty()) create_output_for(plan, request);
  try {
    write_run_plan(plan);
  } catch (const std::runtime_error& e) {  // an unwritable or full output directory
    throw UserError(std::string(e.what()) + "; no test was started: free space or choose another --output-dir");
  }
}

RunPlan build_run_plan(const RunRequest& request, int ranks, bool create_output, const std::vector<PerfRun>& history) {
  RunPlan plan = prepare_run_plan(request, ranks, create_output);
  complete_run_plan(plan, request, create_output, history);
  return plan;
}

void print_collection(const RunPlan& plan) {
  for (const auto& t : plan.tests) {
    std::printf("%s", t.spec.nodeid.c_str());
    if (!t.skip_reason.empty()) std::printf("  [skip: %s]", t.skip_reason.c_str());
    if (!t.collect_error.empty()) std::printf("  [collection error: %s]", t.collect_error.substr(0, t.collect_error.find('\n')).c_str());
    std::printf("\n");
  }
  std::printf("\n%zu tests collected", plan.tests.size());
  if (plan.deselected > 0) std::printf(" (%zu deselected)", plan.deselected);
  std::printf(", profile %s\n", plan.profile.name.c_str());
}

}  // namespace tellus_harness
