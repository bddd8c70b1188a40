#include "tellus_harness/storage/backend_type.hpp"

namespace tellus_harness {

// Each backend type's folder defines its BackendType; one line here declares it, one lists it.
BackendType file_backend_type();
BackendType s3_backend_type();
BackendType ssh_backend_type();
BackendType tape_backend_type();

const std::vector<BackendType>& backend_types() {
  static const std::vector<BackendType> types{
      file_backend_type(),
      s3_backend_type(),
      ssh_backend_type(),
      tape_backend_type(),
  };
  return types;
}

const BackendType* find_backend_type(const std::string& name) {
  for (const auto& t : backend_types())
    if (t.name == name) return &t;
  return nullptr;
}

std::vector<std::string> backend_type_names() {
  std::vector<std::string> names;
  for (const auto& t : backend_types()) names.push_back(t.name);
  return names;
}

std::string backend_type_list() {
  std::string list;
  for (const auto& t : backend_types()) list += (list.empty() ? "" : ", ") + t.name;
  return list;
}

std::unique_ptr<StorageBackend> make_storage_backend(const std::string& type, const std::string& root,
                                                     const std::string& config_json) {
  if (const BackendType* t = find_backend_type(type)) return t->open(root, config_json);
  throw StorageError("storage backend '" + type + "' is not available (available: " + backend_type_list() + ")");
}

}  // namespace tellus_harness
