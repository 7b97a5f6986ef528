#!/usr/bin/env bash
# Scan benchmark: `heft report --json` (without and with a warm zip cache) side by side with
# `du -sb`, and with `dust` and `pipdeptree` when they are installed, on one or more trees.
#   bash benches/scan.sh [DIR...]   (default target/synth-site, generated if absent)
# Environment: RUNS (default 5) paired rounds, HEFT (default target/release/heft), PIPDEPTREE,
# HEFT_BASE (a second heft binary, e.g. the previous commit's, measured in the same rounds),
# QUICK=1 (only `du -sb` and heft without zipped sizes: for the million-file tree).
#
# With several trees (e.g. 50k, 200k and 1M files from examples/synth_site.rs, the largest
# with `sparse`), a last table shows how `heft report --no-zip-estimate` scales: time and
# memory per file, and each tree against the one before (files, time and memory ratios).
# "heap+" is peak RSS minus the RSS of `heft --version` (the binary's baseline).
#
# Tools run interleaved (A B C A B C ...), so a burst of load from other processes hits every
# tool alike; each figure is the median of RUNS, and "x du" is the median of the per-round
# ratios. CPU is user + system seconds (from /usr/bin/time, 10 ms resolution): on a machine
# shared with other work it moves far less than wall time. Peak RSS is stable under load.
# Per-file figures divide by the files and directories find(1) counts.
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

# "wall cpu" seconds of "$@" (stdout dropped); wall from bash's microsecond clock.
measure() {
  local s=$EPOCHREALTIME out
  out=$(/usr/bin/time -f '%U %S' "$@" 2>&1 >/dev/null | tail -1)
  echo "$(echo "$EPOCHREALTIME - $s" | bc -l) $(echo "$out" | awk '{print $1 + $2}')"
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
  # -P: no progress spinner on stderr (it would garble the timing read from there).
  command -v dust >/dev/null && add "dust -s -d 0" "dust -s -d 0 -P $dir"
  # PIPDEPTREE: the real script rather than a pyenv shim (a shim adds its own start-up).
  local pdt=${PIPDEPTREE:-$(command -v pipdeptree || true)}
  [ -z "$pdt" ] || add "pipdeptree -c size-raw" "$pdt --path $dir -c size-raw"
  [ -z "${QUICK:-}" ] || names=("${names[0]}") cmds=("${cmds[0]}")
  add "heft report (no zip)" "$heft report $dir --json --no-zip-estimate"
  local nozip=$((${#cmds[@]} - 1))
  [ -n "${QUICK:-}" ] || add "heft report (warm zip)" "$heft report $dir --json"
  if [ -n "${HEFT_BASE:-}" ] && [ -z "${QUICK:-}" ]; then
    # Its own cache directory: an older heft may read (or delete) another format.
    local base="env XDG_CACHE_HOME=$XDG_CACHE_HOME/base $HEFT_BASE"
    add "base report (no zip)" "$base report $dir --json --no-zip-estimate"
    add "base report (warm zip)" "$base report $dir --json"
  fi
  # Warm the page cache and both zip caches.
  for c in "${cmds[@]}"; do $c >/dev/null 2>&1 || true; done
  local -A times=() ratios=() cpus=() cpu_ratios=()
  for _ in $(seq "$runs"); do
    local t_du="" c_du=""
    for i in "${!cmds[@]}"; do
      local t c
      read -r t c < <(measure ${cmds[$i]})
      # A CPU time under the 10 ms resolution counts as 10 ms (no division by zero).
      [ -n "$t_du" ] || { t_du=$t; c_du=$(echo "if ($c < 0.01) 0.01 else $c" | bc -l); }
      times[$i]+="$t "
      cpus[$i]+="$c "
      ratios[$i]+="$(echo "$t / $t_du" | bc -l) "
      cpu_ratios[$i]+="$(echo "$c / $c_du" | bc -l) "
    done
  done
  printf '\n%s: %d files and directories, %s bytes (%s)\n' "$dir" "$entries" \
    "$(du -sb "$dir" | cut -f1)" "$(date -u +%Y-%m-%d)"
  printf '%-24s %7s %6s %7s %6s %8s %9s %7s\n' tool "wall s" "x du" "cpu s" "x du" \
    "cpu us/f" "peak KiB" "B/file"
  for i in "${!cmds[@]}"; do
    local med ratio cpu cratio kib
    med=$(tr ' ' '\n' <<<"${times[$i]}" | grep . | median)
    ratio=$(tr ' ' '\n' <<<"${ratios[$i]}" | grep . | median)
    cpu=$(tr ' ' '\n' <<<"${cpus[$i]}" | grep . | median)
    cratio=$(tr ' ' '\n' <<<"${cpu_ratios[$i]}" | grep . | median)
    kib=$(peak_kib ${cmds[$i]})
    printf '%-24s %7.3f %6.2f %7.2f %6.2f %8.2f %9d %7.0f\n' "${names[$i]}" "$med" "$ratio" \
      "$cpu" "$cratio" "$(echo "$cpu * 1000000 / $entries" | bc -l)" "$kib" \
      "$(echo "$kib * 1024 / $entries" | bc -l)"
    [ "$i" != "$nozip" ] || scale+=("$dir $entries $med $cpu $kib")
  done
}

# The scale table: one row per tree from heft's no-zip figures.
print_scale() {
  local base_kib
  base_kib=$(peak_kib "$heft" --version)
  printf '\nheft report --json --no-zip-estimate by tree size (baseline RSS %d KiB)\n' "$base_kib"
  printf '%-36s %9s %7s %7s %8s %8s %8s %7s %7s %7s %7s\n' tree entries "wall s" "cpu s" \
    "wall us/f" "cpu us/f" "heap+ MB" "B/file" "x files" "x wall" "x heap"
  local prev=""
  for row in "${scale[@]}"; do
    local dir entries wall cpu kib heap
    read -r dir entries wall cpu kib <<<"$row"
    heap=$(( (kib - base_kib) * 1024 ))
    local rf="" rw="" rh=""
    if [ -n "$prev" ]; then
      local pe pw ph
      read -r pe pw ph <<<"$prev"
      rf=$(echo "$entries / $pe" | bc -l)
      rw=$(echo "$wall / $pw" | bc -l)
      rh=$(echo "$heap / $ph" | bc -l)
    fi
    printf '%-36s %9d %7.3f %7.2f %8.2f %8.2f %8.1f %7.0f %7s %7s %7s\n' "$dir" "$entries" \
      "$wall" "$cpu" "$(echo "$wall * 1000000 / $entries" | bc -l)" \
      "$(echo "$cpu * 1000000 / $entries" | bc -l)" "$(echo "$heap / 1000000" | bc -l)" \
      "$(echo "$heap / $entries" | bc -l)" "$(printf '%.2f' "${rf:-1}")" \
      "$(printf '%.2f' "${rw:-1}")" "$(printf '%.2f' "${rh:-1}")"
    prev="$entries $wall $heap"
  done
}

printf 'machine: %s, %s cores, load average %s\n' "$(uname -sr)" "$(nproc)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
scale=()
for dir in "$@"; do bench_dir "$dir"; done
[ $# -lt 2 ] || print_scale
