// Tests that ask for several ranks: packed into the allocation under mpiexec -n 4, never two
// things on one slot at once, too large ones skipped with their reason, a hang killed on
// every rank, and a one-rank allocation that runs them oversubscribed when the profile says so.
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "harness_process.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kCheck = TELLUS_MPI_SIZE_CHECK;

std::string write_file(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
  return path;
}

std::string mpi_test(const std::string& name, int ranks, const std::string& args, const std::string& extra = "") {
  return "  - name: " + name + "\n    ranks: " + std::to_string(ranks) + "\n    command: [\"" + kCheck + "\", " + args +
         "]\n" + extra;
}

// The slots a result held: its own rank, or every slot of a multi-rank test.
std::set<int> slots_of(const nlohmann::json& t) {
  std::set<int> slots;
  if (t.contains("slots"))
    for (const auto& s : t["slots"]) slots.insert(s.get<int>());
  else
    slots.insert(t["rank"].get<int>());
  return slots;
}

std::map<std::string, nlohmann::json> by_name(const nlohmann::json& tests) {
  std::map<std::string, nlohmann::json> m;
  for (const auto& t : tests) m[t["nodeid"].get<std::string>().substr(t["nodeid"].get<std::string>().rfind(':') + 1)] = t;
  return m;
}

bool alive(const std::string& pid_file) {
  std::ifstream in(pid_file);
  int pid = 0;
  in >> pid;
  return pid > 0 && kill(pid, 0) == 0;
}

}  // namespace

TEST_CASE("multi-rank tests share 4 ranks with single-rank ones: each launched on its slots, none used twice at once") {
  const std::string dir = fresh_output_dir("multi-rank");
  std::string suite = "suite: multi_rank\ntests:\n" + mpi_test("comm_4", 4, "\"4\"") + mpi_test("comm_2a", 2, "\"2\"") +
                      mpi_test("comm_2b", 2, "\"2\"") + mpi_test("comm_wrong", 2, "\"3\"") +
                      mpi_test("too_large", 8, "\"8\"");
  for (int i = 0; i < 6; ++i) suite += "  - name: single_" + std::to_string(i) + "\n    command: \"sleep 0.3\"\n";
#ifdef TELLUS_PARALLEL_IO_EXE  // tellus-parallel-io is built
  suite += "  - name: pio_4\n    kind: parallel_io\n    ranks: 4\n    size_mb: 2\n    mode: collective\n    timeout: 120\n";
#endif
  const auto file = write_file(dir + "-suite/multi_rank.yaml", suite);
  const auto r = run_harness(4, "run " + file + " --env-config local --max-concurrent 1 --output-dir " + dir +
                                    " --perf-store none --progress none");
  INFO(r.out + r.err);
  CHECK(r.exit_code == 1);  // comm_wrong
  const auto report = read_json(dir + "/report.json");
  const auto outcomes = by_name(report["tests"]);
  for (const char* name : {"comm_4", "comm_2a", "comm_2b", "single_0", "single_5"}) CHECK(outcomes.at(name)["outcome"] == "passed");
  CHECK(outcomes.at("comm_wrong")["outcome"] == "failed");
  CHECK_THAT(outcomes.at("comm_wrong")["call"]["stderr"].get<std::string>(), Catch::Contains("has 2 ranks, expected 3"));
  CHECK(outcomes.at("too_large")["outcome"] == "skipped");
  CHECK_THAT(outcomes.at("too_large")["setup"]["longrepr"].get<std::string>(),
             Catch::Contains("asks for 8 ranks; the allocation has 4 ranks on 1 node") && Catch::Contains("oversubscribe"));
  // The MPI program saw the communicator the test asked for.
  CHECK(count_lines_with(outcomes.at("comm_4")["call"]["stdout"].get<std::string>(), " of 4 on ") == 4);

  const auto harness = by_name(report["harness"]["tests"]);
  CHECK(harness.at("comm_4")["ranks"] == 4);
  CHECK(harness.at("comm_4")["slots"].size() == 4);
  CHECK(harness.at("comm_4")["hosts"].size() == 4);
  CHECK(harness.at("comm_4")["nodes"] == 1);
  CHECK(harness.at("comm_2a")["slots"].size() == 2);
#ifdef TELLUS_PARALLEL_IO_EXE  // tellus-parallel-io is built
  CHECK(outcomes.at("pio_4")["outcome"] == "passed");
  CHECK(harness.at("pio_4")["slots"].size() == 4);
  CHECK(harness.at("pio_4")["metrics"]["parallel_ranks"] == 4);
  CHECK(harness.at("pio_4")["metrics"]["parallel_write_mb_s"].get<double>() > 0);
  CHECK(harness.at("pio_4")["metrics"]["verify_s"].get<double>() >= 0);
#endif
  // The slot timeline: two tests that ran at the same time never held the same slot.
  std::vector<nlohmann::json> ran;
  for (const auto& t : report["harness"]["tests"])
    if (t["rank"].get<int>() >= 0) ran.push_back(t);
  int overlapping_pairs = 0;
  for (std::size_t i = 0; i < ran.size(); ++i)
    for (std::size_t j = i + 1; j < ran.size(); ++j) {
      const bool together = ran[i]["start"].get<double>() < ran[j]["stop"].get<double>() &&
                            ran[j]["start"].get<double>() < ran[i]["stop"].get<double>();
      if (!together) continue;
      ++overlapping_pairs;
      const auto a = slots_of(ran[i]), b = slots_of(ran[j]);
      for (int s : a) {
        INFO(ran[i]["nodeid"].get<std::string>() + " and " + ran[j]["nodeid"].get<std::string>() + " share slot " + std::to_string(s));
        CHECK(b.count(s) == 0);
      }
    }
  CHECK(overlapping_pairs > 0);  // the slots were shared out, not run one test after another
  // The HTML timeline draws each multi-rank test on every slot it held.
  std::ifstream html(dir + "/report.html");
  const std::string page((std::istreambuf_iterator<char>(html)), {});
  CHECK(page.find("data-slots=4") != std::string::npos);
  CHECK(page.find("4 ranks holding 4 slots") != std::string::npos);
}

TEST_CASE("a multi-rank test that hangs is killed on every rank at its timeout, and nothing of it is left") {
  const std::string dir = fresh_output_dir("multi-rank-hang");
  const auto file = write_file(dir + "-suite/hang.yaml", "suite: hang\ntests:\n" +
                                                            mpi_test("hangs", 4, "\"4\", \"--hang\"", "    timeout: 3\n"));
  const auto r = run_harness(4, "run " + file + " --env-config local --kill-grace 2 --output-dir " + dir +
                                    " --perf-store none --progress none");
  INFO(r.out + r.err);
  CHECK(r.exit_code == 1);
  const auto report = read_json(dir + "/report.json");
  const auto& t = report["tests"][0];
  CHECK(t["outcome"] == "failed");
  CHECK_THAT(t["call"]["longrepr"].get<std::string>(), Catch::Contains("timed out"));
  const auto& h = report["harness"]["tests"][0];
  CHECK(h["stop"].get<double>() - h["start"].get<double>() < 3 + 2 + 3);
  // Every rank of the program wrote its pid before hanging; none of them lives on.
  const std::string workspace = h["workspace"].get<std::string>();
  int ranks_seen = 0;
  for (int rank = 0; rank < 4; ++rank) {
    const std::string pid_file = workspace + "/pids/" + std::to_string(rank);
    if (!fs::exists(pid_file)) continue;
    ++ranks_seen;
    CHECK_FALSE(alive(pid_file));
  }
  CHECK(ranks_seen == 4);
}

TEST_CASE("a one-rank allocation runs a 3-rank test oversubscribed when the profile allows it, else skips it") {
  const std::string dir = fresh_output_dir("multi-rank-one-slot");
  for (const char* run : {"-no", "-yes"}) fresh_output_dir(std::string("multi-rank-one-slot") + run);
  const auto file = write_file(dir + "-suite/three.yaml", "suite: three\ntests:\n" + mpi_test("comm_3", 3, "\"3\""));
  const auto skipped = run_harness(1, "run " + file + " --env-config local --output-dir " + dir + "-no --perf-store none --progress none");
  INFO(skipped.out + skipped.err);
  CHECK(skipped.exit_code == 0);
  CHECK_THAT(read_json(dir + "-no/report.json")["tests"][0]["setup"]["longrepr"].get<std::string>(),
             Catch::Contains("asks for 3 ranks; the allocation has 1 rank on 1 node"));

  std::string profile = "name: oversubscribing\ntimeout_multiplier: 1\nmax_concurrent_operations: 1\nnetwork_simulation: false\n"
                        "large_file_tests: true\nstorage_backends: [file]\nresource_limits: {}\n"
                        "launcher:\n  oversubscribe: true\n  mpirun: [mpirun, --oversubscribe, -np, '{ranks}', --host, '{hosts}']\n";
  const auto profile_file = write_file(dir + "-suite/oversubscribing.yaml", profile);
  const auto ran = run_harness(1, "run " + file + " --env-config " + profile_file + " --output-dir " + dir +
                                      "-yes --perf-store none --progress none");
  INFO(ran.out + ran.err);
  CHECK(ran.exit_code == 0);
  const auto report = read_json(dir + "-yes/report.json");
  CHECK(report["tests"][0]["outcome"] == "passed");
  CHECK(report["harness"]["tests"][0]["slots"] == nlohmann::json::array({0}));
  CHECK(report["harness"]["tests"][0]["hosts"].size() == 3);
  CHECK(report["harness"]["profile"]["launcher"]["oversubscribe"] == true);
}

TEST_CASE("ranks: and launcher: mistakes are one clear error with the file and line") {
  const std::string dir = fresh_output_dir("multi-rank-errors");
  const auto archive = write_file(dir + "/archive.yaml", "suite: s\ntests:\n  - name: a\n    kind: archive_roundtrip\n    ranks: 4\n");
  auto r = run_harness(0, "run " + archive + " --env-config local --output-dir " + dir + "/out1 --perf-store none");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(archive + ":5") && Catch::Contains("kind 'archive_roundtrip' runs one process"));
  const auto nodes = write_file(dir + "/nodes.yaml", "suite: s\ntests:\n  - name: a\n    ranks: 2\n    nodes: 3\n    command: [x]\n");
  r = run_harness(0, "run " + nodes + " --env-config local --output-dir " + dir + "/out2 --perf-store none");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(nodes + ":5") && Catch::Contains("'nodes' must be from 1 to the test's ranks (2)"));
  const auto profile = write_file(dir + "/bad_launcher.yaml",
                                  "name: p\ntimeout_multiplier: 1\nmax_concurrent_operations: 1\nnetwork_simulation: false\n"
                                  "large_file_tests: true\nstorage_backends: [file]\nresource_limits: {}\n"
                                  "launcher:\n  mpirun: [mpirun, -np, '{rank}']\n");
  r = run_harness(0, "run " + nodes + " --env-config " + profile + " --output-dir " + dir + "/out3 --perf-store none");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("unknown placeholder '{rank}'"));
  CHECK(count_lines_with(r.err, "error") == 1);
}
