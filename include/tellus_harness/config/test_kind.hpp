#pragma once
// What a suite file needs to know of a kind of test (its `kind:`): the keys the kind takes and
// how it reads them. The kinds themselves live above config (workloads/, whose registry is a
// TestKinds); config reads suites through this interface and knows no kind by name.
#include <map>
#include <string>
#include <vector>

namespace tellus_harness {

class YamlMap;
struct BackendConfig;
using SuiteBackends = std::map<std::string, BackendConfig>;

class TestKind {
 public:
  virtual ~TestKind() = default;
  virtual std::string kind() const = 0;
  // Keys this kind accepts in a test entry besides the common ones (name, kind, markers, ...).
  virtual std::vector<std::string> parameter_keys() const = 0;
  // Whether a test of this kind may ask for several ranks (`ranks:`, `nodes:`): its program is
  // an MPI program the run starts through the profile's launcher.
  virtual bool multi_rank() const { return false; }
  // Reads and checks the kind's parameters from the test entry; returns them as JSON text.
  // `backends` are the suite's named storage locations. Bad parameters throw a UserError
  // naming the file and line.
  virtual std::string parse_parameters(const YamlMap& test, const SuiteBackends& backends) const = 0;
};

// The kinds a suite may use.
class TestKinds {
 public:
  virtual ~TestKinds() = default;
  virtual const TestKind* find(const std::string& kind) const = 0;
  virtual std::vector<std::string> names() const = 0;
};

}  // namespace tellus_harness
