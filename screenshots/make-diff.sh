#!/usr/bin/env bash
# Makes screenshots/diff-packages.png and screenshots/diff-treemap.png from the explorer's
# diff mode (`heft --diff OLD NEW`): tmux (with colours) -> HTML (ansi2html.py) -> Chromium.
#
#   screenshots/make-diff.sh OLD NEW      (directories, zips, wheels or saved scans)
set -euo pipefail
[ $# -eq 2 ] || { sed -n '2,5p' "$0"; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
heft=${HEFT:-$(dirname "$here")/target/debug/heft}
work=$(mktemp -d)
cols=130
rows=36
session="heft-diff-shots-$$"
tmux new-session -d -s "$session" -x "$cols" -y "$rows" "$heft --diff $1 $2"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do
  tmux capture-pane -p -t "$session" | grep -q "d sizes" && break
  sleep 0.2
done
shot() {
  tmux capture-pane -N -e -p -t "$session" > "$work/$1.ansi"
  python3 "$here/ansi2html.py" "heft: $1" < "$work/$1.ansi" > "$work/$1.html"
  chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$work/profile" --hide-scrollbars \
    --window-size=$((cols * 9 + 40)),$((rows * 18 + 30)) \
    --screenshot="$here/$1.png" "file://$work/$1.html" 2>/dev/null
  echo "wrote screenshots/$1.png"
}
keys() { tmux send-keys -t "$session" "$@"; sleep 0.6; }
keys d d
shot diff-packages
keys 3
shot diff-treemap
