#include "tellus_harness/tarball/tar_archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "extraction_root.hpp"
#include "tellus_harness/common/library_error.hpp"
#include "tellus_harness/common/sha256.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

ArchiveFormat parse_archive_format(const std::string& name) {
  if (name == "tar") return ArchiveFormat::kTar;
  if (name == "tar.gz") return ArchiveFormat::kTarGz;
  if (name == "tar.zst") return ArchiveFormat::kTarZst;
  throw std::invalid_argument("unknown archive format '" + name + "' (use tar, tar.gz or tar.zst)");
}

std::string archive_extension(ArchiveFormat format) {
  switch (format) {
    case ArchiveFormat::kTar: return ".tar";
    case ArchiveFormat::kTarGz: return ".tar.gz";
    case ArchiveFormat::kTarZst: return ".tar.zst";
  }
  return ".tar";
}

namespace {

struct WriterDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct ReaderDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

void check(archive* a, int status, const std::string& what) {
  if (status < ARCHIVE_WARN) {
    const char* message = archive_error_string(a);
    throw LibraryError("libarchive: " + what + ": " + (message ? message : "failed"));
  }
}

std::unique_ptr<archive, ReaderDeleter> open_reader(const std::string& path) {
  std::unique_ptr<archive, ReaderDeleter> a(archive_read_new());
  archive_read_support_format_tar(a.get());
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_zstd(a.get());
  check(a.get(), archive_read_open_filename(a.get(), path.c_str(), 1 << 20), "open " + path);
  return a;
}

// Lexically normalised path inside the target, or "" if it would leave it.
std::string inside(const fs::path& relative) {
  if (relative.empty() || relative.is_absolute()) return {};
  fs::path clean;
  for (const auto& part : relative) {
    if (part == "..") {
      if (clean.empty()) return {};
      clean = clean.parent_path();
    } else if (part != "." && !part.empty()) {
      clean /= part;
    }
  }
  return clean.string();
}

// Whether `relative`, read as text, climbs above the directory it starts in.
bool climbs_out(const fs::path& relative) {
  if (relative.is_absolute()) return true;
  int depth = 0;
  for (const auto& part : relative) {
    if (part == "..") {
      if (--depth < 0) return true;
    } else if (part != "." && !part.empty()) {
      ++depth;
    }
  }
  return false;
}

void refuse(const std::string& archive_path, const std::string& entry, const std::string& why) {
  throw ArchiveRefused("refusing to extract " + archive_path + ": entry '" + entry + "' " + why +
                       "; nothing outside the target was written");
}

}  // namespace

void pack_files(const std::string& root, const std::vector<std::string>& files, const std::string& archive_path,
                ArchiveFormat format) {
  std::unique_ptr<archive, WriterDeleter> a(archive_write_new());
  check(a.get(), archive_write_set_format_pax_restricted(a.get()), "tar format");
  if (format == ArchiveFormat::kTarGz) {
    check(a.get(), archive_write_add_filter_gzip(a.get()), "gzip");
    archive_write_set_filter_option(a.get(), "gzip", "timestamp", nullptr);  // no time in the header
  } else if (format == ArchiveFormat::kTarZst) {
    check(a.get(), archive_write_add_filter_zstd(a.get()), "zstd");
  }
  check(a.get(), archive_write_set_bytes_per_block(a.get(), 1 << 16), "block size");
  check(a.get(), archive_write_open_filename(a.get(), archive_path.c_str()), "create " + archive_path);
  std::vector<char> buffer(4 << 20);
  for (const auto& name : files) {
    const std::string full = root + "/" + name;
    const int fd = open(full.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot read " + full + ": " + std::strerror(errno));
    struct stat st {};
    fstat(fd, &st);
    std::unique_ptr<archive_entry, EntryDeleter> e(archive_entry_new());
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_size(e.get(), st.st_size);
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    check(a.get(), archive_write_header(a.get(), e.get()), "header for " + name);
    for (;;) {
      const ssize_t n = read(fd, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      if (archive_write_data(a.get(), buffer.data(), static_cast<std::size_t>(n)) < 0) {
        close(fd);
        check(a.get(), ARCHIVE_FATAL, "write " + name);
      }
    }
    close(fd);
  }
  check(a.get(), archive_write_close(a.get()), "finish " + archive_path);
}

std::vector<ExtractedFile> extract_archive(const std::string& archive_path, const std::string& target) {
  ExtractionRoot root(target);
  auto a = open_reader(archive_path);
  std::vector<ExtractedFile> out;
  std::vector<char> buffer;
  archive_entry* entry = nullptr;
  for (;;) {
    const int r = archive_read_next_header(a.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    check(a.get(), r, "read " + archive_path);
    const std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    if (name.empty()) refuse(archive_path, name, "has no name");
    // Textual checks first, for a clear message; the kernel confines every operation anyway.
    if (name.front() == '/') refuse(archive_path, name, "has an absolute path");
    for (const auto& part : fs::path(name))
      if (part == "..") refuse(archive_path, name, "has a '..' component");
    const std::string relative = inside(name);
    if (relative.empty()) continue;  // "." itself
    const auto type = archive_entry_filetype(entry);
    try {
      if (const char* link = archive_entry_symlink(entry)) {
        if (climbs_out(fs::path(relative).parent_path() / link))
          refuse(archive_path, name, std::string("is a symlink to '") + link + "', outside the target");
        root.make_symlink(relative, link);
        continue;
      }
      if (const char* link = archive_entry_hardlink(entry)) {
        const std::string link_target = inside(link);
        if (link_target.empty() || fs::path(link).is_absolute())
          refuse(archive_path, name, std::string("is a hard link to '") + link + "', outside the target");
        root.make_hard_link(relative, link_target);
        continue;
      }
      if (type == AE_IFDIR) {
        root.make_directory(relative);
        continue;
      }
    } catch (const ConfinementError&) {
      refuse(archive_path, name, "leads outside the target through a symlink");
    }
    // Devices, FIFOs and sockets are refused; modes are never taken from the archive (no setuid).
    if (type != AE_IFREG) refuse(archive_path, name, "is neither a file, a directory nor a link");
    const std::string destination = target + "/" + relative;
    int fd = -1;
    try {
      fd = root.create_file(relative);  // never through a symlink, never outside the target
    } catch (const ConfinementError&) {
      refuse(archive_path, name, "leads outside the target through a symlink");
    }
    Sha256 hash;
    ExtractedFile file{relative, 0, {}};
    const void* block = nullptr;
    std::size_t size = 0;
    la_int64_t offset = 0;
    for (;;) {
      const int b = archive_read_data_block(a.get(), &block, &size, &offset);
      if (b == ARCHIVE_EOF) break;
      if (b < ARCHIVE_WARN) {
        close(fd);
        check(a.get(), b, "read " + name + " from " + archive_path);
      }
      if (offset < 0 || static_cast<std::uint64_t>(offset) < file.size) {
        close(fd);
        refuse(archive_path, name, "has data blocks that overlap");
      }
      if (static_cast<std::uint64_t>(offset) != file.size) {  // sparse hole: zeros, hashed a block at a time
        buffer.assign(1 << 16, '\0');
        for (std::uint64_t left = static_cast<std::uint64_t>(offset) - file.size; left > 0;) {
          const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer.size()));
          hash.update(buffer.data(), n);
          left -= n;
        }
        lseek(fd, offset, SEEK_SET);
        file.size = static_cast<std::uint64_t>(offset);
      }
      hash.update(block, size);
      for (std::size_t done = 0; done < size;) {
        const ssize_t w = write(fd, static_cast<const char*>(block) + done, size - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
          const std::string why = std::strerror(errno);
          close(fd);
          throw std::runtime_error("cannot write " + destination + ": " + why);
        }
        done += static_cast<std::size_t>(w);
      }
      file.size += size;
    }
    if (close(fd) != 0) throw std::runtime_error("cannot write " + destination + ": " + std::strerror(errno));
    file.sha256 = hash.hex_digest();
    out.push_back(std::move(file));
  }
  return out;
}

}  // namespace tellus_harness
