#!/usr/bin/env bash
# Test-data generation against the seed's Python generators, and 1 GiB netCDF-4 / HDF5 writes
# (uncompressed, fsynced) against dd of 1 GiB (conv=fsync) to the same directory, alternating,
# RUNS times; prints medians and ratios. Goal: netCDF and HDF5 >= 0.8 x dd.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
BENCH=${BENCH:-build/bench/bench_generation}
DIR=${DIR:-$(pwd)/build}
RUNS=${RUNS:-3}
MB=${MB:-1024}

echo "== generation in memory (best of 3 each)"
"$BENCH" memory 512
if command -v python3 >/dev/null; then
  # The seed's TestDataManager generators, verbatim, on 4 MiB each.
  python3 - <<'PY'
import random, time
def _generate_binary_data(size):
    return bytes([random.randint(0, 255) for _ in range(size)])
def _generate_netcdf_like_data(size):
    header = b"CDF\x01" + b"\x00" * 100
    data_pattern = b"scientific_data_pattern" * (size // 20)
    return header + data_pattern[:size - len(header)]
for name, f in (("seed _generate_binary_data", _generate_binary_data), ("seed _generate_netcdf_like_data", _generate_netcdf_like_data)):
    size = 4 << 20
    t0 = time.perf_counter(); f(size); s = time.perf_counter() - t0
    print(f"{name} {size / (1 << 20) / s:.1f} MB/s")
PY
else
  echo "python3 not found: the seed's generators were not measured"
fi

echo "== ${MB} MiB to $DIR, fsynced, $RUNS runs"
: > /tmp/gen.nc; : > /tmp/gen.h5; : > /tmp/gen.dd
for run in $(seq 1 "$RUNS"); do
  "$BENCH" netcdf "$DIR" "$MB" | awk '{print $2}' >> /tmp/gen.nc
  "$BENCH" hdf5 "$DIR" "$MB" | awk '{print $2}' >> /tmp/gen.h5
  dd if=/dev/zero of="$DIR/dd.bin" bs=4M count=$((MB / 4)) conv=fsync 2>&1 | tail -1 |
    awk -v mb="$MB" '{for (i = 1; i <= NF; i++) if ($i == "s,") print mb / $(i-1)}' >> /tmp/gen.dd
  rm -f "$DIR/dd.bin"
done
nc=$(median < /tmp/gen.nc); h5=$(median < /tmp/gen.h5); dd=$(median < /tmp/gen.dd)
printf 'dd:      %.0f MB/s\nnetCDF-4: %.0f MB/s  ratio %.2f\nHDF5:    %.0f MB/s  ratio %.2f\n' "$dd" "$nc" \
  "$(echo "$nc / $dd" | bc -l)" "$h5" "$(echo "$h5 / $dd" | bc -l)"
