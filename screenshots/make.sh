#!/usr/bin/env bash
# Re-makes the README screenshots from the real explorer on a real chromadb Lambda layer:
# tmux (with colours) -> HTML (ansi2html.py) -> headless Chromium PNG.
#
#   screenshots/make.sh [LAYER_DIR]
#
# Without LAYER_DIR it pip-installs chromadb into a temporary layer (needs network).
# Needs tmux, python3 and chromium (Debian: apt-get install -y tmux chromium).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
work=$(mktemp -d)
layer=${1:-}
if [ -z "$layer" ]; then
    layer="$work/layer"
    python3 -m pip install --quiet --target "$layer" chromadb
fi

cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
heft="$repo/target/release/heft"
cols=140
rows=40
session="heft-shots-$$"

tmux new-session -d -s "$session" -x "$cols" -y "$rows" "$heft $layer"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT

screen() { tmux capture-pane -p -t "$session"; }

# Waits (up to 10 minutes) until the screen shows $1, or with -n until it no longer does.
wait_for() {
    local negate=0
    if [ "$1" = -n ]; then negate=1; shift; fi
    for _ in $(seq 1 3000); do
        if screen | grep -q -- "$1"; then [ $negate = 0 ] && return 0; else [ $negate = 1 ] && return 0; fi
        sleep 0.2
    done
    echo "timed out waiting for '$1'" >&2
    screen >&2
    exit 1
}

keys() { tmux send-keys -t "$session" "$@"; sleep 0.6; }

shot() {
    local name=$1
    tmux capture-pane -N -e -p -t "$session" > "$work/$name.ansi"
    python3 "$here/ansi2html.py" "heft: $name" < "$work/$name.ansi" > "$work/$name.html"
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --window-size=$((cols * 9 + 40)),$((rows * 18 + 30)) \
        --screenshot="$here/$name.png" "file://$work/$name.html" 2>/dev/null
    echo "wrote screenshots/$name.png"
}

# Selects the package called $1 in the Packages view (filter, keep, then clear).
select_package() { keys 1 /; tmux send-keys -t "$session" -l "$1"; keys Enter; }

wait_for kubernetes
wait_for -n estimating
keys Escape
shot packages-over-limit

keys 3
shot treemap

keys 1 g j j
shot why

# A decision that fits the 250 MB unzipped limit: drop kubernetes and onnxruntime (a hosted
# embedding function instead) and uvloop with what only they need, plus three presets.
for package in kubernetes onnxruntime uvloop; do
    select_package "$package"
    keys x Escape
done
keys p Space Down Space Down Space Escape
keys 1 g
shot after-exclusions
keys 4
shot rules
