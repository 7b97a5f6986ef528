//! Chunks that hold nothing but zeros (holes in sparse files, zero-filled regions), priced
//! without deflating them, to the exact byte zlib would give.
//!
//! Why this is exact. A big file is deflated as independent chunks (see [`super::chunks`]),
//! each starting from the previous chunk's last 32 KiB as its dictionary. A chunk of `n`
//! zeros whose dictionary is zeros too is always the same zlib input, so it always deflates
//! to the same number of bytes: that number is computed once per length (every chunk but a
//! file's last has the same length) and reused. A 10 GiB sparse file costs one deflated
//! chunk plus a `SEEK_DATA` call per chunk; the tests compare against deflating the real bytes.

use std::fs::File;
use std::io;
use std::sync::Mutex;

use super::{FlushCompress, WINDOW, with_deflater};

/// Deflated sizes of all-zero chunks, by (length, whether it had a dictionary).
static PRICED: Mutex<Vec<((u64, bool), u64)>> = Mutex::new(Vec::new());

/// Deflated bytes of a chunk of `len` zeros, after a dictionary of 32 KiB of zeros if
/// `has_dictionary` (computed once per pair, then looked up).
pub fn zero_chunk(len: u64, has_dictionary: bool) -> io::Result<u64> {
    let key = (len, has_dictionary);
    let known = |priced: &Vec<((u64, bool), u64)>| {
        priced
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, size)| *size)
    };
    if let Some(size) = known(&lock()) {
        return Ok(size);
    }
    let size = deflate_zeros(len, has_dictionary)?;
    let mut priced = lock();
    if known(&priced).is_none() {
        priced.push((key, size));
    }
    Ok(size)
}

fn lock() -> std::sync::MutexGuard<'static, Vec<((u64, bool), u64)>> {
    PRICED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Deflates `len` zeros for real (optionally after a zero dictionary), ending the stream.
fn deflate_zeros(len: u64, has_dictionary: bool) -> io::Result<u64> {
    static ZEROS: [u8; 64 * 1024] = [0; 64 * 1024];
    with_deflater(|deflater| {
        if has_dictionary {
            deflater.set_dictionary(&ZEROS[..WINDOW])?;
        }
        let mut left = len;
        while left > 0 {
            let n = usize::try_from(left).map_or(ZEROS.len(), |n| n.min(ZEROS.len()));
            deflater.feed(&ZEROS[..n], FlushCompress::None)?;
            left -= n as u64;
        }
        deflater.feed(&[], FlushCompress::Finish)?;
        Ok(deflater.total())
    })
}

/// Whether bytes `start..end` of `file` are all zeros: holes are skipped with `SEEK_DATA`,
/// data is read into `buffer` until its first non-zero byte.
pub fn is_zero_range(file: &File, start: u64, end: u64, buffer: &mut [u8]) -> io::Result<bool> {
    let mut at = start;
    while let Some((data, data_end)) = next_data(file, at, end) {
        at = data;
        while at < data_end {
            let want = usize::try_from(data_end - at).map_or(buffer.len(), |n| n.min(buffer.len()));
            let read = super::chunks::read_at(file, &mut buffer[..want], at)?;
            if read == 0 {
                // The file shrank: what is left reads as nothing.
                return Ok(true);
            }
            if buffer[..read].iter().any(|b| *b != 0) {
                return Ok(false);
            }
            at += read as u64;
        }
    }
    Ok(true)
}

/// The next data region at or after `offset` in a file of `size` bytes: `(start, end)`, or
/// `None` when only a hole is left. Filesystems without `SEEK_DATA` report all data.
pub fn next_data(file: &File, offset: u64, size: u64) -> Option<(u64, u64)> {
    if offset >= size {
        return None;
    }
    match seek_data(file, offset) {
        Ok(None) => None,
        Ok(Some((start, _))) if start >= size => None,
        Ok(Some((start, end))) if end > start => Some((start.max(offset), end.min(size))),
        // No answer, or one that makes no sense (the file changed): read the rest as data,
        // so every region returned is non-empty and the caller always moves on.
        Ok(Some(_)) | Err(_) => Some((offset, size)),
    }
}

#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "freebsd"
))]
fn seek_data(file: &File, offset: u64) -> io::Result<Option<(u64, u64)>> {
    use rustix::fs::{SeekFrom, seek};
    let start = match seek(file, SeekFrom::Data(offset)) {
        Ok(start) => start,
        // ENXIO: no data at or after `offset`.
        Err(rustix::io::Errno::NXIO) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let end = seek(file, SeekFrom::Hole(start))?;
    Ok(Some((start, end)))
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "freebsd"
)))]
fn seek_data(_file: &File, offset: u64) -> io::Result<Option<(u64, u64)>> {
    Ok(Some((offset, u64::MAX)))
}

#[cfg(test)]
mod tests;
