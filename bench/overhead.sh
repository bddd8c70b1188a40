#!/usr/bin/env bash
# Overhead: 2,000 tests of `true`, tellus-harness on 2 MPI ranks against ctest -j2 running the
# same 2,000 tests, alternating, RUNS times each; prints the medians and the ratio.
# Both sides run 2 tests at once (--max-concurrent 1 on each of the 2 ranks); the harness with
# its local profile default (8 per rank) is measured beside them.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
source scripts/mpi-env
HARNESS=${HARNESS:-build/src/tellus-harness}
SPAWN_FLOOR=${SPAWN_FLOOR:-build/bench/bench_spawn_floor}
RUNS=${RUNS:-5}
N=${N:-2000}
work=$(mktemp -d /tmp/tellus-bench-overhead.XXXX)
trap 'rm -rf "$work"' EXIT

{ echo "suite: overhead"; echo "tests:"; for i in $(seq 1 "$N"); do printf '  - name: t%d\n    command: ["true"]\n' "$i"; done; } > "$work/suite.yaml"
mkdir -p "$work/ctest"
{ echo "cmake_minimum_required(VERSION 3.25)"; echo "project(overhead NONE)"; echo "enable_testing()";
  for i in $(seq 1 "$N"); do echo "add_test(NAME t$i COMMAND true)"; done; } > "$work/ctest/CMakeLists.txt"
cmake -S "$work/ctest" -B "$work/ctest/build" >/dev/null

: > "$work/ctest.t"; : > "$work/harness.t"; : > "$work/harness8.t"; : > "$work/spawn.t"; : > "$work/mpirun.t"
: > "$work/mpi_floor.t"
for run in $(seq 1 "$RUNS"); do
  # Floors: spawning N `true` two at a time with nothing else (xargs); the least an MPI
  # runner can do (2 ranks: MPI_Init, then posix_spawn and wait, nothing besides); and the
  # harness's fixed cost (mpirun, MPI_Init, loading the whole suite, reports) for one test.
  t0=$(now); seq "$N" | xargs -P2 -n1 true; t1=$(now); echo "$t1 - $t0" | bc >> "$work/spawn.t"
  t0=$(now); mpirun -np 2 "$SPAWN_FLOOR" "$N" 1 true; t1=$(now); echo "$t1 - $t0" | bc >> "$work/mpi_floor.t"
  rm -rf "$work/one"; t0=$(now); mpirun -np 2 "$HARNESS" run "$work/suite.yaml" -k "t$N" --progress none --perf-store none --output-dir "$work/one" >/dev/null
  t1=$(now); echo "$t1 - $t0" | bc >> "$work/mpirun.t"
  t0=$(now); (cd "$work/ctest/build" && ctest -j2 -Q); t1=$(now)
  echo "$t1 - $t0" | bc >> "$work/ctest.t"
  rm -rf "$work/out"; t0=$(now)
  mpirun -np 2 "$HARNESS" run "$work/suite.yaml" --max-concurrent 1 --progress none --perf-store none --output-dir "$work/out" >/dev/null
  t1=$(now); echo "$t1 - $t0" | bc >> "$work/harness.t"
  test "$(jq .summary.passed "$work/out/report.json")" = "$N"
  rm -rf "$work/out"; t0=$(now)
  mpirun -np 2 "$HARNESS" run "$work/suite.yaml" --progress none --perf-store none --output-dir "$work/out" >/dev/null
  t1=$(now); echo "$t1 - $t0" | bc >> "$work/harness8.t"
done
c=$(median < "$work/ctest.t"); h=$(median < "$work/harness.t"); h8=$(median < "$work/harness8.t")
printf 'tests=%d runs=%d (median wall seconds)\n' "$N" "$RUNS"
printf 'floor: xargs -P2 true x %d:             %.2f s\n' "$N" "$(median < "$work/spawn.t")"
printf 'floor: MPI runner doing nothing else:   %.2f s   (the goal, 0.5 x ctest: %.2f s)\n' \
  "$(median < "$work/mpi_floor.t")" "$(echo "$c / 2" | bc -l)"
printf 'fixed: tellus-harness -np 2, 1 test:    %.2f s\n' "$(median < "$work/mpirun.t")"
printf 'ctest -j2:                              %.2f s\n' "$c"
printf 'tellus-harness -np 2, 1 per rank:       %.2f s   ratio %.3f\n' "$h" "$(echo "$h / $c" | bc -l)"
printf 'tellus-harness -np 2, 8 per rank (local): %.2f s   ratio %.3f\n' "$h8" "$(echo "$h8 / $c" | bc -l)"
