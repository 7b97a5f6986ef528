//! Identifying a scanned root: a fingerprint over its files, marker files for scripts, and
//! the small encodings the manifest needs (hex, RFC 3339 times).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::bundle::Bundle;
use crate::model::NodeId;

/// A kept file a script checks before deleting anything.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Marker {
    /// `/`-separated path relative to the root (UTF-8 names only).
    pub path: String,
    /// Its exact size.
    pub bytes: u64,
}

/// FNV-1a 64 over every file and link of root `root` in tree order (children by name,
/// depth first): its path relative to the root, a NUL, its apparent size, a NUL. Subtrees
/// for which `skip` holds are left out (the fingerprint after pruning). Directories do
/// not count, so a tree read from a directory or a zip of it agrees.
pub fn fingerprint(bundle: &Bundle, root: usize, skip: impl Fn(NodeId) -> bool) -> String {
    let mut hash = Fnv::new();
    let mut count = 0u64;
    walk_files(bundle, root, &skip, |rel, size| {
        hash.write(rel);
        hash.write(&[0]);
        hash.write(size.to_string().as_bytes());
        hash.write(&[0]);
        count += 1;
        true
    });
    format!("fnv1a64:{:016x}:{count}", hash.0)
}

/// Up to three kept files identifying root `root`: `METADATA` files of distributions
/// first, else any files, with UTF-8 paths free of control characters only.
pub fn markers(bundle: &Bundle, root: usize, skip: impl Fn(NodeId) -> bool) -> Vec<Marker> {
    let mut metadata = Vec::new();
    let mut other = Vec::new();
    walk_files(bundle, root, &skip, |rel, size| {
        let path = std::str::from_utf8(rel)
            .ok()
            .filter(|p| !p.contains(char::is_control));
        if let Some(path) = path {
            let marker = Marker {
                path: path.to_string(),
                bytes: size,
            };
            if path.ends_with(".dist-info/METADATA") {
                metadata.push(marker);
            } else if other.len() < 3 {
                other.push(marker);
            }
        }
        metadata.len() < 3
    });
    metadata.extend(other);
    metadata.truncate(3);
    metadata
}

/// Calls `f(rel_path, size)` for every regular file and link under root `root` in tree
/// order, until it returns false.
fn walk_files(
    bundle: &Bundle,
    root: usize,
    skip: &dyn Fn(NodeId) -> bool,
    mut f: impl FnMut(&[u8], u64) -> bool,
) {
    let tree = &bundle.tree;
    let base = bundle.roots[root].node;
    let mut stack: Vec<(NodeId, usize)> =
        tree.children(base).iter().rev().map(|c| (*c, 0)).collect();
    let mut path: Vec<u8> = Vec::new();
    while let Some((id, parent_len)) = stack.pop() {
        if skip(id) {
            continue;
        }
        path.truncate(parent_len);
        if !path.is_empty() {
            path.push(b'/');
        }
        path.extend_from_slice(tree.name(id));
        let node = tree.node(id);
        if node.is_dir() {
            for c in tree.children(id).iter().rev() {
                stack.push((*c, path.len()));
            }
        } else if !f(&path, node.own.bytes) {
            return;
        }
    }
}

struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Lower-case hex of `bytes`.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Bytes from hex, or `None` if malformed.
pub(crate) fn from_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}
/// The current time as RFC 3339 UTC (a manifest's `created`).
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

/// `secs` since the Unix epoch as RFC 3339 UTC: `2024-05-01T12:00:00Z`.
pub fn rfc3339(secs: u64) -> String {
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days.cast_signed());
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-from-epoch to proleptic Gregorian date.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_format_as_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_714_564_800), "2024-05-01T12:00:00Z");
    }

    #[test]
    fn hex_round_trips_any_bytes() {
        let bytes = b"caf\xe9/\xff\x00x";
        assert_eq!(from_hex(&to_hex(bytes)).unwrap(), bytes);
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("zz"), None);
    }
}
