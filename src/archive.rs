//! Reading a `.whl` or `.zip` without extracting it: every member's sizes and
//! header bytes from the central directory, and the contents of the few small
//! packaging files heft parses.
//!
//! An archive is refused whole when a member name escapes the extraction
//! directory, a member is encrypted, members overlap, names repeat, or the
//! declared sizes look like a bomb (see [`safety`] for the thresholds). A
//! member with a compression method heft cannot decode (bzip2, lzma, zstd ...)
//! is refused only when its contents are wanted: for every other member the
//! central directory already gives the sizes heft needs.

mod error;
mod headers;
pub mod safety;
pub mod wheel;

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use zip::ZipArchive;

use crate::regular_file;

use headers::{CentralRecord, LayoutError, Span};
use safety::{Declared, MAX_WANTED_SIZE, MAX_WANTED_TOTAL};

pub use error::ArchiveError;
pub use wheel::{InstallPlace, WheelName, parse_wheel_filename, wheel_install_place};

/// One member of an archive, as its central directory describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveEntry {
    /// Raw name bytes as stored (directories end in `/`).
    pub name: Vec<u8>,
    /// Whether the member is a directory entry.
    pub is_dir: bool,
    /// Uncompressed bytes.
    pub size: u64,
    /// Compressed bytes as stored in the archive.
    pub compressed: u64,
    /// This entry's local header (with data descriptor) and central directory record bytes.
    pub overhead: u64,
}

impl ArchiveEntry {
    /// The name as text, with invalid UTF-8 replaced.
    pub fn name_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.name)
    }
}

/// What heft knows about one archive after reading it.
#[derive(Clone, Debug)]
pub struct Archive {
    /// The archive's path, as given.
    pub path: PathBuf,
    /// Bytes of the archive file.
    pub file_size: u64,
    /// Disk usage of the archive file (blocks * 512, as `du` counts it).
    pub disk_bytes: u64,
    /// Every member in central directory order.
    pub entries: Vec<ArchiveEntry>,
    /// Decompressed contents of the wanted members, by entry name.
    pub texts: Vec<(String, Vec<u8>)>,
}

/// The packaging files heft parses: `*.dist-info/METADATA` and `RECORD`,
/// `*.egg-info/PKG-INFO`, `requires.txt` and `installed-files.txt`.
pub fn is_packaging_metadata(name: &str) -> bool {
    let Some((dir, file)) = name.rsplit_once('/') else {
        return false;
    };
    let dir = dir.rsplit('/').next().unwrap_or(dir);
    if dir.ends_with(".dist-info") {
        matches!(file, "METADATA" | "RECORD")
    } else if dir.ends_with(".egg-info") {
        matches!(file, "PKG-INFO" | "requires.txt" | "installed-files.txt")
    } else {
        false
    }
}

/// Reads the central directory only (zip's `ZipArchive::new` and `by_index_data`, no seek per member), and decompresses only members for which `want(name)` is true.
///
/// heft passes [`is_packaging_metadata`]. Local header sizes come from the
/// gaps between members (see `headers`), so the only reads besides the central
/// directory are the wanted members themselves.
pub fn read_archive(path: &Path, want: &dyn Fn(&str) -> bool) -> Result<Archive, ArchiveError> {
    let io_error = |source| ArchiveError::Io {
        path: path.to_owned(),
        source,
    };
    let file = regular_file::open(path).map_err(|e| match e {
        regular_file::FileError::Io { path, source } => ArchiveError::Io { path, source },
        other => ArchiveError::NotReadable(other),
    })?;
    let meta = file.metadata().map_err(io_error)?;
    let file_size = meta.len();
    let disk_bytes = disk_usage(&meta);
    let mut zip =
        ZipArchive::new(BufReader::new(&file)).map_err(|e| error::open_error(path, &file, e))?;
    if zip.has_duplicate_names() {
        return Err(ArchiveError::DuplicateName {
            path: path.to_owned(),
        });
    }
    let members = list_members(path, &zip, &file)?;
    check_members(path, &members)?;
    let texts = read_texts(path, &mut zip, &members, want)?;
    let entries = members.into_iter().map(|member| member.entry).collect();
    Ok(Archive {
        path: path.to_owned(),
        file_size,
        disk_bytes,
        entries,
        texts,
    })
}

#[cfg(unix)]
fn disk_usage(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::blocks(meta).saturating_mul(512)
}

#[cfg(not(unix))]
fn disk_usage(meta: &std::fs::Metadata) -> u64 {
    meta.len()
}

/// An entry with the raw facts the checks need.
struct Member {
    entry: ArchiveEntry,
    flags: u16,
    method: u16,
}

impl Member {
    fn is_encrypted(&self) -> bool {
        self.flags & 1 != 0
    }
}

fn list_members(
    path: &Path,
    zip: &ZipArchive<BufReader<&File>>,
    file: &File,
) -> Result<Vec<Member>, ArchiveError> {
    let corrupt = |detail: String| ArchiveError::Corrupt {
        path: path.to_owned(),
        detail,
    };
    let mut spans = Vec::with_capacity(zip.len());
    let mut sizes = Vec::with_capacity(zip.len());
    let mut starts = Vec::with_capacity(zip.len());
    for index in 0..zip.len() {
        let data = zip
            .by_index_data(index)
            .map_err(|e| corrupt(e.to_string()))?;
        spans.push(Span {
            header_start: data.header_start(),
            compressed: data.compressed_size(),
        });
        sizes.push(data.size());
        starts.push(data.central_header_start());
    }
    let records = headers::read_central_records(file, &starts)
        .map_err(|source| ArchiveError::Io {
            path: path.to_owned(),
            source,
        })?
        .ok_or_else(|| corrupt("a central directory record does not decode".to_owned()))?;
    let directory_start = starts
        .iter()
        .copied()
        .min()
        .unwrap_or(zip.central_directory_start());
    let locals = headers::local_header_sizes(file, &spans, &records, directory_start)
        .map_err(|e| layout_error(path, &records, e))?;
    Ok(records
        .into_iter()
        .zip(spans)
        .zip(sizes.into_iter().zip(locals))
        .map(|((record, span), (size, local))| member(record, span, size, local))
        .collect())
}

fn member(record: CentralRecord, span: Span, size: u64, local: u64) -> Member {
    let entry = ArchiveEntry {
        is_dir: record.name.ends_with(b"/"),
        name: record.name,
        size,
        compressed: span.compressed,
        overhead: local + record.len,
    };
    Member {
        entry,
        flags: record.flags,
        method: record.method,
    }
}

fn layout_error(path: &Path, records: &[CentralRecord], error: LayoutError) -> ArchiveError {
    match error {
        LayoutError::Overlap(index) => ArchiveError::Bomb {
            path: path.to_owned(),
            reason: format!(
                "member {} overlaps the next member",
                String::from_utf8_lossy(&records[index].name)
            ),
        },
        LayoutError::Io(source) => ArchiveError::Io {
            path: path.to_owned(),
            source,
        },
    }
}

fn check_members(path: &Path, members: &[Member]) -> Result<(), ArchiveError> {
    let path = path.to_owned();
    if let Some(bad) = members
        .iter()
        .find(|m| safety::is_unsafe_name(&m.entry.name))
    {
        return Err(ArchiveError::UnsafeName {
            path,
            member: bad.entry.name_lossy().into_owned(),
        });
    }
    if let Some(locked) = members.iter().find(|m| m.is_encrypted()) {
        return Err(ArchiveError::Encrypted {
            path,
            member: locked.entry.name_lossy().into_owned(),
        });
    }
    let declared = members.iter().map(|m| {
        let sizes = Declared {
            size: m.entry.size,
            compressed: m.entry.compressed,
        };
        (m.entry.name_lossy().into_owned(), sizes)
    });
    match safety::bomb_reason(declared) {
        Some(reason) => Err(ArchiveError::Bomb { path, reason }),
        None => Ok(()),
    }
}

fn read_texts(
    path: &Path,
    zip: &mut ZipArchive<BufReader<&File>>,
    members: &[Member],
    want: &dyn Fn(&str) -> bool,
) -> Result<Vec<(String, Vec<u8>)>, ArchiveError> {
    let mut texts = Vec::new();
    // Declared sizes may lie, so the budget is charged with what actually inflates.
    let mut budget = MAX_WANTED_TOTAL;
    for (index, member) in members.iter().enumerate() {
        let name = member.entry.name_lossy();
        if member.entry.is_dir || !want(&name) {
            continue;
        }
        let over_total = || ArchiveError::WantedTotalTooLarge {
            path: path.to_owned(),
            member: name.clone().into_owned(),
        };
        if member.entry.size > budget && member.entry.size <= MAX_WANTED_SIZE {
            return Err(over_total());
        }
        let bytes = read_text(path, zip, index, member, budget)?.ok_or_else(over_total)?;
        budget -= bytes.len() as u64;
        texts.push((name.into_owned(), bytes));
    }
    Ok(texts)
}

/// A wanted member's bytes, or `None` when it inflates past `budget` (what is left of the
/// archive's total).
fn read_text(
    path: &Path,
    zip: &mut ZipArchive<BufReader<&File>>,
    index: usize,
    member: &Member,
    budget: u64,
) -> Result<Option<Vec<u8>>, ArchiveError> {
    let name = member.entry.name_lossy().into_owned();
    if !matches!(member.method, 0 | 8) {
        let method = method_name(member.method);
        return Err(ArchiveError::UnsupportedCompression {
            path: path.to_owned(),
            member: name,
            method,
        });
    }
    let too_large = |size| ArchiveError::WantedTooLarge {
        path: path.to_owned(),
        member: name.clone(),
        size,
    };
    if member.entry.size > MAX_WANTED_SIZE {
        return Err(too_large(member.entry.size));
    }
    let reader = zip
        .by_index(index)
        .map_err(|e| error::member_error(path, &name, e.into()))?;
    let limit = MAX_WANTED_SIZE.min(budget);
    let mut bytes = Vec::with_capacity(member.entry.size.min(limit) as usize);
    // The declared size may lie; never hold more than the limit.
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| error::member_error(path, &name, e))?;
    if bytes.len() as u64 > MAX_WANTED_SIZE {
        return Err(too_large(bytes.len() as u64));
    }
    Ok((bytes.len() as u64 <= budget).then_some(bytes))
}

fn method_name(method: u16) -> String {
    let name = match method {
        9 => "deflate64",
        12 => "bzip2",
        14 => "lzma",
        93 => "zstd",
        95 => "xz",
        98 => "ppmd",
        99 => "aes",
        _ => return format!("#{method}"),
    };
    format!("{name} (#{method})")
}

#[cfg(test)]
mod tests;
