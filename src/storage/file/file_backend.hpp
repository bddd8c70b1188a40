#pragma once
// The POSIX backend, also the disk behind the tape emulator.
#include <memory>
#include <string>

#include "tellus_harness/storage/storage_backend.hpp"

namespace tellus_harness {

std::unique_ptr<StorageBackend> make_file_backend(const std::string& root);

}  // namespace tellus_harness
