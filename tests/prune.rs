//! `heft prune` against hostile manifests and trees: nothing is touched before the whole
//! manifest is known good, and nothing outside the root or on another device is deleted.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use heft::manifest::Manifest;

use crate::fixture::{Fixture, apparent_sum, write_file};
use crate::rules::{built_layer, heft};

/// `heft export ROOT --preset tests-dirs` as a manifest at `fx/m.json`.
fn tests_dirs_manifest(fx: &Fixture, root: &Path) -> (PathBuf, Manifest) {
    let json = fx.path().join("m.json");
    heft()
        .arg("export")
        .arg(root)
        .args(["--preset", "tests-dirs", "--format", "json", "-o"])
        .arg(&json)
        .assert()
        .success();
    let m = Manifest::from_json(&fs::read_to_string(&json).unwrap()).unwrap();
    (json, m)
}

fn prune(json: &Path, root: &Path, apply: bool) -> assert_cmd::assert::Assert {
    let mut cmd = heft();
    cmd.arg("prune").arg("--manifest").arg(json).arg(root);
    if apply {
        cmd.arg("--apply");
    }
    cmd.assert()
}

#[test]
fn a_manifest_naming_a_root_that_does_not_exist_is_refused_before_anything_is_deleted() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let (json, mut m) = tests_dirs_manifest(&fx, &root);
    let before = apparent_sum(&root);
    // Valid entries first, then one for a root nobody gave.
    let mut stray = m.excluded[0].clone();
    stray.root = 1;
    m.excluded.push(stray);
    fs::write(&json, m.to_json()).unwrap();
    for apply in [false, true] {
        let out = prune(&json, &root, apply)
            .code(2)
            .get_output()
            .stderr
            .clone();
        let text = String::from_utf8_lossy(&out);
        assert!(text.contains("no root 1"), "apply={apply}: {text}");
        assert_eq!(
            apparent_sum(&root),
            before,
            "apply={apply}: nothing deleted"
        );
    }
}

/// Unmounts on drop, so a failing test leaves no mount behind.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn prune_never_deletes_inside_a_mount_its_scan_skipped() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let mnt = root.join("python/numpy/tests/mnt");
    fs::create_dir_all(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "heft-test", "-o", "size=1m"])
        .arg(&mnt)
        .output()
        .is_ok_and(|o| o.status.success());
    if !mounted {
        eprintln!("skipping: cannot mount a tmpfs here (needs root)");
        return;
    }
    let _guard = Mounted(mnt.clone());
    write_file(&mnt.join("on_tmpfs.py"), 10);
    let (json, _) = tests_dirs_manifest(&fx, &root);
    let out = prune(&json, &root, true)
        .code(2)
        .get_output()
        .stderr
        .clone();
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("another device"), "{text}");
    assert!(
        mnt.join("on_tmpfs.py").exists(),
        "the file on the tmpfs is kept"
    );
    assert!(
        !root.join("python/numpy/tests/test_x.py").exists(),
        "what is on the root's device still goes"
    );
}
