#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>

#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/config/profile.hpp"

using namespace tellus_harness;

namespace {
const std::vector<std::string> kDirs{TELLUS_SOURCE_DIR "/profiles"};

EnvironmentLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

Profile resolve(ProfileRequest r, std::map<std::string, std::string> env = {}) {
  r.profile_dirs = kDirs;
  return resolve_profile(r, env_of(std::move(env)));
}
}  // namespace

TEST_CASE("the four profiles hold the seed's values, hpc_cluster's multiplier once and for all 5") {
  const auto local = load_profile("local", kDirs);
  CHECK(local.timeout_multiplier == 1.0);
  CHECK(local.max_concurrent_operations == 8);
  CHECK_FALSE(local.network_simulation);
  CHECK(local.large_file_tests);
  CHECK(local.storage_backends == std::vector<std::string>{"file"});
  CHECK(local.resource_limits.memory_mb == 512);
  CHECK(local.resource_limits.disk_mb == 1024);

  const auto ci = load_profile("ci", kDirs);
  CHECK(ci.timeout_multiplier == 2.0);
  CHECK(ci.max_concurrent_operations == 4);
  CHECK_FALSE(ci.large_file_tests);
  CHECK(ci.storage_backends == std::vector<std::string>{"file", "ssh"});
  CHECK(ci.resource_limits.memory_mb == 256);

  const auto hpc = load_profile("hpc_cluster", kDirs);
  CHECK(hpc.timeout_multiplier == 5.0);
  CHECK(hpc.max_concurrent_operations == 2);
  CHECK(hpc.storage_backends == std::vector<std::string>{"file", "ssh", "tape"});
  CHECK(hpc.resource_limits.disk_mb == 256);

  const auto cloud = load_profile("cloud_hpc", kDirs);
  CHECK(cloud.timeout_multiplier == 5.0);
  CHECK(cloud.max_concurrent_operations == 1);
  CHECK(cloud.storage_backends == std::vector<std::string>{"file", "s3"});
}

TEST_CASE("an unknown profile is an error, never a silent fallback to local") {
  REQUIRE_THROWS_AS(load_profile("hpc_clustr", kDirs), UserError);
  REQUIRE_THROWS_WITH(load_profile("hpc_clustr", kDirs), Catch::Contains("did you mean 'hpc_cluster'"));
  REQUIRE_THROWS_WITH(resolve({}, {{"TELLUS_TEST_CONFIG", "nope"}}), Catch::Contains("TELLUS_TEST_CONFIG"));
}

TEST_CASE("profile selection: --env-config over TELLUS_TEST_CONFIG over local") {
  CHECK(resolve({}).name == "local");
  CHECK(resolve({}).sources.at("name") == "default");
  CHECK(resolve({}, {{"TELLUS_TEST_CONFIG", "ci"}}).name == "ci");
  ProfileRequest r;
  r.env_config = "hpc_cluster";
  const auto p = resolve(r, {{"TELLUS_TEST_CONFIG", "ci"}});
  CHECK(p.name == "hpc_cluster");
  CHECK(p.sources.at("name") == "command line --env-config");
  r.env_config = TELLUS_SOURCE_DIR "/tests/fixtures/profiles/tight.yaml";
  CHECK(resolve(r).name == "tight");
}

TEST_CASE("overrides: command line over environment over profile, each with its source") {
  const auto from_env = resolve({}, {{"TELLUS_TIMEOUT_MULTIPLIER", "3.5"}, {"TELLUS_CONCURRENT_LIMIT", "2"}});
  CHECK(from_env.timeout_multiplier == 3.5);
  CHECK(from_env.max_concurrent_operations == 2);
  CHECK(from_env.sources.at("timeout_multiplier") == "environment TELLUS_TIMEOUT_MULTIPLIER");

  ProfileRequest r;
  r.timeout_multiplier = 7;
  r.max_concurrent = 3;
  const auto from_cli = resolve(r, {{"TELLUS_TIMEOUT_MULTIPLIER", "3.5"}, {"TELLUS_CONCURRENT_LIMIT", "2"}});
  CHECK(from_cli.timeout_multiplier == 7);
  CHECK(from_cli.max_concurrent_operations == 3);
  CHECK(from_cli.sources.at("max_concurrent_operations") == "command line --max-concurrent");
  CHECK(resolve({}).sources.at("timeout_multiplier").find("profile local") == 0);
}

TEST_CASE("bad override values are errors naming the variable") {
  REQUIRE_THROWS_WITH(resolve({}, {{"TELLUS_TIMEOUT_MULTIPLIER", "fast"}}), Catch::Contains("TELLUS_TIMEOUT_MULTIPLIER"));
  REQUIRE_THROWS_WITH(resolve({}, {{"TELLUS_TIMEOUT_MULTIPLIER", "0"}}), Catch::Contains("greater than zero"));
  REQUIRE_THROWS_WITH(resolve({}, {{"TELLUS_CONCURRENT_LIMIT", "-1"}}), Catch::Contains("TELLUS_CONCURRENT_LIMIT"));
  ProfileRequest r;
  r.max_concurrent = 0;
  REQUIRE_THROWS_AS(resolve(r), UserError);
}

TEST_CASE("numbers out of range are errors wherever they come from: inf, nan, overflow, absurd") {
  for (const char* text : {"inf", "nan", "1e999", "-inf", "1e308", "5000"})
    REQUIRE_THROWS_WITH(resolve({}, {{"TELLUS_TIMEOUT_MULTIPLIER", text}}), Catch::Contains("TELLUS_TIMEOUT_MULTIPLIER"));
  for (const char* text : {"99999999999999999999", "5000", "1.5", "4 cores"})
    REQUIRE_THROWS_WITH(resolve({}, {{"TELLUS_CONCURRENT_LIMIT", text}}), Catch::Contains("TELLUS_CONCURRENT_LIMIT"));
  ProfileRequest r;
  r.timeout_multiplier = std::numeric_limits<double>::infinity();
  REQUIRE_THROWS_WITH(resolve(r), Catch::Contains("--timeout-multiplier must be greater than zero and at most 1000"));
  r.timeout_multiplier = std::nan("");
  REQUIRE_THROWS_AS(resolve(r), UserError);
  ProfileRequest many;
  many.max_concurrent = 1 << 30;
  REQUIRE_THROWS_WITH(resolve(many), Catch::Contains("--max-concurrent must be from 1 to 4096"));
}

TEST_CASE("a profile's quarantine file is found relative to the profile, wherever the run starts") {
  const std::string dir = "/tmp/tellus-unit/profile-quarantine";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/site.yaml") << "name: site\ntimeout_multiplier: 1\nmax_concurrent_operations: 2\n"
                                       "network_simulation: false\nlarge_file_tests: false\nstorage_backends: [file]\n"
                                       "resource_limits: {}\nquarantine: known_failures.yaml\n";
  ProfileRequest r;
  r.env_config = "site";
  r.profile_dirs = {dir};
  CHECK(resolve_profile(r, env_of({})).quarantine == dir + "/known_failures.yaml");
  CHECK(load_profile("local", kDirs).quarantine.empty());
}
