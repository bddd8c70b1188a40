// `tellus-harness nightly` runs one night's job and its alert; `tellus-harness cron` prints or
// installs the crontab entry that starts it, guarded by flock so that nights never overlap.
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <regex>
#include <sstream>

#include "tellus_harness/cli/commands.hpp"
#include "tellus_harness/cli/option_parsing.hpp"
#include "tellus_harness/common/process_runner.hpp"
#include "tellus_harness/common/this_process.hpp"
#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/common/wall_clock.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

std::pair<Arguments, Arguments> split_at_double_dash(const Arguments& args);
int slurm_command(const Arguments& args, std::string* run_dir_out);

namespace {
constexpr const char* kMarker = "# tellus-harness nightly";

std::string crontab_word(const std::string& word) {
  std::string q = shell_quote(word), out;
  for (char c : q) out += c == '%' ? std::string("\\%") : std::string(1, c);  // cron turns % into newlines
  return out;
}
}  // namespace

int nightly_command(const Arguments& args) {
  const auto [own, slurm_args] = split_at_double_dash(args);
  if (!own.empty() && (own[0] == "-h" || own[0] == "--help")) {
    std::cout << "tellus-harness nightly [-- SLURM ARGS...]\n\nSubmits the nightly job (tellus-harness slurm --wait SLURM ARGS), "
                 "then sends the alert for its report. Started by the entry `tellus-harness cron` writes.\n";
    return 0;
  }
  if (!own.empty()) throw UserError("nightly: put the job's options after --, e.g. nightly -- --nodes 2");
  Arguments job = slurm_args;
  const auto [job_options, run_args] = split_at_double_dash(slurm_args);
  if (std::find(job_options.begin(), job_options.end(), "--output-dir") == job_options.end()) {
    job = job_options;
    job.insert(job.end(), {"--output-dir", "tellus-results/nightly-" + utc_text(now_unix(), kDirectoryStamp)});
    if (!run_args.empty() || std::find(slurm_args.begin(), slurm_args.end(), "--") != slurm_args.end()) {
      job.push_back("--");
      job.insert(job.end(), run_args.begin(), run_args.end());
    }
  }
  job.insert(job.begin(), "--wait");
  std::string run_dir;
  const int code = slurm_command(job, &run_dir);
  const std::string report = run_dir + "/report.json";
  if (fs::exists(report)) alert_command({"--report", report});
  else std::printf("alert: no report at %s (the job did not get to write one); see the Slurm log\n", report.c_str());
  return code;
}

int cron_command(const Arguments& args) {
  const auto [own, slurm_args] = split_at_double_dash(args);
  std::string at = "02:00", lock, log;
  po::options_description d("tellus-harness cron [--at HH:MM] [--install] [-- SLURM ARGS...]\n\n"
                            "Prints (or installs into your crontab) the entry that runs `tellus-harness nightly` every\n"
                            "night, guarded by flock so a night's run never overlaps the last one.\n\nOptions");
  d.add_options()("help,h", "show this help")("at", po::value(&at)->default_value("02:00"), "time of day, HH:MM (the seed's 0 2 * * *)")(
      "install", "install into the crontab, replacing an earlier tellus-harness entry")(
      "lock", po::value(&lock), "lock file (default tellus-results/nightly.lock)")(
      "log", po::value(&log), "log file (default tellus-results/nightly.log)");
  const auto vm = parse_command_options("cron", own, d);
  if (vm.count("help")) {
    std::cout << d << "\n";
    return 0;
  }
  std::smatch m;
  static const std::regex kAt(R"((\d{1,2}):(\d{2}))");
  if (!std::regex_match(at, m, kAt) || std::stoi(m[1]) > 23 || std::stoi(m[2]) > 59)
    throw UserError("--at must be HH:MM (00:00 to 23:59), got '" + at + "'");
  const fs::path cwd = fs::current_path();
  if (lock.empty()) lock = (cwd / "tellus-results/nightly.lock").string();
  if (log.empty()) log = (cwd / "tellus-results/nightly.log").string();
  fs::create_directories(fs::path(lock).parent_path());
  fs::create_directories(fs::path(log).parent_path());
  const ProgramResult which = run_program({"sh", "-c", "command -v flock"});
  const std::string flock = which.exit_code == 0 ? which.out.substr(0, which.out.find('\n')) : "flock";
  std::ostringstream entry;
  entry << std::stoi(m[2]) << " " << std::stoi(m[1]) << " * * * cd " << crontab_word(cwd.string()) << " && " << flock << " -n "
        << crontab_word(lock) << " " << crontab_word(this_executable()) << " nightly --";
  for (const auto& a : slurm_args) entry << " " << crontab_word(a);
  entry << " >> " << crontab_word(log) << " 2>&1  " << kMarker;
  if (!vm.count("install")) {
    std::printf("%s\n", entry.str().c_str());
    return 0;
  }
  const ProgramResult current = run_program({"crontab", "-l"});
  if (!current.started) throw UserError("crontab not found: install cron, or add the line printed without --install by hand");
  std::string table;
  std::istringstream lines(current.exit_code == 0 ? current.out : "");
  for (std::string line; std::getline(lines, line);)
    if (line.find(kMarker) == std::string::npos) table += line + "\n";
  table += entry.str() + "\n";
  const ProgramResult installed = run_program({"crontab", "-"}, table);
  if (installed.exit_code != 0) throw UserError("crontab refused the new table (exit " + std::to_string(installed.exit_code) + ")");
  std::printf("installed: %s\n", entry.str().c_str());
  return 0;
}

}  // namespace tellus_harness
