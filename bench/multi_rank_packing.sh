#!/usr/bin/env bash
# Tests of several ranks packed into one allocation (4 harness ranks): a mixed suite of
# sleeps, 2 tests of 4 ranks x 2 s, 4 of 2 ranks x 1.5 s and 24 single-rank tests of
# 0.2-2 s (expected durations given), run by the harness in one allocation, against what a
# user does without it: the single-rank tests under the harness, then each multi-rank test
# with its own mpirun, one after another. Alternating, RUNS times; medians of the wall time.
# Also the harness's slot use: the slot-seconds its tests held / (4 x its makespan), and the
# makespan against the bound max(slot-seconds / 4, the longest test).
#   [RUNS=3] bench/multi_rank_packing.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
source scripts/mpi-env
HARNESS=$(realpath "${HARNESS:-build/src/tellus-harness}")
RUNS=${RUNS:-3}
work=$(mktemp -d /tmp/tellus-bench-packing.XXXX)
trap 'rm -rf "$work"' EXIT

{
  echo "suite: packing"
  echo "tests:"
  for i in 1 2; do printf '  - name: wide_%d\n    ranks: 4\n    expected_duration: 2\n    command: [sleep, "2"]\n' "$i"; done
  for i in 1 2 3 4; do printf '  - name: pair_%d\n    ranks: 2\n    expected_duration: 1.5\n    command: [sleep, "1.5"]\n' "$i"; done
} > "$work/multi.yaml"
{
  echo "suite: singles"
  echo "tests:"
  awk 'BEGIN { srand(7); for (i = 0; i < 24; i++) { d = 0.2 + 1.8 * rand(); printf "  - name: one_%02d\n    expected_duration: %.2f\n    command: [sleep, \"%.2f\"]\n", i, d, d } }'
} > "$work/singles.yaml"

run_harness() {  # OUT SUITE...
  local out=$1; shift
  rm -rf "$out"
  mpirun -np 4 --oversubscribe "$HARNESS" run "$@" --env-config local --max-concurrent 1 --progress none \
    --perf-store none --output-dir "$out" > /dev/null
}
: > "$work/packed"; : > "$work/apart"; : > "$work/use"; : > "$work/bound"
for run in $(seq 1 "$RUNS"); do
  t0=$(now)
  run_harness "$work/out-packed" "$work/multi.yaml" "$work/singles.yaml"
  echo "$(now) - $t0" | bc -l >> "$work/packed"
  t0=$(now)
  run_harness "$work/out-apart" "$work/singles.yaml"
  for n in 4 4 2 2 2 2; do mpirun -np "$n" --oversubscribe sleep "$([ "$n" = 4 ] && echo 2 || echo 1.5)"; done
  echo "$(now) - $t0" | bc -l >> "$work/apart"
  /usr/bin/python3 - "$work/out-packed/report.json" >> "$work/use" <<'PY'
import json, sys
tests = [t for t in json.load(open(sys.argv[1]))["harness"]["tests"] if t["rank"] >= 0]
start = min(t["start"] for t in tests); stop = max(t["stop"] for t in tests)
held = sum((t["stop"] - t["start"]) * max(1, len(t.get("slots", []))) for t in tests)
bound = max(held / 4, max(t["stop"] - t["start"] for t in tests))
print(f"{held / (4 * (stop - start)):.3f} {(stop - start) / bound:.3f}")
PY
done
printf 'packed   runs: %s s\n' "$(xargs printf '%.2f ' < "$work/packed")"
printf 'apart    runs: %s s\n' "$(xargs printf '%.2f ' < "$work/apart")"
printf 'slot use, makespan / bound, by run: %s\n' "$(tr '\n' ';' < "$work/use")"
packed=$(median < "$work/packed"); apart=$(median < "$work/apart")
use=$(cut -d' ' -f1 < "$work/use" | median); ratio=$(cut -d' ' -f2 < "$work/use" | median)
printf 'one allocation, packed:                 %.2f s\n' "$packed"
printf 'singles, then each MPI test by mpirun:  %.2f s   packed / apart %.2f\n' "$apart" "$(echo "$packed / $apart" | bc -l)"
printf 'slot use %.2f, makespan / bound %.2f (medians; the tests'"'"' own times, launch included)\n' "$use" "$ratio"
