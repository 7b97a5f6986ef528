#!/usr/bin/env bash
# Checks `heft diff` against two `heft report --json` runs on real layers: every
# distribution's byte and zipped delta, the totals, unowned bytes and each limit's use
# must equal the difference of the two reports' figures, to the byte. Prints the chains
# to the distributions named on the command line (default: sympy) on both sides.
#
#   benches/diff_check.sh OLD NEW [NAME...]
#   e.g. scripts/make-layer.sh /tmp/layer-old chromadb==0.5.5 onnxruntime==1.18.0
#        benches/diff_check.sh /tmp/layer-old /tmp/layer sympy
#
# HEFT=path/to/heft picks the binary (default: target/release/heft, else target/debug/heft).
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,11p' "$0"; exit 2; }
old=$1 new=$2; shift 2
names=${*:-sympy}
heft=${HEFT:-}
if [ -z "$heft" ]; then
  heft=target/release/heft
  [ -x "$heft" ] || heft=target/debug/heft
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$heft" report "$old" --json > "$work/old.json"
"$heft" report "$new" --json > "$work/new.json"
"$heft" diff "$old" "$new" --json > "$work/diff.json"
python3 - "$work" $names <<'PY'
import json, sys
work, names = sys.argv[1], sys.argv[2:]
old = json.load(open(f"{work}/old.json"))
new = json.load(open(f"{work}/new.json"))
diff = json.load(open(f"{work}/diff.json"))
bad = []
def same(what, got, want):
    if got != want:
        bad.append(f"{what}: diff says {got}, reports say {want}")
for side, rep in (("before", old), ("after", new)):
    for f in ("files", "bytes", "zipped_bytes"):
        same(f"totals.{side}.{f}", diff["totals"][side][f], rep["totals"][f])
    same(f"unowned.{side}.bytes", diff["unowned"][side]["bytes"], rep["unowned"]["bytes"])
o = {d["key"]: d for d in old["distributions"]}
n = {d["key"]: d for d in new["distributions"]}
listed = {c["key"]: c for c in diff["distributions"]}
zipped_only = 0
for key in sorted(set(o) | set(n)):
    b, a = o.get(key), n.get(key)
    db = (a["bytes"] if a else 0) - (b["bytes"] if b else 0)
    dz = (a["zipped_bytes"] if a else 0) - (b["zipped_bytes"] if b else 0)
    c = listed.get(key)
    if c is None:
        if a is None or b is None or db != 0 or a["files"] != b["files"]:
            bad.append(f"{key}: missing from the diff (delta {db}, zipped {dz})")
        zipped_only += dz
        continue
    same(f"{key}.delta_bytes", c["delta_bytes"], db)
    same(f"{key}.delta_zipped_bytes", c["delta_zipped_bytes"], dz)
    same(f"{key}.before", (c["before"] or {}).get("bytes"), b and b["bytes"])
    same(f"{key}.after", (c["after"] or {}).get("bytes"), a and a["bytes"])
for l in diff["limits"]:
    key = "zipped_bytes" if l["counted"] == "zipped" else "bytes"
    if l["counted"] in ("unzipped", "zipped"):
        same(f"limit {l['name']} before", l["before"]["used"], old["totals"][key])
        same(f"limit {l['name']} after", l["after"]["used"], new["totals"][key])
same("zipped_only.delta_zipped_bytes", diff["zipped_only"]["delta_zipped_bytes"], zipped_only)
s = sum(c["delta_bytes"] for c in diff["distributions"])
unowned = diff["unowned"]["after"]["bytes"] - diff["unowned"]["before"]["bytes"]
same("sum of distribution deltas + unowned", s + unowned, diff["delta"]["bytes"])
kinds = {}
for c in diff["distributions"]:
    kinds[c["change"]] = kinds.get(c["change"], 0) + 1
print(f"{len(diff['distributions'])} distributions changed ({kinds}), {diff['unchanged']} identical, "
      f"{diff['zipped_only']['distributions']} differ in zipped bytes only ({zipped_only:+})")
print(f"bytes {diff['totals']['before']['bytes']} -> {diff['totals']['after']['bytes']} ({diff['delta']['bytes']:+})")
print(f"zipped {diff['totals']['before']['zipped_bytes']} -> {diff['totals']['after']['zipped_bytes']} ({diff['delta']['zipped_bytes']:+})")
for name in names:
    c = listed.get(name)
    if c is None:
        print(f"{name}: unchanged or absent")
        continue
    was = " -> ".join(c.get("via_before") or []) or "-"
    now = " -> ".join(c.get("via") or []) or "-"
    print(f"{name}: {c['change']} {c['delta_bytes']:+} bytes; chain before: {was}; after: {now}")
if bad:
    print(f"{len(bad)} MISMATCHES:")
    print("\n".join(bad))
    sys.exit(1)
checked = len(set(o) | set(n))
print(f"OK: {checked} distributions, totals, unowned and {len(diff['limits'])} limits agree with the reports to the byte")
PY
