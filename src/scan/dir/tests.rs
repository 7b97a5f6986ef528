use std::fs;
use std::path::Path;

use super::*;
use crate::regular_file::tests::make_fifo;

fn names(shard: &Shard) -> Vec<String> {
    let mut names: Vec<String> = shard
        .entries
        .iter()
        .map(|e| String::from_utf8_lossy(shard.name(e)).into_owned())
        .collect();
    names.sort();
    names
}

fn dev_of(path: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::dev(&fs::symlink_metadata(path).unwrap())
}

#[test]
fn a_tree_deeper_than_the_descriptors_a_walk_holds_is_walked_to_the_bottom() {
    let tmp = tempfile::tempdir().unwrap();
    let depth = usize::from(MAX_HELD_DESCRIPTORS) + 10;
    let mut deepest = tmp.path().join("top");
    for i in 0..depth {
        deepest.push(format!("d{i}"));
    }
    fs::create_dir_all(&deepest).unwrap();
    fs::write(deepest.join("leaf.py"), b"12345").unwrap();
    let top = tmp.path().join("top");
    let (shard, errors) = scan_path(0, &top, b"", dev_of(&top));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        shard.entries.len(),
        depth + 2,
        "top, every level and the leaf"
    );
    let leaf = shard.entries.iter().find(|e| e.kind == NodeKind::File);
    assert_eq!(
        leaf.map(|e| e.size),
        Some(5),
        "the leaf below the deepest level is read"
    );
}

#[test]
fn a_special_file_deep_in_a_walk_is_named_by_its_whole_path() {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().join("top");
    fs::create_dir_all(top.join("a/b")).unwrap();
    fs::write(top.join("a/b/ok.py"), b"x").unwrap();
    make_fifo(&top.join("a/b/pipe"));
    let (shard, errors) = scan_path(0, &top, b"", dev_of(&top));
    let paths: Vec<_> = errors.iter().map(|e| e.path.clone()).collect();
    assert_eq!(paths, [top.join("a/b/pipe")]);
    assert!(errors[0].message.contains("a FIFO"), "{errors:?}");
    assert_eq!(names(&shard), ["a", "b", "ok.py", "top"]);
}

#[test]
fn the_walks_stamp_of_a_file_equals_the_stamp_of_its_metadata() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("f.py");
    fs::write(&file, b"abc").unwrap();
    let (shard, _) = scan_path(0, &file, b"", dev_of(&file));
    let from_metadata = Stamp::of(&fs::symlink_metadata(&file).unwrap());
    assert!(from_metadata.is_known());
    assert_eq!(
        shard.stamps,
        [from_metadata],
        "zip cache keys must match either way"
    );
}

#[test]
fn symlinks_are_entries_of_their_own_and_never_entered() {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().join("top");
    fs::create_dir_all(top.join("real")).unwrap();
    fs::write(top.join("real/x.py"), b"xyz").unwrap();
    std::os::unix::fs::symlink(top.join("real"), top.join("link")).unwrap();
    let (shard, errors) = scan_path(0, &top, b"", dev_of(&top));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(names(&shard), ["link", "real", "top", "x.py"]);
}

#[test]
fn a_whole_scan_sends_every_entry_once_across_its_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    for p in 0..(TARGET_SHARDS + 5) {
        fs::create_dir_all(root.join(format!("pkg{p}/sub"))).unwrap();
        fs::write(root.join(format!("pkg{p}/sub/m.py")), b"12").unwrap();
    }
    let (tx, rx) = crossbeam_channel::unbounded();
    scan_dir(0, root, &Counters::default(), &tx);
    drop(tx);
    let (mut entries, mut bytes, mut last) = (0, 0, Progress::default());
    for event in rx {
        match event {
            ScanEvent::Shard(s) => {
                entries += s.entries.len();
                bytes += s.entries.iter().map(|e| e.size).sum::<u64>();
            }
            ScanEvent::Progress(p) => last = p,
            other => panic!("unexpected {other:?}"),
        }
    }
    let dirs = 2 * (TARGET_SHARDS + 5);
    assert_eq!(entries, dirs + TARGET_SHARDS + 5);
    assert_eq!(bytes, 2 * (TARGET_SHARDS as u64 + 5));
    assert_eq!(
        (last.files, last.dirs),
        (TARGET_SHARDS as u64 + 5, dirs as u64)
    );
}

#[test]
fn a_directory_whose_path_is_too_long_to_open_by_name_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().join("top");
    let name = "d".repeat(200);
    let mut deep = top.clone();
    // Deep enough that the path passes PATH_MAX, shallow enough to stay within the
    // descriptors a walk holds: the walk could read it, but nothing after it could.
    while deep.as_os_str().len() < PATH_MAX + 300 {
        deep.push(&name);
    }
    // create_dir_all would pass the whole path to the kernel: build it one level at a time.
    let flags = rustix::fs::OFlags::DIRECTORY;
    let mut at = rustix::fs::open(tmp.path(), flags, rustix::fs::Mode::empty()).unwrap();
    for part in deep.strip_prefix(tmp.path()).unwrap() {
        rustix::fs::mkdirat(&at, part, rustix::fs::Mode::RWXU).unwrap();
        at = entries::open_child(&at, part.as_encoded_bytes()).unwrap();
    }
    let (shard, errors) = scan_path(0, &top, b"", dev_of(&top));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].path.as_os_str().len() >= PATH_MAX,
        "{:?}",
        errors[0].path
    );
    assert!(
        errors[0].message.contains("os error 36"),
        "{}",
        errors[0].message
    );
    assert!(shard.entries.len() > 2, "the levels above are still read");
}
