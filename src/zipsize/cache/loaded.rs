//! A root's saved sizes as read from its cache file: one sorted array searched by key, and a
//! flag a record saying whether this run looked it up.
//!
//! Why not a hash map: a map of 200k records took 64 bytes a record (key, value, the scope
//! bookkeeping and the table's spare buckets: 13 MB, the largest thing a warm report held);
//! the sorted array takes the file's 40 bytes plus one. A lookup is a binary search (18 steps
//! at 200k), a few hundred nanoseconds against the microseconds a miss costs anyway.

use std::sync::atomic::{AtomicBool, Ordering};

use super::FileKey;

/// The records of one root's file, sorted by key.
#[derive(Debug)]
pub(super) struct LoadedRoot {
    /// The scope of the root whose file these came from.
    pub scope: u32,
    records: Box<[(FileKey, u64)]>,
    used: Box<[AtomicBool]>,
}

impl LoadedRoot {
    /// Sorts `records` (a file heft wrote is sorted already) and keeps one record a key.
    pub fn new(scope: u32, mut records: Vec<(FileKey, u64)>) -> Self {
        // Unstable: a stable sort would borrow a scratch copy as large as the records.
        records.sort_unstable_by_key(|r| r.0);
        records.dedup_by(|a, b| a.0 == b.0);
        let used = records.iter().map(|_| AtomicBool::new(false)).collect();
        Self {
            scope,
            records: records.into_boxed_slice(),
            used,
        }
    }

    /// The deflated size saved for `key`, marking the record as looked up when `mark`.
    pub fn get(&self, key: &FileKey, mark: bool) -> Option<u64> {
        let i = self.records.binary_search_by(|r| r.0.cmp(key)).ok()?;
        if mark {
            self.used[i].store(true, Ordering::Relaxed);
        }
        Some(self.records[i].1)
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether some record was not looked up (so the root's file would lose it).
    pub fn has_unused(&self) -> bool {
        self.used.iter().any(|u| !u.load(Ordering::Relaxed))
    }

    /// The records looked up this run.
    pub fn used(&self) -> impl Iterator<Item = &(FileKey, u64)> + '_ {
        self.records
            .iter()
            .zip(&self.used)
            .filter(|(_, u)| u.load(Ordering::Relaxed))
            .map(|(r, _)| r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(ino: u64) -> FileKey {
        FileKey {
            dev: 1,
            ino,
            size: 10,
            mtime_ns: 5,
        }
    }

    #[test]
    fn records_are_found_in_any_order_they_were_read() {
        let root = LoadedRoot::new(0, vec![(key(9), 90), (key(2), 20), (key(5), 50)]);
        assert_eq!(root.get(&key(2), false), Some(20));
        assert_eq!(root.get(&key(5), false), Some(50));
        assert_eq!(root.get(&key(9), false), Some(90));
        assert_eq!(root.get(&key(3), false), None);
        let other_size = FileKey { size: 11, ..key(5) };
        assert_eq!(root.get(&other_size, false), None);
    }

    #[test]
    fn a_key_read_twice_is_kept_once() {
        let root = LoadedRoot::new(0, vec![(key(1), 10), (key(1), 10), (key(2), 20)]);
        assert_eq!(root.len(), 2);
    }

    #[test]
    fn only_records_looked_up_with_a_mark_count_as_used() {
        let root = LoadedRoot::new(3, vec![(key(1), 10), (key(2), 20)]);
        assert!(root.has_unused());
        root.get(&key(2), false);
        assert_eq!(root.used().count(), 0);
        root.get(&key(2), true);
        assert_eq!(root.used().copied().collect::<Vec<_>>(), vec![(key(2), 20)]);
        root.get(&key(1), true);
        assert!(!root.has_unused());
    }
}
