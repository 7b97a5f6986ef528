use std::path::Path;

use super::*;

/// Makes a FIFO at `path` (no writer ever opens it: reading it would block forever).
pub fn make_fifo(path: &Path) {
    use rustix::fs::{CWD, FileType, Mode, mknodat};
    mknodat(CWD, path, FileType::Fifo, Mode::RUSR | Mode::WUSR, 0).unwrap();
}

#[test]
fn a_fifo_is_refused_at_once_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("RECORD");
    make_fifo(&fifo);
    let error = read(&fifo, RECORD_CAP).unwrap_err();
    assert!(
        matches!(error, FileError::NotRegular { kind: "FIFO", .. }),
        "{error}"
    );
    assert!(error.to_string().contains("RECORD"), "{error}");
}

#[test]
fn a_link_to_dev_zero_is_refused_not_read_forever() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("METADATA");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let error = read(&link, METADATA_CAP).unwrap_err();
    assert!(
        matches!(
            error,
            FileError::NotRegular {
                kind: "character device",
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn a_socket_and_a_directory_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    // Opening a socket fails (ENXIO) before the type check; either way it is an error.
    assert!(read(&socket, TEXT_CAP).is_err());
    let error = read(dir.path(), TEXT_CAP).unwrap_err();
    assert!(
        matches!(
            error,
            FileError::NotRegular {
                kind: "directory",
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn a_file_over_its_cap_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.txt");
    std::fs::write(&path, vec![b'x'; 11]).unwrap();
    assert_eq!(read(&path, 11).unwrap().len(), 11);
    let error = read(&path, 10).unwrap_err();
    assert!(
        matches!(error, FileError::TooLarge { cap: 10, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("big.txt"), "{error}");
}

#[test]
fn a_reader_that_never_ends_stops_at_the_cap() {
    let error = read_capped(std::io::repeat(0), 1000, u64::MAX, Path::new("x.gz")).unwrap_err();
    assert!(matches!(error, FileError::TooLarge { cap: 1000, .. }));
}

#[test]
fn open_no_follow_refuses_a_link_that_open_follows() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real.py");
    std::fs::write(&target, "x").unwrap();
    let link = dir.path().join("link.py");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    assert!(open(&link).is_ok());
    assert!(open_no_follow(&target).is_ok());
    assert!(open_no_follow(&link).is_err());
}

#[test]
fn the_reason_leaves_the_path_to_the_caller() {
    let error = read(Path::new("/nonexistent/RECORD"), RECORD_CAP).unwrap_err();
    assert!(error.is_not_found());
    assert_eq!(error.path(), Path::new("/nonexistent/RECORD"));
    assert!(
        !error.reason().contains("/nonexistent"),
        "{}",
        error.reason()
    );
    assert!(error.to_string().starts_with("/nonexistent/RECORD: "));
}

#[test]
fn a_file_already_longer_than_its_cap_is_refused_with_the_cap_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.manifest.json");
    // Sparse: 1 GiB on paper, nothing on disk; refused from its length alone.
    File::create(&path).unwrap().set_len(1 << 30).unwrap();
    let error = read(&path, MANIFEST_CAP).unwrap_err();
    assert!(
        matches!(error, FileError::TooLarge { cap, .. } if cap == MANIFEST_CAP),
        "{error}"
    );
    assert!(error.to_string().contains("huge.manifest.json"), "{error}");
}
