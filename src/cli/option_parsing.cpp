#include "tellus_harness/cli/option_parsing.hpp"

#include "tellus_harness/common/nearest_word.hpp"
#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/config/yaml_map.hpp"

namespace tellus_harness {

po::variables_map parse_command_options(const std::string& command, const Arguments& args,
                                        const po::options_description& options, const std::string& positional_name) {
  po::positional_options_description positional;
  if (!positional_name.empty()) positional.add(positional_name.c_str(), -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::unknown_option& e) {
    std::vector<std::string> known;
    for (const auto& o : options.options()) known.push_back(o->canonical_display_name(po::command_line_style::allow_long));
    std::string message = "unknown option '" + e.get_option_name() + "' for '" + command + "'";
    if (auto near = nearest_word(e.get_option_name(), known); !near.empty()) message += "; did you mean '" + near + "'?";
    throw UserError(message + " (see tellus-harness " + command + " --help)");
  } catch (const po::error& e) {
    throw UserError(command + ": " + e.what() + " (see tellus-harness " + command + " --help)");
  }
  return vm;
}

}  // namespace tellus_harness
