#pragma once
// Factories of the storage backends; listed once in backend_registry.cpp.
#include <memory>
#include <string>

#include "tellus_harness/storage/storage_backend.hpp"

namespace tellus_harness {

std::unique_ptr<StorageBackend> make_file_backend(const std::string& root);
std::unique_ptr<StorageBackend> make_s3_backend(const std::string& root, const std::string& config_json);
std::unique_ptr<StorageBackend> make_ssh_backend(const std::string& root, const std::string& config_json);
std::unique_ptr<StorageBackend> make_tape_backend(const std::string& root, const std::string& config_json);

}  // namespace tellus_harness
