// S3 against a real radosgw (tests/fixtures/s3/start-radosgw.sh): one cluster for the whole
// file, since it takes about 12 s to start.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "harness_process.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kDir = "/tmp/tellus-e2e/radosgw";

// Installed (scripts/install-deps does it) but failing to start is a failure, not a skip.
struct Radosgw {
  bool installed = run_shell("command -v radosgw && command -v ceph-mon").exit_code == 0;
  ProcessResult start = installed ? run_shell("timeout 120 " + fixture("s3/start-radosgw.sh") + " " + kDir + " 17490")
                                  : ProcessResult{};
  ~Radosgw() {
    if (installed) run_shell(fixture("s3/stop-radosgw.sh") + " " + kDir);
  }
};

// A value of the [default] profile in the fixture's credentials file.
std::string credential(const std::string& name) {
  std::ifstream in(kDir + "/credentials");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(name + " = ", 0) == 0) return line.substr(name.size() + 3);
  return "";
}

std::map<std::string, nlohmann::json> by_name(const nlohmann::json& tests) {
  std::map<std::string, nlohmann::json> out;
  for (const auto& t : tests) {
    const std::string id = t["nodeid"];
    out[id.substr(id.rfind("::") + 2)] = t;
  }
  return out;
}

// curl with the fixture's keys (on stdin, not in argv) signing for `payload_sha256`.
std::string signed_curl(const std::string& payload_sha256, const std::string& args) {
  return run_shell("echo 'user = \"" + credential("aws_access_key_id") + ":" + credential("aws_secret_access_key") +
                   "\"' | curl -s -K - --aws-sigv4 aws:amz:us-east-1:s3 -H 'x-amz-content-sha256: " + payload_sha256 +
                   "' " + args)
      .out;
}

}  // namespace

TEST_CASE("s3: every operation against a real radosgw, and wrong secrets, missing buckets and resets") {
  Radosgw radosgw;
  if (!radosgw.installed) {
    WARN("radosgw is not installed (scripts/install-deps installs it): skipped");
    return;
  }
  INFO(radosgw.start.err);
  REQUIRE(radosgw.start.exit_code == 0);
  fs::create_directories(kDir + "/disk");
  // An sshd as well, for a route that crosses from SFTP to S3.
  const SshdFixture sshd("/tmp/tellus-e2e/sshd-s3", 22024);
  REQUIRE(sshd.started);
  const auto out = fresh_output_dir("s3");
  const std::string secret = credential("aws_secret_access_key");
  REQUIRE(!secret.empty());
  const auto r = run_shell("SSH_FIXTURE=" + sshd.dir + " S3_FIXTURE=" + kDir + " TELLUS_TEST_S3_ACCESS=" + credential("aws_access_key_id") +
                           " TELLUS_TEST_S3_SECRET=" + secret + " " TELLUS_MPIEXEC " -n 2 --oversubscribe " TELLUS_HARNESS_EXE
                           " run " + fixture("suites/s3.yaml") + " --env-config cloud_hpc --max-concurrent 3 --output-dir " + out);
  CHECK(r.exit_code == 1);
  const auto report = read_json(out + "/report.json");
  auto tests = by_name(report["tests"]);
  auto metrics = by_name(report["harness"]["tests"]);
  for (const char* ok : {"multipart_roundtrip", "single_put_integrity", "virtual_hosted", "many_objects",
                         "disk_s3_s3_disk", "disk_ssh_s3_disk", "over_https", "through_resets"}) {
    INFO(ok << ": " << tests[ok]["call"].value("longrepr", ""));
    CHECK(tests[ok]["outcome"] == "passed");
  }
  auto why = [&](const char* name) { return tests[name]["call"]["longrepr"].get<std::string>(); };
  CHECK_THAT(why("wrong_secret"), Catch::Contains("http://127.0.0.1:17490") && Catch::Contains("SignatureDoesNotMatch"));
  CHECK_THAT(why("untrusted_certificate"), Catch::Contains("https://127.0.0.1:17492") && Catch::Contains("certificate"));
  CHECK(tests["untrusted_certificate"]["call"]["duration"].get<double>() < 30);  // refused, not retried
  CHECK_THAT(why("missing_bucket"), Catch::Contains("bucket no-such-bucket") && Catch::Contains("NoSuchBucket"));
  // A full store is not retried: it fails at once, with S3's code.
  CHECK_THAT(why("store_full"), Catch::Contains("QuotaExceeded"));
  CHECK(tests["store_full"]["call"]["duration"].get<double>() < 30);
  // 48 MB through a proxy that resets every ~8 MB: parts were retried, the data verified.
  CHECK(metrics["through_resets"]["metrics"]["network_resets"].get<int>() >= 3);
  CHECK(metrics["through_resets"]["metrics"]["retries"].get<int>() >= 3);
  CHECK(metrics["multipart_roundtrip"]["metrics"]["archive_bytes"].get<double>() > 5 * (1 << 20));  // several parts
  // Every test removed what it stored, however many listing pages of one key that took.
  CHECK_THAT(signed_curl("UNSIGNED-PAYLOAD", "'http://127.0.0.1:17490/tellus?list-type=2'"),
             Catch::Contains("<KeyCount>0</KeyCount>"));
  // What makes the signed SHA-256 an integrity check: the server refuses a body that differs.
  std::ofstream(kDir + "/body.txt") << "what was sent\n";
  CHECK_THAT(signed_curl(std::string(64, '0'), "-T " + kDir + "/body.txt http://127.0.0.1:17490/tellus/body.txt"),
             Catch::Contains("XAmzContentSHA256Mismatch"));

  // The gateway killed mid-transfer and started again: parts and gets are retried, and the
  // archive verifies. "Mid-transfer": once the proxy holds three connections to it, which only
  // the parallel part uploads open (the bucket check before them needs one).
  const auto restart_out = fresh_output_dir("s3-restart");
  const auto restarted = run_shell_while(
      "S3_FIXTURE=" + kDir + " " TELLUS_HARNESS_EXE " run " + fixture("suites/s3_restart.yaml") +
          " --env-config cloud_hpc --output-dir " + restart_out,
      [] {
        for (int i = 0; i < 600 && std::stoi("0" + run_shell("ss -Htn state established '( dport = :17490 )' | wc -l").out) < 3; ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        run_shell("kill -9 $(cat " + kDir + "/run/client.rgw.a.pid)");
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        run_shell("radosgw -n client.rgw.a -c " + kDir + "/ceph.conf");
      });
  CHECK(restarted.exit_code == 0);
  const auto restart_report = read_json(restart_out + "/report.json");
  CHECK(restart_report["tests"][0]["outcome"] == "passed");
  CHECK(restart_report["harness"]["tests"][0]["metrics"]["retries"].get<int>() >= 1);

  // The secret appears nowhere the harness wrote.
  std::ifstream text(out + "/report.json");
  const std::string all((std::istreambuf_iterator<char>(text)), std::istreambuf_iterator<char>());
  CHECK_THAT(all + r.out + r.err + restarted.out + restarted.err, !Catch::Contains(secret));
}
