//! Deleting a manifest's excluded paths from directory roots, carefully: the whole
//! manifest is checked before anything is touched (every path a plain relative path, every
//! root index one that was given), and the deleting itself goes through [`crate::fsops`]:
//! directory descriptors from the root down, no symlink followed, no device crossed. An
//! error is recorded and skipped rather than stopping the run.

use std::io;
use std::path::PathBuf;

use super::Manifest;
use crate::fsops::DirRoot;
pub use crate::fsops::{Failure, Outcome};
use crate::model::bytes_to_path;

/// One path to delete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    /// Root index.
    pub root: usize,
    /// Path relative to the root, as raw bytes.
    pub rel: Vec<u8>,
    /// Whether the manifest recorded a directory.
    pub dir: bool,
    /// Files the manifest counted under it.
    pub files: u64,
    /// Bytes the manifest counted under it.
    pub bytes: u64,
}

/// A manifest that cannot be applied to the given roots at all.
#[derive(Debug, thiserror::Error)]
pub enum PruneError {
    /// An excluded path that could leave its root.
    #[error("refusing manifest path {path:?} (root {root}): {why}")]
    BadPath {
        /// Root index.
        root: usize,
        /// The path (lossy).
        path: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// An excluded path of a root that does not exist.
    #[error(
        "refusing manifest path {path:?}: no root {root} (the manifest and the command line give {roots})"
    )]
    NoSuchRoot {
        /// Root index.
        root: usize,
        /// The path (lossy).
        path: String,
        /// Roots there are.
        roots: usize,
    },
    /// A root that is not a directory.
    #[error(
        "root {root} ({path}) is not a directory: heft prune deletes from directories only; for an archive use `heft export --format zip-exclude`"
    )]
    NotADirectory {
        /// Root index.
        root: usize,
        /// The path given.
        path: String,
    },
    /// A root that cannot be resolved.
    #[error("{}: {source}", path.display())]
    Root {
        /// The path given.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

/// Checks every excluded path of `m`, for `given` root directories, and returns them in
/// order; nothing is returned unless every one is usable.
pub fn plan(m: &Manifest, given: usize) -> Result<Vec<Planned>, PruneError> {
    m.excluded
        .iter()
        .map(|e| {
            if e.root >= m.roots.len().min(given) {
                return Err(PruneError::NoSuchRoot {
                    root: e.root,
                    path: e.path.clone(),
                    roots: m.roots.len().min(given),
                });
            }
            let bad_hex = e
                .path_hex
                .as_deref()
                .is_some_and(|h| super::fingerprint::from_hex(h).is_none());
            let rel = e.raw_path();
            let checked = if bad_hex {
                Err("`path_hex` is not hex")
            } else {
                check_rel(&rel)
            };
            checked.map_err(|why| PruneError::BadPath {
                root: e.root,
                path: e.path.clone(),
                why,
            })?;
            Ok(Planned {
                root: e.root,
                rel,
                dir: e.dir,
                files: e.files,
                bytes: e.bytes,
            })
        })
        .collect()
}

/// A relative path whose every component is a plain name.
fn check_rel(rel: &[u8]) -> Result<(), &'static str> {
    if rel.is_empty() {
        return Err("empty path");
    }
    if rel.starts_with(b"/") {
        return Err("absolute path");
    }
    if rel.contains(&0) {
        return Err("NUL byte in path");
    }
    for part in rel.split(|b| *b == b'/') {
        match part {
            b"" => return Err("empty path component"),
            b"." => return Err("`.` component"),
            b".." => return Err("`..` component"),
            _ => {}
        }
    }
    Ok(())
}

/// Opens the directories of `roots` (canonical paths), refusing anything but directories.
/// Opened before the scan, they are the trees the scan saw: see [`check_roots`].
pub fn open_roots(roots: &[PathBuf]) -> Result<Vec<DirRoot>, PruneError> {
    roots
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let canon = std::fs::canonicalize(r).map_err(|source| PruneError::Root {
                path: r.clone(),
                source,
            })?;
            if !canon.is_dir() {
                return Err(PruneError::NotADirectory {
                    root: i,
                    path: r.display().to_string(),
                });
            }
            DirRoot::open(&canon).map_err(|source| PruneError::Root {
                path: r.clone(),
                source,
            })
        })
        .collect()
}

/// Fails unless every root's path still leads to the directory opened.
pub fn check_roots(roots: &[DirRoot]) -> Result<(), PruneError> {
    for root in roots {
        match root.is_still_at_its_path() {
            Ok(true) => {}
            Ok(false) => {
                return Err(PruneError::Root {
                    path: root.path().to_path_buf(),
                    source: io::Error::other("replaced by another directory since it was opened"),
                });
            }
            Err(source) => {
                return Err(PruneError::Root {
                    path: root.path().to_path_buf(),
                    source,
                });
            }
        }
    }
    Ok(())
}

/// Deletes every planned path under its root, continuing past failures.
pub fn apply(plan: &[Planned], roots: &[DirRoot]) -> Outcome {
    let mut out = Outcome::default();
    for item in plan {
        match roots.get(item.root) {
            Some(root) => root.remove(&item.rel, item.dir, &mut out),
            None => out.failures.push(Failure {
                path: bytes_to_path(&item.rel),
                message: format!("no root {} given", item.root),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests;
