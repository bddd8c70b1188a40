#!/usr/bin/env bash
# Scale: TESTS one-line `true` tests over NP oversubscribed ranks, one test at a time per rank;
# each rank's peak resident memory (GNU time's maximum RSS), the run's wall time, and how long
# rank 0 took from the last test's end to the reports. Goals (at 100,000 tests): a worker
# rank's peak RSS <= 80 MB and growing with its own tests, not with the suite; rank 0 <= 400 MB;
# reports <= 2 s after the last test. PRINT=65536 makes each test print that many bytes
# instead (rank 0's memory should not follow it).
#   TESTS=20000 NP=16 [PRINT=65536] bench/scale.sh
# HARNESS= compares another build (e.g. one from before a change) on the same suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
source scripts/mpi-env
HARNESS=$(realpath "${HARNESS:-build/src/tellus-harness}")
TESTS=${TESTS:-20000}
NP=${NP:-16}
PRINT=${PRINT:-0}
work=$(mktemp -d /tmp/tellus-bench-scale.XXXX)
trap 'rm -rf "$work"' EXIT

{ echo "suite: scale"; echo "tests:"
  if [ "$PRINT" -gt 0 ]; then command="\"head -c $PRINT /dev/zero | tr '\\\\0' x\""; else command='["true"]'; fi
  for i in $(seq 1 "$TESTS"); do printf '  - name: t%06d\n    command: %s\n' "$i" "$command"; done; } > "$work/suite.yaml"

t0=$(now)
mpirun -np "$NP" --oversubscribe sh -c \
  'exec /usr/bin/time -f "rank $OMPI_COMM_WORLD_RANK %M" -o "$0/rss.$OMPI_COMM_WORLD_RANK" "$@"' "$work" \
  "$HARNESS" run "$work/suite.yaml" --max-concurrent 1 --progress none --perf-store none --output-dir "$work/out" \
  > "$work/summary" || true
t1=$(now)
tail -n 4 "$work/summary" | head -n 1
cat "$work"/rss.* | sort -k2 -n | awk -v np="$NP" -v tests="$TESTS" '
  $2 == 0 { root = $3 / 1024 }
  $2 > 0 { w = $3 / 1024; sum += w; n++; if (w > max) max = w; if (min == 0 || w < min) min = w }
  END { printf "%d tests, %d ranks: rank 0 peak RSS %.0f MB; worker ranks %.0f..%.0f MB (mean %.0f)\n",
        tests, np, root, min, max, sum / n }'
last_stop=$(jq '[.harness.tests[].stop] | max' "$work/out/report.json")
# The formats are written concurrently: the last of the three files to be written.
written=$(for f in report.json report.xml report.html; do date -r "$work/out/$f" +%s.%N; done | sort -g | tail -n 1)
printf 'wall %.1f s; last test end to the last report written %.2f s; run.json %s, report.json %s\n' \
  "$(echo "$t1 - $t0" | bc -l)" "$(echo "$written - $last_stop" | bc -l)" \
  "$(du -h "$work/out/run.json" | cut -f1)" "$(du -h "$work/out/report.json" | cut -f1)"
