#pragma once
// A quarantine file: tests known to fail, each with a reason, an owner and an expiry date. A
// quarantined test still runs; until its entry expires, its failure does not fail the run.
//   quarantine:
//     - test: "tests/integration/test_sftp.py::test_resume*"   # node id or glob (fnmatch)
//       reason: "SFTP server on the CI cluster drops resumed transfers (#123)"
//       owner: a.user
//       expires: 2026-12-31                                     # protects through that day
#include <string>
#include <vector>

namespace tellus_harness {

struct QuarantineEntry {
  std::string test;     // node id or glob
  std::string reason;
  std::string owner;
  std::string expires;  // YYYY-MM-DD, UTC
  std::string file;     // where it was written, for messages
  int line = 0;
  bool expired = false;  // judged once, when the run is planned
};

// UserError (file, line, what to fix) for a file that is not a quarantine list.
std::vector<QuarantineEntry> load_quarantine(const std::string& path);

// Whether `nodeid` is what `entry.test` names (a glob: *, ?, [...]).
bool quarantine_matches(const QuarantineEntry& entry, const std::string& nodeid);

// Today, UTC, as YYYY-MM-DD; TELLUS_TODAY (same form) stands in for it, for tests of expiry.
std::string quarantine_today();

}  // namespace tellus_harness
