// The `tape` backend: hierarchical storage whose files go offline after migration and must be
// staged (recalled) before they can be read, as at AWI. Two drivers:
//  - emulator: a directory plus per-file state; a file goes offline `migrate_after_s` after its
//    put; staging costs mount latency + seek + size / bandwidth on one of `drives` drives,
//    which are shared, through flock, by every process using the same root (so recalls queue).
//  - hsm_command: the site's own commands (slk, hsi, htar, ...) as templates with {local},
//    {path} placeholders; status_command exits 0 when the file is online. The HSM's
//    namespace is a mounted directory (listing, stat, remove and mkdir go through it).
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "storage/file/file_backend.hpp"
#include "tellus_harness/common/process_runner.hpp"
#include "tellus_harness/common/wall_clock.hpp"
#include "tellus_harness/storage/backend_type.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

namespace {

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Holds one tape drive (an flock on <root>/.hsm/drive-N.lock) while it exists.
class Drive {
 public:
  Drive(const std::string& dir, int drives) {
    for (int attempt = 0;; ++attempt) {
      for (int d = 0; d < drives; ++d) {
        fd_ = open((dir + "/drive-" + std::to_string(d) + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ >= 0 && flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
        if (fd_ >= 0) close(fd_);
        fd_ = -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // all drives busy: queue
    }
  }
  ~Drive() {
    if (fd_ >= 0) close(fd_);
  }
  Drive(const Drive&) = delete;
  Drive& operator=(const Drive&) = delete;

 private:
  int fd_ = -1;
};

class TapeBackend final : public StorageBackend {
 public:
  TapeBackend(std::string root, const std::string& config_json)
      : root_(std::move(root)), disk_(make_file_backend(root_)), config_(nlohmann::json::parse(config_json)) {
    driver_ = config_.value("driver", "emulator");
    fs::create_directories(state_dir());
  }
  std::string type() const override { return "tape"; }
  void mkdir(const std::string& path) override { disk_->mkdir(path); }
  std::vector<StoredObject> list(const std::string& dir) override {
    auto all = disk_->list(dir);
    std::erase_if(all, [](const StoredObject& o) { return o.name == ".hsm"; });
    return all;
  }
  std::optional<StoredObject> stat(const std::string& path) override { return disk_->stat(path); }
  void remove(const std::string& path) override {
    disk_->remove(path);
    std::error_code ec;
    fs::remove_all(state_dir() + "/" + path, ec);
    fs::remove(state_file(path), ec);
  }

  void put(const std::string& local_file, const std::string& path, std::uint64_t offset) override {
    if (driver_ == "hsm_command") return run("put_command", local_file, path);
    disk_->put(local_file, path, offset);
    write_state(path, {{"migrate_at", now_unix() + config_.value("migrate_after_s", 1.0)}, {"staged", false}});
  }

  void get(const std::string& path, const std::string& local_file, std::uint64_t offset) override {
    if (!is_online(path)) throw StorageError("tape: " + path + " is offline (migrated to tape); stage it first");
    if (driver_ == "hsm_command") return run("get_command", local_file, path);
    disk_->get(path, local_file, offset);
  }

  bool is_online(const std::string& path) override {
    if (driver_ == "hsm_command") return shell(fill("status_command", "", path)) == 0;
    const auto state = read_state(path);
    return state.value("staged", false) || now_unix() < state.value("migrate_at", 0.0);
  }

  void stage(const std::vector<std::string>& paths) override {
    if (driver_ == "hsm_command") {
      for (const auto& p : paths) run("stage_command", "", p);
      return;
    }
    std::vector<std::string> offline;
    for (const auto& p : paths)
      if (!is_online(p)) offline.push_back(p);
    if (offline.empty()) return;
    // One mount for the batch, then a seek and a read per file, on one free drive.
    Drive drive(state_dir(), static_cast<int>(config_.value("drives", 1.0)));
    double seconds = config_.value("mount_latency_s", 1.0);
    for (const auto& p : offline) {
      const auto st = disk_->stat(p);
      seconds += config_.value("seek_time_s", 0.5) + (st ? st->size : 0) / (config_.value("bandwidth_mb_s", 300.0) * 1e6);
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    for (const auto& p : offline) {
      auto state = read_state(p);
      state["staged"] = true;
      write_state(p, state);
    }
  }

 private:
  std::string state_dir() const { return root_ + "/.hsm"; }
  std::string state_file(const std::string& path) const { return state_dir() + "/" + path + ".state"; }
  nlohmann::json read_state(const std::string& path) const {
    std::ifstream in(state_file(path));
    if (!in) throw StorageError("tape: no such file " + path);
    return nlohmann::json::parse(in, nullptr, false);
  }
  void write_state(const std::string& path, const nlohmann::json& state) const {
    fs::create_directories(fs::path(state_file(path)).parent_path());
    const std::string tmp = state_file(path) + ".tmp" + std::to_string(getpid());
    std::ofstream(tmp) << state.dump();
    fs::rename(tmp, state_file(path));
  }
  std::string fill(const char* key, const std::string& local, const std::string& path) const {
    std::string command = config_.at(key).get<std::string>();
    for (const auto& [placeholder, value] : {std::pair{"{local}", quote(local)}, {"{path}", quote(root_ + "/" + path)}})
      for (std::size_t at = command.find(placeholder); at != std::string::npos; at = command.find(placeholder, at + value.size()))
        command.replace(at, std::string(placeholder).size(), value);
    return command;
  }
  // A site's command line, run by the shell as written; what it prints stays in the test's output.
  static int shell(const std::string& command) {
    const ProgramResult r = run_program({"/bin/sh", "-c", command});
    std::fwrite(r.out.data(), 1, r.out.size(), stdout);
    return r.started ? r.exit_code : 127;
  }
  void run(const char* key, const std::string& local, const std::string& path) const {
    if (const int status = shell(fill(key, local, path)); status != 0)
      throw StorageError(std::string("tape: ") + key + " failed for " + path + " (exit " + std::to_string(status) + ")");
  }

  std::string root_;
  std::unique_ptr<StorageBackend> disk_;
  nlohmann::json config_;
  std::string driver_;
};

}  // namespace

BackendType tape_backend_type() {
  using Kind = BackendKey::Kind;
  BackendType t;
  t.name = "tape";
  t.keys = {{"driver"}, {"mount_latency_s", Kind::kNumber, 1e6}, {"seek_time_s", Kind::kNumber, 1e6},
            {"bandwidth_mb_s", Kind::kNumber, 1e6}, {"drives", Kind::kNumber, 1024},
            {"migrate_after_s", Kind::kNumber, 1e6}, {"stage_command"}, {"status_command"}, {"put_command"},
            {"get_command"}};
  t.hierarchical = true;
  t.check = [](const std::string& config_json) -> std::optional<BackendConfigProblem> {
    const auto config = nlohmann::json::parse(config_json);
    const std::string driver = config.value("driver", "emulator");
    if (driver != "emulator" && driver != "hsm_command") return BackendConfigProblem{"driver", "must be emulator or hsm_command"};
    if (driver == "hsm_command")
      for (const char* k : {"stage_command", "status_command", "put_command", "get_command"})
        if (!config.contains(k)) return BackendConfigProblem{"", std::string("driver hsm_command needs ") + k};
    return std::nullopt;
  };
  t.open = [](const std::string& root, const std::string& config_json) -> std::unique_ptr<StorageBackend> {
    return std::make_unique<TapeBackend>(root, config_json);
  };
  return t;
}

}  // namespace tellus_harness
