#!/usr/bin/env bash
# Import-graph benchmark: `Imports::analyze` on a real layer, cold (empty parse cache) and
# warm (the cache the cold run saved), with CPU time and, where the machine exposes them,
# instruction counts. Prints the load average: on a shared machine wall time follows the
# load; CPU time and instructions far less.
#   bash benches/imports.sh DIR [PYTHON] [ENTRY...]     e.g. DIR=a chromadb layer, 3.12 chromadb
# Environment: RUNS (warm runs, default 5). Needs `perf` for the CPU figures (skipped without).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n '2,7p' "$0"; exit 2; }
runs=${RUNS:-5}
cargo build --release --quiet --example bench_imports
bench=./target/release/examples/bench_imports
echo "machine: $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# Wall time of each run: run 0 is cold, the rest warm.
RUNS=$((runs + 1)) "$bench" "$@"
if ! command -v perf >/dev/null; then
  echo "perf not installed: no CPU time or instruction counts"
  exit 0
fi
# CPU per analysis: (cost of N runs - cost of the load alone), for N = 1 (cold) and 1 + runs.
cost() { # prints "task-clock-ms instructions" of RUNS=$1 on the remaining arguments
  local n=$1; shift
  RUNS=$n perf stat -x, -e task-clock,instructions "$bench" "$@" 2>&1 >/dev/null |
    awk -F, '/task-clock/ {t=$1} /instructions/ {i=($1 ~ /^[0-9]/) ? $1 : "n/a"} END {print t, i}'
}
shift_args=("$@")
read -r t0 i0 < <(cost 0 "${shift_args[@]}")
read -r t1 i1 < <(cost 1 "${shift_args[@]}")
read -r tn in < <(cost $((runs + 1)) "${shift_args[@]}")
awk -v t0="$t0" -v t1="$t1" -v tn="$tn" -v n="$runs" 'BEGIN {
  printf "CPU per analysis (task-clock, load subtracted): cold %.0f ms, warm %.0f ms\n", t1 - t0, (tn - t1) / n }'
if [ "$i0" != n/a ]; then
  awk -v i0="$i0" -v i1="$i1" -v in_="$in" -v n="$runs" 'BEGIN {
    printf "instructions per analysis: cold %.0f M, warm %.0f M\n", (i1 - i0) / 1e6, (in_ - i1) / n / 1e6 }'
else
  echo "instructions: not exposed here (perf stat -e instructions unsupported; use valgrind --tool=callgrind)"
fi
