#!/usr/bin/env bash
# Scan benchmark: `heft report --json` (without and with a warm zip cache) side by side with
# `du -sb`, and with `dust` and `pipdeptree` when they are installed, on one or more trees.
#   bash benches/scan.sh [DIR...]   (default target/synth-site, generated if absent)
# Environment: RUNS (default 5) paired rounds, HEFT (default target/release/heft),
# HEFT_BASE (a second heft binary, e.g. the previous commit's, measured in the same rounds).
#
# Tools run interleaved (A B C A B C ...), so a burst of load from other processes hits every
# tool alike; each figure is the median of RUNS, and "x du" is the median of the per-round
# ratios. Peak RSS comes from /usr/bin/time -v (stable under load). Per-file figures divide by
# the files and directories find(1) counts.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
heft=${HEFT:-./target/release/heft}
if [ -z "${HEFT:-}" ]; then
  cargo build --release --quiet --bin heft --example synth_site
fi
[ $# -gt 0 ] || set -- target/synth-site
# Keep the zip cache of these runs out of the user's own.
export XDG_CACHE_HOME=${XDG_CACHE_HOME_BENCH:-$(mktemp -d)}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# Seconds of wall time of "$@" (stdout dropped), from bash's microsecond clock: no fork.
wall() {
  local s=$EPOCHREALTIME
  "$@" >/dev/null 2>&1 || true
  echo "$EPOCHREALTIME - $s" | bc -l
}

peak_kib() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

bench_dir() {
  local dir=$1
  [ -d "$dir" ] || ./target/release/examples/synth_site "$dir" >/dev/null
  local entries
  entries=$(find "$dir" | wc -l)
  local -a names=() cmds=()
  add() { names+=("$1"); cmds+=("$2"); }
  add "du -sb" "du -sb $dir"
  command -v dust >/dev/null && add "dust -s -d 0" "dust -s -d 0 $dir"
  command -v pipdeptree >/dev/null && add "pipdeptree -c size-raw" "pipdeptree --path $dir -c size-raw"
  add "heft report (no zip)" "$heft report $dir --json --no-zip-estimate"
  add "heft report (warm zip)" "$heft report $dir --json"
  if [ -n "${HEFT_BASE:-}" ]; then
    # Its own cache directory: an older heft may read (or delete) another format.
    local base="env XDG_CACHE_HOME=$XDG_CACHE_HOME/base $HEFT_BASE"
    add "base report (no zip)" "$base report $dir --json --no-zip-estimate"
    add "base report (warm zip)" "$base report $dir --json"
  fi
  # Warm the page cache and both zip caches.
  for c in "${cmds[@]}"; do $c >/dev/null 2>&1 || true; done
  local -A times=() ratios=()
  for _ in $(seq "$runs"); do
    local t_du=""
    for i in "${!cmds[@]}"; do
      local t
      t=$(wall ${cmds[$i]})
      [ -n "$t_du" ] || t_du=$t
      times[$i]+="$t "
      ratios[$i]+="$(echo "$t / $t_du" | bc -l) "
    done
  done
  printf '\n%s: %d files and directories, %s bytes (%s)\n' "$dir" "$entries" \
    "$(du -sb "$dir" | cut -f1)" "$(date -u +%Y-%m-%d)"
  printf '%-24s %9s %7s %9s %10s %8s\n' tool "median s" "x du" "us/file" "peak KiB" "B/file"
  for i in "${!cmds[@]}"; do
    local med ratio kib
    med=$(tr ' ' '\n' <<<"${times[$i]}" | grep . | median)
    ratio=$(tr ' ' '\n' <<<"${ratios[$i]}" | grep . | median)
    kib=$(peak_kib ${cmds[$i]})
    printf '%-24s %9.3f %7.2f %9.2f %10d %8.0f\n' "${names[$i]}" "$med" "$ratio" \
      "$(echo "$med * 1000000 / $entries" | bc -l)" "$kib" "$(echo "$kib * 1024 / $entries" | bc -l)"
  done
}

printf 'machine: %s, %s cores, load average %s\n' "$(uname -sr)" "$(nproc)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
for dir in "$@"; do bench_dir "$dir"; done
