#pragma once
#include <optional>

#include "tellus_harness/cli/commands.hpp"
#include "tellus_harness/run/run_request.hpp"

namespace tellus_harness {

// `run`'s command line. Returns nullopt for --help (printed when `print_help`).
std::optional<RunRequest> parse_run_options(const Arguments& args, bool print_help);

}  // namespace tellus_harness
