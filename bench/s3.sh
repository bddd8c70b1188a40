#!/usr/bin/env bash
# S3 throughput: the harness's s3 backend (libcurl, SigV4 signed, 16 MiB parts 4 at a time,
# Content-MD5 and SHA-256 of every part) against the curl client (one stream, unsigned
# payload), 1 GiB each way to a throwaway radosgw on loopback, alternating, RUNS times;
# medians and ratios. Goal: >= 0.8 x curl each way. Then the same through the fault proxy,
# once without faults (its overhead) and once with a reset every ~RESET_MB MB.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
BENCH=${BENCH:-build/bench/bench_storage_transfer}
RUNS=${RUNS:-3}
MB=${MB:-1024}
work=$(mktemp -d /tmp/tellus-bench-s3.XXXX)
port=${PORT:-17590}
trap 'tests/fixtures/s3/stop-radosgw.sh "$work/rgw"; rm -rf "$work"' EXIT   # also when the start fails
tests/fixtures/s3/start-radosgw.sh "$work/rgw" "$port"
head -c $((MB << 20)) /dev/urandom > "$work/data.bin"
config="{\"type\":\"s3\",\"endpoint\":\"http://127.0.0.1:$port\",\"bucket\":\"tellus\",\"credentials_file\":\"$work/rgw/credentials\"}"
key() { awk -v k="$1" '$1 == k {print $3; exit}' "$work/rgw/credentials"; }
echo "user = \"$(key aws_access_key_id):$(key aws_secret_access_key)\"" > "$work/curl.conf"   # keys off the command line
curl_s3() { curl -sf -K "$work/curl.conf" --aws-sigv4 aws:amz:us-east-1:s3 -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@"; }
: > "$work/ours.put"; : > "$work/ours.get"; : > "$work/other.put"; : > "$work/other.get"
# A first PUT and a first multipart upload make radosgw create its pools (seconds), which
# would otherwise be charged to whichever client goes first.
head -c $((20 << 20)) /dev/urandom > "$work/warm.bin"
curl_s3 -T "$work/warm.bin" "http://127.0.0.1:$port/tellus/warm.bin" >/dev/null
curl_s3 -X DELETE "http://127.0.0.1:$port/tellus/warm.bin"
"$BENCH" s3 warm "$config" "$work/warm.bin" >/dev/null
for run in $(seq 1 "$RUNS"); do
  run_ours s3 bench "$config" "$work/data.bin" "$work"
  t0=$(now); curl_s3 -T "$work/data.bin" "http://127.0.0.1:$port/tellus/curl.bin" >/dev/null; t1=$(now)
  echo "$MB / ($t1 - $t0)" | bc -l >> "$work/other.put"
  t0=$(now); curl_s3 -o "$work/back.bin" "http://127.0.0.1:$port/tellus/curl.bin"; t1=$(now)
  echo "$MB / ($t1 - $t0)" | bc -l >> "$work/other.get"
  cmp -s "$work/data.bin" "$work/back.bin" || { echo "curl's copy differs" >&2; exit 1; }
  curl_s3 -X DELETE "http://127.0.0.1:$port/tellus/curl.bin"
  rm -f "$work/back.bin"
done
print_ratios s3 curl "$MB" "$work"
run_through_proxy s3 bench "$config" "$work/data.bin" "$work"
