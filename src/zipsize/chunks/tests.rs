//! Chunked deflate against one zlib stream, and the chunks' spread over threads.

use std::collections::HashSet;
use std::sync::Mutex;

use super::*;
use crate::zipsize::deflated_size;

/// Varied Python-like text (deflates to about a fifth) and xorshift noise (does not
/// deflate), alternating in runs of a few hundred KiB so seams fall in both.
fn mixed(len: usize) -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut bytes = Vec::with_capacity(len);
    let mut i = 0u64;
    while bytes.len() < len {
        i += 1;
        if i.is_multiple_of(5) {
            for _ in 0..300_000 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                bytes.push(state as u8);
            }
        } else {
            for j in 0..8_000 {
                let line = format!(
                    "    value_{j} = compute({i}, {}) + {}\n",
                    j % 97,
                    j * 31 % 1000
                );
                bytes.extend_from_slice(line.as_bytes());
            }
        }
    }
    bytes.truncate(len);
    bytes
}

/// Deflate-6 size of `bytes` as one raw stream, as zlib gives it without chunks.
fn single_stream(bytes: &[u8]) -> u64 {
    with_deflater(|deflater| {
        deflater.feed(bytes, FlushCompress::Finish)?;
        Ok(deflater.total())
    })
    .unwrap()
}

/// A file of `len` bytes of [`mixed`] in a fresh temp dir (kept alive by the returned guard).
fn mixed_file(len: usize) -> (tempfile::TempDir, std::path::PathBuf, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let bytes = mixed(len);
    let path = dir.path().join("big.so");
    std::fs::write(&path, &bytes).unwrap();
    (dir, path, bytes)
}

#[test]
fn a_chunked_file_deflates_within_a_hundredth_of_a_percent_of_one_stream() {
    let (_dir, path, bytes) = mixed_file(5 * CHUNK as usize + 12_345);
    let chunked = deflated_size(&path).unwrap();
    let single = single_stream(&bytes);
    let off = chunked.abs_diff(single);
    // The layer-level bound is 0.2% against zip; chunking must use up next to none of it.
    assert!(
        off * 10_000 <= single,
        "chunked {chunked}, single stream {single}: {off} bytes apart"
    );
    assert!(single < bytes.len() as u64 * 9 / 10, "the mix deflates");
}

#[test]
fn a_file_and_its_bytes_are_chunked_alike() {
    let (_dir, path, bytes) = mixed_file(2 * CHUNK as usize + 1);
    assert_eq!(
        deflated_size(&path).unwrap(),
        crate::zipsize::deflated_size_of(&bytes)
    );
}

#[test]
fn a_file_up_to_one_chunk_is_one_stream_exactly() {
    let (_dir, path, bytes) = mixed_file(CHUNK as usize);
    assert_eq!(count(CHUNK), 1);
    assert_eq!(deflated_size(&path).unwrap(), single_stream(&bytes));
}

#[test]
fn a_file_over_the_chunk_size_is_deflated_in_several_tasks_on_the_pool() {
    let (_dir, path, bytes) = mixed_file(3 * CHUNK as usize + 1);
    assert_eq!(count(bytes.len() as u64), 4);
    let file = std::fs::File::open(&path).unwrap();
    let seen = Mutex::new(Vec::new());
    let total: u64 = on_pool(|| {
        (0..count(bytes.len() as u64))
            .into_par_iter()
            .map(|i| {
                let name = std::thread::current().name().map(str::to_owned);
                seen.lock().unwrap().push((i, name));
                with_deflater(|d| d.feed_chunk(&file, i, bytes.len() as u64)).unwrap()
            })
            .sum()
    });
    assert_eq!(total, deflated_size(&path).unwrap());
    let seen = seen.into_inner().unwrap();
    let chunks: HashSet<u64> = seen.iter().map(|(i, _)| *i).collect();
    assert_eq!(chunks.len(), 4, "one task a chunk");
    assert!(
        seen.iter().all(|(_, name)| name
            .as_deref()
            .is_some_and(|n| n.starts_with("heft-deflate-"))),
        "chunks run on the deflate pool: {seen:?}"
    );
}
