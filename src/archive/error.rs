//! Why an archive could not be read, and how zip's own errors map onto that.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use zip::result::ZipError;

use super::safety::{MAX_WANTED_SIZE, MAX_WANTED_TOTAL};
use crate::regular_file::FileError;

/// Why an archive could not be read; every variant names the archive.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// The file could not be opened or read.
    #[error("{}: cannot read archive", path.display())]
    Io {
        /// The archive.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// No end of central directory record and no zip signature at the start.
    #[error("{}: not a zip archive (no end of central directory record)", path.display())]
    NotZip {
        /// The archive.
        path: PathBuf,
    },
    /// The file starts like a zip but its end is missing.
    #[error("{}: truncated zip archive ({detail})", path.display())]
    Truncated {
        /// The archive.
        path: PathBuf,
        /// What is missing.
        detail: String,
    },
    /// The central directory or a member's data does not decode.
    #[error("{}: corrupt zip archive: {detail}", path.display())]
    Corrupt {
        /// The archive.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// Declared sizes or overlapping members that no real bundle has.
    #[error("{}: refusing a likely zip bomb: {reason}", path.display())]
    Bomb {
        /// The archive.
        path: PathBuf,
        /// Which limit was crossed.
        reason: String,
    },
    /// A member is encrypted; Lambda and pip cannot use it either.
    #[error("{}: member {member} is encrypted", path.display())]
    Encrypted {
        /// The archive.
        path: PathBuf,
        /// The encrypted member.
        member: String,
    },
    /// A wanted member uses a compression method heft cannot decode.
    #[error("{}: member {member} uses unsupported compression method {method}", path.display())]
    UnsupportedCompression {
        /// The archive.
        path: PathBuf,
        /// The member heft wanted to read.
        member: String,
        /// The method's name or number.
        method: String,
    },
    /// A member name escapes the extraction directory.
    #[error("{}: member name {member:?} escapes the extraction directory", path.display())]
    UnsafeName {
        /// The archive.
        path: PathBuf,
        /// The offending name.
        member: String,
    },
    /// Two members share one name, so what an extractor keeps is ambiguous.
    #[error("{}: two or more members share one name", path.display())]
    DuplicateName {
        /// The archive.
        path: PathBuf,
    },
    /// A wanted member is larger than heft will hold in memory.
    #[error("{}: member {member} is {size} bytes, over the {MAX_WANTED_SIZE}-byte limit for metadata", path.display())]
    WantedTooLarge {
        /// The archive.
        path: PathBuf,
        /// The member heft wanted to read.
        member: String,
        /// Its size (declared, or as far as it was read).
        size: u64,
    },
    /// The wanted members together would inflate past what heft holds for one archive.
    #[error("{}: metadata members inflate to more than {MAX_WANTED_TOTAL} bytes in all (at {member})", path.display())]
    WantedTotalTooLarge {
        /// The archive.
        path: PathBuf,
        /// The member that crossed the limit.
        member: String,
    },
    /// The archive is not a regular file (a FIFO, a device) or could not be opened.
    #[error(transparent)]
    NotReadable(#[from] FileError),
}

/// The error for a wanted member whose bytes could not be decoded or read.
pub(super) fn member_error(path: &Path, member: &str, error: io::Error) -> ArchiveError {
    if is_bad_data(error.kind()) {
        ArchiveError::Corrupt {
            path: path.to_owned(),
            detail: format!("member {member}: {error}"),
        }
    } else {
        ArchiveError::Io {
            path: path.to_owned(),
            source: error,
        }
    }
}

/// Whether a read error means the member's bytes are wrong rather than unreadable.
fn is_bad_data(kind: io::ErrorKind) -> bool {
    use io::ErrorKind::{InvalidData, InvalidInput, Other, UnexpectedEof};
    matches!(kind, InvalidData | InvalidInput | UnexpectedEof | Other)
}

/// Turns zip's refusal to open a file into the most telling error.
pub(super) fn open_error(path: &Path, file: &File, error: ZipError) -> ArchiveError {
    let path = path.to_owned();
    let error = match error {
        ZipError::Io(source) if !is_bad_data(source.kind()) => {
            return ArchiveError::Io { path, source };
        }
        other => other,
    };
    let sniff = match sniff(file) {
        Ok(sniff) => sniff,
        Err(source) => return ArchiveError::Io { path, source },
    };
    match (sniff.has_end_record, sniff.starts_like_zip, error) {
        (false, false, _) => ArchiveError::NotZip { path },
        (false, true, _) => ArchiveError::Truncated {
            path,
            detail: "it starts like a zip but has no end of central directory record".to_owned(),
        },
        (true, _, ZipError::Io(e)) if e.kind() == io::ErrorKind::UnexpectedEof => {
            ArchiveError::Truncated {
                path,
                detail: "the central directory runs past the end of the file".to_owned(),
            }
        }
        (true, _, other) => ArchiveError::Corrupt {
            path,
            detail: other.to_string(),
        },
    }
}

/// Bytes of an end of central directory record without its comment.
const END_RECORD: usize = 22;

/// What the first and last bytes of a file say about it being a zip.
struct Sniff {
    has_end_record: bool,
    starts_like_zip: bool,
}

fn sniff(file: &File) -> io::Result<Sniff> {
    // The end record is 22 bytes plus a comment of at most 64 KiB.
    const TAIL: u64 = END_RECORD as u64 + 0xFFFF;
    let mut reader = file;
    let mut head = [0u8; 4];
    reader.seek(SeekFrom::Start(0))?;
    let head_len = reader.read(&mut head)?;
    let len = reader.seek(SeekFrom::End(0))?;
    reader.seek(SeekFrom::Start(len.saturating_sub(TAIL)))?;
    let mut tail = Vec::new();
    reader.read_to_end(&mut tail)?;
    // A signature too close to the end is the start of a record cut short.
    let complete = tail.len().saturating_sub(END_RECORD - 4);
    Ok(Sniff {
        has_end_record: tail[..complete].windows(4).any(|w| w == b"PK\x05\x06"),
        starts_like_zip: head_len == 4 && head == *b"PK\x03\x04",
    })
}
