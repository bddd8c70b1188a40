#pragma once
// Removes a directory tree that untrusted code wrote, without ever acting outside it:
// every step is relative to an open directory descriptor, symlinks are removed and never
// followed, a mount point inside (a bind mount included) is never entered, and files are
// only unlinked, never opened or changed (so a hard link to a file elsewhere loses one
// name, not its content or mode). Only directories inside the tree are made writable.
#include <string>
#include <vector>

namespace tellus_harness {

// Removes `path` and everything below it. What cannot be removed safely is left in place;
// the returned lines say what and why (empty when everything went).
std::vector<std::string> remove_tree_confined(const std::string& path);

}  // namespace tellus_harness
