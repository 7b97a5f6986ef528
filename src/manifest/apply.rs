//! Deleting a manifest's excluded paths from directory roots, carefully: paths are
//! checked to stay inside their root (no `..`, no absolute paths, no symlinked parents,
//! canonical parent inside the canonical root), symlinks are removed as links and never
//! followed, files go before their directories, and an error is recorded and skipped
//! rather than stopping the run.

use std::io;
use std::path::{Path, PathBuf};

use super::Manifest;
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

/// A deletion that failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The path.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Files and links removed.
    pub files: u64,
    /// Directories removed.
    pub dirs: u64,
    /// Planned paths that were already gone.
    pub missing: u64,
    /// Every failure, in order.
    pub failures: Vec<Failure>,
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

/// Checks every excluded path of `m` and returns them in order.
pub fn plan(m: &Manifest) -> Result<Vec<Planned>, PruneError> {
    m.excluded
        .iter()
        .map(|e| {
            let rel = e.raw_path();
            check_rel(&rel).map_err(|why| PruneError::BadPath {
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

/// Canonical directories of `roots`, refusing anything but directories.
pub fn canonical_roots(roots: &[PathBuf]) -> Result<Vec<PathBuf>, PruneError> {
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
            Ok(canon)
        })
        .collect()
}

/// Deletes every planned path under its canonical root, continuing past failures.
pub fn apply(plan: &[Planned], roots: &[PathBuf]) -> Outcome {
    let mut out = Outcome::default();
    for item in plan {
        let Some(root) = roots.get(item.root) else {
            out.failures.push(Failure {
                path: bytes_to_path(&item.rel),
                message: format!("no root {} given", item.root),
            });
            continue;
        };
        delete_one(root, &item.rel, &mut out);
    }
    out
}

/// Deletes `root/rel` after walking its parents without following a symlink.
fn delete_one(root: &Path, rel: &[u8], out: &mut Outcome) {
    let parts: Vec<&[u8]> = rel.split(|b| *b == b'/').collect();
    let mut path = root.to_path_buf();
    let fail = |out: &mut Outcome, path: &Path, message: String| {
        out.failures.push(Failure {
            path: path.to_path_buf(),
            message,
        });
    };
    for part in &parts[..parts.len() - 1] {
        path.push(bytes_to_path(part));
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                return fail(
                    out,
                    &path,
                    "a parent is a symbolic link; not followed".into(),
                );
            }
            Ok(m) if !m.is_dir() => return fail(out, &path, "a parent is not a directory".into()),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                out.missing += 1;
                return;
            }
            Err(e) => return fail(out, &path, e.to_string()),
        }
    }
    match path.canonicalize() {
        Ok(parent) if parent.starts_with(root) => {}
        Ok(parent) => {
            let message = format!("resolves to {}, outside the root", parent.display());
            return fail(out, &path, message);
        }
        Err(e) => return fail(out, &path, e.to_string()),
    }
    path.push(bytes_to_path(parts[parts.len() - 1]));
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => out.missing += 1,
        Err(e) => fail(out, &path, e.to_string()),
        Ok(m) if m.is_dir() => remove_tree(&path, out),
        // A file, or a symlink removed as a link (its target untouched).
        Ok(_) => match std::fs::remove_file(&path) {
            Ok(()) => out.files += 1,
            Err(e) => fail(out, &path, e.to_string()),
        },
    }
}

/// Removes a directory tree bottom-up without following symlinks.
fn remove_tree(dir: &Path, out: &mut Outcome) {
    let walk = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .contents_first(true);
    for entry in walk {
        match entry {
            Err(e) => out.failures.push(Failure {
                path: e
                    .path()
                    .map_or_else(|| dir.to_path_buf(), Path::to_path_buf),
                message: e.to_string(),
            }),
            Ok(entry) => {
                let is_dir = entry.file_type().is_dir();
                let result = if is_dir {
                    std::fs::remove_dir(entry.path())
                } else {
                    std::fs::remove_file(entry.path())
                };
                match result {
                    Ok(()) if is_dir => out.dirs += 1,
                    Ok(()) => out.files += 1,
                    Err(e) => out.failures.push(Failure {
                        path: entry.path().to_path_buf(),
                        message: e.to_string(),
                    }),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_could_leave_the_root_are_refused() {
        for bad in [
            &b"../x"[..],
            b"a/../../x",
            b"/etc",
            b"",
            b"a//b",
            b"./a",
            b"a/\0",
        ] {
            assert!(check_rel(bad).is_err(), "{bad:?}");
        }
        assert!(check_rel(b"numpy/tests").is_ok());
        assert!(check_rel(b"a..b/.hidden").is_ok());
    }
}
