#pragma once
// What the running harness is: the reports name its host, and it starts itself again (tests
// of built-in kinds, the orphan guard, job scripts) by its own path.
#include <string>

namespace tellus_harness {

// The host name of this machine (for reports): Slurm's node name inside a job step.
std::string this_host_name();
// Absolute path of the running executable.
std::string this_executable();

}  // namespace tellus_harness
