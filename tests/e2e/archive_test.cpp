// The archive workload kinds under mpiexec -n 4, sharing one data cache.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "harness_process.hpp"

namespace fs = std::filesystem;

// A number out of range (size_mb: -5) is a configuration error of the whole suite, exit 2
// (tests/unit/suite_test.cpp); what only running can find fails just its test.
TEST_CASE("archive workloads on 4 ranks: verified roundtrips, metrics, bad parameters fail only their test") {
  const auto out = fresh_output_dir("archive");
  const std::string cache = out + "-cache";
  fs::remove_all(cache);
  const auto r = run_shell("TELLUS_TEST_CACHE=" + cache + " " TELLUS_MPIEXEC " -n 4 --oversubscribe " TELLUS_HARNESS_EXE
                           " run " + fixture("suites/archive.yaml") + " --output-dir " + out);
  CHECK(r.exit_code == 1);
  const auto report = read_json(out + "/report.json");
  std::map<std::string, nlohmann::json> tests, harness;
  for (const auto& t : report["tests"]) tests[t["nodeid"].get<std::string>().substr(t["nodeid"].get<std::string>().rfind("::") + 2)] = t;
  for (const auto& t : report["harness"]["tests"]) harness[t["nodeid"].get<std::string>().substr(t["nodeid"].get<std::string>().rfind("::") + 2)] = t;
  for (const char* ok : {"roundtrip_a", "roundtrip_b_same_dataset", "roundtrip_hdf5", "integrity", "concurrent"}) {
    INFO(ok);
    CHECK(tests[ok]["outcome"] == "passed");
  }
  const auto& m = harness["roundtrip_a"]["metrics"];
  for (const char* metric : {"generate_s", "pack_s", "pack_mb_per_s", "put_s", "put_mb_per_s", "list_s", "get_s",
                             "get_mb_per_s", "unpack_s", "unpack_mb_per_s", "verify_s", "dataset_bytes", "file_count"})
    CHECK(m.contains(metric));
  CHECK(m["dataset_bytes"] == 4 * 1024 * 1024);
  CHECK(m["file_count"] == 40);
  // The two roundtrips of one dataset: generated once in the shared cache.
  CHECK(harness["roundtrip_a"]["metrics"]["dataset_cached"].get<int>() +
            harness["roundtrip_b_same_dataset"]["metrics"]["dataset_cached"].get<int>() == 1);
  CHECK(harness["integrity"]["metrics"]["corruptions_detected"] == 2);
  CHECK(harness["concurrent"]["metrics"]["streams"] == 8);  // the local profile's max_concurrent_operations
  CHECK_THAT(tests["unknown_format"]["call"]["longrepr"].get<std::string>(), Catch::Contains("unknown archive format 'rar'"));
  CHECK_THAT(tests["unwritable_target"]["call"]["longrepr"].get<std::string>(), Catch::Contains("/proc/sys/not-here is not a writable directory"));
  CHECK(report["summary"]["passed"] == 5);
  CHECK(report["summary"]["failed"] == 2);
  fs::remove_all(cache);
}

TEST_CASE("data generate prints a cached archive's path, once generated, then found") {
  const std::string cache = "/tmp/tellus-e2e/data-cache";
  fs::remove_all(cache);
  const std::string cmd = "TELLUS_TEST_CACHE=" + cache + " " TELLUS_HARNESS_EXE " data generate --size-mb 2 --files 20 --format tar.zst";
  const auto first = run_shell(cmd);
  CHECK(first.exit_code == 0);
  CHECK_THAT(first.err, Catch::StartsWith("generated"));
  const std::string path = first.out.substr(0, first.out.find('\n'));
  CHECK(fs::exists(path));
  CHECK_THAT(path, Catch::EndsWith(".tar.zst"));
  const auto second = run_shell(cmd);
  CHECK_THAT(second.err, Catch::StartsWith("found in cache"));
  CHECK(second.out == first.out);
  const auto bad = run_shell(TELLUS_HARNESS_EXE " data generate --files 0");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("dataset.files must be at least 1"));
  fs::remove_all(cache);
}

TEST_CASE("a full disk on the storage location fails the test with the system's message") {
  const std::string mountpoint = "/tmp/tellus-e2e/tiny-tmpfs";
  fs::create_directories(mountpoint);
  if (run_shell("mount -t tmpfs -o size=2m tmpfs " + mountpoint).exit_code != 0) {
    WARN("cannot mount a tmpfs here (needs root): full-disk case not exercised");
    return;
  }
  const std::string suite = "/tmp/tellus-e2e/full-disk.yaml";
  std::ofstream(suite) << "tests:\n  - name: disk_full\n    kind: archive_roundtrip\n"
                          "    dataset: {files: 10, size_mb: 8}\n    target: " << mountpoint << "\n";
  const auto out = fresh_output_dir("full-disk-run");
  const auto r = run_harness(0, "run " + suite + " --output-dir " + out);
  run_shell("umount " + mountpoint);
  CHECK(r.exit_code == 1);
  const auto report = read_json(out + "/report.json");
  CHECK_THAT(report["tests"][0]["call"]["longrepr"].get<std::string>(), Catch::Contains("No space left on device"));
}

TEST_CASE("tape: staging passes under hpc_cluster's multiplier, fails clearly without it, is skipped where tape is off") {
  const auto out = fresh_output_dir("tape-hpc");
  const auto hpc = run_harness(2, "run " + fixture("suites/tape.yaml") + " --env-config hpc_cluster --output-dir " + out);
  CHECK(hpc.exit_code == 0);
  const auto report = read_json(out + "/report.json");
  CHECK(report["summary"]["passed"] == 3);
  const auto& metrics = report["harness"]["tests"][0]["metrics"];
  CHECK(metrics["stage_s"].get<double>() >= 4.2);  // 4 s mount + 0.2 s seek + 2 MiB / 200 MB/s
  CHECK(metrics.contains("migrate_wait_s"));

  const auto tight = fresh_output_dir("tape-x1");
  const auto x1 = run_harness(2, "run " + fixture("suites/tape.yaml") + " -k recall_from --env-config hpc_cluster --timeout-multiplier 1 "
                                  "--kill-grace 0.5 --output-dir " + tight);
  CHECK(x1.exit_code == 1);
  CHECK_THAT(read_json(tight + "/report.json")["tests"][0]["call"]["longrepr"].get<std::string>(),
             Catch::Contains("timeout 3 s × multiplier 1 = 3 s effective limit") && Catch::Contains("last output: staging 1 file"));

  const auto local = fresh_output_dir("tape-local");
  run_harness(2, "run " + fixture("suites/tape.yaml") + " --output-dir " + local);
  CHECK(read_json(local + "/report.json")["summary"]["skipped"] == 3);
}

TEST_CASE("ssh: SFTP against a real sshd, and unknown or changed host keys and refused keys move no data") {
  if (run_shell("test -x /usr/sbin/sshd").exit_code != 0) {
    WARN("sshd is not installed: skipped");
    return;
  }
  const std::string dir = "/tmp/tellus-e2e/sshd";
  const SshdFixture sshd(dir, 22022);
  REQUIRE(sshd.started);
  std::ofstream(dir + "/empty_known_hosts") << "";
  // The server's address with another key: what a changed host key looks like.
  run_shell("(echo \"[127.0.0.1]:22022 $(cut -d' ' -f1,2 " + dir + "/other_ed25519.pub)\" > " + dir + "/changed_known_hosts)");
  const auto out = fresh_output_dir("ssh");
  // The server's disk for backend `full`: 2 MiB, less than the archive.
  fs::create_directories(dir + "/full");
  const bool have_tmpfs = run_shell("mount -t tmpfs -o size=2m tmpfs " + dir + "/full").exit_code == 0;
  struct Unmount {
    std::string dir;
    bool mounted;
    ~Unmount() {
      if (mounted) run_shell("umount " + dir + "/full");
    }
  } unmount{dir, have_tmpfs};
  // An agent holding the user key, for the use_agent backend.
  REQUIRE(run_shell("ssh-agent -a " + dir + "/agent.sock > " + dir + "/agent.env && SSH_AUTH_SOCK=" + dir +
                    "/agent.sock ssh-add " + dir + "/id_ed25519").exit_code == 0);
  struct StopAgent {
    std::string dir;
    ~StopAgent() { run_shell(". " + dir + "/agent.env && kill $SSH_AGENT_PID"); }
  } stop_agent{dir};
  const auto r = run_shell("SSH_AUTH_SOCK=" + dir + "/agent.sock SSH_FIXTURE=" + dir + " " TELLUS_MPIEXEC " -n 2 --oversubscribe " TELLUS_HARNESS_EXE " run " +
                           fixture("suites/ssh.yaml") + " --env-config ci --output-dir " + out);
  CHECK(r.exit_code == 1);
  std::map<std::string, nlohmann::json> tests;
  const auto report = read_json(out + "/report.json");
  for (const auto& t : report["tests"]) tests[t["nodeid"].get<std::string>().substr(t["nodeid"].get<std::string>().rfind("::") + 2)] = t;
  for (const char* ok : {"roundtrip", "integrity", "file_ssh_file", "through_agent", "checking_off", "through_resets",
                         "through_stalls"}) {
    INFO(ok);
    CHECK(tests[ok]["outcome"] == "passed");
  }
  auto why = [&](const char* name) { return tests[name]["call"]["longrepr"].get<std::string>(); };
  // Through the fault proxy: connections reset every ~8 MB, or stalled past the 1 s I/O
  // timeout; the transfers resumed and the data arrived byte-identical (verified by the test).
  std::map<std::string, nlohmann::json> metrics;
  for (const auto& t : report["harness"]["tests"])
    metrics[t["nodeid"].get<std::string>().substr(t["nodeid"].get<std::string>().rfind("::") + 2)] = t["metrics"];
  CHECK(metrics["through_resets"]["network_resets"].get<int>() >= 3);
  CHECK(metrics["through_resets"]["retries"].get<int>() >= 3);
  CHECK(metrics["through_stalls"]["network_stalls"].get<int>() >= 1);
  CHECK(metrics["through_stalls"]["retries"].get<int>() >= 1);
  CHECK_THAT(why("unknown_host_key"), Catch::Contains("unknown host key") && Catch::Contains("no data moved"));
  CHECK_THAT(why("changed_host_key"), Catch::Contains("host key has CHANGED") && Catch::Contains("no data moved"));
  CHECK_THAT(why("refused_key"), Catch::Contains("public-key authentication with") && Catch::Contains("was refused"));
  if (have_tmpfs) {  // a full disk is not retried: it fails at once, saying so
    CHECK_THAT(why("server_disk_full"), Catch::Contains("No space left on device on the server"));
    CHECK(tests["server_disk_full"]["call"]["duration"].get<double>() < 30);
  } else {
    WARN("cannot mount a tmpfs here (needs root): the server's full disk is not exercised");
  }
  CHECK(fs::is_empty(dir + "/remote"));  // every test cleaned up, the refused ones never wrote
  std::ifstream key(dir + "/id_ed25519");
  std::string line;
  std::getline(key, line);
  std::getline(key, line);  // a line of the private key itself
  CHECK_THAT(r.out + r.err + fs::path(out + "/report.json").string(), !Catch::Contains(line));
  std::ifstream text(out + "/report.json");
  const std::string all((std::istreambuf_iterator<char>(text)), std::istreambuf_iterator<char>());
  CHECK_THAT(all, !Catch::Contains(line) && !Catch::Contains("PRIVATE KEY"));
}

TEST_CASE("ssh: the server killed mid-transfer and started again: the transfer resumes and verifies") {
  if (run_shell("test -x /usr/sbin/sshd").exit_code != 0) {
    WARN("sshd is not installed: skipped");
    return;
  }
  const std::string dir = "/tmp/tellus-e2e/sshd-restart";
  const SshdFixture sshd(dir, 22023);
  REQUIRE(sshd.started);
  // The listener and every session process under it: what a crash or a reboot of the server ends.
  const std::string kill_server = "d() { for c in $(pgrep -P $1); do d $c; echo $c; done; }; m=$(cat " + dir +
                                  "/sshd.pid); kill -9 $(d $m) $m";
  const std::string start_server = "/usr/sbin/sshd -f " + dir + "/sshd_config -E " + dir + "/sshd.log";
  const auto out = fresh_output_dir("ssh-restart");
  const auto r = run_shell_while(
      "SSH_FIXTURE=" + dir + " " TELLUS_HARNESS_EXE " run " + fixture("suites/ssh_restart.yaml") + " --env-config ci --output-dir " + out,
      [&] {
        // Mid-transfer, however slow the machine: once 30 MB of the archive have arrived.
        for (int i = 0; i < 600 && std::stoll("0" + run_shell("du -sb " + dir + "/remote | cut -f1").out) < 30'000'000; ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        run_shell(kill_server);
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        run_shell(start_server);  // same config and host key: known_hosts still matches
      });
  CHECK(r.exit_code == 0);
  const auto report = read_json(out + "/report.json");
  CHECK(report["tests"][0]["outcome"] == "passed");
  CHECK(report["harness"]["tests"][0]["metrics"]["retries"].get<int>() >= 1);
}
