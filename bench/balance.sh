#!/usr/bin/env bash
# Balance: 48 sleep tests with heavy-tailed (Pareto) durations on 4 MPI ranks, one test at a
# time per rank. For the default schedule (LPT with work stealing) and the seed's round robin
# (`i % ranks`), RUNS times each, alternating: makespan / max(longest test, total / 4), where
# the makespan is read from the report (first start to last stop). Goal: <= 1.05 for LPT.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
source scripts/mpi-env
HARNESS=${HARNESS:-build/src/tellus-harness}
RUNS=${RUNS:-3}
SEED=${SEED:-42}
work=$(mktemp -d /tmp/tellus-bench-balance.XXXX)
trap 'rm -rf "$work"' EXIT

# Pareto(alpha 1.5, minimum 0.1 s), capped at 6 s; the durations are the tests' expected_duration.
awk -v seed="$SEED" 'BEGIN { srand(seed); print "suite: balance"; print "tests:";
  for (i = 1; i <= 48; i++) { d = 0.1 / (1 - rand()) ^ (1 / 1.5); if (d > 6) d = 6;
    printf "  - name: s%02d\n    command: \"sleep %.3f\"\n    expected_duration: %.3f\n", i, d, d } }' > "$work/suite.yaml"
read -r longest total < <(awk '/expected_duration/ { d = $2; t += d; if (d > m) m = d } END { print m, t }' "$work/suite.yaml")
bound=$(echo "l = $longest; q = $total / 4; if (l > q) l else q" | bc -l)

ratio() {  # makespan of a report / bound
  jq --argjson bound "$bound" '([.harness.tests[].stop] | max) - ([.harness.tests[].start] | min) | . / $bound' "$1"
}
: > "$work/lpt"; : > "$work/rr"
for run in $(seq 1 "$RUNS"); do
  for schedule in lpt round-robin; do
    rm -rf "$work/out"
    mpirun -np 4 "$HARNESS" run "$work/suite.yaml" --schedule "$schedule" --max-concurrent 1 --progress none --perf-store none \
      --output-dir "$work/out" >/dev/null
    ratio "$work/out/report.json" >> "$work/${schedule%%-*}"
  done
done
printf '48 tests, total %.2f s, longest %.2f s, lower bound %.2f s on 4 ranks; %d runs each\n' "$total" "$longest" "$bound" "$RUNS"
printf 'LPT + stealing:       makespan / bound = %.3f (median; runs: %s)\n' "$(median < "$work/lpt")" "$(tr '\n' ' ' < "$work/lpt")"
printf 'round robin (seed):   makespan / bound = %.3f (median; runs: %s)\n' "$(median < "$work/round")" "$(tr '\n' ' ' < "$work/round")"
