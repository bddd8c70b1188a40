#!/usr/bin/env bash
# Regression detection: the synthetic comparison with the seed's method (bench_regressions),
# and the scale goal: `tellus-harness regressions` over 10,000 stored runs × 50 metrics in < 2 s.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
BENCH=${BENCH:-build/bench/bench_regressions}
HARNESS=${HARNESS:-build/src/tellus-harness}
"$BENCH" "${SERIES:-4000}"
store=$(mktemp -d /tmp/tellus-bench-store.XXXX)
trap 'rm -rf "$store"' EXIT
"$BENCH" populate "$store" 10000 50
echo "== regressions over $(ls "$store" | wc -l) runs x 50 metrics, 5 runs"
for i in 1 2 3 4 5; do
  /usr/bin/time -f "%e" "$HARNESS" regressions --perf-store "$store" --format json 2>&1 >/dev/null | tail -1
done | sort -g | awk '{a[NR]=$1} END {printf "median %.2f s (min %.2f, max %.2f)\n", a[3], a[1], a[5]}'
