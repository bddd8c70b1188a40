#pragma once
// The directory an archive is extracted into, with every path operation below it confined by
// the kernel: each component is opened with openat2(RESOLVE_BENEATH) relative to the one
// above, so no entry name, symlink (however its text reads) or chain of them can reach
// outside, whatever earlier entries created. Private to the archive component.
#include <stdexcept>
#include <string>

namespace tellus_harness {

class ExtractionRoot {
 public:
  explicit ExtractionRoot(const std::string& target);  // created when missing
  ~ExtractionRoot();
  ExtractionRoot(const ExtractionRoot&) = delete;
  ExtractionRoot& operator=(const ExtractionRoot&) = delete;

  // Each call takes a path relative to the root, already free of "." and empty components.
  // They throw ConfinementError when the path would leave the root (errno EXDEV, ELOOP),
  // std::runtime_error for other failures.
  void make_directory(const std::string& relative);
  int create_file(const std::string& relative);  // O_WRONLY, mode 0644, never through a symlink
  void make_symlink(const std::string& relative, const std::string& link_text);
  void make_hard_link(const std::string& relative, const std::string& existing_relative);

 private:
  // An O_PATH descriptor of the directory holding `relative`'s last component, creating the
  // directories on the way; `base` receives that last component.
  int open_parent(const std::string& relative, std::string& base, bool create);
  int fd_ = -1;
  std::string target_;
};

class ConfinementError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace tellus_harness
