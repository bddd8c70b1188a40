#!/usr/bin/env bash
# Roundtrip throughput of archive_roundtrip for the default suite's small (100 files, 10 MiB,
# tar.gz) and large (100 files, 1 GiB, tar) datasets on the file backend, RUNS times, with the
# dataset already in the cache; prints each step's median MB/s.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
source scripts/mpi-env
HARNESS=${HARNESS:-build/src/tellus-harness}
RUNS=${RUNS:-3}
work=$(mktemp -d /tmp/tellus-bench-roundtrip.XXXX)
trap 'rm -rf "$work"' EXIT
for run in $(seq 1 "$RUNS"); do
  "$HARNESS" run suites/archive.yaml -k "roundtrip_small or roundtrip_large" --progress none --perf-store none \
    --output-dir "$work/$run" >/dev/null
done
for test in roundtrip_small_seed_mix roundtrip_large_1gib; do
  echo "== $test"
  for step in pack put get unpack verify; do
    for run in $(seq 1 "$RUNS"); do
      jq --arg t "$test" --arg m "${step}_mb_per_s" '.harness.tests[] | select(.nodeid | endswith($t)) | .metrics[$m]' "$work/$run/report.json"
    done | sort -g | awk -v step="$step" '{a[NR]=$1} END {printf "  %-7s %8.0f MB/s\n", step, a[int((NR+1)/2)]}'
  done
  for run in $(seq 1 "$RUNS"); do
    jq --arg t "$test" '.harness.tests[] | select(.nodeid | endswith($t)) | (.metrics.dataset_bytes / 1048576) / (.stop - .start)' "$work/$run/report.json"
  done | sort -g | awk '{a[NR]=$1} END {printf "  whole test %4.0f MB/s (dataset MiB / wall seconds, cache lookup included)\n", a[int((NR+1)/2)]}'
done
