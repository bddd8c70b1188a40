#!/usr/bin/env bash
# The harness itself, end to end: 1 GiB archive roundtrips over SFTP (a throwaway sshd) and S3
# (a throwaway radosgw), each through the fault proxy with a reset every ~50 MB. Prints each
# test's outcome, time, retries and injected resets from report.json; the workload verifies
# every file of the archive that came back (SHA-256 and netCDF/HDF5 reads).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
export BENCH_DIR=$(mktemp -d /tmp/tellus-bench-faults.XXXX)
trap 'kill $(cat "$BENCH_DIR/sshd/sshd.pid" 2>/dev/null) 2>/dev/null; tests/fixtures/s3/stop-radosgw.sh "$BENCH_DIR/rgw"; rm -rf "$BENCH_DIR"' EXIT
tests/fixtures/ssh/start-sshd.sh "$BENCH_DIR/sshd" 22150
tests/fixtures/s3/start-radosgw.sh "$BENCH_DIR/rgw" 17750
TELLUS_TEST_CACHE="$BENCH_DIR/cache" TELLUS_PERF_STORE="$BENCH_DIR/perf" build/src/tellus-harness run bench/suites/network-faults.yaml \
  --env-config bench/suites/network-faults-profile.yaml --output-dir "$BENCH_DIR/out" --progress none >/dev/null || true
jq -r '.tests as $t | .harness.tests | to_entries[] |
  "\(.value.nodeid | split("::")[1]): \($t[.key].outcome) in \($t[.key].call.duration | floor) s, " +
  "put \(.value.metrics.put_mb_per_s | floor) MB/s, get \(.value.metrics.get_mb_per_s | floor) MB/s, " +
  "\(.value.metrics.retries) retries, \(.value.metrics.network_resets) resets, archive \(.value.metrics.archive_bytes / 1048576 | floor) MiB"' \
  "$BENCH_DIR/out/report.json"
