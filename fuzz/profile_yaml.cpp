// Profile YAML: every input is either a valid profile or one UserError.
#include "fuzz_input_file.hpp"
#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/config/profile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string dir = fuzz_directory("profile");
  try {
    tellus_harness::load_profile(write_input(dir + "/profile.yaml", data, size), {});
  } catch (const tellus_harness::UserError&) {
  }
  return 0;
}
