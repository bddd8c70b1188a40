#include <catch2/catch.hpp>

#include "temp_dir.hpp"
#include <filesystem>
#include <fstream>

#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/config/profile.hpp"
#include "tellus_harness/config/selection.hpp"
#include "tellus_harness/config/suite.hpp"
#include "tellus_harness/workloads/workload.hpp"

using namespace tellus_harness;

namespace {
const std::string kFixtures = TELLUS_SOURCE_DIR "/tests/fixtures";

std::string bad(const std::string& name) { return kFixtures + "/bad/" + name; }

std::string error_of(const std::string& file) {
  try {
    load_suites({file}, 30, workload_test_kinds());
  } catch (const UserError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("a suite loads with defaults merged and node ids of the path as given") {
  const auto tests = load_suites({kFixtures + "/suites/outcomes.yaml"}, 30, workload_test_kinds());
  REQUIRE(tests.size() == 7);
  const auto& t = tests[0];
  CHECK(t.nodeid == kFixtures + "/suites/outcomes.yaml::passes");
  CHECK(t.kind == "command");
  CHECK(t.timeout_s == 20);
  CHECK(t.markers == std::vector<std::string>{"integration"});
  CHECK(tests[5].markers == std::vector<std::string>{"integration", "slow"});
  CHECK(tests[6].backend == "tape");
  CHECK(t.line == 5);
}

TEST_CASE("a directory expands to its YAML files in sorted order") {
  const auto files = expand_suite_paths({kFixtures + "/suites"});
  REQUIRE(files.size() >= 5);
  CHECK(std::is_sorted(files.begin(), files.end()));
}

TEST_CASE("bad suites give one error with file, line and the fix") {
  CHECK(error_of(bad("unknown_key.yaml")) == bad("unknown_key.yaml") + ":5: unknown key 'timout' in test 'a'; did you mean 'timeout'?");
  CHECK_THAT(error_of(bad("malformed.yaml")), Catch::StartsWith(bad("malformed.yaml") + ":") && Catch::Contains("malformed YAML"));
  CHECK_THAT(error_of(bad("duplicate.yaml")), Catch::Contains(":5: duplicate test name 'a' (first defined on line 3)"));
  CHECK_THAT(error_of(bad("negative_timeout.yaml")), Catch::Contains(":5: test 'a': 'timeout' must be greater than zero"));
  CHECK_THAT(error_of(bad("unknown_kind.yaml")), Catch::Contains(":4: unknown kind 'comand'; did you mean 'command'?"));
  CHECK_THAT(error_of(bad("unknown_backend.yaml")), Catch::Contains(":5: unknown backend 's4'"));
  CHECK_THAT(error_of(bad("wrong_type.yaml")), Catch::Contains(":5: test 'a': 'markers' must be a list"));
  CHECK_THAT(error_of(kFixtures + "/none.yaml"), Catch::Contains("no such suite file or directory"));
  CHECK_THAT(error_of(bad("infinite_timeout.yaml")), Catch::Contains(":5: test 'a': 'timeout' must be a finite number, got '.inf'"));
  CHECK_THAT(error_of(bad("overflow_timeout.yaml")), Catch::Contains(":5: test 'a': 'timeout' must be a "));
  CHECK_THAT(error_of(bad("nan_duration.yaml")), Catch::Contains(":5: test 'a': 'expected_duration' must be a finite number"));
  CHECK_THAT(error_of(bad("dotdot_name.yaml")), Catch::Contains(":3: ") && Catch::Contains("'..' is a special path component"));
  CHECK_THAT(error_of(bad("negative_size.yaml")), Catch::Contains(":5: ") && Catch::Contains("'size_mb' must be greater than zero"));
  CHECK_THAT(error_of(bad("negative_files.yaml")), Catch::Contains(":5: ") && Catch::Contains("'files' must be from 1 to 1000000"));
  CHECK_THAT(error_of(bad("absurd_parallel_parts.yaml")), Catch::Contains(":3: ") && Catch::Contains("'parallel_parts' must be at most 64"));
}

TEST_CASE("the same test name in two suites gets distinct workspaces") {
  const std::string dir = fresh_temp_dir("two-suites");
  for (const char* f : {"a.yaml", "b.yaml"}) std::ofstream(dir + "/" + f) << "tests:\n  - name: same\n    command: [\"true\"]\n";
  const auto tests = load_suites({dir}, 30, workload_test_kinds());
  REQUIRE(tests.size() == 2);
  CHECK(tests[0].workspace_name == "same");
  CHECK(tests[1].workspace_name == "same+2");
  CHECK(tests[0].suite == "a");
}

TEST_CASE("selection: -m and -k deselect, profile gates skip with a reason") {
  Profile ci = load_profile("ci", {TELLUS_SOURCE_DIR "/profiles"});
  auto tests = load_suites({kFixtures + "/suites/outcomes.yaml"}, 30, workload_test_kinds());
  auto all = select_tests(tests, {}, ci);
  REQUIRE(all.tests.size() == 7);
  CHECK_THAT(all.tests[5].skip_reason, Catch::Contains("large_file_tests is false in profile 'ci'"));
  CHECK_THAT(all.tests[6].skip_reason, Catch::Contains("backend 'tape' is not enabled in profile 'ci'"));
  CHECK(all.tests[0].skip_reason.empty());

  auto not_slow = select_tests(tests, {"not slow", ""}, ci);
  CHECK(not_slow.tests.size() == 6);
  CHECK(not_slow.deselected == 1);
  auto keyword = select_tests(tests, {"", "PASSES and not output"}, ci);
  REQUIRE(keyword.tests.size() == 1);
  CHECK(keyword.tests[0].spec.name == "passes");
  REQUIRE_THROWS_WITH(select_tests(tests, {"not (slow", ""}, ci), Catch::Contains("bad -m expression"));
}

TEST_CASE("any YAML construct gives a configuration or one clear line: complex keys, tags, bad UTF-8") {
  const std::string dir = fresh_temp_dir("yaml-constructs");
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir + "/" + name, std::ios::binary) << text;
    return dir + "/" + name;
  };
  CHECK_THAT(error_of(write("complex.yaml", "suite: s\ntests:\n  - name: a\n    command: [\"true\"]\n    ? [x, y]\n    : 1\n")),
             Catch::Contains("complex.yaml:5: keys in test 'a' must be plain words"));
  CHECK_THAT(error_of(write("latin1.yaml", "suite: s\ntests:\n  - name: a\n    command: [\"caf\xe9\"]\n")),
             Catch::Contains("latin1.yaml:4: not valid UTF-8"));
  CHECK_THAT(error_of(write("seq_key.yaml", "? [a]\n: b\n")), Catch::Contains("seq_key.yaml:1: keys in suite must be plain words"));
  CHECK_THAT(error_of(write("scalar_tests.yaml", "suite: s\ntests: !!map {a: [1, {b: 2}]}\n")), Catch::Contains("scalar_tests.yaml:"));
}

TEST_CASE("ranks: and nodes: on kinds that run an MPI program, checked where they are written") {
  const std::string dir = fresh_temp_dir("ranks");
  std::ofstream(dir + "/ok.yaml") << "tests:\n  - name: mpi\n    ranks: 8\n    nodes: 2\n    command: [prog]\n"
                                     "  - name: pio\n    kind: parallel_io\n    ranks: 4\n    mode: independent\n"
                                     "    layout: contiguous\n  - name: one\n    command: [\"true\"]\n";
  const auto tests = load_suites({dir + "/ok.yaml"}, 30, workload_test_kinds());
  REQUIRE(tests.size() == 3);
  CHECK(tests[0].ranks == 8);
  CHECK(tests[0].nodes == 2);
  CHECK(tests[1].ranks == 4);
  CHECK(tests[1].nodes == 0);
  CHECK(tests[2].ranks == 1);
  const auto refused = [&](const std::string& name, const std::string& entry) {
    std::ofstream(dir + "/" + name) << "tests:\n  - name: t\n" << entry;
    return error_of(dir + "/" + name);
  };
  CHECK_THAT(refused("zero.yaml", "    ranks: 0\n    command: [x]\n"), Catch::Contains(":3: ") && Catch::Contains("'ranks' must be from 1 to"));
  CHECK_THAT(refused("spread.yaml", "    ranks: 2\n    nodes: 3\n    command: [x]\n"),
             Catch::Contains(":4: ") && Catch::Contains("'nodes' must be from 1 to the test's ranks (2)"));
  CHECK_THAT(refused("integrity.yaml", "    kind: integrity\n    nodes: 2\n"),
             Catch::Contains(":4: ") && Catch::Contains("kind 'integrity' runs one process; 'nodes' is for kinds"));
  CHECK_THAT(refused("deflate.yaml", "    kind: parallel_io\n    ranks: 2\n    mode: independent\n    deflate: 1\n"),
             Catch::Contains(":6: ") && Catch::Contains("'deflate' needs mode collective and layout chunked"));
  CHECK_THAT(refused("mode.yaml", "    kind: parallel_io\n    mode: sideways\n"), Catch::Contains("is collective or independent, not 'sideways'"));
  CHECK_THAT(refused("dataset.yaml", "    kind: parallel_io\n    dataset: {files: 2}\n"), Catch::Contains("unknown key 'dataset'"));
}
