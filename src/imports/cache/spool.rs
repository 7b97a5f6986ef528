//! A root's records written to its new cache file while the analysis runs: a 200k-source
//! tree's records are 8 MB, which the explorer held in memory to the end of its analysis,
//! where its memory peaked.

use std::path::Path;

use super::{MAGIC, MAX_FILE, MAX_PATH, Writer};
use crate::cachefile::CacheFile;

/// Records being written for one root, or given up on (the file could not be created, a
/// write failed, or it passed [`MAX_FILE`]): a root given up on keeps its old file.
#[derive(Debug)]
pub(super) enum Spool {
    /// Writing; `held` is encoded and not yet handed to the file.
    Open { file: CacheFile, held: Writer },
    /// Nothing more is kept, and no second try is made.
    GivenUp,
}

impl Spool {
    /// Starts the file for `root`'s records at `path`, its header written.
    pub(super) fn open(path: &Path, root: &Path) -> Spool {
        let name = crate::model::os_bytes(root.as_os_str());
        let file = (name.len() <= MAX_PATH)
            .then(|| {
                std::fs::create_dir_all(path.parent()?).ok()?;
                CacheFile::create(path, MAX_FILE).ok()
            })
            .flatten();
        let Some(file) = file else {
            return Spool::GivenUp;
        };
        let mut held = Writer(Vec::new());
        held.0.extend_from_slice(MAGIC);
        held.u32(name.len());
        held.0.extend_from_slice(&name);
        Spool::Open { file, held }
    }

    /// Adds records through `write`.
    pub(super) fn add(&mut self, write: impl FnOnce(&mut Writer)) {
        let Spool::Open { file, held } = self else {
            return;
        };
        write(held);
        if held.0.len() >= 1 << 12 {
            let passed = file.append(&held.0);
            held.0.clear();
            if passed.is_err() {
                *self = Spool::GivenUp;
            }
        }
    }

    /// Renames the file into place with every record added; a root given up on is left
    /// as it was.
    pub(super) fn commit(self) -> std::io::Result<()> {
        let Spool::Open { mut file, held } = self else {
            return Ok(());
        };
        file.append(&held.0)?;
        file.commit()
    }
}
