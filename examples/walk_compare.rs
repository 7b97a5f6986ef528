//! Compares two single-threaded directory walks over the same tree, to decide the walker:
//! std's `read_dir` + `DirEntry::metadata`, and rustix's `RawDir` (getdents64 into a 64 KiB
//! buffer, names borrowed from it) + `statat` relative to the directory fd.
//! `cargo run --release --example walk_compare -- DIR std|raw [ROUNDS]`; prints entries,
//! apparent bytes and seconds (run under callgrind for instruction counts).

use std::ffi::CStr;
use std::fs;
use std::mem::MaybeUninit;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rustix::fs::{AtFlags, Mode, OFlags, RawDir, openat, statat};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("DIR"));
    let how = args.next().unwrap_or_else(|| "std".into());
    let rounds: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    for _ in 0..rounds {
        let start = Instant::now();
        let (entries, bytes) = if how == "raw" {
            walk_raw(&dir)
        } else {
            walk_std(&dir)
        };
        let secs = start.elapsed().as_secs_f64();
        println!("{how}: {entries} entries, {bytes} bytes, {secs:.3} s");
    }
}

fn walk_std(root: &Path) -> (u64, u64) {
    let (mut entries, mut bytes) = (0, 0);
    let mut names: Vec<u8> = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for item in fs::read_dir(&dir).expect("read_dir").flatten() {
            let meta = item.metadata().expect("stat");
            names.extend_from_slice(item.file_name().as_encoded_bytes());
            entries += 1;
            if meta.is_dir() {
                pending.push(item.path());
            } else {
                bytes += meta.len();
            }
        }
        names.clear();
    }
    (entries, bytes)
}

fn walk_raw(root: &Path) -> (u64, u64) {
    let (mut entries, mut bytes) = (0, 0);
    let mut names: Vec<u8> = Vec::new();
    let mut buf = vec![MaybeUninit::<u8>::uninit(); 64 * 1024];
    let open = |at: Option<&OwnedFd>, name: &CStr| -> OwnedFd {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOFOLLOW;
        match at {
            Some(fd) => openat(fd, name, flags, Mode::empty()),
            None => openat(rustix::fs::CWD, name, flags, Mode::empty()),
        }
        .expect("open dir")
    };
    let root_c = std::ffi::CString::new(root.as_os_str().as_encoded_bytes()).expect("path");
    let mut pending = vec![open(None, &root_c)];
    while let Some(dir) = pending.pop() {
        let mut raw = RawDir::new(&dir, &mut buf);
        let mut subdirs = Vec::new();
        while let Some(entry) = raw.next() {
            let entry = entry.expect("getdents");
            let name = entry.file_name();
            if matches!(name.to_bytes(), b"." | b"..") {
                continue;
            }
            let st = statat(&dir, name, AtFlags::SYMLINK_NOFOLLOW).expect("stat");
            names.extend_from_slice(name.to_bytes());
            entries += 1;
            if rustix::fs::FileType::from_raw_mode(st.st_mode).is_dir() {
                subdirs.push(name.to_owned());
            } else {
                bytes += st.st_size as u64;
            }
        }
        for sub in subdirs {
            pending.push(open(Some(&dir), &sub));
        }
        names.clear();
    }
    (entries, bytes)
}
