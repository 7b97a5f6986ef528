#!/usr/bin/env bash
# Checks `heft imports` against a real import: runs CODE under `python3 -I -S` with only
# LAYER on sys.path, collects every file of LAYER the process used, and fails if heft calls
# any of them unreached. Prints bytes heft calls unreached vs bytes the run never touched.
#
#   benches/imports_truth.sh LAYER PYVER 'import chromadb; chromadb.HttpClient' chromadb
#
# LAYER must be built for the host's Python (scripts/make-layer.sh --python 3.11 ...).
# HEFT_CUTS adds rules to the preset (word-split), e.g. HEFT_CUTS='--exclude-path kubernetes':
# informed cuts of lazy code are then checked against the run too.
# Skipped (exit 0) when python3 or the layer is missing.
set -euo pipefail
[ $# -ge 4 ] || { sed -n '2,11p' "$0"; exit 2; }
layer=$1 pyver=$2 code=$3; shift 3
command -v python3 >/dev/null || { echo "skip: no python3"; exit 0; }
[ -d "$layer" ] || { echo "skip: no $layer"; exit 0; }
here=$(cd "$(dirname "$0")" && pwd)
heft=${HEFT:-$here/../target/release/heft}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
entries=(); for e in "$@"; do entries+=(--entry "$e"); done
python3 -I -S "$here/imports_truth.py" "$layer" "$tmp/truth.json" "$code"
"$heft" imports "$layer" --python "$pyver" --no-zip-estimate --json "${entries[@]}" > "$tmp/heft.json"
"$heft" export "$layer" --python "$pyver" --no-zip-estimate --preset unreached "${entries[@]}" \
  ${HEFT_CUTS:-} --format gitignore -o - 2>/dev/null | grep -v '^#' > "$tmp/cut.txt" || true
python3 - "$layer" "$tmp/truth.json" "$tmp/heft.json" "$tmp/cut.txt" <<'PY'
import json, os, sys
layer, truth, heft, cutfile = sys.argv[1:5]
cuts = [l.strip() for l in open(cutfile) if l.strip()]
def is_cut(p):
    p = "/" + p
    return any(p == c or (c.endswith("/") and p.startswith(c)) for c in cuts)
t = json.load(open(truth)); h = json.load(open(heft))
if t["error"]:
    print("the run raised:", t["error"])
reach = {f["path"]: f["reach"] for f in h["files"]}
used = set(t["used"])
bad = sorted(p for p in used if reach.get(p, "absent") not in ("reached", "lazy", "data", "unparsed"))
size = lambda p: os.path.getsize(os.path.join(layer, p))
total = sum(size(p) for p in reach)
untouched = sum(size(p) for p in reach if p not in used)
unreached = sum(size(p) for p, r in reach.items() if r == "unreached")
kept = total - unreached
by = {}
for p in used:
    by[reach.get(p, "absent")] = by.get(reach.get(p, "absent"), 0) + 1
print(f"layer {total:,} bytes in {len(reach):,} files; the run used {len(used):,} files "
      f"({sum(size(p) for p in used):,} bytes): {by}")
print(f"heft unreached {unreached:,} bytes; never touched by the run {untouched:,} bytes "
      f"(heft keeps {kept:,} = {100*kept/total:.1f}%)")
# importlib.metadata.entry_points() reads every distribution's entry_points.txt; a
# distribution the preset removes whole (metadata included) no longer advertises any.
whole_dist = lambda p: p.endswith(".dist-info/entry_points.txt") and ("/" + p.rsplit("/", 1)[0] + "/") in cuts
cut_used = sorted(p for p in used if is_cut(p) and not whole_dist(p))
skipped = sum(1 for p in used if is_cut(p) and whole_dist(p))
if skipped:
    print(f"({skipped} entry_points.txt read by a metadata scan belong to distributions cut whole)")
cut_bytes = sum(size(p) for p in reach if is_cut(p))
print(f"--preset unreached cuts {cut_bytes:,} bytes, keeps {total - cut_bytes:,}; "
      f"used files it cuts: {len(cut_used)}")
for p in cut_used[:20]:
    print("  cut but used:", p, reach.get(p))
if bad or cut_used:
    if not bad:
        sys.exit(1)
    print(f"FALSE UNREACHED: {len(bad)} used files heft calls unreached:")
    for p in bad[:40]:
        print("  ", p, reach.get(p, "absent"))
    sys.exit(1)
print("ok: every used file is reached, lazy or data")
PY
