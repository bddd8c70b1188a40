#pragma once
// The Slurm job script `tellus-harness slurm` writes, from slurm/tellus-harness.sbatch.in.
#include <string>
#include <vector>

namespace tellus_harness {

struct SlurmJob {
  int nodes = 2;  // the seed's defaults: 2 nodes × 4 tasks, partition test, 2 hours
  int tasks_per_node = 4;
  std::string partition = "test";
  std::string time = "02:00:00";
  std::string account;
  std::vector<std::string> modules;
  std::string env_config = "hpc_cluster";
  std::string launcher = "srun";  // srun | mpirun
  std::string job_name = "tellus-integration-tests";
  std::string output_dir;  // absolute; the run's reports go to <output_dir>/run
  std::string workdir;     // where the job runs (the suites' paths are relative to it)
  std::string harness;     // absolute path of the tellus-harness executable
  std::vector<std::string> run_args;
};

// Checks the values (UserError naming the option) and renders the script.
std::string render_job_script(const SlurmJob& job, const std::string& script_path);

// The template's directory: TELLUS_SLURM_TEMPLATES, the installed share directory, the source tree.
std::string find_job_template();

}  // namespace tellus_harness
