#include "tellus_harness/data/data_cache.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tellus_harness/common/atomic_file.hpp"
#include "tellus_harness/common/environment_names.hpp"
#include "tellus_harness/common/sha256.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

namespace {

// Holds an exclusive flock for its lifetime.
class FileLock {
 public:
  explicit FileLock(const std::string& path) {
    fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error("cannot open lock " + path + ": " + std::strerror(errno));
    while (flock(fd_, LOCK_EX) != 0)
      if (errno != EINTR) throw std::runtime_error("cannot lock " + path + ": " + std::strerror(errno));
  }
  ~FileLock() { close(fd_); }  // closing releases the lock
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

std::optional<Manifest> read_manifest(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    return nlohmann::json::parse(in).get<Manifest>();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// True when every file is there with its size and hash.
bool files_match(const fs::path& files, const Manifest& m) {
  for (const auto& f : m.files) {
    std::error_code ec;
    const fs::path p = files / f.path;
    if (fs::file_size(p, ec) != f.size || ec) return false;
    if (sha256_of_file(p.string()) != f.sha256) return false;
  }
  return true;
}

void touch(const fs::path& p) {
  std::error_code ec;
  fs::last_write_time(p, fs::file_time_type::clock::now(), ec);
}

}  // namespace

DataCache::DataCache(std::string dir) : dir_(std::move(dir)) { fs::create_directories(dir_); }

std::string DataCache::default_dir() {
  if (const char* d = std::getenv(env::kTestCache); d && *d) return d;
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/tmp") + "/.tellus_test_cache";
}

CachedDataset DataCache::dataset(const DatasetSpec& spec) {
  validate_dataset_spec(spec);
  const std::string key = dataset_key(spec);
  const fs::path entry = fs::path(dir_) / key;
  FileLock lock((fs::path(dir_) / (key + ".lock")).string());
  CachedDataset out;
  out.files_dir = (entry / "files").string();
  if (auto m = read_manifest(entry / "manifest.json"); m && files_match(entry / "files", *m)) {
    out.manifest = *m;
    touch(entry);
    return out;
  }
  // Missing, partial or corrupted: build afresh beside it, then swap it in.
  const auto t0 = std::chrono::steady_clock::now();
  const fs::path building = fs::path(dir_) / (key + ".building." + std::to_string(getpid()));
  fs::remove_all(building);
  out.manifest = generate_dataset(spec, (building / "files").string());
  write_file_atomically((building / "manifest.json").string(), nlohmann::json(out.manifest).dump(1));
  fs::remove_all(entry);
  fs::rename(building, entry);
  out.generated = true;
  out.generate_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

CachedArchive DataCache::archive(const DatasetSpec& spec, ArchiveFormat format) {
  const CachedDataset data = dataset(spec);
  const std::string key = dataset_key(spec);
  const fs::path entry = fs::path(dir_) / key;
  const fs::path path = entry / ("dataset" + archive_extension(format));
  const fs::path record = entry / ("dataset" + archive_extension(format) + ".sha256");
  FileLock lock((fs::path(dir_) / (key + ".lock")).string());
  CachedArchive out{path.string(), 0, false, data.manifest};
  std::ifstream in(record);
  std::string expected;
  if (in >> expected && fs::exists(path) && sha256_of_file(path.string()) == expected) {
    out.size = fs::file_size(path);
    return out;
  }
  std::vector<std::string> names;
  for (const auto& f : data.manifest.files) names.push_back(f.path);
  const std::string tmp = path.string() + ".tmp." + std::to_string(getpid());
  pack_files(data.files_dir, names, tmp, format);
  write_file_atomically(record.string(), sha256_of_file(tmp) + "\n");
  fs::rename(tmp, path);
  out.size = fs::file_size(path);
  out.generated = true;
  return out;
}

std::vector<CacheListing> DataCache::list() const {
  std::vector<CacheListing> out;
  const auto now = fs::file_time_type::clock::now();
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    if (!e.is_directory() || e.path().filename().string().find(".building.") != std::string::npos) continue;
    CacheListing l;
    l.key = e.path().filename().string();
    for (const auto& f : fs::recursive_directory_iterator(e.path(), ec))
      if (f.is_regular_file()) l.bytes += f.file_size();
    l.age_days = std::chrono::duration<double>(now - fs::last_write_time(e.path())).count() / 86400.0;
    out.push_back(l);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  return out;
}

int DataCache::clean(std::optional<double> older_than_days) {
  int removed = 0;
  for (const auto& l : list()) {
    if (older_than_days && l.age_days < *older_than_days) continue;
    FileLock lock((fs::path(dir_) / (l.key + ".lock")).string());
    fs::remove_all(fs::path(dir_) / l.key);
    ++removed;
  }
  return removed;
}

}  // namespace tellus_harness
