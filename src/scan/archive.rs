//! Archive roots: a layer or function `.zip`, or a set of wheels, read from the central
//! directory only and turned into shards in installed layout.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crossbeam_channel::Sender;

use super::{BASE, ScanError, ScanEvent, Shard};
use crate::archive::{Archive, InstallPlace, read_archive, wheel_install_place};
use crate::model::{NodeKind, os_bytes};
use crate::python::entry_points;

/// Metadata members heft reads from archives.
pub fn is_wanted_member(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    let dir = name.rsplit('/').nth(1).unwrap_or("");
    let in_meta = dir.ends_with(".dist-info") || dir.ends_with(".egg-info");
    in_meta
        && matches!(
            file,
            "METADATA" | "RECORD" | "PKG-INFO" | "requires.txt" | "installed-files.txt"
        )
}

/// Metadata members heft reads from wheels: [`is_wanted_member`] and `entry_points.txt`,
/// for the scripts pip generates.
pub fn is_wanted_wheel_member(name: &str) -> bool {
    is_wanted_member(name)
        || name
            .strip_suffix("/entry_points.txt")
            .is_some_and(|dir| dir.ends_with(".dist-info") && !dir.contains('/'))
}

/// Builds a shard from `(path, kind, size, zipped)` items, creating parent directories that
/// the archive does not list.
struct ShardBuilder {
    shard: Shard,
    dirs: HashMap<Vec<u8>, u32>,
}

impl ShardBuilder {
    fn new(root: usize) -> Self {
        Self {
            shard: Shard::new(root, Vec::new()),
            dirs: HashMap::new(),
        }
    }

    /// Index of the directory at `path` ("" is the base), created as needed.
    fn dir(&mut self, path: &[u8]) -> u32 {
        if path.is_empty() {
            return BASE;
        }
        if let Some(&i) = self.dirs.get(path) {
            return i;
        }
        let (parent, name) = split_last(path);
        let parent = self.dir(parent);
        let i = self.push(parent, name, NodeKind::Dir, 0, 0);
        self.dirs.insert(path.to_vec(), i);
        i
    }

    fn push(&mut self, parent: u32, name: &[u8], kind: NodeKind, size: u64, zipped: u64) -> u32 {
        self.shard.push(parent, name, kind, size, 0, zipped)
    }

    /// Adds a file (or, with `is_dir`, a directory's own zipped cost) at `path`.
    fn add(&mut self, path: &[u8], is_dir: bool, size: u64, zipped: u64) {
        let path = trim_slashes(path);
        if path.is_empty() {
            return;
        }
        if is_dir {
            let i = self.dir(path);
            self.shard.entries[i as usize].zipped += zipped;
            return;
        }
        let (parent, name) = split_last(path);
        let parent = self.dir(parent);
        self.push(parent, name, NodeKind::File, size, zipped);
    }
}

fn trim_slashes(p: &[u8]) -> &[u8] {
    let start = p.iter().position(|b| *b != b'/').unwrap_or(p.len());
    let end = p.iter().rposition(|b| *b != b'/').map_or(start, |e| e + 1);
    &p[start..end.max(start)]
}

fn split_last(path: &[u8]) -> (&[u8], &[u8]) {
    match path.iter().rposition(|b| *b == b'/') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => (&[], path),
    }
}

/// Scans a layer/function zip: its tree as stored, zipped bytes exact per entry.
pub fn scan_zip(root: usize, path: &Path, tx: &Sender<ScanEvent>) {
    let archive = match read_archive(path, &is_wanted_member) {
        Ok(a) => a,
        Err(e) => return send_error(tx, root, path, &e.to_string()),
    };
    let mut b = ShardBuilder::new(root);
    for e in &archive.entries {
        b.add(&e.name, e.is_dir, e.size, e.compressed + e.overhead);
    }
    for (name, bytes) in archive.texts {
        let _ = tx.send(ScanEvent::Text {
            root,
            path: trim_slashes(name.as_bytes()).to_vec(),
            bytes,
        });
    }
    // Whatever the entries do not explain (end record, comment, zip64 records) sits on the
    // root, so the root's zipped total is the archive's exact size.
    let _ = tx.send(ScanEvent::ArchiveSize {
        root,
        bytes: archive.file_size,
    });
    let _ = tx.send(ScanEvent::Shard(b.shard));
}

/// The `.whl` files of a wheel-set input (a directory of wheels, or one wheel).
///
/// Anything but a directory is taken as one wheel, so that a FIFO or device named `.whl`
/// reaches the reader and becomes an error naming it instead of an empty set.
pub fn wheel_files(path: &Path) -> Vec<PathBuf> {
    if !path.is_dir() {
        return vec![path.to_path_buf()];
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(path)
        .map(|r| {
            r.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| is_wheel(p))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// The entries of a wheel folder that are not wheels (what its size would leave out).
fn not_wheels(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| !is_wheel(p))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// Whether a path names a wheel.
pub fn is_wheel(p: &Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("whl"))
}

/// Scans a set of wheels: each wheel becomes a directory named after its file, holding its
/// members in installed layout (`.data/purelib` at the top, scripts under `bin/`).
pub fn scan_wheels(root: usize, path: &Path, tx: &Sender<ScanEvent>) {
    scan_wheels_within(root, path, tx, MAX_WHEEL_SET_METADATA);
}

/// Most metadata bytes kept from one wheel set: each wheel is capped on its own (see
/// [`crate::archive::safety::MAX_WANTED_TOTAL`]), and a folder of hostile wheels must not
/// add those caps up. Real sets hold a few MiB.
pub const MAX_WHEEL_SET_METADATA: u64 = 512 << 20;

/// [`scan_wheels`] keeping at most `budget` bytes of metadata in all; a wheel past it is
/// an error naming it, and its files are counted without its metadata.
fn scan_wheels_within(root: usize, path: &Path, tx: &Sender<ScanEvent>, mut budget: u64) {
    let mut b = ShardBuilder::new(root);
    // A single wheel's disk usage is already the root's own (the input itself).
    let in_folder = path.is_dir();
    if in_folder {
        for other in not_wheels(path) {
            send_error(
                tx,
                root,
                &other,
                "not a wheel: a folder of wheels is read as its wheels only, so this is not counted",
            );
        }
    }
    for wheel in wheel_files(path) {
        let mut archive = match read_archive(&wheel, &is_wanted_wheel_member) {
            Ok(a) => a,
            Err(e) => {
                send_error(tx, root, &wheel, &e.to_string());
                continue;
            }
        };
        let held: u64 = archive.texts.iter().map(|(_, t)| t.len() as u64).sum();
        if held > budget {
            // Its files still count; only its metadata (so its ownership) is left out.
            let message = format!(
                "the wheels' metadata would exceed {MAX_WHEEL_SET_METADATA} bytes in all; \
                 this wheel's metadata is not read"
            );
            send_error(tx, root, &wheel, &message);
            archive.texts.clear();
        } else {
            budget -= held;
        }
        let file_name = wheel
            .file_name()
            .map(|n| os_bytes(n).into_owned())
            .unwrap_or_default();
        let disk = if in_folder { archive.disk_bytes } else { 0 };
        add_wheel(&mut b, (&file_name, disk), &archive, root, tx);
    }
    let _ = tx.send(ScanEvent::Shard(b.shard));
}

/// Adds one wheel under a directory named `file_name` whose own disk usage is `disk`.
fn add_wheel(
    b: &mut ShardBuilder,
    (file_name, disk): (&[u8], u64),
    archive: &Archive,
    root: usize,
    tx: &Sender<ScanEvent>,
) {
    let mut prefix = file_name.to_vec();
    // The wheel's directory stands for the wheel file: its disk usage is the file's.
    let wheel_dir = b.dir(&prefix);
    b.shard.entries[wheel_dir as usize].disk = disk;
    prefix.push(b'/');
    for e in &archive.entries {
        if e.is_dir {
            continue;
        }
        let name = String::from_utf8_lossy(&e.name);
        let mut path = prefix.clone();
        path.extend_from_slice(installed_path(&name).as_bytes());
        b.add(&path, false, e.size, e.compressed);
    }
    let scripts = add_scripts(b, &prefix, archive);
    if !scripts.is_empty() {
        let bytes = scripts.iter().map(|(_, size)| size).sum();
        let _ = tx.send(ScanEvent::Estimated { root, bytes });
    }
    for (name, bytes) in &archive.texts {
        if name.ends_with("/entry_points.txt") {
            continue;
        }
        let mut path = prefix.clone();
        path.extend_from_slice(installed_path(name).as_bytes());
        let bytes = if name.ends_with("/RECORD") {
            rewrite_record(bytes, &scripts)
        } else {
            bytes.clone()
        };
        let _ = tx.send(ScanEvent::Text { root, path, bytes });
    }
}

/// Adds the console-script wrappers pip would generate from the wheel's `entry_points.txt`
/// under `bin/` (unless the wheel ships a script of that name); returns `(bin/NAME, size)`.
fn add_scripts(b: &mut ShardBuilder, prefix: &[u8], archive: &Archive) -> Vec<(String, u64)> {
    let Some((_, text)) = archive
        .texts
        .iter()
        .find(|(n, _)| n.ends_with("/entry_points.txt"))
    else {
        return Vec::new();
    };
    let shipped: std::collections::HashSet<String> = archive
        .entries
        .iter()
        .map(|e| installed_path(&e.name_lossy()))
        .collect();
    let mut added = Vec::new();
    for script in entry_points::scripts(text) {
        let rel = format!("bin/{}", script.name);
        if shipped.contains(&rel) || added.iter().any(|(r, _)| *r == rel) {
            continue;
        }
        let wrapper = entry_points::wrapper(&script);
        let zipped = crate::zipsize::deflated_size_of(wrapper.as_bytes());
        let mut path = prefix.to_vec();
        path.extend_from_slice(rel.as_bytes());
        b.add(&path, false, wrapper.len() as u64, zipped);
        added.push((rel, wrapper.len() as u64));
    }
    added
}

/// Where pip would install a wheel member, relative to site-packages.
fn installed_path(member: &str) -> String {
    match wheel_install_place(member) {
        // Data goes to the install prefix, which for `pip --target` is the target itself.
        InstallPlace::SitePackages(p) | InstallPlace::Scripts(p) | InstallPlace::Data(p) => p,
        // As pip installs them under a `--target` (home scheme): include/python/{dist}/.
        InstallPlace::Headers(p) => format!("include/python/{}/{p}", data_dir_dist(member)),
    }
}

/// The distribution name of a `{name}-{version}.data/...` member (wheel names escape `-`
/// in the name as `_`, so the first `-` ends it).
fn data_dir_dist(member: &str) -> &str {
    let top = member.split('/').next().unwrap_or(member);
    let stem = top.strip_suffix(".data").unwrap_or(top);
    stem.split_once('-').map_or(stem, |(name, _)| name)
}

/// A wheel's RECORD lists member names; rewrite the path column into installed layout so
/// ownership resolves rows like any installed RECORD.
///
/// The generated `scripts` get rows too, as pip adds them to the installed RECORD.
fn rewrite_record(bytes: &[u8], scripts: &[(String, u64)]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if let Some(rest) = line.strip_prefix('"') {
            // Quoted path: leave the row as it is (rare in wheels, paths with commas).
            let _ = rest;
            out.push_str(line);
        } else {
            let (path, tail) = line.split_once(',').unwrap_or((line, ""));
            out.push_str(&installed_path(path));
            out.push(',');
            out.push_str(tail);
        }
        out.push('\n');
    }
    for (path, size) in scripts {
        let _ = writeln!(out, "{path},,{size}");
    }
    out.into_bytes()
}

fn send_error(tx: &Sender<ScanEvent>, root: usize, path: &Path, message: &str) {
    let error = ScanError {
        path: path.to_path_buf(),
        message: message.to_string(),
    };
    let _ = tx.send(ScanEvent::Error { root, error });
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn wheel(dir: &Path, name: &str, metadata_len: usize) {
        let file = std::fs::File::create(dir.join(format!("{name}-1.0-py3-none-any.whl"))).unwrap();
        let mut w = zip::ZipWriter::new(file);
        let opts = zip::write::SimpleFileOptions::default();
        w.start_file(format!("{name}-1.0.dist-info/METADATA"), opts)
            .unwrap();
        w.write_all(&vec![b'x'; metadata_len]).unwrap();
        w.finish().unwrap();
    }

    #[test]
    fn a_wheel_set_stops_keeping_metadata_at_its_budget() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a", "b", "c"] {
            wheel(dir.path(), name, 1000);
        }
        let (tx, rx) = crossbeam_channel::unbounded();
        scan_wheels_within(0, dir.path(), &tx, 2500);
        drop(tx);
        let events: Vec<ScanEvent> = rx.iter().collect();
        let texts = events
            .iter()
            .filter(|e| matches!(e, ScanEvent::Text { .. }))
            .count();
        assert_eq!(texts, 2, "two wheels fit the budget");
        let refused: Vec<&ScanError> = events
            .iter()
            .filter_map(|e| match e {
                ScanEvent::Error { error, .. } => Some(error),
                _ => None,
            })
            .collect();
        assert_eq!(refused.len(), 1);
        let shard = events.iter().find_map(|e| match e {
            ScanEvent::Shard(s) => Some(s),
            _ => None,
        });
        assert_eq!(
            shard
                .unwrap()
                .entries
                .iter()
                .filter(|e| e.size == 1000)
                .count(),
            3,
            "files still count"
        );
        assert!(
            refused[0].path.ends_with("c-1.0-py3-none-any.whl"),
            "{refused:?}"
        );
    }
}
