//! Header bytes of each member, read raw: the central directory record as
//! stored (name, flags, method) and the local header measured from the gaps
//! between members, so no member needs a seek of its own.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

const CENTRAL_SIGNATURE: [u8; 4] = *b"PK\x01\x02";
const CENTRAL_FIXED: usize = 46;
const LOCAL_FIXED: u64 = 30;
/// Largest data descriptor: signature, CRC and two zip64 sizes.
const MAX_DESCRIPTOR: u64 = 24;
/// General purpose flag bit 3: sizes follow the data in a descriptor.
const HAS_DESCRIPTOR: u16 = 1 << 3;

/// One central directory record as stored.
#[derive(Clone, Debug)]
pub struct CentralRecord {
    /// General purpose bit flags.
    pub flags: u16,
    /// Compression method number (0 stored, 8 deflate, ...).
    pub method: u16,
    /// Name bytes as stored (before any Unicode Path extra field).
    pub name: Vec<u8>,
    /// Bytes of the whole record: 46 + name + extra field + comment.
    pub len: u64,
}

/// Where one member sits in the file, from the central directory.
#[derive(Clone, Copy, Debug)]
pub struct Span {
    /// Offset of the local header.
    pub header_start: u64,
    /// Compressed data bytes.
    pub compressed: u64,
}

/// Why local header sizes could not be measured.
#[derive(Debug)]
pub enum LayoutError {
    /// Member `index`'s data runs into the next member's header.
    Overlap(usize),
    /// The file could not be read.
    Io(io::Error),
}

/// Most central directory bytes heft reads: about two million members.
const MAX_CENTRAL_DIRECTORY: u64 = 256 << 20;

/// Reads the central records that start at `starts` (absolute offsets), or `None` if one is malformed.
pub fn read_central_records(file: &File, starts: &[u64]) -> io::Result<Option<Vec<CentralRecord>>> {
    let Some(&first) = starts.iter().min() else {
        return Ok(Some(Vec::new()));
    };
    let mut directory = Vec::new();
    let mut reader = file;
    reader.seek(SeekFrom::Start(first))?;
    // A lying offset could start the "directory" at the top of a huge file; records past
    // the cap do not decode and the archive is refused as corrupt.
    reader
        .take(MAX_CENTRAL_DIRECTORY)
        .read_to_end(&mut directory)?;
    Ok(starts
        .iter()
        .map(|&start| {
            usize::try_from(start - first)
                .ok()
                .and_then(|at| parse_record(&directory, at))
        })
        .collect())
}

fn parse_record(directory: &[u8], at: usize) -> Option<CentralRecord> {
    let fixed = directory.get(at..at.checked_add(CENTRAL_FIXED)?)?;
    if fixed[..4] != CENTRAL_SIGNATURE {
        return None;
    }
    let u16_at = |i: usize| u16::from_le_bytes([fixed[i], fixed[i + 1]]);
    let name_len = usize::from(u16_at(28));
    let variable = name_len + usize::from(u16_at(30)) + usize::from(u16_at(32));
    let name_start = at + CENTRAL_FIXED;
    let name = directory.get(name_start..name_start + name_len)?.to_vec();
    directory.get(name_start..name_start + variable)?;
    Some(CentralRecord {
        flags: u16_at(8),
        method: u16_at(10),
        name,
        len: (CENTRAL_FIXED + variable) as u64,
    })
}

/// Bytes of each member's local header plus its data descriptor, in `spans` order.
///
/// Members are laid end to end, so the gap from one local header to the next
/// (or to the central directory) minus the data is exactly that. A gap too
/// big for any header means junk between members; then the header is read.
pub fn local_header_sizes(
    file: &File,
    spans: &[Span],
    records: &[CentralRecord],
    directory_start: u64,
) -> Result<Vec<u64>, LayoutError> {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| spans[i].header_start);
    let mut sizes = vec![0; spans.len()];
    for (k, &i) in order.iter().enumerate() {
        let end = order
            .get(k + 1)
            .map_or(directory_start, |&next| spans[next].header_start);
        let name_len = records[i].name.len() as u64;
        let least = spans[i].header_start + LOCAL_FIXED + name_len + spans[i].compressed;
        let gap = end.checked_sub(least).ok_or(LayoutError::Overlap(i))?;
        sizes[i] = if gap <= u64::from(u16::MAX) + MAX_DESCRIPTOR {
            LOCAL_FIXED + name_len + gap
        } else {
            read_local_header_size(file, spans[i].header_start, records[i].flags)
                .map_err(LayoutError::Io)?
        };
    }
    Ok(sizes)
}

fn read_local_header_size(file: &File, header_start: u64, flags: u16) -> io::Result<u64> {
    let mut fixed = [0u8; LOCAL_FIXED as usize];
    let mut reader = file;
    reader.seek(SeekFrom::Start(header_start))?;
    reader.read_exact(&mut fixed)?;
    let name_len = u16::from_le_bytes([fixed[26], fixed[27]]);
    let extra_len = u16::from_le_bytes([fixed[28], fixed[29]]);
    // Without the gap we cannot tell a zip64 descriptor; 16 bytes is the common one.
    let descriptor = if flags & HAS_DESCRIPTOR == 0 { 0 } else { 16 };
    Ok(LOCAL_FIXED + u64::from(name_len) + u64::from(extra_len) + descriptor)
}
