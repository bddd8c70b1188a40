#pragma once
// Storage locations named in a suite's `backends:` section and referenced by tests with
// `backend: NAME`; the type decides the implementation. Credentials never go here: they come
// from key files, the agent, the environment or credential files.
#include <map>
#include <string>

namespace tellus_harness {

class YamlMap;

struct BackendConfig {
  std::string name;
  std::string type;         // file | ssh | s3 | tape
  std::string config_json;  // the entry as JSON, type included
};

// Reads `backends:` (absent: none). Unknown keys and types are UserErrors with file and line.
std::map<std::string, BackendConfig> read_backends(const YamlMap& suite);

}  // namespace tellus_harness
