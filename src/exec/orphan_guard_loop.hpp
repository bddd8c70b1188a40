#pragma once
// Main of the orphan guard process (exec/orphan_guard.hpp): reads "+pgid"/"-pgid" lines from
// its standard input until EOF, then sends SIGHUP to every group still listed.
int run_orphan_guard();
