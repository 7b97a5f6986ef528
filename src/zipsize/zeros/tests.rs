//! The pricing of zero chunks against zlib deflating the real bytes, chunk by chunk.

use std::io::Write;

use super::super::{CHUNK, deflated_size, deflated_size_of};
use super::*;

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

/// Writes `prefix`, a hole of `hole` bytes and `suffix` as a sparse file; returns its path.
fn sparse_file(
    dir: &std::path::Path,
    name: &str,
    prefix: &[u8],
    hole: u64,
    suffix: &[u8],
) -> std::path::PathBuf {
    let path = dir.join(name);
    let mut file = std::fs::File::create(&path).unwrap();
    file.write_all(prefix).unwrap();
    file.set_len(prefix.len() as u64 + hole).unwrap();
    drop(file);
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    file.write_all(suffix).unwrap();
    path
}

#[test]
fn sparse_files_are_priced_exactly_as_deflating_their_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let chunk = CHUNK as usize;
    // Holes that start and end inside chunks, at seams and a window past them.
    let cases: [(usize, u64, usize); 5] = [
        (0, 2 * CHUNK + 5, 0),
        (777, 3 * CHUNK, 300),
        (chunk - 10, CHUNK + 40_000, 5),
        (chunk + 32 * 1024, 2 * CHUNK - 32 * 1024, 1),
        (70_000, CHUNK + 123_457, chunk / 2),
    ];
    for (i, (prefix_len, hole, suffix_len)) in cases.into_iter().enumerate() {
        let prefix = noise(prefix_len.max(1), 7 + i as u32);
        let suffix = noise(suffix_len.max(1), 99 + i as u32);
        let (prefix, suffix) = (&prefix[..prefix_len], &suffix[..suffix_len]);
        let path = sparse_file(dir.path(), &format!("f{i}"), prefix, hole, suffix);
        let mut bytes = prefix.to_vec();
        bytes.resize(prefix_len + hole as usize, 0);
        bytes.extend_from_slice(suffix);
        assert_eq!(
            deflated_size(&path).unwrap(),
            deflated_size_of(&bytes),
            "case {i}: {prefix_len} bytes, {hole} zeros, {suffix_len} bytes"
        );
    }
}

#[test]
fn zeros_written_as_data_are_priced_like_holes() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = noise(5000, 3);
    bytes.resize(5000 + 3 * CHUNK as usize + 4321, 0);
    bytes.extend_from_slice(b"tail");
    let path = dir.path().join("dense");
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(deflated_size(&path).unwrap(), deflated_size_of(&bytes));
}

#[test]
fn a_huge_sparse_file_costs_its_chunks_of_zeros_once_each() {
    let dir = tempfile::tempdir().unwrap();
    let chunks = 2000;
    let path = sparse_file(dir.path(), "huge", b"", chunks * CHUNK, b"");
    let expected =
        zero_chunk(CHUNK, false).unwrap() + (chunks - 1) * zero_chunk(CHUNK, true).unwrap();
    assert_eq!(deflated_size(&path).unwrap(), expected);
}
