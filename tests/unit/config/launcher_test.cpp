#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/config/launcher.hpp"
#include "tellus_harness/config/profile.hpp"

using namespace tellus_harness;

namespace {
TestSpec placed(int ranks, std::vector<std::string> hosts) {
  TestSpec t;
  t.ranks = ranks;
  t.hosts = std::move(hosts);
  return t;
}

std::string profile_file(const std::string& launcher_yaml) {
  const std::string path = "/tmp/tellus-unit-launcher/p.yaml";
  std::filesystem::create_directories("/tmp/tellus-unit-launcher");
  std::ofstream(path) << "name: p\ntimeout_multiplier: 1\nmax_concurrent_operations: 1\nnetwork_simulation: false\n"
                         "large_file_tests: true\nstorage_backends: [file]\nresource_limits: {}\n"
                      << launcher_yaml;
  return path;
}
}  // namespace

TEST_CASE("the launcher's templates get the test's ranks, nodes and hosts") {
  const Launcher defaults;
  const auto spec = placed(4, {"n1", "n1", "n2", "n2"});
  CHECK(launch_prefix(defaults, spec, false) == std::vector<std::string>{"mpirun", "-np", "4", "--host", "n1:2,n2:2"});
  CHECK(launch_prefix(defaults, spec, true) ==
        std::vector<std::string>{"srun", "--overlap", "--exact", "--kill-on-bad-exit=1", "-n", "4", "-N", "2", "--nodelist",
                                 "n1,n2", "--mpi=pmix"});
  Launcher site;
  site.mpirun = {"mpiexec", "--map-by", "ppr:{ranks}:node", "--host={hosts}", "-x", "N={nodes}"};
  CHECK(launch_prefix(site, placed(3, {"a", "a", "a"}), false) ==
        std::vector<std::string>{"mpiexec", "--map-by", "ppr:3:node", "--host=a:3", "-x", "N=1"});
}

TEST_CASE("a profile's launcher: replaces a template, and a typo in one is an error with its line") {
  const auto p = load_profile(profile_file("launcher:\n  slurm: [srun, --mpi=pmix_v4, -n, '{ranks}']\n  oversubscribe: true\n"), {});
  CHECK(p.launcher.slurm == std::vector<std::string>{"srun", "--mpi=pmix_v4", "-n", "{ranks}"});
  CHECK(p.launcher.mpirun == Launcher{}.mpirun);
  CHECK(p.launcher.oversubscribe);
  CHECK_THROWS_WITH(load_profile(profile_file("launcher:\n  mpirun: [mpirun, -np, '{rank}']\n"), {}),
                    Catch::Contains("p.yaml:9") && Catch::Contains("unknown placeholder '{rank}'"));
  CHECK_THROWS_WITH(load_profile(profile_file("launcher:\n  mpirun: []\n"), {}), Catch::Contains("starting with the launcher program"));
  CHECK_THROWS_WITH(load_profile(profile_file("launcher:\n  srun: [srun]\n"), {}), Catch::Contains("unknown key 'srun' in launcher; known keys: slurm mpirun oversubscribe"));
}
