// The orphan guard's process (exec/orphan_guard.hpp): `tellus-contain --orphan-guard`. It is
// part of the small static tellus-contain rather than the harness binary, whose loading (60
// shared libraries: MPI, HDF5, netCDF, curl, libssh2) would cost each rank tens of
// milliseconds of CPU while its pytest workers start.
#include <signal.h>
#include <stdio.h>

#include <set>

#include "orphan_guard_loop.hpp"

int run_orphan_guard() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) signal(sig, SIG_IGN);
  std::set<pid_t> groups;
  char sign = 0;
  int pgid = 0;
  while (scanf(" %c%d", &sign, &pgid) == 2) {
    if (sign == '+') groups.insert(pgid);
    else groups.erase(pgid);
  }
  // SIGHUP asks each test's subreaper to kill everything below it and end; a SIGKILL would
  // end the subreaper alone and free what is below it.
  for (pid_t g : groups) kill(-g, SIGHUP);
  return 0;
}
