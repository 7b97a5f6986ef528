//! Paths named by build files, kept inside the project: a relative path is joined to the
//! directory it is relative to; the result (symlinks resolved) must exist and lie inside the
//! project root, so a template cannot make heft read `/etc` or `../../secrets`.

use std::path::{Component, Path, PathBuf};

use super::ProjectError;

/// Where a path comes from, for error messages.
pub struct Origin<'a> {
    /// The project root every path must stay inside.
    pub root: &'a Path,
    /// The build file naming the path.
    pub file: &'a Path,
    /// What the path is for: `CodeUri of HelloFunction`.
    pub what: String,
}

impl Origin<'_> {
    fn error(&self, value: &str, why: &str) -> ProjectError {
        ProjectError::BadPath {
            file: self.file.to_path_buf(),
            what: self.what.clone(),
            value: value.to_string(),
            why: why.to_string(),
        }
    }

    /// `value` joined to `base`, checked to exist inside the root.
    pub fn resolve(&self, base: &Path, value: &str) -> Result<PathBuf, ProjectError> {
        if value.trim().is_empty() {
            return Err(self.error(value, "empty path"));
        }
        let given = Path::new(value);
        let path = base.join(given);
        let root = lexical(&std::path::absolute(self.root).unwrap_or_default());
        let inside = lexical(&std::path::absolute(&path).unwrap_or_default()).starts_with(&root);
        if !inside && given.is_absolute() {
            return Err(self.error(value, "absolute path outside the project directory"));
        }
        if !inside {
            return Err(self.error(value, "`..` leaves the project directory"));
        }
        let real = path
            .canonicalize()
            .map_err(|e| self.error(value, &format!("missing ({e})")))?;
        let real_root = self.root.canonicalize().unwrap_or(root);
        if !real.starts_with(&real_root) {
            return Err(self.error(value, "leaves the project directory through a symlink"));
        }
        Ok(path)
    }
}

/// `path` with `.` and `a/..` folded away, without touching the disk.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}
