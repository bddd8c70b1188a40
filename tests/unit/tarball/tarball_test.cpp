#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <catch2/catch.hpp>

#include "temp_dir.hpp"
#include <filesystem>
#include <fstream>

#include "tellus_harness/common/sha256.hpp"
#include "tellus_harness/tarball/tar_archive.hpp"

using namespace tellus_harness;
namespace fs = std::filesystem;

namespace {
struct Entry {
  std::string name;
  std::string content;
  std::string symlink;
  std::string hardlink;
  unsigned type = AE_IFREG;
  int mode = 0644;
};

// A tar archive written entry by entry, as an attacker would craft it.
std::string craft(const std::string& path, const std::vector<Entry>& entries) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_open_filename(a, path.c_str());
  for (const auto& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.name.c_str());
    archive_entry_set_perm(entry, e.mode);
    if (!e.symlink.empty()) {
      archive_entry_set_filetype(entry, AE_IFLNK);
      archive_entry_set_symlink(entry, e.symlink.c_str());
    } else if (!e.hardlink.empty()) {
      archive_entry_set_filetype(entry, AE_IFREG);
      archive_entry_set_hardlink(entry, e.hardlink.c_str());
    } else {
      archive_entry_set_filetype(entry, e.type);
      if (e.type == AE_IFCHR) archive_entry_set_rdev(entry, makedev(1, 3));
      archive_entry_set_size(entry, static_cast<la_int64_t>(e.content.size()));
    }
    archive_write_header(a, entry);
    if (!e.content.empty()) archive_write_data(a, e.content.data(), e.content.size());
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
  return path;
}
}  // namespace

TEST_CASE("pack and extract round-trip in every format, hashing as they extract") {
  const std::string dir = fresh_temp_dir("roundtrip");
  fs::create_directories(dir + "/src/data");
  std::ofstream(dir + "/src/data/a.nc") << std::string(100000, 'a');
  std::ofstream(dir + "/src/b.log") << "hello\n";
  for (const char* name : {"tar", "tar.gz", "tar.zst"}) {
    INFO(name);
    const auto format = parse_archive_format(name);
    const std::string archive = dir + "/x" + archive_extension(format);
    pack_files(dir + "/src", {"data/a.nc", "b.log"}, archive, format);
    const auto files = extract_archive(archive, dir + "/out-" + name);
    REQUIRE(files.size() == 2);
    CHECK(files[0].path == "data/a.nc");
    CHECK(files[0].size == 100000);
    CHECK(files[0].sha256 == sha256_of_file(dir + "/src/data/a.nc"));
  }
  CHECK_THROWS_AS(parse_archive_format("zip"), std::invalid_argument);
}

TEST_CASE("extraction refuses entries that would leave the target, writing nothing outside") {
  const std::string dir = fresh_temp_dir("guards");
  const std::string target = dir + "/target";
  const std::vector<std::pair<std::vector<Entry>, std::string>> attacks{
      {{{"ok.txt", "fine", "", ""}, {"../escaped.txt", "evil", "", ""}}, "entry '../escaped.txt' has a '..' component"},
      {{{"/tmp/tellus-unit/guards/abs.txt", "evil", "", ""}}, "has an absolute path"},
      {{{"sub/../../escaped.txt", "evil", "", ""}}, "has a '..' component"},
      {{{"link", "", "/tmp/tellus-unit/guards", ""}, {"link/escaped.txt", "evil", "", ""}},
       "entry 'link' is a symlink to '/tmp/tellus-unit/guards', outside the target"},
      {{{"d/link", "", "../../", ""}, {"d/link/escaped.txt", "evil", "", ""}}, "is a symlink to '../../'"},
      {{{"hard", "", "", "../escaped.txt"}}, "is a hard link to '../escaped.txt'"},
      // Each link's text stays inside on its own; together they lead out ("s" is the target,
      // so "s/s/t" is "t", and ".." from there is outside).
      {{{"s", "", ".", ""}, {"s/s/t", "", "..", ""}, {"s/s/t/escaped.txt", "evil", "", ""}},
       "entry 's/s/t/escaped.txt' leads outside the target through a symlink"},
      {{{"s", "", ".", ""}, {"s/s/t", "", "..", ""}, {"h", "", "", "s/s/t/escaped.txt"}},
       "entry 'h' leads outside the target through a symlink"},
      {{{"s", "", ".", ""}, {"s/s/t", "", "..", ""}, {"s/s/t/newdir/", "", "", "", AE_IFDIR}},
       "entry 's/s/t/newdir/' leads outside the target through a symlink"},
      {{{"null", "", "", "", AE_IFCHR}}, "entry 'null' is neither a file, a directory nor a link"},
      {{{"fifo", "", "", "", AE_IFIFO}}, "entry 'fifo' is neither a file, a directory nor a link"},
  };
  int n = 0;
  for (const auto& [entries, message] : attacks) {
    INFO(message);
    fs::remove_all(target);
    const std::string archive = craft(dir + "/evil" + std::to_string(n++) + ".tar", entries);
    CHECK_THROWS_WITH(extract_archive(archive, target), Catch::Contains(message) && Catch::Contains(archive));
    CHECK_FALSE(fs::exists(dir + "/escaped.txt"));
    CHECK_FALSE(fs::exists(dir + "/abs.txt"));
  }
  // A symlink that stays inside is fine.
  fs::remove_all(target);
  const auto ok = craft(dir + "/ok.tar", {{"data/x", "x", "", ""}, {"latest", "", "data/x", ""}});
  CHECK(extract_archive(ok, target).size() == 1);
  CHECK(fs::is_symlink(target + "/latest"));
  CHECK_FALSE(fs::exists(dir + "/newdir"));
}

TEST_CASE("extraction takes no mode from the archive: setuid and world-writable bits are dropped") {
  const std::string dir = fresh_temp_dir("modes");
  const auto archive = craft(dir + "/suid.tar", {{"run", "#!/bin/sh\n", "", "", AE_IFREG, 06777}});
  extract_archive(archive, dir + "/target");
  struct stat st {};
  REQUIRE(stat((dir + "/target/run").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0644);
}
