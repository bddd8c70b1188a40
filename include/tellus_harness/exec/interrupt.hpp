#pragma once
// SIGINT/SIGTERM/SIGHUP handling for a rank. The first signal sets the interrupted flag and
// sends SIGTERM to every running test's process group at once (from the handler, so tests
// die with the rank even if the rank is killed right after); a second one ends the rank.
#include <sys/types.h>

#include <string>

namespace tellus_harness {

void install_interrupt_handlers();
bool interrupted();
// "run interrupted (SIGINT)": the reason given to tests the interrupt ended.
std::string interrupt_reason();
// Process groups the handler must signal; a fixed table, safe to read from the handler.
void register_process_group(pid_t pgid);
void unregister_process_group(pid_t pgid);

}  // namespace tellus_harness
