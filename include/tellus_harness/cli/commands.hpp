#pragma once
// The subcommands of the tellus-harness executable. Each takes the arguments after its name.
#include <string>
#include <vector>

namespace tellus_harness {

using Arguments = std::vector<std::string>;

int main_dispatch(int argc, char** argv);

int run_command(int argc, char** argv, const Arguments& args);  // run: needs MPI (argc/argv for MPI_Init)
int report_command(const Arguments& args);                      // report --from DIR
int data_command(const Arguments& args);                        // data generate|list|clean
int trends_command(const Arguments& args);
int regressions_command(const Arguments& args);
int flaky_command(const Arguments& args);
int alert_command(const Arguments& args);
int slurm_command(const Arguments& args);
int nightly_command(const Arguments& args);
int cron_command(const Arguments& args);

}  // namespace tellus_harness
