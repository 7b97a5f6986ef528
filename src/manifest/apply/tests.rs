use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::fs::{CWD, RenameFlags, renameat_with};

use super::*;

#[test]
fn paths_that_could_leave_the_root_are_refused() {
    for bad in [
        &b"../x"[..],
        b"a/../../x",
        b"/etc",
        b"",
        b"a//b",
        b"./a",
        b"a/\0",
    ] {
        assert!(check_rel(bad).is_err(), "{bad:?}");
    }
    assert!(check_rel(b"numpy/tests").is_ok());
    assert!(check_rel(b"a..b/.hidden").is_ok());
}

#[test]
fn a_manifest_is_refused_whole_for_one_bad_entry() {
    use crate::manifest::tests::sample_manifest;
    let m = sample_manifest();
    assert!(plan(&m, 1).is_ok());
    let mut bad_root = m.clone();
    let mut stray = bad_root.excluded[0].clone();
    stray.root = 1;
    bad_root.excluded.push(stray);
    let err = plan(&bad_root, 1).unwrap_err();
    assert!(err.to_string().contains("no root 1"), "{err}");
    assert!(matches!(
        plan(&m, 0),
        Err(PruneError::NoSuchRoot { roots: 0, .. })
    ));
    let mut bad_hex = m.clone();
    bad_hex.excluded[0].path_hex = Some("zz".into());
    assert!(matches!(plan(&bad_hex, 1), Err(PruneError::BadPath { .. })));
}

const PARENTS: usize = 3;
const SUBDIRS: usize = 4;
const FILES: usize = 10;

/// Every file under `dir` with its contents.
fn contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), fs::read(e.path()).unwrap()))
        .collect()
}

/// `base/p{k}/tests/s{j}/f{i}` for every k, j, i.
fn build_tree(base: &Path, tag: &str) {
    for k in 0..PARENTS {
        for j in 0..SUBDIRS {
            let dir = base.join(format!("p{k}/tests/s{j}"));
            fs::create_dir_all(&dir).unwrap();
            for i in 0..FILES {
                fs::write(dir.join(format!("f{i}")), format!("{tag} {k} {j} {i}")).unwrap();
            }
        }
    }
}

/// Pairs (a directory in the root, a symlink beside the root to its outside twin) for a
/// swapper to exchange: the planned directories, their parents and directories inside them.
fn swap_pairs(tmp: &Path) -> Vec<(PathBuf, PathBuf)> {
    let links = tmp.join("links");
    fs::create_dir_all(&links).unwrap();
    let mut pairs = Vec::new();
    for k in 0..PARENTS {
        let mut rels = vec![format!("p{k}"), format!("p{k}/tests")];
        rels.extend((0..SUBDIRS).map(|j| format!("p{k}/tests/s{j}")));
        for rel in rels {
            let link = links.join(rel.replace('/', "_"));
            std::os::unix::fs::symlink(tmp.join("outside").join(&rel), &link).unwrap();
            pairs.push((tmp.join("root").join(&rel), link));
        }
    }
    pairs
}

/// A temporary directory in memory where there is one: 20 rounds of a few hundred files
/// then cost little even while other jobs keep the disk busy.
fn scratch() -> tempfile::TempDir {
    tempfile::tempdir_in("/dev/shm").unwrap_or_else(|_| tempfile::tempdir().unwrap())
}

#[test]
fn a_thread_swapping_directories_for_symlinks_never_makes_prune_delete_outside_its_root() {
    for round in 0..20 {
        let tmp = scratch();
        let root = tmp.path().join("root");
        let outside = tmp.path().join("outside");
        build_tree(&root, "inside");
        build_tree(&outside, "outside");
        let sentinel = contents(&outside);
        let pairs = swap_pairs(tmp.path());
        let plan: Vec<Planned> = (0..PARENTS)
            .map(|k| Planned {
                root: 0,
                rel: format!("p{k}/tests").into_bytes(),
                dir: true,
                files: (SUBDIRS * FILES) as u64,
                bytes: 0,
            })
            .collect();
        let roots = open_roots(std::slice::from_ref(&root)).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let swapper = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    for (dir, link) in &pairs {
                        // Out and back: half the time the path in the root is the link.
                        let _ = renameat_with(CWD, dir, CWD, link, RenameFlags::EXCHANGE);
                        let _ = renameat_with(CWD, dir, CWD, link, RenameFlags::EXCHANGE);
                    }
                }
            })
        };
        let _ = apply(&plan, &roots);
        stop.store(true, Ordering::Relaxed);
        swapper.join().unwrap();
        let after = contents(&outside);
        let lost = sentinel.keys().filter(|p| !after.contains_key(*p)).count();
        assert_eq!(
            lost,
            0,
            "round {round}: {lost} of {} files outside the root were deleted",
            sentinel.len()
        );
        assert_eq!(after, sentinel, "round {round}: outside files changed");
    }
}

#[test]
fn a_root_replaced_after_it_was_opened_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    fs::create_dir(&root).unwrap();
    let roots = open_roots(std::slice::from_ref(&root)).unwrap();
    assert!(check_roots(&roots).is_ok());
    fs::rename(&root, tmp.path().join("scanned")).unwrap();
    fs::create_dir(&root).unwrap();
    let err = check_roots(&roots).unwrap_err();
    assert!(err.to_string().contains("replaced"), "{err}");
}
