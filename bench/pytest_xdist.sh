#!/usr/bin/env bash
# pytest suites: tellus-harness on `mpirun -np 2` against pytest-xdist's `pytest -n 2` on the
# same files, both sides in this run, wall time of the whole command (start-up included),
# RUNS times each, alternating.
#  1. 2,000 trivial tests in 40 files.                          Goal: <= 0.8 x xdist.
#  2. 200 sleep tests with heavy-tailed durations (Pareto as in balance.sh), the harness's
#     second run (durations from its history) against xdist's best distribution here.
#                                          Goal: <= 0.85 x xdist, makespan / bound <= 1.05.
# Debian 12's python3-pytest-xdist is 3.1.0, which has no --dist worksteal (new in 3.2.0):
# the reference is --dist load, xdist's default, which hands out small batches on demand.
# Open MPI binds each of 2 ranks to one core, which its workers share (and rank 0's collection);
# xdist's processes are not bound. The harness runs both ways: mpirun's default and
# --bind-to none. Debian's Open MPI probes for Omni-Path and libfabric networks (its psm, psm2
# and ofi MTLs) at every MPI_Init, which costs about 0.2 s on a machine without them; the
# harness also runs as such a site configures it (OMPI_MCA_mtl=^psm,psm2,ofi).
# Both sides run pytest with the same options (-p no:cacheprovider: no cache written into the
# bench's projects). Beside them, part 1 times the floor of any MPI runner of this design
# (bench/pytest_floor.cpp): one pytest per rank, started before MPI_Init, collecting the whole
# suite and running a static share of it, nothing else. TRIVIAL_ONLY=1 stops after part 1.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
source scripts/mpi-env
HARNESS=$(realpath "${HARNESS:-build/src/tellus-harness}")
FLOOR=$(realpath "${FLOOR:-build/bench/bench_pytest_floor}")
PYTHON=${PYTHON:-/usr/bin/python3}
RUNS=${RUNS:-3}
SEED=${SEED:-42}
work=$(mktemp -d /tmp/tellus-bench-pytest.XXXX)
trap 'rm -rf "$work"' EXIT

# 1. trivial tests
mkdir -p "$work/trivial/tests"
echo "[pytest]" > "$work/trivial/pytest.ini"
for f in $(seq -w 1 40); do
  for t in $(seq -w 1 50); do printf 'def test_%s():\n    assert True\n\n' "$t"; done > "$work/trivial/tests/test_f$f.py"
done
# 2. heavy-tailed sleeps: Pareto(alpha 1.5, minimum 0.05 s), capped at 3 s, 20 files of 10
mkdir -p "$work/tailed/tests"
echo "[pytest]" > "$work/tailed/pytest.ini"
awk -v seed="$SEED" -v dir="$work/tailed/tests" 'BEGIN { srand(seed);
  for (i = 0; i < 200; i++) { d = 0.05 / (1 - rand()) ^ (1 / 1.5); if (d > 3) d = 3;
    f = sprintf("%s/test_s%02d.py", dir, int(i / 10)); if (i % 10 == 0) print "import time\n" > f;
    printf "def test_%03d():\n    time.sleep(%.3f)\n\n", i, d >> f; total += d; if (d > longest) longest = d }
  printf "%.3f %.3f\n", total, longest > (dir "/../durations") }'
read -r total longest < "$work/tailed/durations"
bound=$(echo "l = $longest; q = $total / 2; if (l > q) l else q" | bc -l)

# The floor's static split: rank r runs every ranks-th test, from the r-th.
cat > "$work/bench_floor_split.py" <<'PLUGIN'
import os
def pytest_collection_modifyitems(config, items):
    rank, ranks = int(os.environ["BENCH_FLOOR_RANK"]), int(os.environ["BENCH_FLOOR_RANKS"])
    items[:] = items[rank::ranks]
PLUGIN

BIND=${BIND:-core}
harness() {  # DIR OUT [extra options]
  local dir=$1 out=$2; shift 2
  rm -rf "$out"
  (cd "$dir" && mpirun --bind-to "$BIND" -np 2 "$HARNESS" run tests --python "$PYTHON" --progress none --output-dir "$out" "$@" \
    --pytest-args -p no:cacheprovider >/dev/null) || true
}
floor() {  # DIR
  (cd "$1" && PYTHONPATH="$work${PYTHONPATH:+:$PYTHONPATH}" mpirun --bind-to "$BIND" -np 2 "$FLOOR" "$PYTHON" -m pytest \
    -p bench_floor_split -p no:cacheprovider -q tests >/dev/null) || true
}
xdist() {  # DIR
  (cd "$1" && "$PYTHON" -m pytest -n 2 --dist load -p no:cacheprovider -q tests >/dev/null) || true
}
timed() { local t0; t0=$(now); "$@"; echo "$(now) - $t0" | bc -l; }
# CPU seconds (user + system) of what CMD ran, from the shell's `times` (not in a subshell:
# there they would be the subshell's).
cpu_of() {  # OUT CMD...: runs CMD, appends the CPU seconds it took to OUT
  local out=$1; shift
  times > "$work/times.0"; "$@"; times > "$work/times.1"
  cat "$work/times.0" "$work/times.1" | awk '
    FNR % 2 == 0 { gsub(/s/, ""); split($1, u, "m"); split($2, k, "m"); c[NR] = u[1] * 60 + u[2] + k[1] * 60 + k[2] }
    END { printf "%.3f\n", c[4] - c[2] }' >> "$out"
}
# For the serial chain: the harness on 2 ranks running one `true`, pytest's collection of the
# 2,000 tests, and one pytest process collecting and running all of them.
one_test() {
  printf 'suite: one\ntests:\n  - name: t\n    command: ["true"]\n' > "$work/one.yaml"; rm -rf "$work/one"
  mpirun -np 2 "$HARNESS" run "$work/one.yaml" --progress none --perf-store none --output-dir "$work/one" >/dev/null
}
collect() { (cd "$work/trivial" && "$PYTHON" -m pytest -p no:cacheprovider --collect-only -q tests >/dev/null); }
serial() { (cd "$work/trivial" && "$PYTHON" -m pytest -p no:cacheprovider -q tests >/dev/null); }

# The machine's state: the same Python loop on each CPU. A VM's CPUs are not always equally
# fast (another guest on a host core); the harness's work stealing evens that out, xdist's
# --dist load less so, and the ratio moves with it.
cpu_speeds() {
  local cpu out=""
  for cpu in $(seq 0 $(($(nproc) - 1))); do
    out+=$(taskset -c "$cpu" "$PYTHON" -c 'import time
t = time.perf_counter(); s = 0
for i in range(3000000): s += i
print(" CPU %s %.2f s" % ('"$cpu"', time.perf_counter() - t))')
  done
  echo "$out"
}
speeds_before=$(cpu_speeds)

: > "$work/t.ours"; : > "$work/t.floor"; : > "$work/t.unbound"; : > "$work/t.nomtl"; : > "$work/t.xdist"; : > "$work/t.one"; : > "$work/t.collect"; : > "$work/t.serial"
: > "$work/c.ours"; : > "$work/c.xdist"
for run in $(seq 1 "$RUNS"); do
  timed harness "$work/trivial" "$work/out" --perf-store none >> "$work/t.ours"
  cpu_of "$work/c.ours" harness "$work/trivial" "$work/out" --perf-store none
  BIND=none timed harness "$work/trivial" "$work/out" --perf-store none >> "$work/t.unbound"
  OMPI_MCA_mtl='^psm,psm2,ofi' timed harness "$work/trivial" "$work/out" --perf-store none >> "$work/t.nomtl"
  timed xdist "$work/trivial" >> "$work/t.xdist"
  timed floor "$work/trivial" >> "$work/t.floor"
  cpu_of "$work/c.xdist" xdist "$work/trivial"
  timed one_test >> "$work/t.one"
  timed collect >> "$work/t.collect"
  timed serial >> "$work/t.serial"
done
ours=$(median < "$work/t.ours"); theirs=$(median < "$work/t.xdist")
one=$(median < "$work/t.one"); col=$(median < "$work/t.collect"); ser=$(median < "$work/t.serial")
# A serial chain: MPI start-up and the harness's fixed work, then one collection (every
# worker collects at once, given the cores), then the tests' own time on two workers. Since
# the workers start before MPI_Init, the first two overlap: this is no floor any more, but
# says what the overlap is worth.
chain=$(echo "$one + $col + ($ser - $col) / 2" | bc -l)
printf '2000 trivial tests, 40 files, 2 ranks/workers, %d runs each (median wall time)\n' "$RUNS"
unbound=$(median < "$work/t.unbound")
printf '  tellus-harness -np 2: %.2f s   pytest -n 2: %.2f s   ratio %.2f (goal <= 0.8)\n' "$ours" "$theirs" \
  "$(echo "$ours / $theirs" | bc -l)"
printf '  tellus-harness -np 2 --bind-to none: %.2f s   ratio %.2f\n' "$unbound" "$(echo "$unbound / $theirs" | bc -l)"
nomtl=$(median < "$work/t.nomtl")
printf '  tellus-harness -np 2, no PSM/OFI probe: %.2f s   ratio %.2f\n' "$nomtl" "$(echo "$nomtl / $theirs" | bc -l)"
floor_s=$(median < "$work/t.floor")
printf '  floor, one pytest per rank under mpirun -np 2, static split, nothing else: %.2f s   ratio %.2f; the harness takes %.2f s more\n' \
  "$floor_s" "$(echo "$floor_s / $theirs" | bc -l)" "$(echo "$ours - $floor_s" | bc -l)"
paired=$(paste "$work/t.ours" "$work/t.xdist" | awk '{ print $1 / $2 }' | median)
printf '  run by run: median of the %d paired ratios %.2f\n' "$RUNS" "$paired"
printf '  CPU seconds (user + system, every process), median: tellus-harness %.2f, pytest -n 2 %.2f\n' \
  "$(median < "$work/c.ours")" "$(median < "$work/c.xdist")"
printf '  serial chain: harness with 1 test %.2f s + collection %.2f s + serial pytest run less collection / 2 (%.2f s) = %.2f s, %.2f x xdist\n' \
  "$one" "$col" "$(echo "($ser - $col) / 2" | bc -l)" "$chain" "$(echo "$chain / $theirs" | bc -l)"
printf '  the same Python loop, before:%s; after:%s\n' "$speeds_before" "$(cpu_speeds)"
[ "${TRIVIAL_ONLY:-0}" = 1 ] && exit 0

# The first run records every test's duration in a perf store of its own; the measured runs
# schedule from it (longest first, then stealing).
harness "$work/tailed" "$work/out" --perf-store "$work/perf"
: > "$work/h.ours"; : > "$work/h.xdist"; : > "$work/h.ratio"
for run in $(seq 1 "$RUNS"); do
  timed harness "$work/tailed" "$work/out" --perf-store "$work/perf" >> "$work/h.ours"
  jq --argjson bound "$bound" '([.harness.tests[].stop] | max) - ([.harness.tests[].start] | min) | . / $bound' \
    "$work/out/report.json" >> "$work/h.ratio"
  timed xdist "$work/tailed" >> "$work/h.xdist"
done
ours=$(median < "$work/h.ours"); theirs=$(median < "$work/h.xdist")
printf '200 heavy-tailed sleep tests (total %.2f s, longest %.2f s, bound %.2f s on 2), %d runs each\n' "$total" "$longest" "$bound" "$RUNS"
printf '  tellus-harness -np 2 (2nd run on): %.2f s   pytest -n 2 --dist load: %.2f s   ratio %.2f (goal <= 0.85)\n' \
  "$ours" "$theirs" "$(echo "$ours / $theirs" | bc -l)"
printf '  tellus-harness makespan / bound = %.3f (median; runs: %s) (goal <= 1.05)\n' "$(median < "$work/h.ratio")" \
  "$(tr '\n' ' ' < "$work/h.ratio")"
printf '  0.85 x xdist = %.2f s; the work alone takes %.2f s on 2 workers\n' "$(echo "0.85 * $theirs" | bc -l)" "$bound"
