#include "tellus_harness/exec/confined_removal.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tellus_harness/common/open_beneath.hpp"

namespace tellus_harness {

namespace {

// One component below `dir_fd`, as a directory, refusing symlinks and mount crossings.
int open_directory_beneath(int dir_fd, const char* name) {
  return open_beneath(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW,
                      RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS);
}

class ConfinedRemoval {
 public:
  std::vector<std::string> problems;

  // Removes entry `name` of directory `dir_fd` (shown as `shown` in messages).
  void remove_entry(int dir_fd, const char* name, const std::string& shown, int depth) {
    if (unlinkat(dir_fd, name, 0) == 0 || errno == ENOENT) return;  // a file, symlink, socket...
    if (errno != EISDIR && errno != EPERM) return report(shown, errno);
    if (depth > 400) return problems.push_back("left " + shorten(shown) + ": nested more than 400 directories deep");
    const int fd = open_directory_beneath(dir_fd, name);
    if (fd < 0) {
      if (errno == EXDEV) return problems.push_back("left " + shorten(shown) + ": a mount point inside the workspace");
      return report(shown, errno);
    }
    empty_directory(fd, shown, depth);
    if (unlinkat(dir_fd, name, AT_REMOVEDIR) != 0 && errno != ENOENT) {
      if (errno == EBUSY) problems.push_back("left " + shorten(shown) + ": a mount point inside the workspace");
      else if (errno != ENOTEMPTY) report(shown, errno);  // what was left inside is reported already
    }
    close(fd);
  }

 private:
  // A path as a message shows it: whole when short, else its two ends (a test can make it
  // thousands of characters long).
  static std::string shorten(const std::string& path) {
    return path.size() <= 200 ? path : path.substr(0, 120) + "..." + path.substr(path.size() - 60);
  }

  void report(const std::string& shown, int err) { problems.push_back("cannot remove " + shorten(shown) + ": " + std::strerror(err)); }

  void empty_directory(int fd, const std::string& shown, int depth) {
    // A directory the test made unwritable or unreadable: ours to open up, as it is inside.
    fchmod(fd, S_IRWXU);
    const int list_fd = dup(fd);
    DIR* dir = list_fd >= 0 ? fdopendir(list_fd) : nullptr;
    if (!dir) {
      if (list_fd >= 0) close(list_fd);
      return report(shown, errno);
    }
    std::vector<std::string> names;
    while (dirent* e = readdir(dir))
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.emplace_back(e->d_name);
    closedir(dir);
    for (const auto& n : names) remove_entry(fd, n.c_str(), shown + "/" + n, depth + 1);
  }
};

}  // namespace

std::vector<std::string> remove_tree_confined(const std::string& path) {
  ConfinedRemoval removal;
  const auto slash = path.find_last_of('/');
  const std::string parent = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const int parent_fd = open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent_fd < 0) return {"cannot remove " + path + ": " + std::strerror(errno)};
  removal.remove_entry(parent_fd, name.c_str(), path, 0);
  close(parent_fd);
  return removal.problems;
}

}  // namespace tellus_harness
