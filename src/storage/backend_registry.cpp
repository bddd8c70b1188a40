#include "storage/backends.hpp"

namespace tellus_harness {

std::unique_ptr<StorageBackend> make_storage_backend(const std::string& type, const std::string& root,
                                                     const std::string& config_json) {
  // One line per backend type.
  if (type == "file") return make_file_backend(root);
  if (type == "tape") return make_tape_backend(root, config_json);
  if (type == "ssh") return make_ssh_backend(root, config_json);
  if (type == "s3") return make_s3_backend(root, config_json);
  throw StorageError("storage backend '" + type + "' is not available (available: file, s3, ssh, tape)");
}

}  // namespace tellus_harness
