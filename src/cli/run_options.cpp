#include "tellus_harness/cli/run_options.hpp"

#include <algorithm>
#include <iostream>

#include "tellus_harness/cli/option_parsing.hpp"
#include "tellus_harness/common/user_error.hpp"

namespace tellus_harness {

namespace {
po::options_description run_options_description(RunRequest& r, std::vector<std::string>& profile_dirs) {
  po::options_description d("tellus-harness run [PATH...] [options] [--pytest-args PYTEST-OPTION...]\n\n"
                            "Runs the tests in PATH, split over the MPI ranks (use mpirun/srun for more than one):\n"
                            "*.yaml suites, pytest files, node ids (file.py::Class::test) and directories of\n"
                            "either (default tests/integration). Everything after --pytest-args goes to pytest.\n\nOptions");
  d.add_options()
      ("help,h", "show this help")
      ("env-config", po::value<std::string>(), "profile NAME or PATH (else TELLUS_TEST_CONFIG, else local)")
      ("profiles-dir", po::value(&profile_dirs)->composing(), "directory holding NAME.yaml profiles (repeatable)")
      ("timeout-multiplier", po::value<double>(), "override the profile's multiplier (else TELLUS_TIMEOUT_MULTIPLIER)")
      ("max-concurrent", po::value<int>(), "tests one rank runs at once (else TELLUS_CONCURRENT_LIMIT)")
      ("timeout", po::value(&r.default_timeout_s)->default_value(30), "seconds for tests that set none, before the multiplier")
      (",m", po::value(&r.selection.marker_expression), "only tests whose markers match EXPR (and/or/not)")
      (",k", po::value(&r.selection.keyword_expression), "only tests whose node id matches EXPR (substrings)")
      ("maxfail", po::value(&r.maxfail)->default_value(0), "stop starting tests after N failures (0: never)")
      ("exitfirst,x", "same as --maxfail 1")
      ("collect-only", "list the selected tests and exit")
      ("output-dir", po::value(&r.output_dir), "where reports, journals and workspaces go (default tellus-results/<time>)")
      ("json-report-file", po::value(&r.json_report_file), "JSON report path (default <output-dir>/report.json)")
      ("junitxml", po::value(&r.junitxml), "JUnit XML path (default <output-dir>/report.xml)")
      ("keep-workspaces", "keep the workspaces of passed tests too")
      ("schedule", po::value(&r.schedule)->default_value("lpt"), "lpt (longest first, with work stealing) or round-robin")
      ("kill-grace", po::value(&r.kill_grace_s)->default_value(5), "seconds between SIGTERM and SIGKILL at a timeout")
      ("progress", po::value(&r.progress)->default_value("auto"), "auto, lines or none (rank 0, on stderr)")
      ("perf-store", po::value(&r.perf_store), "perf-trend store (default TELLUS_PERF_STORE or ~/.tellus_perf; none: off)")
      ("webhook", po::value(&r.webhook), "alert webhook URL (default TELLUS_ALERT_WEBHOOK, else the profile's; none: off)")
      ("reruns", po::value(&r.reruns.count)->default_value(0), "run a failed test again up to N times, on any rank; one that then passes is flaky")
      ("reruns-delay", po::value(&r.reruns.delay_s)->default_value(0), "seconds before each rerun")
      ("only-rerun", po::value(&r.reruns.only_matching), "rerun only failures whose message matches REGEX (ECMAScript)")
      ("fail-on-flaky", "a test that passed only on a rerun fails the run")
      ("count", po::value(&r.count)->default_value(1), "run every selected test N times, each repetition its own test ([i-N] after its id)")
      ("quarantine", po::value(&r.quarantine_file), "quarantine FILE (default: quarantine.yaml beside the suites, else the profile's)")
      ("resume", po::value(&r.resume_dir), "continue the killed or interrupted run in DIR: its unfinished tests run, one report covers all")
      ("last-failed", po::value(&r.previous_run_dir)->implicit_value(""), "=DIR: run only the tests that failed in DIR (default: the latest run under tellus-results)")
      ("failed-first", po::value(&r.previous_run_dir)->implicit_value(""), "=DIR: run those tests first, then the rest")
      ("python", po::value(&r.python), "Python with pytest for pytest paths (else TELLUS_PYTHON, the profile's python:, python3)")
      ("paths", po::value(&r.paths)->composing(), "suite files or directories");
  return d;
}
}  // namespace

std::optional<RunRequest> parse_run_options(const Arguments& args, bool print_help) {
  RunRequest request;
  std::vector<std::string> profile_dirs;
  const auto description = run_options_description(request, profile_dirs);
  // pytest's own options are pytest's to parse, not ours.
  const auto pytest_args = std::find(args.begin(), args.end(), "--pytest-args");
  const Arguments own(args.begin(), pytest_args);
  if (pytest_args != args.end()) request.pytest_args.assign(pytest_args + 1, args.end());
  const auto vm = parse_command_options("run", own, description, "paths");
  if (vm.count("help")) {
    if (print_help) std::cout << description << "\n";
    return std::nullopt;
  }
  if (vm.count("paths") == 0) request.paths = {"tests/integration"};
  if (vm.count("env-config")) request.profile.env_config = vm["env-config"].as<std::string>();
  if (vm.count("timeout-multiplier")) request.profile.timeout_multiplier = vm["timeout-multiplier"].as<double>();
  if (vm.count("max-concurrent")) request.profile.max_concurrent = vm["max-concurrent"].as<int>();
  request.profile.profile_dirs = profile_dirs;
  if (vm.count("exitfirst")) request.maxfail = 1;
  request.collect_only = vm.count("collect-only") > 0;
  request.keep_workspaces = vm.count("keep-workspaces") > 0;
  request.reruns.fail_on_flaky = vm.count("fail-on-flaky") > 0;
  request.last_failed = vm.count("last-failed") > 0;
  request.failed_first = vm.count("failed-first") > 0;
  if (request.last_failed && request.failed_first) throw UserError("--last-failed and --failed-first exclude each other: choose one");
  if (!request.resume_dir.empty()) {
    // The run's own plan continues: nothing that would plan another applies.
    auto refuse = [&](const std::string& what) {
      throw UserError("--resume continues the plan of " + request.resume_dir + ": it takes no " + what +
                      " (start a new run for another plan)");
    };
    if (vm.count("paths")) refuse("PATH");
    if (!request.selection.marker_expression.empty()) refuse("-m");
    if (!request.selection.keyword_expression.empty()) refuse("-k");
    if (!request.pytest_args.empty()) refuse("--pytest-args");
    for (const char* planning : {"env-config", "profiles-dir", "timeout-multiplier", "max-concurrent", "timeout", "maxfail",
                                 "exitfirst", "collect-only", "output-dir", "json-report-file", "junitxml", "schedule",
                                 "python", "last-failed", "failed-first", "reruns", "reruns-delay", "only-rerun",
                                 "fail-on-flaky", "quarantine", "count"})
      if (vm.count(planning) && !vm[planning].defaulted()) refuse(std::string("--") + planning);
  }
  if (request.progress != "auto" && request.progress != "lines" && request.progress != "none")
    throw UserError("--progress must be auto, lines or none, got '" + request.progress + "'");
  request.command_line = args;
  return request;
}

}  // namespace tellus_harness
