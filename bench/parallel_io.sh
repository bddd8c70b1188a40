#!/usr/bin/env bash
# Parallel netCDF-4 writes (tellus-parallel-io): 4 ranks writing one file of MB MiB collectively
# (chunked, uncompressed, nc_sync'd) against 4 concurrent dd of MB/4 MiB each (conv=fsync) to
# the same directory, and 4 independent serial netCDF-4 writers of MB/4 MiB each
# (bench_generation netcdf, fsynced; their time includes making the values, the parallel
# writer's does not), alternating, RUNS times; medians of the aggregate MB/s (10^6 bytes).
# Goal: the collective write >= 0.7 x dd's aggregate.
#   [DIR=build/pio-bench] [MB=1024] [RUNS=3] bench/parallel_io.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
source scripts/mpi-env
PIO=${PIO:-build/src/tellus-parallel-io}
GEN=${GEN:-build/bench/bench_generation}
DIR=${DIR:-$(pwd)/build/pio-bench}
MB=${MB:-1024}
RUNS=${RUNS:-3}
mkdir -p "$DIR"
trap 'rm -rf "$DIR"' EXIT
quarter=$((MB / 4))
: > "$DIR/pio"; : > "$DIR/indep"; : > "$DIR/dd"; : > "$DIR/serial"
for run in $(seq 1 "$RUNS"); do
  mpiexec -n 4 --oversubscribe "$PIO" --output "$DIR/p.nc" --size-mb "$MB" --fsync | jq '.write_mb_s' >> "$DIR/pio"
  mpiexec -n 4 --oversubscribe "$PIO" --output "$DIR/p.nc" --size-mb "$MB" --fsync --mode independent | jq '.write_mb_s' >> "$DIR/indep"
  rm -f "$DIR/p.nc"
  t0=$(now)
  for i in 1 2 3 4; do dd if=/dev/zero of="$DIR/dd.$i" bs=4M count=$((quarter / 4)) conv=fsync status=none & done
  wait
  echo "$MB * 1.048576 / ($(now) - $t0)" | bc -l >> "$DIR/dd"
  rm -f "$DIR"/dd.*
  t0=$(now)
  for i in 1 2 3 4; do mkdir -p "$DIR/s$i"; "$GEN" netcdf "$DIR/s$i" "$quarter" > /dev/null & done
  wait
  echo "$MB * 1.048576 / ($(now) - $t0)" | bc -l >> "$DIR/serial"
  rm -rf "$DIR"/s?
done
for f in dd pio indep serial; do printf '%-7s runs: %s MB/s\n' "$f" "$(xargs printf '%.0f ' < "$DIR/$f")"; done
# The disk's speed drifts within minutes on a shared machine: each run's collective write
# against the dd of the same run, too.
paste -d/ "$DIR/pio" "$DIR/dd" | bc -l > "$DIR/paired"
printf 'collective / dd, run by run: %s  median %.2f\n' "$(xargs printf '%.2f ' < "$DIR/paired")" "$(median < "$DIR/paired")"
pio=$(median < "$DIR/pio"); indep=$(median < "$DIR/indep"); dd=$(median < "$DIR/dd"); serial=$(median < "$DIR/serial")
printf '4 x dd of %d MiB (conv=fsync):                   %.0f MB/s\n' "$quarter" "$dd"
printf 'tellus-parallel-io, 4 ranks, collective, %d MiB: %.0f MB/s  ratio %.2f\n' "$MB" "$pio" "$(echo "$pio / $dd" | bc -l)"
printf 'tellus-parallel-io, 4 ranks, independent:        %.0f MB/s  ratio %.2f\n' "$indep" "$(echo "$indep / $dd" | bc -l)"
printf '4 serial netCDF-4 writers of %d MiB:              %.0f MB/s  ratio %.2f\n' "$quarter" "$serial" "$(echo "$serial / $dd" | bc -l)"
