// kind: command — runs an external program: an argv list, or a string run with /bin/sh -c.
#include <nlohmann/json.hpp>

#include "tellus_harness/config/yaml_map.hpp"
#include "workloads/builtin_workloads.hpp"

namespace tellus_harness {

namespace {

class CommandWorkload final : public Workload {
 public:
  std::string kind() const override { return "command"; }
  std::vector<std::string> parameter_keys() const override { return {"command"}; }

  std::string parse_parameters(const YamlMap& test, const SuiteBackends&) const override {
    const YamlNode command = test.get("command");
    nlohmann::json params;
    if (!command.defined() || command.is_null())
      throw UserError(test.file(), test.line(), test.what() + ": kind 'command' needs a 'command' (argv list or shell string)");
    if (command.is_scalar()) {
      if (command.scalar().empty()) test.fail("command", "must not be empty");
      params["shell"] = command.scalar();
    } else {
      const auto argv = test.string_list("command");
      if (argv.empty()) test.fail("command", "must not be an empty list");
      params["argv"] = argv;
    }
    return params.dump();
  }

  // With `ranks:`, the command is an MPI program: the launcher starts it on the test's slots.
  bool multi_rank() const override { return true; }

  std::vector<std::string> child_argv(const TestSpec& spec, const std::string&,
                                      const std::vector<std::string>& launcher) const override {
    const auto params = nlohmann::json::parse(spec.params_json);
    std::vector<std::string> argv(launcher);
    if (params.contains("shell")) {
      for (const char* w : {"/bin/sh", "-c"}) argv.emplace_back(w);
      argv.push_back(params["shell"].get<std::string>());
    } else {
      for (auto& w : params["argv"].get<std::vector<std::string>>()) argv.push_back(std::move(w));
    }
    return argv;
  }
};

}  // namespace

std::unique_ptr<Workload> make_command_workload() { return std::make_unique<CommandWorkload>(); }

}  // namespace tellus_harness
