// kill -9 of a rank in the middle of a run: mpirun ends the job, no test process outlives
// it, and `report --from` rebuilds both reports with every finished test in them.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "harness_process.hpp"

namespace fs = std::filesystem;

namespace {
// Live `sleep SECONDS` processes: the recovery suite's long tests sleep 67, the interrupt
// suite's 71, numbers no other test uses (ctest runs test cases in parallel).
int live_sleeps(int seconds) {
  const auto r = run_shell("ps -eo stat=,args= | awk '$1 !~ /^Z/ && $2 == \"sleep\" && $3 == \"" + std::to_string(seconds) +
                           "\"' | wc -l");
  return std::stoi(r.out);
}
}  // namespace

TEST_CASE("after kill -9 of a rank, report --from keeps every finished result") {
  const auto out = fresh_output_dir("recovery");
  const std::string pid_file = out + ".victim.pid";
  fs::remove(pid_file);
  std::thread killer = kill_victim_rank(pid_file);
  const auto run = run_shell("VICTIM_PID_FILE=" + pid_file + " " TELLUS_MPIEXEC " -n 3 --oversubscribe " TELLUS_HARNESS_EXE
                             " run " + fixture("suites/recovery.yaml") + " --max-concurrent 4 --progress none --output-dir " + out);
  killer.join();
  CHECK(run.exit_code != 0);
  CHECK(run.seconds < 60);  // the 67 s tests did not run to their end

  // No test process outlives the job (the rank's orphan guard and the others' SIGTERM handlers).
  int live = -1;
  for (int i = 0; i < 50 && live != 0; ++i) {
    live = live_sleeps(67);
    if (live != 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(live == 0);

  fs::remove(out + "/report.json");
  const auto rebuilt = run_harness(0, "report --from " + out);
  CHECK(rebuilt.exit_code == 2);  // interrupted
  const auto report = read_json(out + "/report.json");
  CHECK(report["summary"]["passed"] == 12);
  CHECK(report["summary"]["error"] == 4);
  CHECK(report["summary"]["total"] == 16);
  for (const auto& t : report["tests"]) {
    if (t["outcome"] != "error") continue;
    const auto& phase = t.contains("call") ? t["call"] : t["setup"];
    CHECK_THAT(phase["longrepr"].get<std::string>(), Catch::StartsWith("run interrupted"));
  }
  CHECK(fs::exists(out + "/report.xml"));
  CHECK_THAT(rebuilt.out, Catch::Contains("12 passed, 0 failed, 0 skipped, 4 error"));
}

TEST_CASE("report --from a finished run reproduces its summary") {
  const auto out = fresh_output_dir("rebuild");
  const auto run = run_harness(2, "run " + fixture("suites/maxfail.yaml") + " --maxfail 1 --max-concurrent 1 --output-dir " + out);
  const auto original = read_json(out + "/report.json");
  const auto rebuilt = run_harness(0, "report --from " + out + " --json-report-file " + out + "/again.json");
  CHECK(rebuilt.exit_code == run.exit_code);
  CHECK(read_json(out + "/again.json")["summary"] == original["summary"]);
}

TEST_CASE("report without a run directory is a clear error") {
  const auto r = run_harness(0, "report --from /nonexistent-run");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("/nonexistent-run/run.json: no run plan here"));
}

TEST_CASE("SIGINT ends the run cleanly: finished tests kept, running ones errors, exit 2") {
  const auto out = fresh_output_dir("interrupt");
  const auto r = run_shell(std::string(TELLUS_HARNESS_EXE) + " run " + fixture("suites/interrupt.yaml") +
                           " --max-concurrent 4 --progress none --output-dir " + out +
                           " & pid=$!; "
                           // Interrupt once the quick tests are journaled and the long ones run, however
                           // slow the machine; a background job of sh ignores SIGINT until the harness
                           // installs its handler, so an earlier signal would be lost.
                           "for _ in $(seq 300); do [ \"$(grep -hc '\"passed\"' " + out + "/journal/*.jsonl 2>/dev/null)\" = 12 ] && "
                           "[ \"$(pgrep -fc '^sleep 71$')\" = 3 ] && break; sleep 0.1; done; "
                           "kill -INT $pid; wait $pid");
  CHECK(r.exit_code == 2);
  CHECK(r.seconds < 30);
  const auto report = read_json(out + "/report.json");
  CHECK(report["exitcode"] == 2);
  CHECK(report["summary"]["passed"] == 12);
  CHECK(report["summary"]["error"] == 3);
  for (const auto& t : report["tests"])
    if (t["outcome"] == "error") CHECK(t["call"]["longrepr"] == "run interrupted (SIGINT)");
  CHECK(report["harness"]["interrupted"] == true);
  CHECK(live_sleeps(71) == 0);
}
