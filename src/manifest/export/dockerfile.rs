//! The Dockerfile export: one `RUN` layer that checks the root, then deletes with the `sh`
//! export's care (no symbolic link followed, above or at a path; no other file system left).

use std::fmt::Write as _;

use super::{ExportError, Format, header, paths, plain_line, printf_quote};
use crate::manifest::Manifest;

/// Shell functions on one logical line each (Docker joins a `RUN`'s continuation lines into
/// one `/bin/sh -c` command), then the checks of `HEFT_ROOT` itself: absolute, reached
/// through no symbolic link, entered physically.
const HELPERS: &[&str] = &[
    "set -eu; unset CDPATH",
    r#"heft_stop() { echo "heft: $1; nothing (more) deleted" >&2; exit 3; }"#,
    r#"heft_decode() { case "$1" in *[\\%]*) heft_p=$(printf "x$1/"); heft_p=${heft_p#x}; heft_p=${heft_p%/} ;; *) heft_p=$1 ;; esac; }"#,
    r#"heft_parents() { heft_rest=$heft_p; heft_dir=.; while :; do case "$heft_rest" in */*) ;; *) return 0 ;; esac; heft_dir=$heft_dir/${heft_rest%%/*}; heft_rest=${heft_rest#*/}; if [ -L "$heft_dir" ]; then return 1; fi; if [ ! -e "$heft_dir" ]; then return 2; fi; if [ ! -d "$heft_dir" ]; then return 1; fi; done; }"#,
    r#"heft_marker() { heft_decode "$1"; heft_parents && [ ! -L "./$heft_p" ] && [ -f "./$heft_p" ] && [ "$(wc -c < "./$heft_p" | tr -d ' ')" = "$2" ] || heft_stop "marker $heft_p is missing or changed: not the tree this was made for"; }"#,
    r#"heft_check() { heft_decode "$1"; heft_st=0; heft_parents || heft_st=$?; if [ "$heft_st" = 1 ]; then heft_stop "a parent of $heft_p is a symbolic link or not a directory"; fi; if [ "$heft_st" = 2 ]; then return 0; fi; if [ -L "./$heft_p" ]; then [ "$2" = f ] || heft_stop "$heft_p is a symbolic link"; elif [ -d "./$heft_p" ]; then [ "$2" = d ] || heft_stop "$heft_p is a directory"; elif [ -e "./$heft_p" ]; then [ "$2" = f ] || heft_stop "$heft_p is not a directory"; fi; }"#,
    r#"heft_delete() { heft_decode "$1"; heft_st=0; heft_parents || heft_st=$?; if [ "$heft_st" = 1 ]; then heft_stop "a parent of $heft_p became a symbolic link or a file"; fi; if [ "$heft_st" = 0 ] && { [ -L "./$heft_p" ] || [ -e "./$heft_p" ]; }; then find -P "./$heft_p" -xdev -delete; fi; }"#,
    r#"case "$HEFT_ROOT" in /*) ;; *) heft_stop "HEFT_ROOT ($HEFT_ROOT) must be an absolute path" ;; esac"#,
    r#"heft_rest=$HEFT_ROOT; heft_dir=; while [ -n "$heft_rest" ]; do heft_part=${heft_rest%%/*}; case "$heft_rest" in */*) heft_rest=${heft_rest#*/} ;; *) heft_rest= ;; esac; if [ -n "$heft_part" ]; then heft_dir=$heft_dir/$heft_part; if [ -L "$heft_dir" ]; then heft_stop "$heft_dir is a symbolic link; give the real directory"; fi; fi; done"#,
    r#"cd -P -- "$HEFT_ROOT""#,
];

/// Whether `raw` holds a C0 control character or DEL.
fn has_control(raw: &[u8]) -> bool {
    raw.iter().any(|&b| b < 0x20 || b == 0x7f)
}

pub(super) fn dockerfile(m: &Manifest, root: usize) -> Result<Vec<u8>, ExportError> {
    let r = &m.roots[root];
    let is_layer = r.kind == "zip" || r.sites.iter().any(|s| s.starts_with("python"));
    let default = if is_layer { "/opt" } else { "/var/task" };
    let mut s = header(m, "# ", &[root]);
    let _ = writeln!(
        s,
        "# HEFT_ROOT is where root {root} lives in the image (/opt for a layer, /var/task for a function).\n\
         # The layer checks the markers and every path first, then deletes each with\n\
         # `find -P PATH -xdev -delete`: no symbolic link is followed and no mount is entered.\n\
         ARG HEFT_ROOT={default}"
    );
    let list = paths(m, root);
    if list.is_empty() {
        s.push_str("# Nothing to delete.\n");
        return Ok(s.into_bytes());
    }
    let mut steps: Vec<String> = HELPERS.iter().map(|h| (*h).to_string()).collect();
    for marker in &r.markers {
        if has_control(marker.path.as_bytes()) {
            return Err(ExportError::Unrepresentable {
                format: Format::Dockerfile.name(),
                root,
                path: marker.path.clone(),
                why: "a control character in a marker's name",
            });
        }
        steps.push(format!(
            "heft_marker {} {}",
            printf_quote(marker.path.as_bytes()),
            marker.bytes
        ));
    }
    for (e, raw) in &list {
        plain_line(Format::Dockerfile, e, raw, true)?;
        if has_control(raw) {
            return Err(ExportError::Unrepresentable {
                format: Format::Dockerfile.name(),
                root,
                path: e.path.clone(),
                why: "a control character in the name",
            });
        }
        let kind = if e.dir { 'd' } else { 'f' };
        steps.push(format!("heft_check {} {kind}", printf_quote(raw)));
    }
    for (_, raw) in &list {
        steps.push(format!("heft_delete {}", printf_quote(raw)));
    }
    s.push_str("RUN ");
    s.push_str(&steps.join("; \\\n    "));
    s.push('\n');
    Ok(s.into_bytes())
}
