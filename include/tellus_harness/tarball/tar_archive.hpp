#pragma once
// tar, tar.gz and tar.zst archives through libarchive.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace tellus_harness {

enum class ArchiveFormat { kTar, kTarGz, kTarZst };

ArchiveFormat parse_archive_format(const std::string& name);  // "tar" | "tar.gz" | "tar.zst"; invalid_argument
std::string archive_extension(ArchiveFormat format);           // ".tar", ".tar.gz", ".tar.zst"

// Packs `files` (paths relative to `root`, in this order) into `archive_path`. Entries carry
// no times or owners, so the same files give the same archive.
void pack_files(const std::string& root, const std::vector<std::string>& files, const std::string& archive_path,
                ArchiveFormat format);

struct ExtractedFile {
  std::string path;  // relative to the target
  std::uint64_t size = 0;
  std::string sha256;
};

// Extracts into `target` (created), hashing every regular file as it is written. Refuses,
// with an error naming the entry and before writing it, any entry with an absolute path, a
// `..` component, a link that points outside `target`, a path that leads out through a
// symlink an earlier entry made, a device, FIFO or socket; every operation is confined below
// `target` by the kernel (openat2 RESOLVE_BENEATH), and no mode is taken from the archive.
// Throws ArchiveRefused for such entries, LibraryError for unreadable archives.
std::vector<ExtractedFile> extract_archive(const std::string& archive_path, const std::string& target);

class ArchiveRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace tellus_harness
