#pragma once
// A batch system the harness hands a run to: its job script, submitting it and waiting for
// it. Slurm is one (src/scheduler/slurm/); another (PBS, Flux) is a folder of its own
// implementing Scheduler and one line in src/scheduler/scheduler_registry.cpp.
#include <string>
#include <vector>

namespace tellus_harness {

// What a job asks for, whatever the batch system.
struct BatchJob {
  int nodes = 2;  // the seed's defaults: 2 nodes × 4 tasks, partition test, 2 hours
  int tasks_per_node = 4;
  std::string partition = "test";  // the queue
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

struct BatchSubmission {
  std::string job_id;  // empty: the batch system refused the job (its message went to stderr)
  int exit_code = 0;   // of the submitting command; after a wait, the job's
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  virtual std::string name() const = 0;
  // The job script's file name in the job's directory.
  virtual std::string script_name() const = 0;
  // Checks the job's values (a UserError naming the option) and renders its job script.
  virtual std::string render_script(const BatchJob& job, const std::string& script_path) const = 0;
  // Submits the script; with `wait`, returns when the job has ended. A UserError when the
  // batch system cannot be used from here.
  virtual BatchSubmission submit(const std::string& script_path, bool wait) const = 0;
};

// nullptr for an unknown name.
const Scheduler* find_scheduler(const std::string& name);
std::vector<std::string> scheduler_names();

}  // namespace tellus_harness
