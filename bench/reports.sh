#!/usr/bin/env bash
# Rank 0 from the last test's end to the reports written (bench/reports.cpp): 100,000 tests,
# quiet and then each printing 64 KiB, results in summary against results whole.
# Goal: <= 2 s at 100,000 tests, and rank 0's memory unchanged by what the tests print.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
for print in 0 65536; do "${BENCH:-build/bench/bench_reports}" "${TESTS:-100000}" "$print" 2>&1 >/dev/null; done
