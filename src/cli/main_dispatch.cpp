#include <cstdio>
#include <cstring>
#include <exception>

#include "tellus_harness/cli/commands.hpp"
#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/workloads/workload.hpp"

namespace tellus_harness {

namespace {
void print_usage(std::FILE* out) {
  std::fprintf(out,
               "usage: tellus-harness COMMAND [options]\n\n"
               "Commands:\n"
               "  run [PATH...]      run integration suites over the MPI ranks (mpirun/srun for more than one)\n"
               "  report --from DIR  rebuild a run's reports from its journals\n"
               "  data generate|list|clean   the test-data cache\n"
               "  trends             metric histories from the perf-trend store\n"
               "  regressions        sustained shifts in the bad direction (exit 1 when any)\n"
               "  flaky              tests whose outcome flipped over the last runs, worst first\n"
               "  alert --report P   send the run's alert to a webhook when it is needed\n"
               "  slurm              write (--submit, --wait) the Slurm job that runs the suite\n"
               "  nightly            submit the nightly job and alert (what the cron entry runs)\n"
               "  cron               print or --install the nightly crontab entry\n\n"
               "  tellus-harness COMMAND --help   options of a command\n"
               "  tellus-harness --version\n");
}
}  // namespace

int main_dispatch(int argc, char** argv) {
  if (argc < 2) {
    print_usage(stderr);
    return kExitUsageOrInterrupted;
  }
  const std::string command = argv[1];
  const Arguments args(argv + 2, argv + argc);
  if (command == "--help" || command == "-h" || command == "help") {
    print_usage(stdout);
    return kExitAllPassed;
  }
  if (command == "--version") {
    std::printf("tellus-harness %s\n", TELLUS_HARNESS_VERSION);
    return kExitAllPassed;
  }
  if (command == "run") return run_command(argc, argv, args);
  if (command == "__workload" && args.size() == 2) return run_workload_child(args[0], args[1]);
  try {
    if (command == "report") return report_command(args);
    if (command == "data") return data_command(args);
    if (command == "trends") return trends_command(args);
    if (command == "regressions") return regressions_command(args);
    if (command == "flaky") return flaky_command(args);
    if (command == "alert") return alert_command(args);
    if (command == "slurm") return slurm_command(args);
    if (command == "nightly") return nightly_command(args);
    if (command == "cron") return cron_command(args);
  } catch (const UserError& e) {
    std::fprintf(stderr, "tellus-harness: error: %s\n", e.what());
    return kExitUsageOrInterrupted;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tellus-harness: internal error: %s\n", e.what());
    return kExitInternalError;
  }
  std::fprintf(stderr, "tellus-harness: error: unknown command '%s'\n\n", command.c_str());
  print_usage(stderr);
  return kExitUsageOrInterrupted;
}

}  // namespace tellus_harness
