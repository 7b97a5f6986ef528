#!/usr/bin/env bash
# Builds a Python dependency tree the way it must look inside an AWS Lambda layer: pip
# resolves for the Lambda runtime (CPython, Amazon Linux 2023 = glibc 2.34, x86_64 or
# aarch64), never for the machine it runs on, and takes binary wheels only (nothing is
# compiled on the host).
#
# usage: scripts/make-layer.sh [options] DIR REQUIREMENT...
#        scripts/make-layer.sh [options] DIR -r requirements.txt
#   --python 3.Y    runtime version (default 3.12; env PYVER works too)
#   --arch ARCH     x86_64 or aarch64 (default x86_64; env ARCH works too)
#   --wheels        download the wheels into DIR instead of installing them
# Then: heft DIR (or, for a layer zip, put DIR under python/ and zip it).
#
# pip evaluates environment markers with the interpreter that runs it, so a host Python
# other than --python may pick a few different optional dependencies.
set -euo pipefail

usage() { sed -n '7,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

python=${PYVER:-3.12}
arch=${ARCH:-x86_64}
wheels=
while [ $# -gt 0 ]; do
  case $1 in
    --python) python=${2:?--python needs a version}; shift 2 ;;
    --arch) arch=${2:?--arch needs x86_64 or aarch64}; shift 2 ;;
    --wheels) wheels=1; shift ;;
    -h|--help) usage ;;
    --) shift; break ;;
    -*) echo "make-layer.sh: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
[ $# -ge 2 ] || usage
case $arch in
  x86_64|aarch64) ;;
  arm64) arch=aarch64 ;;
  *) echo "make-layer.sh: --arch must be x86_64 or aarch64, not $arch" >&2; exit 2 ;;
esac
case $python in
  3.[0-9]|3.[1-9][0-9]) ;;
  *) echo "make-layer.sh: --python must be 3.Y, not $python" >&2; exit 2 ;;
esac
dir=$1
shift

# Every platform tag a glibc 2.34 runtime accepts, newest first: manylinux_2_34 down to
# manylinux_2_5, plus the legacy alias manylinux2014 (= 2.17).
platforms=()
glibc=34
while [ "$glibc" -ge 5 ]; do
  platforms+=(--platform "manylinux_2_${glibc}_${arch}")
  if [ "$glibc" -eq 17 ]; then
    platforms+=(--platform "manylinux2014_${arch}")
  fi
  glibc=$((glibc - 1))
done
target=(--implementation cp --python-version "$python" --only-binary=:all: "${platforms[@]}")
quiet=(--disable-pip-version-check --quiet)

mkdir -p -- "$dir"
if [ -n "$wheels" ]; then
  exec python3 -m pip download "${quiet[@]}" --dest "$dir" "${target[@]}" "$@"
fi
exec python3 -m pip install "${quiet[@]}" --root-user-action=ignore --no-warn-script-location \
  --no-warn-conflicts --upgrade --target "$dir" "${target[@]}" "$@"
