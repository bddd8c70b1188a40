// What grows with a run's size: results stream to rank 0 in the finish messages as the tests
// end, and what still goes in one piece (the plan's settings broadcast, the final gather) is
// sent in chunks below MPI's int counts, here made 64 bytes (TELLUS_MPI_CHUNK_BYTES) so that
// every such message crosses chunk boundaries; every captured byte arrives.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "harness_process.hpp"

namespace fs = std::filesystem;

TEST_CASE("8 ranks of tests that print 256 KiB each: every captured byte reaches the report, streamed and chunked") {
  const std::string dir = fresh_output_dir("chunked");
  fs::create_directories(dir);
  const int tests = 24;
  {
    std::ofstream suite(dir + "/loud.yaml");
    suite << "suite: loud\ntests:\n";
    for (int i = 0; i < tests; ++i)
      suite << "  - {name: t" << i << ", command: \"printf 'HEAD-t" << i
            << "\\\\n'; head -c 262144 /dev/zero | tr '\\\\0' y; printf 'TAIL-t" << i << "\\\\n'\"}\n";
  }
  const std::string out = dir + "/out";
  const auto r = run_shell("TELLUS_MPI_CHUNK_BYTES=64 " + std::string(TELLUS_MPIEXEC) + " -n 8 --oversubscribe " +
                           TELLUS_HARNESS_EXE + " run " + dir + "/loud.yaml --max-concurrent 1 --perf-store none --progress none --output-dir " +
                           out);
  INFO(r.out + r.err);
  REQUIRE(r.exit_code == 0);
  const auto report = read_json(out + "/report.json");
  REQUIRE(report["tests"].size() == tests);
  std::set<int> ranks;
  for (const auto& h : report["harness"]["tests"]) ranks.insert(h["rank"].get<int>());
  CHECK(ranks.size() > 4);
  const std::size_t printed = 262144 + 2 * std::string("HEAD-tNN\n").size();
  for (const auto& t : report["tests"]) {
    const std::string name = t["nodeid"].get<std::string>().substr(t["nodeid"].get<std::string>().rfind(':') + 1);
    const std::string text = t["call"]["stdout"].get<std::string>();
    INFO(name);
    CHECK(text.rfind("HEAD-" + name + "\n", 0) == 0);
    CHECK(text.ends_with("TAIL-" + name + "\n"));
    // 32 KiB of head, 32 KiB of tail, and the count of what lies between.
    const std::size_t total = printed - (name.size() == 2 ? 2 : 0);
    const std::string omitted = "\n[... " + std::to_string(total - 65536) + " bytes omitted ...]\n";
    CHECK(text.size() == 65536 + omitted.size());
    CHECK(text.find(omitted) == 32768);
  }
}
