use std::fs;

use super::*;

fn root_of(dir: &Path) -> DirRoot {
    DirRoot::open(&dir.canonicalize().unwrap()).unwrap()
}

#[test]
fn a_directory_is_removed_with_everything_under_it_and_counted() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("a/tests/deep/er")).unwrap();
    fs::write(tmp.path().join("a/tests/x.py"), "x").unwrap();
    fs::write(tmp.path().join("a/tests/deep/er/y.py"), "y").unwrap();
    fs::write(tmp.path().join("a/keep.py"), "k").unwrap();
    let mut out = Outcome::default();
    root_of(tmp.path()).remove(b"a/tests", true, &mut out);
    assert_eq!(out.failures, []);
    assert_eq!((out.files, out.dirs, out.missing), (2, 3, 0));
    assert!(!tmp.path().join("a/tests").exists());
    assert!(tmp.path().join("a/keep.py").exists());
    root_of(tmp.path()).remove(b"a/tests", true, &mut out);
    assert_eq!(out.missing, 1, "a second run finds it gone");
}

#[test]
fn symlinks_are_removed_as_links_and_never_entered() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    fs::create_dir_all(outside.join("sub")).unwrap();
    fs::write(outside.join("sub/victim"), "v").unwrap();
    let root = tmp.path().join("root");
    fs::create_dir_all(root.join("d")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("link")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("d/inner")).unwrap();
    let mut out = Outcome::default();
    let r = root_of(&root);
    r.remove(b"link/sub", true, &mut out);
    assert_eq!(out.failures.len(), 1);
    assert!(out.failures[0].message.contains("symbolic link"), "{out:?}");
    r.remove(b"d", true, &mut out);
    r.remove(b"link", false, &mut out);
    assert_eq!((out.files, out.dirs), (2, 1), "two links and one directory");
    assert!(outside.join("sub/victim").exists());
}

#[test]
fn nothing_on_another_device_is_entered_or_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("a/tests")).unwrap();
    fs::write(tmp.path().join("a/tests/x.py"), "x").unwrap();
    fs::write(tmp.path().join("top.py"), "t").unwrap();
    let real = root_of(tmp.path()).dev;
    let r = root_of(tmp.path()).with_device(real.wrapping_add(1));
    let mut out = Outcome::default();
    for (rel, dir) in [(&b"a/tests"[..], true), (b"a", true), (b"top.py", false)] {
        r.remove(rel, dir, &mut out);
    }
    assert_eq!((out.files, out.dirs), (0, 0));
    assert_eq!(out.failures.len(), 3);
    for f in &out.failures {
        assert!(f.message.contains("another device"), "{f:?}");
    }
    assert!(tmp.path().join("a/tests/x.py").exists());
    assert!(tmp.path().join("top.py").exists());
}

#[test]
fn a_tree_deeper_than_the_open_descriptor_budget_and_path_max_is_removed() {
    use rustix::fs::{Mode, OFlags, mkdirat, openat};
    let tmp = tempfile::tempdir().unwrap();
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let mut dir = openat(CWD, tmp.path(), flags, Mode::empty()).unwrap();
    // 300 levels of a 20-byte name: past PATH_MAX (4,096 bytes) and far past MAX_OPEN.
    let name = "deep-directory-level";
    for level in 0..300 {
        mkdirat(&dir, name, Mode::RWXU).unwrap();
        dir = openat(&dir, name, flags, Mode::empty()).unwrap();
        if level % 30 == 0 {
            let create = OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC;
            drop(openat(&dir, "f", create, Mode::RUSR).unwrap());
        }
    }
    drop(dir);
    let mut out = Outcome::default();
    root_of(tmp.path()).remove(name.as_bytes(), true, &mut out);
    assert_eq!(out.failures, []);
    assert_eq!((out.files, out.dirs), (10, 300));
    assert!(!tmp.path().join(name).exists());
}

#[test]
fn an_entry_of_another_kind_than_recorded_is_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("was_a_file")).unwrap();
    fs::write(tmp.path().join("was_a_file/x.py"), "x").unwrap();
    fs::write(tmp.path().join("was_a_dir"), "y").unwrap();
    let mut out = Outcome::default();
    let r = root_of(tmp.path());
    r.remove(b"was_a_file", false, &mut out);
    r.remove(b"was_a_dir", true, &mut out);
    assert_eq!((out.files, out.dirs, out.failures.len()), (0, 0, 2));
    assert!(tmp.path().join("was_a_file/x.py").exists());
    assert!(tmp.path().join("was_a_dir").exists());
}
