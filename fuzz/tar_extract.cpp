// Archive extraction: any archive is extracted or refused with an error, and nothing is ever
// written beside the target (the directory holding it must hold exactly what it held before).
#include "fuzz_input_file.hpp"
#include "tellus_harness/common/library_error.hpp"
#include "tellus_harness/tarball/tar_archive.hpp"

#include <cstdlib>

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string dir = fuzz_directory("tar");
  const std::string archive = write_input(dir + "/input.tar", data, size);
  fs::remove_all(dir + "/target");
  try {
    tellus_harness::extract_archive(archive, dir + "/target");
  } catch (const std::runtime_error&) {  // ArchiveRefused, LibraryError, a failed write
  }
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename() != "input.tar" && e.path().filename() != "target") std::abort();
  return 0;
}
