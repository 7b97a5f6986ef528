#!/usr/bin/env bash
# Makes screenshots/html-report.png and screenshots/html-diff.png: `heft report --format
# html` of NEW and `heft diff --format html` of OLD -> NEW, rendered by headless Chromium.
#
#   screenshots/make-html.sh OLD NEW      (directories, zips, wheels or saved scans)
set -euo pipefail
[ $# -eq 2 ] || { sed -n '2,5p' "$0"; exit 2; }
heft=${HEFT:-target/debug/heft}
out=$(dirname "$0")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$heft" report "$2" --format html -o "$work/report.html"
"$heft" diff "$1" "$2" --format html -o "$work/diff.html"
for page in report diff; do
  chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$work/profile" \
    --hide-scrollbars --window-size=1400,1250 --screenshot="$out/html-$page.png" \
    "file://$work/$page.html" 2>/dev/null
done
ls -la "$out"/html-*.png
