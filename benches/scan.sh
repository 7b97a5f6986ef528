#!/usr/bin/env bash
# Scan benchmark: times `heft report --json` against `du -sb` on the same synthetic
# 200k-file / 2,000-distribution site-packages (warm cache), and peak memory per file.
#   bash benches/scan.sh [DIR]      (DIR defaults to target/synth-site; generated if absent)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-target/synth-site}
cargo build --release --quiet --bin heft --example synth_site
[ -d "$dir" ] || ./target/release/examples/synth_site "$dir"
heft=./target/release/heft
files=$(find "$dir" -type f | wc -l)
du -sb "$dir" >/dev/null; $heft report "$dir" --json --no-zip-estimate >/dev/null   # warm the cache
best() { # best of 5 wall-clock seconds of "$@"
  local b=999999
  for _ in 1 2 3 4 5; do
    local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
    b=$(echo "$e - $s" | bc -l | awk -v b="$b" '{print ($1<b)?$1:b}')
  done
  echo "$b"
}
t_du=$(best du -sb "$dir")
t_heft=$(best "$heft" report "$dir" --json --no-zip-estimate)
rss_kb=$(/usr/bin/time -f %M "$heft" report "$dir" --json --no-zip-estimate 2>&1 >/dev/null | tail -1)
printf 'files            %d\n' "$files"
printf 'du -sb           %.3f s\n' "$t_du"
printf 'heft report      %.3f s\n' "$t_heft"
printf 'ratio heft/du    %.2fx  (goal <= 1.2x)\n' "$(echo "$t_heft / $t_du" | bc -l)"
printf 'peak RSS         %d KiB = %.0f bytes/file  (goal <= 200)\n' "$rss_kb" "$(echo "$rss_kb * 1024 / $files" | bc -l)"
