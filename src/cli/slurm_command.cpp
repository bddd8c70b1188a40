// `tellus-harness slurm`: writes the job script, and with --submit / --wait hands it to sbatch.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "tellus_harness/cli/commands.hpp"
#include "tellus_harness/cli/option_parsing.hpp"
#include "tellus_harness/common/this_process.hpp"
#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/common/wall_clock.hpp"
#include "tellus_harness/scheduler/scheduler.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

// Options before "--" are the job's, after it the run's.
std::pair<Arguments, Arguments> split_at_double_dash(const Arguments& args) {
  const auto dd = std::find(args.begin(), args.end(), "--");
  return {Arguments(args.begin(), dd), dd == args.end() ? Arguments{} : Arguments(dd + 1, args.end())};
}

int slurm_command(const Arguments& all_args, std::string* run_dir_out) {
  const auto [args, run_args] = split_at_double_dash(all_args);
  const Scheduler& slurm = *find_scheduler("slurm");
  BatchJob job;
  std::string output_dir;
  po::options_description d("tellus-harness slurm [options] [-- RUN ARGS...]\n\n"
                            "Writes a Slurm job script that runs `tellus-harness run RUN ARGS` over the allocation and\n"
                            "prints its path; --submit hands it to sbatch, --wait waits for the job and exits with the\n"
                            "run's exit code.\n\nOptions");
  d.add_options()("help,h", "show this help")("nodes", po::value(&job.nodes)->default_value(2), "nodes")(
      "tasks-per-node", po::value(&job.tasks_per_node)->default_value(4), "MPI ranks per node")(
      "partition", po::value(&job.partition)->default_value("test"), "Slurm partition")(
      "time", po::value(&job.time)->default_value("02:00:00"), "time limit")("account", po::value(&job.account), "account to charge")(
      "module", po::value(&job.modules)->composing(), "environment module to load (repeatable)")(
      "env-config", po::value(&job.env_config)->default_value("hpc_cluster"), "profile of the run")(
      "launcher", po::value(&job.launcher)->default_value("srun"), "srun (--mpi=pmix) or mpirun")(
      "job-name", po::value(&job.job_name)->default_value("tellus-integration-tests"), "job name")(
      "output-dir", po::value(&output_dir), "job directory: script, Slurm logs, the run's reports in run/ "
                                            "(default tellus-results/slurm-<UTC time>)")(
      "submit", "submit with sbatch and print the job id")("wait", "submit, wait for the job, exit with its code");
  const auto vm = parse_command_options("slurm", args, d);
  if (vm.count("help")) {
    std::cout << d << "\n";
    return 0;
  }
  job.output_dir = fs::absolute(output_dir.empty() ? "tellus-results/slurm-" + utc_text(now_unix(), kDirectoryStamp) : output_dir).string();
  job.workdir = fs::current_path().string();
  job.harness = this_executable();
  job.run_args = run_args;
  const std::string script_path = job.output_dir + "/" + slurm.script_name();
  const std::string script = slurm.render_script(job, script_path);
  std::error_code ec;
  fs::create_directories(job.output_dir, ec);
  if (ec) throw UserError("cannot create " + job.output_dir + ": " + ec.message());
  std::ofstream(script_path) << script;
  chmod(script_path.c_str(), 0755);
  if (run_dir_out) *run_dir_out = job.output_dir + "/run";
  std::fprintf(stderr, "job script: %s\n", script_path.c_str());
  const bool wait = vm.count("wait") > 0;
  if (!wait && !vm.count("submit")) {
    std::printf("%s\n", script_path.c_str());
    return 0;
  }

  const BatchSubmission r = slurm.submit(script_path, wait);
  const std::string& job_id = r.job_id;
  if (job_id.empty()) {  // sbatch refused the job; its own message went to stderr above
    std::fprintf(stderr, "tellus-harness: error: sbatch did not accept the job (exit %d); the job script is %s\n", r.exit_code,
                 script_path.c_str());
    return kExitUsageOrInterrupted;
  }
  std::printf("%s\n", job_id.c_str());
  if (!wait) return 0;
  std::fprintf(stderr, "job %s finished with exit code %d; reports in %s/run, Slurm log %s/slurm-%s.out\n", job_id.c_str(),
               r.exit_code, job.output_dir.c_str(), job.output_dir.c_str(), job_id.c_str());
  return r.exit_code;
}

int slurm_command(const Arguments& args) { return slurm_command(args, nullptr); }

}  // namespace tellus_harness
