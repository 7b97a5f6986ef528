//! Tests of [`read_archive`] against archives written in code and patched by hand.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::*;
use crate::zipsize;

const METADATA: &[u8] = b"Metadata-Version: 2.1\nName: foo\nVersion: 1.0\n\n";
const RECORD: &[u8] = b"foo/__init__.py,sha256=x,12\nfoo-1.0.dist-info/RECORD,,\n";

/// A wheel with a package, `.data/purelib` and `.data/scripts` members, and metadata.
const WHEEL: &[(&str, &[u8])] = &[
    ("foo/", b""),
    ("foo/__init__.py", b"print('hi')\n"),
    ("foo-1.0.data/purelib/bar.py", b"x = 1\n"),
    ("foo-1.0.data/scripts/foo-cli", b"#!python\nimport foo\n"),
    ("foo-1.0.dist-info/METADATA", METADATA),
    ("foo-1.0.dist-info/RECORD", RECORD),
];

fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)
}

/// Writes `members` (names ending in `/` become directories) with `ZipWriter`.
fn zip_bytes(members: &[(&str, &[u8])], options: SimpleFileOptions) -> Vec<u8> {
    let mut writer = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in members {
        if name.ends_with('/') {
            writer.add_directory(*name, options).unwrap();
        } else {
            writer.start_file(*name, options).unwrap();
            writer.write_all(data).unwrap();
        }
    }
    writer.finish().unwrap().into_inner()
}

fn write_file(dir: &TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn read_all(path: &Path) -> Result<Archive, ArchiveError> {
    read_archive(path, &is_packaging_metadata)
}

/// Replaces every occurrence of `from` by `to` (same length): names appear in both headers.
fn patch_all(bytes: &mut [u8], from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut found = false;
    for at in 0..=bytes.len() - from.len() {
        if &bytes[at..at + from.len()] == from {
            bytes[at..at + from.len()].copy_from_slice(to);
            found = true;
        }
    }
    assert!(found, "{from:?} not in the archive");
}

/// Offsets of every record with this signature.
fn records(bytes: &[u8], signature: [u8; 4]) -> Vec<usize> {
    (0..bytes.len() - 3)
        .filter(|&at| bytes[at..at + 4] == signature)
        .collect()
}

fn central_records(bytes: &[u8]) -> Vec<usize> {
    records(bytes, *b"PK\x01\x02")
}

fn set_u32(bytes: &mut [u8], at: usize, value: u32) {
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

#[test]
fn a_wheel_lists_every_member_with_its_sizes_in_order() {
    let dir = TempDir::new().unwrap();
    let path = write_file(
        &dir,
        "foo-1.0-py3-none-any.whl",
        &zip_bytes(WHEEL, deflated()),
    );
    let archive = read_all(&path).unwrap();
    let names: Vec<_> = archive
        .entries
        .iter()
        .map(|e| e.name_lossy().into_owned())
        .collect();
    let expected: Vec<_> = WHEEL.iter().map(|(name, _)| (*name).to_owned()).collect();
    assert_eq!(names, expected);
    for (entry, (_, data)) in archive.entries.iter().zip(WHEEL) {
        assert_eq!(
            entry.size,
            data.len() as u64,
            "size of {}",
            entry.name_lossy()
        );
        assert_eq!(entry.is_dir, entry.name.ends_with(b"/"));
    }
    assert_eq!(archive.file_size, std::fs::metadata(&path).unwrap().len());
}

#[test]
fn wanted_members_are_decompressed_exactly_and_others_are_not() {
    let dir = TempDir::new().unwrap();
    let path = write_file(&dir, "foo.whl", &zip_bytes(WHEEL, deflated()));
    let archive = read_all(&path).unwrap();
    let expected = vec![
        ("foo-1.0.dist-info/METADATA".to_owned(), METADATA.to_vec()),
        ("foo-1.0.dist-info/RECORD".to_owned(), RECORD.to_vec()),
    ];
    assert_eq!(archive.texts, expected);
}

#[test]
fn wheel_members_map_to_their_install_places() {
    let dir = TempDir::new().unwrap();
    let path = write_file(&dir, "foo.whl", &zip_bytes(WHEEL, deflated()));
    let archive = read_all(&path).unwrap();
    let places: Vec<_> = archive
        .entries
        .iter()
        .map(|e| wheel_install_place(&e.name_lossy()))
        .collect();
    assert_eq!(places[2], InstallPlace::SitePackages("bar.py".to_owned()));
    assert_eq!(places[3], InstallPlace::Scripts("bin/foo-cli".to_owned()));
    assert_eq!(
        places[1],
        InstallPlace::SitePackages("foo/__init__.py".to_owned())
    );
}

/// Every byte of a zip is some member's data or headers, or the end record.
fn assert_bytes_add_up(archive: &Archive, tail: u64) {
    let members: u64 = archive
        .entries
        .iter()
        .map(|e| e.overhead + e.compressed)
        .sum();
    assert_eq!(
        members + tail,
        archive.file_size,
        "members plus end record should be the file"
    );
}

#[test]
fn overheads_and_data_add_up_to_the_file_size() {
    let dir = TempDir::new().unwrap();
    let path = write_file(&dir, "a.zip", &zip_bytes(WHEEL, deflated()));
    assert_bytes_add_up(&read_all(&path).unwrap(), zipsize::END_OF_CENTRAL_DIRECTORY);
}

#[test]
fn zip_writer_entries_cost_bare_headers_and_the_name_twice() {
    let dir = TempDir::new().unwrap();
    let path = write_file(&dir, "a.zip", &zip_bytes(WHEEL, deflated()));
    for entry in read_all(&path).unwrap().entries {
        // ZipWriter writes no extra fields for small members: 30 + 46 bytes of fixed headers.
        assert_eq!(
            entry.overhead,
            76 + 2 * entry.name.len() as u64,
            "{}",
            entry.name_lossy()
        );
    }
}

#[test]
fn an_archive_without_members_reads_as_empty() {
    let dir = TempDir::new().unwrap();
    let archive = read_all(&write_file(&dir, "empty.zip", &zip_bytes(&[], deflated()))).unwrap();
    assert!(archive.entries.is_empty() && archive.texts.is_empty());
    assert_eq!(archive.file_size, zipsize::END_OF_CENTRAL_DIRECTORY);
}

#[test]
fn data_descriptors_count_as_overhead_in_a_streamed_zip() {
    let mut writer = ZipWriter::new_stream(Vec::new());
    for (name, data) in WHEEL.iter().filter(|(name, _)| !name.ends_with('/')) {
        writer.start_file(*name, deflated()).unwrap();
        writer.write_all(data).unwrap();
    }
    let bytes = writer.finish().unwrap().into_inner();
    let dir = TempDir::new().unwrap();
    let archive = read_all(&write_file(&dir, "s.zip", &bytes)).unwrap();
    assert_bytes_add_up(&archive, zipsize::END_OF_CENTRAL_DIRECTORY);
    assert_eq!(
        archive.texts.len(),
        2,
        "streamed metadata should still decompress"
    );
}

#[test]
fn overhead_matches_the_zipsize_formula_for_a_zip_made_by_info_zip() {
    let dir = TempDir::new().unwrap();
    let tree = dir.path().join("tree");
    std::fs::create_dir_all(tree.join("pkg/sub")).unwrap();
    std::fs::write(tree.join("pkg/__init__.py"), "import os\n".repeat(50)).unwrap();
    std::fs::write(tree.join("pkg/sub/empty.txt"), "").unwrap();
    let out = dir.path().join("out.zip");
    let status = Command::new("zip")
        .args(["-r", "-6", "-q"])
        .arg(&out)
        .arg(".")
        .current_dir(&tree)
        .status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("skipping: Info-ZIP `zip` is not installed");
        return;
    }
    let archive = read_all(&out).unwrap();
    assert_eq!(
        archive.entries.len(),
        4,
        "zip -r stores two directories and two files"
    );
    for entry in &archive.entries {
        let name_len = entry.name.len() - usize::from(entry.is_dir);
        let expected = zipsize::entry_overhead(name_len, entry.is_dir);
        assert_eq!(
            entry.overhead,
            expected,
            "overhead of {}",
            entry.name_lossy()
        );
    }
    assert_bytes_add_up(&archive, zipsize::END_OF_CENTRAL_DIRECTORY);
}

#[test]
fn a_file_that_is_not_a_zip_is_refused_as_such() {
    let dir = TempDir::new().unwrap();
    let path = write_file(&dir, "layer.zip", b"just some text, no zip here\n");
    let error = read_all(&path).unwrap_err();
    assert!(matches!(error, ArchiveError::NotZip { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.ends_with("layer.zip: not a zip archive (no end of central directory record)"),
        "{message}"
    );
}

#[test]
fn an_empty_file_is_not_a_zip() {
    let dir = TempDir::new().unwrap();
    let error = read_all(&write_file(&dir, "empty.zip", b"")).unwrap_err();
    assert!(matches!(error, ArchiveError::NotZip { .. }), "{error:?}");
}

#[test]
fn a_zip_cut_short_is_reported_truncated() {
    let bytes = zip_bytes(WHEEL, deflated());
    let dir = TempDir::new().unwrap();
    for keep in [bytes.len() - 10, bytes.len() / 2] {
        let error = read_all(&write_file(&dir, "cut.zip", &bytes[..keep])).unwrap_err();
        assert!(
            matches!(error, ArchiveError::Truncated { .. }),
            "keeping {keep} bytes: {error:?}"
        );
    }
}

#[test]
fn a_damaged_central_directory_is_reported_corrupt() {
    let mut bytes = zip_bytes(WHEEL, deflated());
    let second = central_records(&bytes)[1];
    bytes[second..second + 4].copy_from_slice(b"XXXX");
    let dir = TempDir::new().unwrap();
    let error = read_all(&write_file(&dir, "bad.zip", &bytes)).unwrap_err();
    assert!(matches!(error, ArchiveError::Corrupt { .. }), "{error:?}");
}

#[test]
fn a_wanted_member_with_a_bad_checksum_is_reported_corrupt() {
    let members: &[(&str, &[u8])] = &[("x.dist-info/METADATA", b"Name: x\n")];
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let mut bytes = zip_bytes(members, stored);
    patch_all(&mut bytes, b"Name: x", b"Name: y");
    let dir = TempDir::new().unwrap();
    let error = read_all(&write_file(&dir, "crc.zip", &bytes)).unwrap_err();
    assert!(matches!(error, ArchiveError::Corrupt { .. }), "{error:?}");
}

#[test]
fn names_that_escape_the_target_reject_the_whole_archive() {
    let dir = TempDir::new().unwrap();
    for (placeholder, evil) in [
        ("AAAAAAA", "../evil"),
        ("Aabs", "/abs"),
        ("Aevil", "\\evil"),
        ("AAx", "C:x"),
    ] {
        let members: &[(&str, &[u8])] = &[("ok.txt", b"fine"), (placeholder, b"bad")];
        let mut bytes = zip_bytes(members, deflated());
        patch_all(&mut bytes, placeholder.as_bytes(), evil.as_bytes());
        let error = read_all(&write_file(&dir, "evil.zip", &bytes)).unwrap_err();
        match error {
            ArchiveError::UnsafeName { member, .. } => assert_eq!(member, evil),
            other => panic!("{evil} should be refused, got {other:?}"),
        }
    }
}

#[test]
fn an_encrypted_member_rejects_the_archive() {
    let mut bytes = zip_bytes(WHEEL, deflated());
    for at in records(&bytes, *b"PK\x03\x04").into_iter().skip(1).take(1) {
        bytes[at + 6] |= 1;
    }
    let second = central_records(&bytes)[1];
    bytes[second + 8] |= 1;
    let dir = TempDir::new().unwrap();
    match read_all(&write_file(&dir, "locked.zip", &bytes)).unwrap_err() {
        ArchiveError::Encrypted { member, .. } => assert_eq!(member, "foo/__init__.py"),
        other => panic!("expected Encrypted, got {other:?}"),
    }
}

#[test]
fn a_member_declaring_a_huge_size_is_refused_as_a_bomb() {
    let mut bytes = zip_bytes(WHEEL, deflated());
    let second = central_records(&bytes)[1];
    set_u32(&mut bytes, second + 24, 0xF000_0000);
    let dir = TempDir::new().unwrap();
    let error = read_all(&write_file(&dir, "bomb.zip", &bytes)).unwrap_err();
    assert!(matches!(error, ArchiveError::Bomb { .. }), "{error:?}");
}

#[test]
fn members_sharing_their_data_are_refused_as_a_bomb() {
    let mut bytes = zip_bytes(&[("a", b"same"), ("b", b"same")], deflated());
    let second = central_records(&bytes)[1];
    set_u32(&mut bytes, second + 42, 0);
    let dir = TempDir::new().unwrap();
    let error = read_all(&write_file(&dir, "overlap.zip", &bytes)).unwrap_err();
    assert!(matches!(error, ArchiveError::Bomb { .. }), "{error:?}");
}

#[test]
fn repeated_names_are_refused() {
    let mut bytes = zip_bytes(&[("a/x", b"1"), ("a/y", b"2")], deflated());
    patch_all(&mut bytes, b"a/y", b"a/x");
    let dir = TempDir::new().unwrap();
    let error = read_all(&write_file(&dir, "dup.zip", &bytes)).unwrap_err();
    assert!(
        matches!(error, ArchiveError::DuplicateName { .. }),
        "{error:?}"
    );
}

/// Sets the compression method of the member whose records come `index`-th.
fn set_method(bytes: &mut [u8], index: usize, method: u16) {
    let local = records(bytes, *b"PK\x03\x04")[index];
    bytes[local + 8..local + 10].copy_from_slice(&method.to_le_bytes());
    let central = central_records(bytes)[index];
    bytes[central + 10..central + 12].copy_from_slice(&method.to_le_bytes());
}

#[test]
fn an_unknown_method_fails_only_when_the_member_is_wanted() {
    let mut bytes = zip_bytes(WHEEL, deflated());
    set_method(&mut bytes, 1, 12);
    let dir = TempDir::new().unwrap();
    let path = write_file(&dir, "bz.zip", &bytes);
    let archive = read_all(&path).unwrap();
    assert_eq!(
        archive.entries[1].size, 12,
        "sizes come from the directory alone"
    );
    set_method(&mut bytes, 4, 12);
    let path = write_file(&dir, "bz.zip", &bytes);
    match read_all(&path).unwrap_err() {
        ArchiveError::UnsupportedCompression { member, method, .. } => {
            assert_eq!(member, "foo-1.0.dist-info/METADATA");
            assert_eq!(method, "bzip2 (#12)");
        }
        other => panic!("expected UnsupportedCompression, got {other:?}"),
    }
}

#[test]
fn a_wanted_member_over_the_limit_is_not_read() {
    let mut bytes = zip_bytes(WHEEL, deflated());
    let metadata = central_records(&bytes)[4];
    set_u32(&mut bytes, metadata + 24, (65 << 20) as u32);
    let dir = TempDir::new().unwrap();
    let error = read_all(&write_file(&dir, "big.zip", &bytes)).unwrap_err();
    assert!(
        matches!(error, ArchiveError::WantedTooLarge { size, .. } if size == 65 << 20),
        "{error:?}"
    );
}

#[test]
fn metadata_members_each_under_the_limit_cannot_add_up_past_the_archive_total() {
    // Three 45 MiB METADATA members: each is under the 64 MiB member limit, together they
    // are over the 128 MiB an archive may inflate.
    let big = vec![b'a'; 45 << 20];
    let members: Vec<(&str, &[u8])> = vec![
        ("a-1.dist-info/METADATA", &big),
        ("b-1.dist-info/METADATA", &big),
        ("c-1.dist-info/METADATA", &big),
    ];
    let dir = TempDir::new().unwrap();
    let path = write_file(&dir, "many.zip", &zip_bytes(&members, deflated()));
    let error = read_all(&path).unwrap_err();
    assert!(
        matches!(&error, ArchiveError::WantedTotalTooLarge { member, .. } if member.starts_with("c-1")),
        "{error:?}"
    );
    assert!(error.to_string().contains("many.zip"), "{error}");
}

#[test]
fn a_fifo_named_like_a_zip_is_refused_without_blocking() {
    let dir = TempDir::new().unwrap();
    let fifo = dir.path().join("layer.zip");
    crate::regular_file::tests::make_fifo(&fifo);
    let error = read_all(&fifo).unwrap_err();
    assert!(
        error.to_string().contains("layer.zip: is a FIFO"),
        "{error}"
    );
}

#[test]
fn a_name_that_is_not_utf8_is_kept_as_raw_bytes() {
    let mut bytes = zip_bytes(&[("caf_.txt", b"x")], deflated());
    patch_all(&mut bytes, b"caf_", b"caf\xe9");
    let dir = TempDir::new().unwrap();
    let archive = read_all(&write_file(&dir, "latin1.zip", &bytes)).unwrap();
    assert_eq!(archive.entries[0].name, b"caf\xe9.txt");
}

#[test]
fn a_missing_file_is_an_io_error_naming_it() {
    let error = read_all(Path::new("/nonexistent/layer.zip")).unwrap_err();
    assert!(matches!(error, ArchiveError::Io { .. }), "{error:?}");
    assert!(error.to_string().starts_with("/nonexistent/layer.zip: "));
}

#[test]
fn packaging_metadata_is_recognised_by_directory_and_file_name() {
    for yes in [
        "foo-1.0.dist-info/METADATA",
        "python/foo-1.0.dist-info/RECORD",
        "foo.egg-info/PKG-INFO",
        "foo.egg-info/requires.txt",
        "foo.egg-info/installed-files.txt",
    ] {
        assert!(is_packaging_metadata(yes), "{yes}");
    }
    for no in [
        "METADATA",
        "foo/METADATA",
        "foo-1.0.dist-info/WHEEL",
        "foo.egg-info/SOURCES.txt",
    ] {
        assert!(!is_packaging_metadata(no), "{no}");
    }
}
