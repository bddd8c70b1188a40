#!/usr/bin/env bash
# The claim protocol at scale (bench/claims.cpp): rank 0's coordinator serving 1,000 simulated
# ranks, 100,000 tests, claims of one test each, grants with specs against grants of indices.
# Goal: >= 20,000 claims and finishes per second.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
"${BENCH:-build/bench/bench_claims}" "${TESTS:-100000}" "${RANKS:-1000}"
