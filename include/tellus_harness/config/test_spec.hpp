#pragma once
#include <map>
#include <string>
#include <vector>

namespace tellus_harness {

// One test of a suite, fully resolved (defaults applied), as every rank sees it.
struct TestSpec {
  std::string suite;       // the suite's name
  std::string suite_file;  // the suite file's path as given on the command line
  int line = 0;            // line of the test entry in suite_file
  std::string name;        // unique within the suite
  std::string nodeid;      // "<suite_file>::<name>"
  std::string kind;        // workload kind: command, archive_roundtrip, ...
  std::vector<std::string> markers;
  double timeout_s = 30;            // before the profile's multiplier
  double expected_duration_s = 0;   // scheduling hint; 0 when unknown
  std::map<std::string, std::string> env;
  std::string backend;          // storage backend type the test needs; empty for none
  std::string backend_name;     // the suite's name for it, when it is a configured one
  std::string backend_config;   // its configuration as JSON ("" for a bare type)
  std::string params_json;      // the kind's own parameters, as JSON text
  std::string workspace_name;   // directory name under <output-dir>/work/, unique in the run
  std::string repeat_of;        // --count: the node id this is a repetition of (pytest runs that one)
  int ranks = 1;                // MPI processes the test runs (`ranks:`); more than 1: through the launcher
  int nodes = 0;                // hosts they must span (`nodes:`); 0: any
  // Set when the test is granted to a rank: the host of each of its processes, in rank order,
  // and the harness ranks (slots of the allocation) it holds while it runs.
  std::vector<std::string> hosts;
  std::vector<int> slots;

  // The node id pytest knows the test by.
  const std::string& collected_nodeid() const { return repeat_of.empty() ? nodeid : repeat_of; }
};

}  // namespace tellus_harness
