//! Cache files written whole or not at all (the zipped sizes, the parse cache, the import
//! graph). Bytes go to a temporary file beside the target, 64 KiB at a time, so a large
//! cache is never held whole in memory; the file is renamed into place only on
//! [`CacheFile::commit`]. Dropped before that (an error, a size cap passed, a panic), it is
//! removed. Each temporary file is named by process and by a counter, so two writers of one
//! cache in one process (an analysis started while another still runs) never share one; a
//! process killed while writing leaves one behind, which [`is_stale_temp`] lets the next
//! prune of the directory remove.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

/// Bytes held before they are written out.
const HELD: usize = 1 << 16;
/// Age past which a temporary file is taken for one a killed process left behind (a
/// cold analysis of 200k sources writes its files for ~15 s).
const STALE: Duration = Duration::from_secs(60 * 60);

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A cache file being written.
#[derive(Debug)]
pub struct CacheFile {
    file: Option<fs::File>,
    temp: PathBuf,
    path: PathBuf,
    held: Vec<u8>,
    written: usize,
    cap: usize,
}

impl CacheFile {
    /// Starts writing `path` (its directory must exist); at most `cap` bytes will be taken.
    ///
    /// The temporary file is always a new one: a name taken already (another process with
    /// the same id in another container sharing the cache, or a link planted there) is
    /// skipped, never opened, emptied or followed.
    pub fn create(path: &Path, cap: usize) -> io::Result<CacheFile> {
        let mut tries = 0;
        let (file, temp) = loop {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let temp = path.with_extension(format!("tmp{}-{n}", std::process::id()));
            match fs::File::options().write(true).create_new(true).open(&temp) {
                Ok(file) => break (file, temp),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 64 => tries += 1,
                Err(e) => return Err(e),
            }
        };
        Ok(CacheFile {
            file: Some(file),
            temp,
            path: path.to_path_buf(),
            held: Vec::with_capacity(HELD + HELD / 4),
            written: 0,
            cap,
        })
    }

    /// Adds `bytes`, writing out what is held once it reaches 64 KiB. An error when a write
    /// fails or the file would pass its cap (of kind `FileTooLarge`): the file is then given
    /// up (removed).
    pub fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.held.extend_from_slice(bytes);
        if self.held.len() >= HELD {
            self.drain()?;
        }
        Ok(())
    }

    fn drain(&mut self) -> io::Result<()> {
        self.written = self.written.saturating_add(self.held.len());
        let result = if self.written > self.cap {
            Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                "cache file larger than its cap",
            ))
        } else {
            match self.file.as_mut() {
                Some(f) => f.write_all(&self.held),
                None => Err(io::Error::other("cache file given up")),
            }
        };
        self.held.clear();
        if result.is_err() {
            self.give_up();
        }
        result
    }

    fn give_up(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.temp);
        }
    }

    /// Writes what is held, closes the file and renames it into place.
    pub fn commit(mut self) -> io::Result<()> {
        self.drain()?;
        let Some(file) = self.file.take() else {
            return Err(io::Error::other("cache file given up"));
        };
        drop(file);
        fs::rename(&self.temp, &self.path).inspect_err(|_| {
            let _ = fs::remove_file(&self.temp);
        })
    }
}

impl Drop for CacheFile {
    fn drop(&mut self) {
        self.give_up();
    }
}

/// Whether `path`, a file in one of heft's cache directories, is a [`CacheFile`]'s
/// temporary file (`*.tmp<pid>-<n>`) last written over an hour ago: one a process killed
/// while writing left behind.
pub fn is_stale_temp(path: &Path) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let temp = path
        .extension()
        .and_then(|x| x.to_str()?.strip_prefix("tmp")?.split_once('-'))
        .is_some_and(|(pid, n)| digits(pid) && digits(n));
    temp && fs::symlink_metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age > STALE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_committed_file_holds_every_byte_and_no_temporary_file_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bin");
        let mut f = CacheFile::create(&path, 1 << 20).unwrap();
        let mut want = Vec::new();
        for i in 0..20_000u32 {
            f.append(&i.to_le_bytes()).unwrap();
            want.extend_from_slice(&i.to_le_bytes());
        }
        f.commit().unwrap();
        assert_eq!(fs::read(&path).unwrap(), want);
        assert_eq!(listing(dir.path()), ["a.bin"]);
    }

    #[test]
    fn two_writers_of_one_file_in_one_process_never_share_a_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bin");
        fs::write(&path, b"good").unwrap();
        let mut first = CacheFile::create(&path, 1 << 20).unwrap();
        let mut second = CacheFile::create(&path, 1 << 20).unwrap();
        first.append(&vec![1; 100_000]).unwrap();
        second.append(&vec![2; 100_000]).unwrap();
        drop(first);
        assert_eq!(
            fs::read(&path).unwrap(),
            b"good",
            "a writer given up leaves the file"
        );
        second.commit().unwrap();
        assert_eq!(fs::read(&path).unwrap(), vec![2; 100_000]);
        assert_eq!(listing(dir.path()), ["a.bin"]);
    }

    #[test]
    fn a_file_past_its_cap_is_given_up_and_the_old_one_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bin");
        fs::write(&path, b"good").unwrap();
        let mut f = CacheFile::create(&path, 100_000).unwrap();
        assert!(f.append(&vec![0; 70_000]).is_ok());
        assert!(f.append(&vec![0; 70_000]).is_err());
        assert!(f.append(&[0; 10]).is_ok(), "held, never written");
        assert!(f.commit().is_err());
        assert_eq!(fs::read(&path).unwrap(), b"good");
        assert_eq!(listing(dir.path()), ["a.bin"]);
    }

    #[test]
    fn only_old_temporary_files_are_stale() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("a.tmp1-0");
        let old = dir.path().join("a.tmp2-0");
        let bin = dir.path().join("b.bin");
        let others =
            ["notes.tmpl", "c.tmp", "d.tmp3", "e.tmp3-", "f.tmpx-1"].map(|n| dir.path().join(n));
        for p in [&fresh, &old, &bin].into_iter().chain(&others) {
            fs::write(p, b"x").unwrap();
        }
        let two_hours_ago = SystemTime::now() - Duration::from_secs(2 * 60 * 60);
        for p in [&old, &bin].into_iter().chain(&others) {
            fs::File::options()
                .write(true)
                .open(p)
                .unwrap()
                .set_modified(two_hours_ago)
                .unwrap();
        }
        assert!(is_stale_temp(&old));
        assert!(!is_stale_temp(&fresh) && !is_stale_temp(&bin));
        for p in &others {
            assert!(!is_stale_temp(p), "{p:?} is no name heft writes");
        }
    }

    #[test]
    fn a_temporary_name_already_taken_is_skipped_not_emptied() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bin");
        // The next names this process would use (other tests may take a few meanwhile).
        let next = NEXT.load(Ordering::Relaxed);
        let taken: Vec<PathBuf> = (next..next + 32)
            .map(|n| path.with_extension(format!("tmp{}-{n}", std::process::id())))
            .collect();
        for p in &taken {
            fs::write(p, b"someone else's").unwrap();
        }
        let mut f = CacheFile::create(&path, 1 << 20).unwrap();
        f.append(b"mine").unwrap();
        f.commit().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"mine");
        for p in &taken {
            assert_eq!(fs::read(p).unwrap(), b"someone else's");
        }
    }
}
