#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/config/suite.hpp"
#include "tellus_harness/storage/storage_backend.hpp"
#include "tellus_harness/workloads/workload.hpp"
#include "temp_dir.hpp"

using namespace tellus_harness;
namespace fs = std::filesystem;

namespace {
double seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
const std::string kLibrary =
    R"({"type": "tape", "driver": "emulator", "mount_latency_s": 0.4, "seek_time_s": 0.1, "bandwidth_mb_s": 100, "drives": 1, "migrate_after_s": 0.2})";
}  // namespace

TEST_CASE("file backend: put, list, stat, get, resume at an offset, remove") {
  const std::string dir = fresh_temp_dir("file-backend");
  std::ofstream(dir + "/local") << std::string(100000, 'x');
  auto b = make_storage_backend("file", dir + "/store");
  fs::create_directories(dir + "/store");
  b->mkdir("a/b");
  b->put(dir + "/local", "a/b/obj");
  REQUIRE(b->stat("a/b/obj"));
  CHECK(b->stat("a/b/obj")->size == 100000);
  CHECK(b->list("a/b").size() == 1);
  CHECK_FALSE(b->stat("a/b/none"));
  std::ofstream(dir + "/partial") << std::string(40000, 'x');  // a get that broke off at 40,000 bytes
  b->get("a/b/obj", dir + "/partial", 40000);
  CHECK(fs::file_size(dir + "/partial") == 100000);
  b->remove("a");
  CHECK_FALSE(b->stat("a/b/obj"));
  CHECK_THROWS_AS(make_storage_backend("ssh", dir), StorageError);
}

TEST_CASE("tape emulator: files go offline after migration and must be staged, which costs mount + seek + size / bandwidth") {
  const std::string dir = fresh_temp_dir("tape");
  std::ofstream(dir + "/local") << std::string(10'000'000, 'x');
  auto tape = make_storage_backend("tape", dir + "/hsm", kLibrary);
  tape->put(dir + "/local", "run.tar");
  CHECK(tape->is_online("run.tar"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK_FALSE(tape->is_online("run.tar"));
  CHECK_THROWS_WITH(tape->get("run.tar", dir + "/back"), Catch::Contains("offline") && Catch::Contains("stage it first"));
  const auto t0 = std::chrono::steady_clock::now();
  tape->stage({"run.tar"});
  CHECK(seconds(t0) >= 0.6);  // 0.4 mount + 0.1 seek + 0.1 for 10 MB at 100 MB/s
  CHECK(tape->is_online("run.tar"));
  tape->get("run.tar", dir + "/back");
  CHECK(fs::file_size(dir + "/back") == 10'000'000);
  CHECK(tape->list("").size() == 1);  // the emulator's own state is not listed
}

TEST_CASE("tape emulator: recalls queue for the drives") {
  const std::string dir = fresh_temp_dir("tape-drives");
  std::ofstream(dir + "/local") << "x";
  auto setup = make_storage_backend("tape", dir + "/hsm", kLibrary);
  setup->put(dir + "/local", "a");
  setup->put(dir + "/local", "b");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto t0 = std::chrono::steady_clock::now();
  std::thread other([&] { make_storage_backend("tape", dir + "/hsm", kLibrary)->stage({"a"}); });
  make_storage_backend("tape", dir + "/hsm", kLibrary)->stage({"b"});
  other.join();
  CHECK(seconds(t0) >= 1.0);  // one drive: two recalls of 0.5 s one after the other
}

TEST_CASE("tape hsm_command driver runs the site's commands") {
  const std::string dir = fresh_temp_dir("hsm-command");
  std::ofstream(dir + "/local") << "data";
  const std::string config =
      R"({"type": "tape", "driver": "hsm_command", "put_command": "cp {local} {path}", "get_command": "cp {path} {local}",
          "stage_command": "touch {path}.online", "status_command": "test -e {path}.online"})";
  fs::create_directories(dir + "/hsm");
  auto hsm = make_storage_backend("tape", dir + "/hsm", config);
  hsm->put(dir + "/local", "f");
  CHECK_FALSE(hsm->is_online("f"));
  CHECK_THROWS_WITH(hsm->get("f", dir + "/back"), Catch::Contains("offline"));
  hsm->stage({"f"});
  CHECK(hsm->is_online("f"));
  hsm->get("f", dir + "/back");
  CHECK(fs::file_size(dir + "/back") == 4);
}

TEST_CASE("suites name their backends, and bad backend configuration is a clear error") {
  const auto tests = load_suites({TELLUS_SOURCE_DIR "/tests/fixtures/suites/tape.yaml"}, 30, workload_test_kinds());
  REQUIRE(tests.size() == 3);
  CHECK(tests[0].backend == "tape");
  CHECK(tests[0].backend_name == "library");
  CHECK_THAT(tests[0].backend_config, Catch::Contains("\"mount_latency_s\":4"));
  const std::string dir = fresh_temp_dir("backend-config");
  auto error_of = [&](const std::string& yaml) -> std::string {
    std::ofstream(dir + "/s.yaml") << yaml;
    try {
      load_suites({dir + "/s.yaml"}, 30, workload_test_kinds());
    } catch (const UserError& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK_THAT(error_of("backends:\n  hsm:\n    type: tape\n    mount_latncy_s: 2\ntests: []\n"),
             Catch::Contains(":4: unknown key 'mount_latncy_s' in backend 'hsm'; did you mean 'mount_latency_s'?"));
  CHECK_THAT(error_of("backends:\n  x:\n    type: s3\n    bucket: a\ntests: []\n"), Catch::Contains("endpoint is required for an s3 backend"));
  CHECK_THAT(error_of("backends:\n  x:\n    type: s3\n    bucket: a\n    endpoint: http://h\n    part_size_mb: 4\ntests: []\n"),
             Catch::Contains(":6:") && Catch::Contains("'part_size_mb' must be at least 5"));
  CHECK_THAT(error_of("backends:\n  x:\n    type: s3\n    bucket: a\n    endpoint: h:80\ntests: []\n"),
             Catch::Contains("'endpoint' must start with http:// or https://"));
  CHECK_THAT(error_of("backends:\n  x:\n    type: s3\n    bucket: a\n    endpoint: http://h:port\ntests: []\n"),
             Catch::Contains(":5:") && Catch::Contains("'endpoint' must start with http:// or https://"));
  CHECK_THAT(error_of("backends:\n  x:\n    type: s3\n    bucket: a\n    endpoint: http://h\n    secret_key: x\ntests: []\n"),
             Catch::Contains("secret_key"));
  CHECK_THAT(error_of("backends:\n  x:\n    type: ssh\n    user: a\ntests: []\n"), Catch::Contains("host' is required"));
  CHECK_THAT(error_of("backends:\n  x:\n    type: tape\n    driver: hsm_command\ntests: []\n"), Catch::Contains("needs stage_command"));
  CHECK_THAT(error_of("tests:\n  - name: a\n    kind: stage_recall\n    backend: libary\n"), Catch::Contains("unknown backend 'libary'"));
  CHECK_THAT(error_of("backends:\n  d: {type: file}\ntests:\n  - name: a\n    kind: transfer\n    route: [d, nowhere]\n"),
             Catch::Contains("names 'nowhere'"));
}

TEST_CASE("ssh backend: a connection refused at authentication or at the host key leaves no socket open") {
  if (std::system("test -x /usr/sbin/sshd") != 0) {
    WARN("sshd is not installed: skipped");
    return;
  }
  const std::string dir = fresh_temp_dir("ssh-refused") + "/sshd";
  REQUIRE(std::system(("'" TELLUS_SOURCE_DIR "/tests/fixtures/ssh/start-sshd.sh' " + dir + " 22031").c_str()) == 0);
  auto open_descriptors = [] {
    return std::distance(fs::directory_iterator("/proc/self/fd"), fs::directory_iterator());
  };
  const std::string base = R"({"type": "ssh", "host": "127.0.0.1", "port": 22031, "known_hosts": ")" + dir + R"(/known_hosts")";
  const auto before = open_descriptors();
  for (int i = 0; i < 10; ++i) {
    CHECK_THROWS_AS(make_storage_backend("ssh", dir + "/remote", base + R"(, "identity_file": ")" + dir + R"(/other_ed25519"})"),
                    StorageError);
    CHECK_THROWS_AS(make_storage_backend("ssh", dir + "/remote", base + R"(, "identity_file": ")" + dir +
                                                                     R"(/id_ed25519", "known_hosts": "/dev/null"})"),
                    StorageError);
  }
  CHECK(open_descriptors() == before);
  // The accepted key still connects.
  CHECK(make_storage_backend("ssh", dir + "/remote", base + R"(, "identity_file": ")" + dir + R"(/id_ed25519"})"));
  std::system(("kill $(cat " + dir + "/sshd.pid)").c_str());
}
