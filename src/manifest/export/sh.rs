//! The `sh` export: a POSIX script that checks every root before it deletes anything, and
//! deletes without following a symbolic link or leaving the file system.

use std::fmt::Write as _;

use super::{Str, header, paths};
use crate::manifest::Manifest;

/// The fixed part of the `sh` export: helpers every root's checks and deletions call.
pub(in crate::manifest) const SH_HELPERS: &str = r#"heft_refuse() {
  echo "heft: $(pwd -P) is not the tree this script was made for ($1); nothing deleted" >&2
  exit 3
}
# Refuses a root given through a symbolic link (the script checks what it was given).
heft_no_links() {
  heft_rest=$1
  case "$heft_rest" in /*) heft_dir= ;; *) heft_dir=. ;; esac
  while [ -n "$heft_rest" ]; do
    heft_part=${heft_rest%%/*}
    case "$heft_rest" in */*) heft_rest=${heft_rest#*/} ;; *) heft_rest= ;; esac
    [ -n "$heft_part" ] || continue
    heft_dir=$heft_dir/$heft_part
    if [ -L "$heft_dir" ]; then
      echo "heft: $heft_dir is a symbolic link; give the real directory; nothing deleted" >&2
      exit 3
    fi
  done
}
# Enters root $1 physically; a relative one as ./$1, so neither CDPATH nor `-` applies.
# An empty one (an unset variable, say) is refused, not taken as the current directory.
heft_enter() {
  if [ -z "$1" ]; then
    echo "heft: an empty root directory argument; nothing deleted" >&2
    exit 2
  fi
  heft_no_links "$1"
  case "$1" in
    /*) cd -P -- "$1" ;;
    *) cd -P -- "./$1" ;;
  esac
}
# Decodes the printf escapes of $1 into heft_p (a path relative to the root).
heft_decode() {
  case "$1" in
    *[\\%]*)
      heft_p=$(printf "x$1/")
      heft_p=${heft_p#x}
      heft_p=${heft_p%/}
      ;;
    *) heft_p=$1 ;;
  esac
}
# Status 0 when every parent of ./$heft_p is a real directory, 1 when one is a symbolic
# link or not a directory, 2 when one is missing.
heft_parents() {
  heft_rest=$heft_p
  heft_dir=.
  while :; do
    case "$heft_rest" in */*) ;; *) return 0 ;; esac
    heft_dir=$heft_dir/${heft_rest%%/*}
    heft_rest=${heft_rest#*/}
    if [ -L "$heft_dir" ]; then return 1; fi
    if [ ! -e "$heft_dir" ]; then return 2; fi
    if [ ! -d "$heft_dir" ]; then return 1; fi
  done
}
# The root must hold $1 files and links (as scanned) or $2 (already pruned), counted on
# its own file system (one x per name, so no name can miscount).
heft_count() {
  heft_n=$(find -P . -xdev ! -type d -exec printf '%.0sx' {} + | wc -c | tr -d ' ')
  if [ "$heft_n" != "$1" ] && [ "$heft_n" != "$2" ]; then
    heft_refuse "it holds $heft_n files and links, not $1"
  fi
}
# Marker file $1 must be a regular file of $2 bytes.
heft_marker() {
  heft_decode "$1"
  if heft_parents && [ ! -L "./$heft_p" ] && [ -f "./$heft_p" ] &&
    [ "$(wc -c < "./$heft_p" | tr -d ' ')" = "$2" ]; then
    return 0
  fi
  heft_refuse "$heft_p is missing or changed"
}
# Path $1 must be gone, or a directory (d) or not one (f), with no symbolic link above it.
heft_check() {
  heft_decode "$1"
  heft_st=0
  heft_parents || heft_st=$?
  case $heft_st in
    1) heft_refuse "a parent of $heft_p is a symbolic link or not a directory" ;;
    2) return 0 ;;
  esac
  if [ -L "./$heft_p" ]; then
    [ "$2" = f ] || heft_refuse "$heft_p is a symbolic link"
  elif [ -d "./$heft_p" ]; then
    [ "$2" = d ] || heft_refuse "$heft_p is a directory"
  elif [ -e "./$heft_p" ]; then
    [ "$2" = f ] || heft_refuse "$heft_p is not a directory"
  fi
}
# Deletes path $1 and what is under it: parents checked again, no symbolic link followed
# (find -P), nothing on another file system (-xdev).
heft_delete() {
  heft_decode "$1"
  heft_st=0
  heft_parents || heft_st=$?
  case $heft_st in
    1)
      echo "heft: a parent of $heft_p became a symbolic link or a file; stopped" >&2
      exit 4
      ;;
    2) return 0 ;;
  esac
  if [ -L "./$heft_p" ] || [ -e "./$heft_p" ]; then
    find -P "./$heft_p" -xdev -delete
  fi
}
"#;

pub(super) fn sh(m: &Manifest, roots: &[usize]) -> Vec<u8> {
    let mut out = b"#!/bin/sh\n".to_vec();
    out.extend_from_slice(header(m, "# ", roots).as_bytes());
    let names: Vec<String> = roots.iter().map(|r| format!("ROOT{r}_DIR")).collect();
    let _ = write!(
        Str(&mut out),
        "# Usage: sh THIS_SCRIPT {names}\n\
         # Before deleting anything it checks every root: given without a symbolic link, the\n\
         # recorded number of files, marker files of the recorded size, each path to delete gone\n\
         # or of the recorded kind with no symbolic link above it. It stops at the first\n\
         # difference (exit 3).\n\
         set -eu\nunset CDPATH\nif [ \"$#\" -ne {count} ]; then\n  echo \"usage: $0 {names}\" >&2\n  exit 2\nfi\n{SH_HELPERS}",
        names = names.join(" "),
        count = roots.len(),
    );
    for &r in roots {
        let _ = writeln!(Str(&mut out), "heft_check_{r}() {{");
        for marker in &m.roots[r].markers {
            let _ = writeln!(
                Str(&mut out),
                "  heft_marker {} {}",
                printf_quote(marker.path.as_bytes()),
                marker.bytes
            );
        }
        for (e, raw) in paths(m, r) {
            let kind = if e.dir { 'd' } else { 'f' };
            let _ = writeln!(Str(&mut out), "  heft_check {} {kind}", printf_quote(&raw));
        }
        let before = m.roots[r].files;
        let deleted: u64 = paths(m, r).iter().map(|(e, _)| e.files).sum();
        let _ = writeln!(
            Str(&mut out),
            "  heft_count {before} {}\n}}\nheft_delete_{r}() {{",
            before.saturating_sub(deleted)
        );
        for (_, raw) in paths(m, r) {
            let _ = writeln!(Str(&mut out), "  heft_delete {}", printf_quote(&raw));
        }
        out.extend_from_slice(b"  :\n}\n");
    }
    for step in ["check", "delete"] {
        for (arg, &r) in roots.iter().enumerate() {
            let _ = writeln!(
                Str(&mut out),
                "(heft_enter \"${}\"; heft_{step}_{r})",
                arg + 1
            );
        }
    }
    out
}

/// `raw` as a single-quoted `printf` format of printable ASCII only: every other byte,
/// `'`, `\\` and `%` written as an escape, so any name (but NUL) is one plain word on
/// one line of the script.
pub fn printf_quote(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len() + 2);
    out.push('\'');
    for &b in raw {
        match b {
            b'%' => out.push_str("%%"),
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\047"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out.push('\'');
    out
}
