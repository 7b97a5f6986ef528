//! Big files deflated as independent chunks on several cores, as pigz does, so one 59 MB
//! shared library no longer holds one core for seconds while the other waits.
//!
//! Why the size stays what `zip -6` would write (within a few bytes a chunk): chunk `i`
//! covers bytes `i * CHUNK .. (i + 1) * CHUNK` and starts from the previous 32 KiB (the
//! whole deflate window) as a preset dictionary, so its matches may reach back exactly as
//! far as a single stream's. What differs is at the seams only: each chunk ends its last
//! block (an end code, padding to a byte) and the next starts a fresh one, where a single
//! stream would have cut its blocks elsewhere, and no match crosses a seam. On the chromadb
//! layer that is 0.001-0.02% of a file's deflated size (README, "Accuracy").
//!
//! Every path that needs a file's size (one-shot report, explorer, watch stager) gets it
//! from here, so a cached size never depends on which of them computed it. Chunks run on a
//! pool of their own ([`pool`]) rather than on the caller's: a caller's worker that waits
//! for another file's cache flight ([`super::ZipCache::get_or_compute`]) could otherwise
//! hold up the very chunks that flight waits for. Each chunk streams its range through
//! its thread's 128 KiB buffer, so a 500 MB file costs no more memory than a small one.

use std::fs::File;
use std::io;
use std::sync::OnceLock;

use rayon::prelude::*;

use super::{CHUNK, CountingDeflater, FlushCompress, WINDOW, with_deflater, zeros};

/// How many chunks a file of `len` bytes is deflated in (one up to [`CHUNK`]).
pub(super) fn count(len: u64) -> u64 {
    len.div_ceil(CHUNK).max(1)
}

/// Deflated bytes of every chunk of `file` (`size` bytes long), summed; not capped at
/// `size` (the caller decides stored or deflated).
pub(super) fn of_file(file: &File, size: u64) -> io::Result<u64> {
    on_pool(|| {
        (0..count(size))
            .into_par_iter()
            .map(|i| with_deflater(|deflater| deflater.feed_chunk(file, i, size)))
            .sum()
    })
}

/// Deflated bytes of every chunk of `bytes`, summed, deflating each for real (no zero chunk
/// is priced: the tests hold the files' sizes against this).
pub(super) fn of_bytes(bytes: &[u8]) -> io::Result<u64> {
    on_pool(|| {
        bytes
            .par_chunks(CHUNK as usize)
            .enumerate()
            .map(|(i, chunk)| {
                let start = i * CHUNK as usize;
                let dictionary = &bytes[start.saturating_sub(WINDOW)..start];
                with_deflater(|deflater| {
                    if !dictionary.is_empty() {
                        deflater.set_dictionary(dictionary)?;
                    }
                    deflater.feed(chunk, FlushCompress::Finish)?;
                    Ok(deflater.total())
                })
            })
            .sum()
    })
}

/// Runs `f` on the chunk pool, or on the calling thread if the pool could not start.
fn on_pool<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    match pool() {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// The `heft-deflate-N` threads, one a core, started on first use. Its threads only ever
/// deflate chunks (they never wait for anything else), so every chunk handed to it ends.
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("heft-deflate-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

impl CountingDeflater {
    /// Deflated bytes of chunk `index` of `file` (`size` bytes), after its dictionary.
    fn feed_chunk(&mut self, file: &File, index: u64, size: u64) -> io::Result<u64> {
        let start = index * CHUNK;
        let end = (start + CHUNK).min(size);
        // Taken for the call and put back whatever it returns, errors included.
        let mut window = std::mem::take(&mut self.window);
        let mut buffer = std::mem::take(&mut self.input);
        let result = self.feed_range(file, start, end, &mut window, &mut buffer);
        self.window = window;
        self.input = buffer;
        result
    }

    /// Deflates bytes `start..end` of `file` after the window before them (read into
    /// `window`), ending the stream; zeros after zeros are priced ([`zeros::zero_chunk`]).
    fn feed_range(
        &mut self,
        file: &File,
        start: u64,
        end: u64,
        window: &mut [u8],
        buffer: &mut [u8],
    ) -> io::Result<u64> {
        let want = usize::try_from(start).map_or(window.len(), |s| s.min(window.len()));
        let got = read_full(file, &mut window[..want], start - want as u64)?;
        let dictionary = &window[..got];
        if dictionary.iter().all(|b| *b == 0) && zeros::is_zero_range(file, start, end, buffer)? {
            return zeros::zero_chunk(end - start, !dictionary.is_empty());
        }
        if !dictionary.is_empty() {
            self.set_dictionary(dictionary)?;
        }
        let mut at = start;
        while at < end {
            let want = usize::try_from(end - at).map_or(buffer.len(), |n| n.min(buffer.len()));
            let read = read_at(file, &mut buffer[..want], at)?;
            if read == 0 {
                // The file shrank since its size was taken: price what was there.
                break;
            }
            self.feed(&buffer[..read], FlushCompress::None)?;
            at += read as u64;
        }
        self.feed(&[], FlushCompress::Finish)?;
        Ok(self.total())
    }
}

/// Reads as much of `buffer` as the file holds at `offset`.
fn read_full(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut got = 0;
    while got < buffer.len() {
        match read_at(file, &mut buffer[got..], offset + got as u64)? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got)
}

/// Reads at `offset` without moving the file position, retrying on interrupts.
#[cfg(unix)]
pub(super) fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    use std::os::unix::fs::FileExt;
    loop {
        match file.read_at(buffer, offset) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            other => return other,
        }
    }
}

#[cfg(not(unix))]
pub(super) fn read_at(_file: &File, _buffer: &mut [u8], _offset: u64) -> io::Result<usize> {
    Err(io::Error::other("positioned reads need unix"))
}

#[cfg(test)]
mod tests;
