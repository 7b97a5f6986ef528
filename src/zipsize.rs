//! The zipped size of files on disk, as `zip -r -6` (Info-ZIP 3.0 on Linux)
//! would produce it: per-entry header bytes and the deflated (or stored) data.
//!
//! A zip deflates each member on its own, so these numbers add up per file,
//! per directory and per distribution; only the 22-byte end record is shared.

mod cache;
mod chunks;
pub mod zeros;

use std::cell::RefCell;
use std::io::{self, Read};
use std::path::Path;

use flate2::{Compress, Compression, FlushCompress, Status};

pub use cache::{FileKey, Scope, ZipCache, cache_home, prune_root_files, root_file_name};

/// Local file header without name or extra field.
const LOCAL_HEADER: u64 = 30;
/// Central directory record without name, extra field or comment.
const CENTRAL_HEADER: u64 = 46;
/// Info-ZIP's local extra fields on Unix: "UT" with mtime and atime (13) and "ux" with 32-bit uid and gid (15).
const LOCAL_EXTRA: u64 = 13 + 15;
/// Info-ZIP's central extra fields on Unix: "UT" with mtime only (9) and the same "ux" (15).
const CENTRAL_EXTRA: u64 = 9 + 15;

/// Bytes of the end of central directory record (no archive comment).
pub const END_OF_CENTRAL_DIRECTORY: u64 = 22;

/// The deflate level `zip -6` and Python's zipfile use.
pub const LEVEL: u32 = 6;

/// Input bytes of one deflate chunk: a file longer than this is deflated as several
/// chunks on several cores ([`chunks`]); up to it, as one stream, exactly as zlib would.
pub const CHUNK: u64 = 4 << 20;

/// Bytes of deflate's window: each chunk starts with this much of the input before it.
const WINDOW: usize = 32 * 1024;

/// Suffixes Info-ZIP stores without trying to compress (its default `-n` list; case-sensitive on Unix).
const STORED_SUFFIXES: [&str; 6] = [".Z", ".zip", ".zoo", ".arc", ".lzh", ".arj"];

/// Bytes a zip of this entry costs besides its data: local header (30 + name) + central directory entry (46 + name) ; directories and files both get entries; plus data descriptor if zip -r uses none (check what `zip -r -6` writes on Linux: Info-ZIP adds extra fields "UT" (timestamp) and "ux" (uid/gid) to each header — measure with `zipinfo -v` and match it).
///
/// `name_len` is the byte length of the path relative to the zip's root
/// without a trailing `/`; a directory's entry adds that `/` itself. Measured
/// with `zipinfo -v` on Info-ZIP 3.0: 28 bytes of local and 24 of central extra
/// fields for files and directories alike, and no data descriptor (the output is
/// seekable). Files over 4 GiB would add zip64 fields; Lambda never sees one.
pub fn entry_overhead(name_len: usize, is_dir: bool) -> u64 {
    let name = name_len as u64 + u64::from(is_dir);
    LOCAL_HEADER + LOCAL_EXTRA + CENTRAL_HEADER + CENTRAL_EXTRA + 2 * name
}

/// Deflate-6 size of one file's bytes (counting sink, no buffer of the output), or stored size if deflate does not shrink it (zip stores then).
///
/// Files with a suffix Info-ZIP never compresses (`.zip`, `.Z` ...) count as stored.
///
/// A file longer than [`CHUNK`] is deflated chunk by chunk on several cores ([`chunks`]);
/// a chunk of zeros (a hole in a sparse file) is priced without deflating it ([`zeros`]), so
/// a 10 GiB sparse file costs about as much as one chunk.
pub fn deflated_size(path: &Path) -> io::Result<u64> {
    let mut file = crate::regular_file::open(path)?;
    let size = file.metadata()?.len();
    if is_stored_by_suffix(path) {
        return Ok(size);
    }
    let deflated = if size > CHUNK {
        chunks::of_file(&file, size)?
    } else {
        with_deflater(|deflater| deflater.feed_reader(&mut file))?
    };
    Ok(deflated.min(size))
}

/// Deflate-6 size of `bytes`, or their length if deflate does not shrink them; chunked
/// beyond [`CHUNK`] as [`deflated_size`] chunks a file.
pub fn deflated_size_of(bytes: &[u8]) -> u64 {
    let deflated = if bytes.len() as u64 > CHUNK {
        chunks::of_bytes(bytes)
    } else {
        with_deflater(|deflater| {
            deflater.feed(bytes, FlushCompress::Finish)?;
            Ok(deflater.total())
        })
    };
    // Compressing into a scratch buffer cannot fail; if it did, stored is the safe answer.
    deflated.map_or(bytes.len() as u64, |size| size.min(bytes.len() as u64))
}

/// Whether Info-ZIP stores a file of this name without trying deflate.
pub fn is_stored_by_suffix(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    STORED_SUFFIXES.iter().any(|suffix| name.ends_with(suffix))
}

/// A raw deflate stream whose output is counted and thrown away.
struct CountingDeflater {
    compress: Compress,
    input: Box<[u8]>,
    output: Box<[u8]>,
    /// A chunk's dictionary: the window of input before it.
    window: Box<[u8]>,
}

impl CountingDeflater {
    fn new() -> Self {
        Self {
            compress: Compress::new(Compression::new(LEVEL), false),
            input: vec![0u8; 128 * 1024].into_boxed_slice(),
            output: vec![0u8; 64 * 1024].into_boxed_slice(),
            window: vec![0u8; WINDOW].into_boxed_slice(),
        }
    }

    /// Compresses everything `reader` yields; returns the deflated size.
    fn feed_reader(&mut self, reader: &mut impl Read) -> io::Result<u64> {
        let mut input = std::mem::take(&mut self.input);
        let result = loop {
            let read = match reader.read(&mut input) {
                Ok(0) => break self.feed(&[], FlushCompress::Finish),
                Ok(read) => read,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => break Err(e),
            };
            if let Err(e) = self.feed(&input[..read], FlushCompress::None) {
                break Err(e);
            }
        };
        self.input = input;
        result.map(|()| self.total())
    }

    /// Starts the stream with `dictionary` as the input before it (a chunk's predecessor).
    fn set_dictionary(&mut self, dictionary: &[u8]) -> io::Result<()> {
        self.compress
            .set_dictionary(dictionary)
            .map(drop)
            .map_err(io::Error::other)
    }

    /// Compresses all of `input`; with `Finish`, also ends the stream.
    fn feed(&mut self, mut input: &[u8], flush: FlushCompress) -> io::Result<()> {
        let finish = matches!(flush, FlushCompress::Finish);
        loop {
            let (in_before, out_before) = (self.compress.total_in(), self.compress.total_out());
            let status = self
                .compress
                .compress(input, &mut self.output, flush)
                .map_err(io::Error::other)?;
            let consumed = (self.compress.total_in() - in_before) as usize;
            input = &input[consumed..];
            if (finish && status == Status::StreamEnd) || (!finish && input.is_empty()) {
                return Ok(());
            }
            if consumed == 0 && self.compress.total_out() == out_before {
                return Err(io::Error::other("deflate made no progress"));
            }
        }
    }

    fn total(&self) -> u64 {
        self.compress.total_out()
    }
}

thread_local! {
    // One deflate state per thread: allocating zlib's ~270 KB state per file
    // costs more than compressing a small file.
    static DEFLATER: RefCell<CountingDeflater> = RefCell::new(CountingDeflater::new());
}

/// Runs `f` on this thread's deflater, reset to a fresh stream before and after.
fn with_deflater<T>(f: impl FnOnce(&mut CountingDeflater) -> io::Result<T>) -> io::Result<T> {
    DEFLATER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut deflater) => {
            deflater.compress.reset();
            let result = f(&mut deflater);
            deflater.compress.reset();
            result
        }
        // Only reachable if `f` re-enters; a private deflater keeps that correct.
        Err(_) => f(&mut CountingDeflater::new()),
    })
}

#[cfg(test)]
mod tests;
