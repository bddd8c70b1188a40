#include "storage/backends.hpp"

namespace tellus_harness {

std::unique_ptr<StorageBackend> make_storage_backend(const std::string& type, const std::string& root) {
  // One line per backend type.
  if (type == "file") return make_file_backend(root);
  throw StorageError("storage backend '" + type + "' is not available in this build (available: file)");
}

}  // namespace tellus_harness
