//! Dirty subtrees: watcher paths coalesced to the smallest set of subtrees to re-walk.
//!
//! Every event path (created, written, removed, renamed from or to) marks its own subtree
//! dirty; re-walking a path rescans it whole (or drops it when it is gone), so a path whose
//! ancestor is dirty adds nothing. The set keeps the order in which paths first went dirty,
//! which is the order things arrived in: the limit-crossing line names the arrival that
//! crossed.

use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Relative paths marked dirty, with the order each first went dirty in.
#[derive(Clone, Debug, Default)]
pub struct DirtySet {
    paths: Vec<(PathBuf, u64)>,
    next: u64,
}

impl DirtySet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks `rel` (relative to the watched root, not empty) dirty.
    pub fn add(&mut self, rel: &Path) {
        if rel.as_os_str().is_empty() {
            return;
        }
        self.paths.push((rel.to_path_buf(), self.next));
        self.next += 1;
    }

    /// Whether nothing is dirty.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// Forgets every path.
    pub fn clear(&mut self) {
        self.paths.clear();
    }

    /// Whether a dirty path lies directly in the root (something arrived or left there).
    pub fn has_top_level(&self) -> bool {
        self.paths
            .iter()
            .any(|(path, _)| path.components().nth(1).is_none())
    }

    /// Marks dirty, after what is dirty already, each name `listing` (the root's entries now)
    /// holds and `known` (its entries at the last batch) does not, and each the other way
    /// round. Why: when pip renames 169 directories into the root at once, notify's thread
    /// walks each one to watch it before it reads the next rename, so the last renames'
    /// events can come after the batch was cut; listing the root puts them in this batch.
    pub fn add_unannounced(&mut self, known: &HashSet<OsString>, listing: &HashSet<OsString>) {
        let mut names: Vec<&OsString> = listing.symmetric_difference(known).collect();
        // Listing order is the filesystem's; sorted, a batch does not depend on it.
        names.sort();
        for name in names {
            self.add(Path::new(name));
        }
    }

    /// The smallest set of subtrees covering every dirty path, in first-dirty order: a path
    /// under another dirty path is dropped, and the ancestor takes the earlier position.
    pub fn coalesce(&self) -> Vec<PathBuf> {
        let mut sorted = self.paths.clone();
        // Path ordering compares components, so a path's descendants directly follow it.
        sorted.sort();
        let mut kept: Vec<(PathBuf, u64)> = Vec::new();
        for (path, order) in sorted {
            match kept.last_mut() {
                Some((top, first)) if path.starts_with(&*top) => *first = (*first).min(order),
                _ => kept.push((path, order)),
            }
        }
        kept.sort_by_key(|(_, order)| *order);
        kept.into_iter().map(|(path, _)| path).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(paths: &[&str]) -> DirtySet {
        let mut s = DirtySet::new();
        for p in paths {
            s.add(Path::new(p));
        }
        s
    }

    fn strings(paths: Vec<PathBuf>) -> Vec<String> {
        paths
            .into_iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn a_path_under_a_dirty_directory_is_dropped() {
        let s = set(&["numpy/core/a.so", "numpy", "numpy/b.py"]);
        assert_eq!(strings(s.coalesce()), ["numpy"]);
    }

    #[test]
    fn siblings_with_a_common_prefix_are_not_ancestors() {
        let s = set(&["numpy", "numpy-2.0.dist-info/RECORD", "numpy.libs"]);
        assert_eq!(
            strings(s.coalesce()),
            ["numpy", "numpy-2.0.dist-info/RECORD", "numpy.libs"]
        );
    }

    #[test]
    fn the_coalesced_set_keeps_first_dirty_order() {
        let s = set(&["b/x.py", "a", "c", "b", "a/y.py"]);
        assert_eq!(strings(s.coalesce()), ["b", "a", "c"]);
    }

    #[test]
    fn repeated_paths_appear_once() {
        let s = set(&["a/x.py", "a/x.py", "a/x.py"]);
        assert_eq!(strings(s.coalesce()), ["a/x.py"]);
    }

    fn names(names: &[&str]) -> HashSet<OsString> {
        names.iter().map(OsString::from).collect()
    }

    #[test]
    fn entries_whose_events_have_not_come_yet_are_dirty_after_those_that_came() {
        let mut s = set(&["numpy", "jsonschema/__init__.py"]);
        assert!(s.has_top_level());
        let known = names(&["six.py", "gone"]);
        let listing = names(&["six.py", "numpy", "jsonschema", "bin", "attrs"]);
        s.add_unannounced(&known, &listing);
        assert_eq!(
            strings(s.coalesce()),
            ["numpy", "jsonschema", "attrs", "bin", "gone"]
        );
    }

    #[test]
    fn a_change_deeper_down_is_not_top_level() {
        assert!(!set(&["numpy/core/a.so", "a/b"]).has_top_level());
    }

    #[test]
    fn the_root_itself_is_never_dirty() {
        let mut s = set(&[""]);
        assert!(s.is_empty());
        s.add(Path::new("a"));
        s.clear();
        assert!(s.coalesce().is_empty());
    }
}
