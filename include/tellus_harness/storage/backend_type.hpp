#pragma once
// What the rest of the harness knows of a storage backend type, declared by the backend in its
// own folder (src/storage/<type>/) and listed once in src/storage/backend_registry.cpp: the keys
// a suite's `backends:` entry may give and how to check them, whether it is reached over the
// network, where its root is when a suite gives none, and how to open it. Suites, profiles and
// the archive workloads ask the registry; none of them names a type.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tellus_harness/storage/server_address.hpp"
#include "tellus_harness/storage/storage_backend.hpp"

namespace tellus_harness {

// One key of a `backends:` entry besides `type` and `root`, which every type takes.
struct BackendKey {
  enum class Kind { kText, kNumber, kBoolean };
  std::string name;
  Kind kind = Kind::kText;
  double maximum = 0;  // kNumber: the largest sensible value (beyond it, a typo)
};

// What is wrong with a configuration: `key` names the key ("" the whole entry).
struct BackendConfigProblem {
  std::string key;
  std::string message;
};

struct BackendType {
  enum class Reach { kLocal, kRemote };   // remote: retried when the link breaks, and routed
                                          // through the fault proxy when the network is simulated
  enum class DefaultRoot { kWorkspace, kTopLevel };  // <workspace>/storage, or "" (a bucket's keys)
  std::string name;
  std::vector<BackendKey> keys;
  Reach reach = Reach::kLocal;
  DefaultRoot default_root = DefaultRoot::kWorkspace;
  bool hierarchical = false;  // files go offline and must be staged (tape)
  // Checks a configuration whose keys are known and whose values have their kinds (JSON text);
  // nullopt when it is good.
  std::optional<BackendConfigProblem> (*check)(const std::string& config_json) = nullptr;
  // Remote types: the server the configuration names (for the fault proxy); nullopt if none.
  std::optional<ServerAddress> (*address)(const std::string& config_json) = nullptr;
  std::unique_ptr<StorageBackend> (*open)(const std::string& root, const std::string& config_json) = nullptr;
};

// Every type, in the registry's order.
const std::vector<BackendType>& backend_types();
// nullptr for an unknown name.
const BackendType* find_backend_type(const std::string& name);
std::vector<std::string> backend_type_names();
// "file, s3, ssh, tape": for messages.
std::string backend_type_list();

}  // namespace tellus_harness
