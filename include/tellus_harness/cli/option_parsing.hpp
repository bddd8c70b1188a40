#pragma once
// Boost.Program_options with the harness's error style: a bad flag becomes one UserError
// line that names the flag and suggests the nearest known one.
#include <boost/program_options.hpp>

#include "tellus_harness/cli/commands.hpp"

namespace tellus_harness {

namespace po = boost::program_options;

// Parses `args`; positional arguments go to `positional_name` (if not empty).
po::variables_map parse_command_options(const std::string& command, const Arguments& args,
                                        const po::options_description& options,
                                        const std::string& positional_name = "");

}  // namespace tellus_harness
