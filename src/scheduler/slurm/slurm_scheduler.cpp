// Slurm: the job script from tellus-harness.sbatch.in (beside this file; installed in
// share/tellus-harness/slurm), sbatch to submit it, sbatch --wait to wait for the job.
#include <memory>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tellus_harness/common/environment_names.hpp"
#include "tellus_harness/common/process_runner.hpp"
#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/config/profile.hpp"
#include "tellus_harness/scheduler/scheduler.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

namespace {

// The template's directory: TELLUS_SLURM_TEMPLATES, the installed share directory, the source tree.
std::string find_job_template() {
  std::vector<std::string> dirs;
  if (const char* d = std::getenv(env::kSlurmTemplates); d && *d) dirs.emplace_back(d);
  dirs.emplace_back(TELLUS_HARNESS_INSTALLED_SLURM);
  dirs.emplace_back(TELLUS_HARNESS_SOURCE_SLURM);
  for (const auto& d : dirs)
    if (fs::exists(fs::path(d) / "tellus-harness.sbatch.in")) return (fs::path(d) / "tellus-harness.sbatch.in").string();
  throw UserError("cannot find the job template tellus-harness.sbatch.in (set TELLUS_SLURM_TEMPLATES to its directory)");
}

std::string render_job_script(const BatchJob& job, const std::string& script_path) {
  if (job.nodes < 1) throw UserError("--nodes must be at least 1");
  if (job.tasks_per_node < 1) throw UserError("--tasks-per-node must be at least 1");
  static const std::regex kTime(R"((\d+-)?\d{1,2}(:\d{2}){0,2}|\d+)");
  if (!std::regex_match(job.time, kTime)) throw UserError("--time '" + job.time + "' is not a Slurm time (e.g. 02:00:00 or 1-00:00:00)");
  if (job.launcher != "srun" && job.launcher != "mpirun") throw UserError("--launcher must be srun or mpirun, got '" + job.launcher + "'");
  static const std::regex kName(R"([A-Za-z0-9_.+/-]+)");
  if (!std::regex_match(job.partition, kName)) throw UserError("--partition '" + job.partition + "' is not a partition name");
  for (const auto& m : job.modules)
    if (!std::regex_match(m, kName)) throw UserError("--module '" + m + "' is not a module name");
  load_profile(job.env_config, default_profile_dirs());  // an unknown profile fails here, not in the queue

  std::ifstream in(find_job_template());
  std::stringstream text;
  text << in.rdbuf();
  std::string args, modules, extra;
  for (const auto& a : job.run_args) args += (args.empty() ? "" : " ") + shell_quote(a);
  const bool resumes = std::find(job.run_args.begin(), job.run_args.end(), "--resume") != job.run_args.end();
  const std::string run_options =
      resumes ? "" : "--env-config " + shell_quote(job.env_config) + " --output-dir " + shell_quote(job.output_dir + "/run");
  for (const auto& m : job.modules) modules += "module load " + m + "\n";
  if (!job.account.empty()) extra += "#SBATCH --account=" + job.account + "\n";
  const std::string launch = job.launcher == "srun" ? "srun --mpi=pmix" : "mpirun";
  const std::vector<std::pair<std::string, std::string>> values{
      {"@SCRIPT@", script_path}, {"@JOB_NAME@", job.job_name}, {"@PARTITION@", job.partition}, {"@TIME@", job.time},
      {"@NODES@", std::to_string(job.nodes)}, {"@TASKS_PER_NODE@", std::to_string(job.tasks_per_node)},
      {"@TASKS@", std::to_string(job.nodes * job.tasks_per_node)}, {"@OUTPUT_DIR@", job.output_dir},
      {"@SBATCH_EXTRA@", extra}, {"@MODULE_LOADS@", modules}, {"@ENV_CONFIG@", shell_quote(job.env_config)},
      {"@WORKDIR@", shell_quote(job.workdir)}, {"@LAUNCH@", launch}, {"@HARNESS@", shell_quote(job.harness)},
      {"@RUN_ARGS@", args}, {"@RUN_OPTIONS@", run_options}, {"@RUN_DIR@", shell_quote(job.output_dir + "/run")}};
  std::string script = text.str();
  for (const auto& [key, value] : values)
    for (std::size_t at = script.find(key); at != std::string::npos; at = script.find(key, at + value.size()))
      script.replace(at, key.size(), value);
  return script;
}

BatchSubmission submit_job(const std::string& script_path, bool wait) {
  // sbatch retries a missing configuration file for a minute before it gives up.
  if (const char* conf = std::getenv("SLURM_CONF"); conf && *conf && !fs::exists(conf))
    throw UserError(std::string("SLURM_CONF names ") + conf + ", which does not exist: point it at the cluster's slurm.conf or unset it; the job script is " +
                    script_path);
  std::vector<std::string> sbatch{"sbatch", "--parsable"};
  if (wait) sbatch.push_back("--wait");
  sbatch.push_back(script_path);
  std::fflush(stderr);
  const ProgramResult r = run_program(sbatch);
  if (!r.started)
    throw UserError("sbatch not found: Slurm's commands are not installed or not on PATH here; the job script is " + script_path);
  return {r.out.substr(0, r.out.find_first_of(";\n")), r.exit_code};
}

class Slurm final : public Scheduler {
 public:
  std::string name() const override { return "slurm"; }
  std::string script_name() const override { return "tellus-harness.sbatch"; }
  std::string render_script(const BatchJob& job, const std::string& script_path) const override {
    return render_job_script(job, script_path);
  }
  BatchSubmission submit(const std::string& script_path, bool wait) const override { return submit_job(script_path, wait); }
};

}  // namespace

std::unique_ptr<Scheduler> make_slurm_scheduler() { return std::make_unique<Slurm>(); }

}  // namespace tellus_harness
