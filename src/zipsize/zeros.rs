//! Long runs of zeros (holes in sparse files, zero-filled regions) priced without deflating
//! every byte, to the exact byte zlib would give.
//!
//! Why this is exact. Inside a long run of zeros, zlib level 6 (`deflate_slow`, memLevel 8)
//! emits the same symbol again and again: a 258-byte match at distance 1 (the hash chain's
//! head is always the previous position, its match is the longest possible, and the search
//! stops there). It ends a block every 16,383 symbols (`sym_end = lit_bufsize - 1`), so a
//! block that lies wholly inside the run holds exactly those 16,383 symbols and always takes
//! the same number of bits. Removing `n * 258` zeros from the middle of a long run removes
//! `n` of those symbols and nothing else: what comes before and after sees the same window
//! (the run is far longer than the 32 KiB window) and the same block phase when `n` is a
//! multiple of 16,383. Removing [`UNIT_BLOCKS`] blocks at once removes a whole number of
//! bytes ([`UNIT_OUTPUT`]) from the compressed stream, since the blocks are bit-packed.
//! So a run is shortened by whole units down to at most [`MARGIN`] + one unit, the rest is
//! deflated for real, and each unit taken out adds [`UNIT_OUTPUT`] bytes. The tests compare
//! this against deflating the real bytes for runs of many lengths and offsets.

use std::fs::File;
use std::io;

/// Symbols in a full block: zlib flushes a block when its symbol buffer (16,384 entries at
/// memLevel 8) holds 16,383.
const BLOCK_SYMBOLS: u64 = 16_383;
/// Input bytes of one full block inside a zero run: every symbol is a 258-byte match.
pub const BLOCK_INPUT: u64 = BLOCK_SYMBOLS * 258;
/// Blocks taken out at a time: a block is 32,866 bits (2 more than whole bytes), so four
/// add up to a whole number of bytes.
pub const UNIT_BLOCKS: u64 = 4;
/// Input bytes of one unit.
pub const UNIT_INPUT: u64 = UNIT_BLOCKS * BLOCK_INPUT;
/// Deflated bytes of one unit (measured from zlib and checked by a test).
pub const UNIT_OUTPUT: u64 = 16_433;
/// Zeros always deflated for real in a shortened run: two full blocks (so the rest of the
/// run keeps a block boundary in its steady part) plus two windows of warm-up.
pub const MARGIN: u64 = 2 * BLOCK_INPUT + 64 * 1024;

/// How many units of a run of `zeros` are priced instead of deflated.
pub fn skippable_units(zeros: u64) -> u64 {
    if zeros >= MARGIN + UNIT_INPUT {
        (zeros - MARGIN) / UNIT_INPUT
    } else {
        0
    }
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
