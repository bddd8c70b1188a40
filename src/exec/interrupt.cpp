#include "tellus_harness/exec/interrupt.hpp"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <atomic>

namespace tellus_harness {

namespace {
constexpr int kMaxGroups = 4096;
std::atomic<pid_t> g_groups[kMaxGroups];
volatile sig_atomic_t g_signal = 0;

void on_signal(int sig) {
  if (g_signal != 0) {  // second signal: stop waiting for a graceful end
    // SIGHUP: each test's subreaper kills everything below it at once and ends.
    for (auto& g : g_groups)
      if (pid_t p = g.load(); p > 0) kill(-p, SIGHUP);
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  g_signal = sig;
  for (auto& g : g_groups)
    if (pid_t p = g.load(); p > 0) kill(-p, SIGTERM);
}
}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
}

bool interrupted() { return g_signal != 0; }

std::string interrupt_reason() {
  const char* name = sigabbrev_np(g_signal);
  return std::string("run interrupted (SIG") + (name ? name : "?") + ")";
}

void register_process_group(pid_t pgid) {
  for (auto& g : g_groups) {
    pid_t empty = 0;
    if (g.compare_exchange_strong(empty, pgid)) return;
  }
}

void unregister_process_group(pid_t pgid) {
  for (auto& g : g_groups) {
    pid_t expected = pgid;
    if (g.compare_exchange_strong(expected, 0)) return;
  }
}

}  // namespace tellus_harness
