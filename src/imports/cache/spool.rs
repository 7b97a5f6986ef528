//! Encodings written to their cache file as they grow (the import graph, ~9 MB at 200k
//! sources, and each root's parse records, ~8 MB), where the explorer held each whole until
//! the end of its analysis, where its memory peaked.

use std::io;
use std::path::Path;

use super::{MAGIC, MAX_FILE, MAX_PATH, Writer};
use crate::cachefile::CacheFile;

/// Bytes of encoding held before they are handed to the file.
const HELD: usize = 1 << 16;

/// A [`Writer`] whose bytes go to a [`CacheFile`] every [`HELD`] bytes: encode through it
/// (it derefs to the writer), call [`Encoder::flush`] between records, then commit.
#[derive(Debug)]
pub(in crate::imports) struct Encoder {
    w: Writer,
    file: CacheFile,
}

impl Encoder {
    /// Starts writing the cache file at `path`, at most `cap` bytes.
    pub(in crate::imports) fn create(path: &Path, cap: usize) -> io::Result<Encoder> {
        Ok(Encoder {
            w: Writer(Vec::with_capacity(HELD + HELD / 4)),
            file: CacheFile::create(path, cap)?,
        })
    }

    /// Hands what is held to the file once it is [`HELD`] bytes or more.
    pub(in crate::imports) fn flush(&mut self) -> io::Result<()> {
        if self.w.0.len() >= HELD {
            self.file.append(&self.w.0)?;
            self.w.0.clear();
        }
        Ok(())
    }

    /// Writes what is held and renames the file into place.
    pub(in crate::imports) fn commit(mut self) -> io::Result<()> {
        self.file.append(&self.w.0)?;
        self.file.commit()
    }
}

impl std::ops::Deref for Encoder {
    type Target = Writer;
    fn deref(&self) -> &Writer {
        &self.w
    }
}

impl std::ops::DerefMut for Encoder {
    fn deref_mut(&mut self) -> &mut Writer {
        &mut self.w
    }
}

/// Records being written for one root, or given up on (the file could not be created, a
/// write failed, or it would pass its cap): a root given up on keeps its old file.
#[derive(Debug)]
pub(super) enum Spool {
    /// Writing.
    Open(Encoder),
    /// Nothing more is kept, and no second try is made.
    GivenUp,
}

impl Spool {
    /// Starts the file for `root`'s records at `path` (at most [`MAX_FILE`] bytes), its
    /// header written.
    pub(super) fn open(path: &Path, root: &Path) -> Spool {
        Spool::open_capped(path, root, MAX_FILE)
    }

    fn open_capped(path: &Path, root: &Path, cap: usize) -> Spool {
        let name = crate::model::os_bytes(root.as_os_str());
        let file = (name.len() <= MAX_PATH)
            .then(|| {
                std::fs::create_dir_all(path.parent()?).ok()?;
                Encoder::create(path, cap).ok()
            })
            .flatten();
        let Some(mut file) = file else {
            return Spool::GivenUp;
        };
        file.0.extend_from_slice(MAGIC);
        file.u32(name.len());
        file.0.extend_from_slice(&name);
        Spool::Open(file)
    }

    /// Adds records through `write`.
    pub(super) fn add(&mut self, write: impl FnOnce(&mut Writer)) {
        let Spool::Open(file) = self else {
            return;
        };
        write(file);
        if file.flush().is_err() {
            *self = Spool::GivenUp;
        }
    }

    /// Renames the file into place with every record added. A root given up on is left as
    /// it was, and so is one whose last records would pass the cap: that is no error, as a
    /// file passing it earlier is none either.
    pub(super) fn commit(self) -> io::Result<()> {
        let Spool::Open(file) = self else {
            return Ok(());
        };
        match file.commit() {
            Err(e) if e.kind() == io::ErrorKind::FileTooLarge => Ok(()),
            done => done,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_passing_the_cap_only_at_the_commit_leave_the_old_file_without_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bin");
        std::fs::write(&path, b"old").unwrap();
        let mut late = Spool::open_capped(&path, dir.path(), 1000);
        late.add(|w| w.0.extend_from_slice(&[7; 2000]));
        assert!(matches!(late, Spool::Open(_)), "held: not yet past the cap");
        late.commit().unwrap();
        let mut early = Spool::open_capped(&path, dir.path(), 1000);
        early.add(|w| w.0.extend_from_slice(&vec![7; HELD]));
        assert!(matches!(early, Spool::GivenUp));
        early.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
