//! The zero-run pricing against zlib deflating the real bytes.

use std::io::Write;

use super::super::{FlushCompress, with_deflater};
use super::*;

/// What zlib gives for `prefix`, then `zeros` zeros, then `suffix` (no shortcut taken).
fn real_deflate(prefix: &[u8], zeros: u64, suffix: &[u8]) -> u64 {
    static CHUNK: [u8; 1 << 20] = [0; 1 << 20];
    let deflated = with_deflater(|d| {
        d.feed(prefix, FlushCompress::None)?;
        let mut left = zeros;
        while left > 0 {
            let n = left.min(CHUNK.len() as u64) as usize;
            d.feed(&CHUNK[..n], FlushCompress::None)?;
            left -= n as u64;
        }
        d.feed(suffix, FlushCompress::Finish)?;
        Ok(d.total())
    })
    .unwrap();
    deflated.min(prefix.len() as u64 + zeros + suffix.len() as u64)
}

/// Bytes that do not deflate to nothing, ending (and starting) with non-zero bytes.
fn noise(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            // Mostly text with some zeros, never a zero at either end.
            if x.is_multiple_of(11) {
                0
            } else {
                b'a' + (x % 26) as u8
            }
        })
        .enumerate()
        .map(|(i, b)| {
            if (i == 0 || i == len - 1) && b == 0 {
                b'z'
            } else {
                b
            }
        })
        .collect()
}

#[test]
fn a_unit_of_zeros_costs_what_zlib_gives_it() {
    let short = real_deflate(b"", MARGIN, b"");
    let long = real_deflate(b"", MARGIN + UNIT_INPUT, b"");
    assert_eq!(long - short, UNIT_OUTPUT);
}

/// Writes `prefix`, a hole of `hole` bytes, `middle` (data with zeros at both ends), a
/// second hole and `suffix` as a sparse file; returns the path and the file's bytes as
/// (prefix, zeros, suffix) pieces where the zeros join the holes and `middle`'s zero ends.
fn sparse_file(dir: &std::path::Path, name: &str, prefix: &[u8], hole: u64) -> std::path::PathBuf {
    let path = dir.join(name);
    let mut file = std::fs::File::create(&path).unwrap();
    file.write_all(prefix).unwrap();
    file.set_len(prefix.len() as u64 + hole).unwrap();
    path
}

#[test]
fn sparse_files_are_priced_exactly_as_deflating_their_bytes() {
    let dir = tempfile::tempdir().unwrap();
    // Runs just under, at and past the shortcut, with several prefixes and suffixes.
    let cases: [(usize, u64, usize); 6] = [
        (0, MARGIN + UNIT_INPUT - 1, 0),
        (1, MARGIN + UNIT_INPUT, 0),
        (777, MARGIN + UNIT_INPUT + 1, 300),
        (70_000, MARGIN + UNIT_INPUT + 258 * 1000 + 17, 5),
        (3, MARGIN + 2 * UNIT_INPUT + BLOCK_INPUT / 2, 40_000),
        (200_000, MARGIN + 3 * UNIT_INPUT + 123_457, 1),
    ];
    for (i, (prefix_len, zeros, suffix_len)) in cases.into_iter().enumerate() {
        let prefix = noise(prefix_len.max(1), 7 + i as u32);
        let prefix = &prefix[..prefix_len];
        let suffix = noise(suffix_len.max(1), 99 + i as u32);
        let suffix = &suffix[..suffix_len];
        let path = sparse_file(dir.path(), &format!("f{i}"), prefix, zeros);
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        file.write_all(suffix).unwrap();
        drop(file);
        let expected = real_deflate(prefix, zeros, suffix);
        assert_eq!(
            crate::zipsize::deflated_size(&path).unwrap(),
            expected,
            "case {i}: {prefix_len} bytes, {zeros} zeros, {suffix_len} bytes"
        );
    }
}

#[test]
fn zeros_written_as_data_are_priced_like_holes() {
    let dir = tempfile::tempdir().unwrap();
    let zeros = MARGIN + UNIT_INPUT + 4321;
    let prefix = noise(5000, 3);
    let path = dir.path().join("dense");
    let mut file = std::fs::File::create(&path).unwrap();
    file.write_all(&prefix).unwrap();
    let chunk = vec![0u8; 1 << 20];
    let mut left = zeros;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        file.write_all(&chunk[..n]).unwrap();
        left -= n as u64;
    }
    file.write_all(b"tail").unwrap();
    drop(file);
    assert_eq!(
        crate::zipsize::deflated_size(&path).unwrap(),
        real_deflate(&prefix, zeros, b"tail")
    );
}
