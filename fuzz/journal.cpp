// Journals: whatever a journal holds, reading it never throws; bad lines become warnings.
#include "fuzz_input_file.hpp"
#include "tellus_harness/results/journal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string dir = fuzz_directory("journal");
  std::filesystem::create_directories(dir + "/journal");
  write_input(dir + "/journal/rank-0.jsonl", data, size);
  std::vector<std::string> warnings;
  tellus_harness::read_journals(dir, "", warnings);
  return 0;
}
