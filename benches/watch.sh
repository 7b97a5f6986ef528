#!/usr/bin/env bash
# Watch benchmark: `heft watch --json` follows a real `pip install --target` into an empty dir.
#   bash benches/watch.sh [DIR [PACKAGE...]]     (defaults: /tmp/wbuild chromadb)
#   MAKE_LAYER=path/to/make-layer.sh             (default scripts/make-layer.sh)
#   CACHE=dir    heft's XDG_CACHE_HOME (default: a fresh temp dir, so the zip cache is cold)
# Prints: the final line against `heft report --json`; each LIMIT CROSSED line next to the
# distribution whose move really crossed (pip's renames into DIR traced with strace and
# replayed in order); time from the last rename to settled totals; CPU of heft against pip's
# (strace stops pip only at renames, via seccomp-bpf: a few hundred calls, next to nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-/tmp/wbuild}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- chromadb
make_layer=${MAKE_LAYER:-$PWD/scripts/make-layer.sh}
out=$(mktemp -d)
cache=${CACHE:-$out/cache}
cargo build --release --quiet --bin heft
heft=$PWD/target/release/heft
rm -rf "$dir" && mkdir -p "$dir"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# A cold zip-size cache for heft (not for pip): every new file is compressed once.
XDG_CACHE_HOME=$cache /usr/bin/time -v "$heft" watch "$dir" --json --until-idle 5 >"$out/watch.jsonl" 2>"$out/heft.time" &
watcher=$!
until [ -s "$out/watch.jsonl" ]; do sleep 0.1; done
# heft's CPU per thread (a thread's counts vanish when it ends): the last sample is kept.
heft_pid=$(pgrep -P "$watcher")
( while [ -d "/proc/$heft_pid" ]; do
    cat /proc/"$heft_pid"/task/*/stat >"$out/threads.tmp" 2>/dev/null && mv "$out/threads.tmp" "$out/threads"
    sleep 0.5
  done ) &
/usr/bin/time -v strace -f --seccomp-bpf -qq -ttt -e trace=rename,renameat,renameat2 -e signal=none \
  -o "$out/moves.trace" "$make_layer" "$dir" "$@" 2>"$out/pip.time"
wait "$watcher"
XDG_CACHE_HOME=$cache "$heft" report "$dir" --json >"$out/report.json"
echo "logs in $out; $(date -u '+%F %H:%M UTC'); $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$dir" "$out" <<'PY'
import csv, datetime, json, os, re, sys

root, out = sys.argv[1], sys.argv[2]
lines = [json.loads(l) for l in open(f"{out}/watch.jsonl")]
final, report = lines[-1], json.load(open(f"{out}/report.json"))
at = lambda l: datetime.datetime.fromisoformat(l["at"].replace("Z", "+00:00")).timestamp()
t = final["totals"]
print(f"lines            {len(lines)} (last final: {final['final']})")
print(f"final line       {t['files']} files, {t['bytes']} bytes, {t['zipped_bytes']} zipped")
r = report["totals"]
ok = (t["files"], t["bytes"], t["zipped_bytes"]) == (r["files"], r["bytes"], r["zipped_bytes"])
print(f"heft report      {r['files']} files, {r['bytes']} bytes, {r['zipped_bytes']} zipped  -> {'equal' if ok else 'DIFFERENT'}")
live = [l for l in lines[:-1] if not l["zipped_pending"]][-1]["totals"]
print(f"live vs rescan   {'equal' if live == t else f'DIFFERENT: {live}'} (files, bytes, zipped)")

# Replay pip's moves, in the order strace saw them, from an empty DIR.
owner = {}
for info in (n for n in os.listdir(root) if n.endswith(".dist-info")):
    meta = open(os.path.join(root, info, "METADATA"), errors="replace").read()
    name = re.search(r"^Name: *(.+)$", meta, re.M).group(1).strip()
    owner[info] = name
    for row in csv.reader(open(os.path.join(root, info, "RECORD"), errors="replace")):
        if row:
            owner.setdefault(row[0].replace("\\", "/").lstrip("./").split("/")[0], name)
def size(p):
    if not os.path.isdir(p) or os.path.islink(p):
        return os.lstat(p).st_size
    return sum(os.lstat(os.path.join(d, f)).st_size for d, ds, fs in os.walk(p)
               for f in fs + [x for x in ds if os.path.islink(os.path.join(d, x))])
moves, last_write, first_write = [], 0.0, None
for line in open(f"{out}/moves.trace"):
    m = re.search(r'^\d+\s+([\d.]+) rename\w*\(.*"([^"]+)"(?:, \w+)?\) = 0', line)
    if m and os.path.dirname(m.group(2)) == os.path.abspath(root):
        moves.append(os.path.basename(m.group(2)))
        last_write = max(last_write, float(m.group(1)))
        first_write = first_write or float(m.group(1))
print(f"pip's moves      {len(moves)} renames into {root} over {last_write - (first_write or last_write):.2f} s")
for limit in final["limits"]:
    crossing = [(l, c) for l in lines for c in l["crossings"] if c["limit"] == limit["name"]]
    for l, c in crossing:
        print(f"LIMIT CROSSED {c['limit']} by {c['by']:,} bytes (after {c['after']})   [line at +{l['elapsed_ms']/1000:.1f} s]")
    if limit["counted"] != "unzipped":
        continue
    total = 0
    for i, name in enumerate(moves):
        total += size(os.path.join(root, name))
        if total >= limit["limit"]:
            print(f"  replayed moves: move {i + 1} of {len(moves)}, {name}/, owned by {owner.get(name, '(nobody)')}")
            break
bytes_done = next(l for l in lines if (l["totals"]["files"], l["totals"]["bytes"]) == (t["files"], t["bytes"]))
zip_done = next(l for l in lines if l["totals"] == t and not l["zipped_pending"])
for label, l in (("bytes", bytes_done), ("zipped", zip_done)):
    lat = l.get("latency_ms") or {}
    print(f"settled {label:<8} {at(l) - last_write:6.2f} s after pip's last rename; "
          f"event to applied: {lat.get(label)} ms")
def cpu(path):
    text = open(path).read()
    get = lambda k: float(re.search(rf"{k}: ([\d.]+)", text).group(1))
    return get(r"User time \(seconds\)") + get(r"System time \(seconds\)"), get(r"Maximum resident set size \(kbytes\)")
(h, hrss), (p, prss) = cpu(f"{out}/heft.time"), cpu(f"{out}/pip.time")
ticks = os.sysconf("SC_CLK_TCK")
per = {}
for line in open(f"{out}/threads", errors="replace"):
    name, rest = line[line.index("(") + 1:line.rindex(")")], line[line.rindex(")") + 2:].split()
    name = re.sub(r"-\d+$", "-N", name)
    per[name] = per.get(name, 0) + (int(rest[11]) + int(rest[12])) / ticks
print("heft threads     " + ", ".join(f"{n} {t:.1f} s" for n, t in sorted(per.items(), key=lambda x: -x[1]) if t >= 0.05))
print(f"CPU              heft {h:.1f} s, pip {p:.1f} s: heft/pip = {h / p:.2f}  (peak RSS heft {hrss/1024:.0f} MiB, pip {prss/1024:.0f} MiB)")
PY
