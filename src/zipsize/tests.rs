//! Tests of the zipped-size estimate against known sizes and real zip writers.

use std::io::Write;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::*;

/// Text that deflates well but not trivially: varied Python-like lines.
fn python_like(lines: usize) -> Vec<u8> {
    let mut text = Vec::new();
    for i in 0..lines {
        writeln!(
            text,
            "def f{i}(x):\n    return x * {} + {}",
            i % 7,
            i * 31 % 1000
        )
        .unwrap();
    }
    text
}

/// Bytes that do not compress: a xorshift stream.
fn noise(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

#[test]
fn a_file_entry_costs_two_headers_their_extra_fields_and_the_name_twice() {
    assert_eq!(entry_overhead(5, false), 30 + 28 + 46 + 24 + 2 * 5);
}

#[test]
fn a_directory_entry_also_pays_for_its_trailing_slash() {
    assert_eq!(entry_overhead(3, true), entry_overhead(4, false));
}

#[test]
fn empty_input_is_stored_as_nothing() {
    assert_eq!(deflated_size_of(b""), 0);
}

#[test]
fn incompressible_bytes_count_as_stored() {
    assert_eq!(deflated_size_of(&noise(5000)), 5000);
}

#[test]
fn deflated_size_matches_what_zip_writer_stores_at_level_six() {
    let data = python_like(3000);
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6));
    let mut writer = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    writer.start_file("a.py", options).unwrap();
    writer.write_all(&data).unwrap();
    let mut archive = ZipArchive::new(writer.finish().unwrap()).unwrap();
    let stored = archive.by_index(0).unwrap().compressed_size();
    assert_eq!(deflated_size_of(&data), stored);
    assert!(
        stored < data.len() as u64 / 3,
        "python-like text should deflate well"
    );
}

/// Holds for C zlib, whose output does not depend on how input is split; zlib-rs's does, by a few bytes.
#[test]
fn a_file_read_in_chunks_deflates_to_the_same_size_as_its_bytes() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut data = python_like(20_000);
    data.extend(noise(300_000));
    let path = dir.path().join("big.bin");
    std::fs::write(&path, &data).unwrap();
    assert!(data.len() > 4 * 128 * 1024, "several read chunks");
    assert_eq!(deflated_size(&path).unwrap(), deflated_size_of(&data));
}

#[test]
fn suffixes_info_zip_never_compresses_count_as_stored() {
    let dir = tempfile::TempDir::new().unwrap();
    let data = python_like(100);
    for (name, stored) in [
        ("a.zip", true),
        ("a.Z", true),
        ("a.ZIP", false),
        ("a.gz", false),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &data).unwrap();
        let size = deflated_size(&path).unwrap();
        assert_eq!(
            size == data.len() as u64,
            stored,
            "{name} stored? size {size}"
        );
    }
}

#[test]
fn a_missing_file_is_an_error() {
    assert!(deflated_size(Path::new("/nonexistent/a.py")).is_err());
}

#[test]
fn a_file_swapped_for_a_fifo_is_an_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("mod.py");
    crate::regular_file::tests::make_fifo(&fifo);
    let error = deflated_size(&fifo).unwrap_err();
    assert!(error.to_string().contains("FIFO"), "{error}");
}
