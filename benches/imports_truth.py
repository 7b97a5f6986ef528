"""Ground truth for `heft imports`: run code with only LAYER on sys.path and list every file
of LAYER the process used (module __file__s, files opened per the audit hook, shared
libraries mapped in /proc/self/maps).

    python3 -I -S benches/imports_truth.py LAYER OUT.json 'import chromadb; chromadb.HttpClient'
"""

import json
import os
import sys

layer, out, code = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, layer)
opened = set()


def hook(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes)):
        opened.add(os.fsdecode(args[0]))


sys.addaudithook(hook)
error = None
try:
    exec(compile(code, "<entry>", "exec"), {"__name__": "__entry__"})
except BaseException as e:  # report, still list what loaded
    error = f"{type(e).__name__}: {e}"

files = set(opened)
for m in list(sys.modules.values()):
    f = getattr(m, "__file__", None)
    if isinstance(f, str):
        files.add(f)
with open("/proc/self/maps") as fh:
    for line in fh:
        parts = line.split()
        if len(parts) >= 6 and parts[5].startswith("/"):
            files.add(parts[5])

base = os.path.realpath(layer) + os.sep
used = set()
for f in files:
    real = os.path.realpath(f)
    if real.startswith(base) and os.path.isfile(real):
        used.add(real[len(base):])
with open(out, "w") as fh:
    json.dump({"error": error, "used": sorted(used)}, fh)
