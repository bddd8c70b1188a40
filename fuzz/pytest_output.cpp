// What a pytest process under test writes for the harness: the collection manifest (a
// UserError when it is not what the plugin writes, never another exception) and a worker's
// report of one test (never throws: a garbled report is an error outcome).
#include <cstdint>
#include <string>

#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/exec/pytest_worker.hpp"
#include "tellus_harness/pytest/pytest_collection.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    tellus_harness::parse_pytest_manifest(text, "collection.json", 30);
  } catch (const tellus_harness::UserError&) {
  }
  const auto outcome = tellus_harness::parse_pytest_outcome(text);
  (void)outcome;
  return 0;
}
