# Sourced by the benchmark scripts, from the source tree's root.
# Benchmarks build only when asked: build/ is configured with them and brought up to date
# (BENCH_NO_BUILD=1 skips this, for a build of one's own given by HARNESS= and BENCH=).
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTELLUS_HARNESS_BENCH=ON >/dev/null
  cmake --build build -j "${TELLUS_BUILD_JOBS:-2}" >/dev/null
fi
now() { date +%s.%N; }
# Median of numbers, one per line on stdin.
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# The storage benchmarks (sftp.sh, s3.sh): bench_storage_transfer against a reference client.
# One run of ours: appends its put and get MB/s to WORK/ours.put and WORK/ours.get.
run_ours() {  # TYPE ROOT CONFIG DATA WORK
  "$BENCH" "$1" "$2" "$3" "$4" > "$5/ours"
  awk '/^put/ {print $2}' "$5/ours" >> "$5/ours.put"
  awk '/^get/ {print $2}' "$5/ours" >> "$5/ours.get"
}
# Medians and ratios of WORK/ours.* against WORK/other.*, OTHER naming the reference client.
print_ratios() {  # TYPE OTHER MB WORK
  local dir o c
  for dir in put get; do
    o=$(median < "$4/ours.$dir"); c=$(median < "$4/other.$dir")
    printf '%s %d MiB: tellus-harness %s %.0f MB/s, %s %.0f MB/s, ratio %.2f\n' "$dir" "$3" "$1" "$o" "$2" "$c" "$(echo "$o / $c" | bc -l)"
  done
}
# Ours through the fault proxy: without faults (its overhead), then a reset every ~RESET_MB MB.
run_through_proxy() {  # TYPE ROOT CONFIG DATA WORK
  local reset
  for reset in 0 "${RESET_MB:-50}"; do
    "$BENCH" "$1" "$2" "$3" "$4" "$reset" > "$5/proxy"
    printf 'through the proxy, reset every %s MB: put %.0f MB/s, get %.0f MB/s, %s, copy byte-identical\n' "$reset" \
      "$(awk '/^put/ {print $2}' "$5/proxy")" "$(awk '/^get/ {print $2}' "$5/proxy")" "$(grep retries "$5/proxy")"
  done
}
