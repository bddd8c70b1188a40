#pragma once
// The test-data cache shared by all tests, ranks and nodes: TELLUS_TEST_CACHE, else
// ~/.tellus_test_cache. An entry <key>/ holds the dataset's files (files/), its manifest and
// its archives (dataset.tar, .tar.gz, .tar.zst) made on demand. Many processes asking for the
// same entry at once generate it once: an flock on <key>.lock, a build in a temporary
// directory and an atomic rename. An entry whose files do not match its manifest (partial,
// corrupted) is rebuilt.
#include <optional>
#include <string>
#include <vector>

#include "tellus_harness/data/dataset.hpp"
#include "tellus_harness/tarball/tar_archive.hpp"

namespace tellus_harness {

struct CachedDataset {
  std::string files_dir;  // the dataset's files
  Manifest manifest;
  bool generated = false;      // false: found in the cache
  double generate_s = 0;       // time spent generating (0 when found)
};

struct CachedArchive {
  std::string path;
  std::uint64_t size = 0;
  bool generated = false;
  Manifest manifest;  // of the dataset it holds, already checked against its files
};

struct CacheListing {
  std::string key;
  std::uint64_t bytes = 0;
  double age_days = 0;
};

class DataCache {
 public:
  explicit DataCache(std::string dir = default_dir());
  static std::string default_dir();
  const std::string& dir() const { return dir_; }

  CachedDataset dataset(const DatasetSpec& spec);
  CachedArchive archive(const DatasetSpec& spec, ArchiveFormat format);
  std::vector<CacheListing> list() const;
  // Removes entries last used more than `older_than_days` ago (all when nullopt); returns how many.
  int clean(std::optional<double> older_than_days);

 private:
  std::string dir_;
};

}  // namespace tellus_harness
