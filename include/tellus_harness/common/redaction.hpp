#pragma once
// Secrets never reach a file or a terminal: wherever a command line or a configuration is
// recorded (run.json, report.json, report.html, logs), URLs lose their user information,
// path and query (webhook tokens live there), and values of options, variables and
// key=value pairs whose names say they are secret become "***".
#include <string>
#include <string_view>
#include <vector>

namespace tellus_harness {

// Whether a name (an option, an environment variable, a key) names a secret: it contains
// token, secret, password, passwd, apikey/api_key, access_key, private_key, credential or auth.
bool names_a_secret(std::string_view name);

// `text` with every URL reduced to scheme://host[:port]/… and every NAME=value or
// --NAME=value whose NAME names a secret given as NAME=***.
std::string redact_text(std::string_view text);

// A command line as recorded: each argument redacted, and the argument after an option that
// names a secret (`--password X`, `--webhook X` keeps its URL rule) replaced by ***.
std::vector<std::string> redact_command_line(const std::vector<std::string>& args);

}  // namespace tellus_harness
