//! A root's records written to a temporary file beside its cache file while the analysis
//! runs, then renamed over it: a 200k-source tree's records are 8 MB, which the explorer
//! held in memory to the end of its analysis, where its memory peaked.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{MAGIC, MAX_FILE, MAX_PATH, Writer};

/// Bytes held before they are written out.
const HELD: usize = 1 << 16;

/// A cache file being written; removed unless [`Spool::commit`] renames it into place.
#[derive(Debug)]
pub(super) struct Spool {
    file: Option<fs::File>,
    temp: PathBuf,
    path: PathBuf,
    held: Writer,
    written: usize,
}

impl Spool {
    /// Starts the file for `root`'s records at `path` (its header written); `None` when it
    /// cannot be created or the root's name is too long to store.
    pub(super) fn open(path: PathBuf, root: &Path) -> Option<Spool> {
        let name = crate::model::os_bytes(root.as_os_str());
        if name.len() > MAX_PATH {
            return None;
        }
        fs::create_dir_all(path.parent()?).ok()?;
        let temp = path.with_extension(format!("tmp{}", std::process::id()));
        let mut held = Writer(Vec::with_capacity(2 * HELD));
        held.0.extend_from_slice(MAGIC);
        held.u32(name.len());
        held.0.extend_from_slice(&name);
        Some(Spool {
            file: Some(fs::File::create(&temp).ok()?),
            temp,
            path,
            held,
            written: 0,
        })
    }

    /// Adds encoded records through `write`. Once the file would pass [`MAX_FILE`] (or a
    /// write fails) nothing more is kept and the file will not be used.
    pub(super) fn add(&mut self, write: impl FnOnce(&mut Writer)) {
        if self.file.is_none() {
            return;
        }
        write(&mut self.held);
        if self.held.0.len() >= HELD {
            self.drain();
        }
    }

    fn drain(&mut self) {
        self.written += self.held.0.len();
        let ok = self.written <= MAX_FILE
            && self
                .file
                .as_mut()
                .is_some_and(|f| f.write_all(&self.held.0).is_ok());
        self.held.0.clear();
        if !ok {
            self.abandon();
        }
    }

    fn abandon(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.temp);
        }
    }

    /// Writes what is held and renames the file into place.
    pub(super) fn commit(mut self) -> std::io::Result<()> {
        self.drain();
        let Some(file) = self.file.take() else {
            return Ok(());
        };
        drop(file);
        fs::rename(&self.temp, &self.path).inspect_err(|_| {
            let _ = fs::remove_file(&self.temp);
        })
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        self.abandon();
    }
}
