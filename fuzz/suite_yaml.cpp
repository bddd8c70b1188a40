// Suite YAML: every input is either a valid suite or one UserError (file, line, fix).
#include "fuzz_input_file.hpp"
#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/config/suite.hpp"
#include "tellus_harness/workloads/workload.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string dir = fuzz_directory("suite");
  try {
    tellus_harness::load_suites({write_input(dir + "/suite.yaml", data, size)}, 30, tellus_harness::workload_test_kinds());
  } catch (const tellus_harness::UserError&) {
  }
  return 0;
}
