#pragma once
// How a test that asks for several ranks (`ranks:` in its suite) is started: the profile's
// `launcher:` templates. Inside a Slurm allocation the harness uses `slurm`, a job step that
// shares the allocation's CPUs with the harness's own step; elsewhere `mpirun` over the
// hosts of the harness ranks the test holds. The templates are the user's to change
// (`--mpi=pmix`, `--cpu-bind=cores`, a site's wrapper), each word one list element.
// Placeholders, whole words or inside one:
//   {ranks}     the test's MPI processes
//   {nodes}     how many distinct hosts they run on
//   {hosts}     host:count,host:count (mpirun --host)
//   {nodelist}  host,host (srun --nodelist)
#include <string>
#include <vector>

#include "tellus_harness/config/test_spec.hpp"

namespace tellus_harness {

struct Launcher {
  std::vector<std::string> slurm{"srun", "--overlap", "--exact", "--kill-on-bad-exit=1", "-n", "{ranks}",
                                 "-N", "{nodes}", "--nodelist", "{nodelist}", "--mpi=pmix"};
  std::vector<std::string> mpirun{"mpirun", "-np", "{ranks}", "--host", "{hosts}"};
  // A test asking for more ranks than the allocation has runs on the ranks there are, more
  // than one process per slot; false: it is skipped with the reason.
  bool oversubscribe = false;
};

// The placeholders a template may use, for checking a profile.
const std::vector<std::string>& launcher_placeholders();
// The first `{...}` in `word` that is not a known placeholder; empty when there is none.
std::string unknown_placeholder(const std::string& word);

// The words that start `spec` (granted: its `hosts` set) through the launcher; the test's own
// program follows them. `under_slurm`: the harness runs inside a Slurm allocation.
std::vector<std::string> launch_prefix(const Launcher& launcher, const TestSpec& spec, bool under_slurm);

}  // namespace tellus_harness
