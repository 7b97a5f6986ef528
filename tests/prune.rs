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

/// The sample layer with a small tmpfs mounted inside `python/numpy/tests` (which the
/// `tests-dirs` preset excludes) holding `on_tmpfs.py`: (root, mount point, its guard), or
/// `None` where mounting is not permitted (not root).
fn layer_with_a_tmpfs_in_tests(fx: &Fixture) -> Option<(PathBuf, PathBuf, Mounted)> {
    let root = built_layer(fx, "layer");
    let mnt = root.join("python/numpy/tests/mnt");
    fs::create_dir_all(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "heft-test", "-o", "size=1m"])
        .arg(&mnt)
        .output()
        .is_ok_and(|o| o.status.success());
    if !mounted {
        eprintln!("skipping: cannot mount a tmpfs here (needs root)");
        return None;
    }
    let guard = Mounted(mnt.clone());
    write_file(&mnt.join("on_tmpfs.py"), 10);
    Some((root, mnt, guard))
}

#[test]
fn prune_never_deletes_inside_a_mount_its_scan_skipped() {
    let fx = Fixture::new();
    let Some((root, mnt, _guard)) = layer_with_a_tmpfs_in_tests(&fx) else {
        return;
    };
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

#[test]
fn the_sh_export_never_deletes_inside_a_mount() {
    let fx = Fixture::new();
    let Some((root, mnt, _guard)) = layer_with_a_tmpfs_in_tests(&fx) else {
        return;
    };
    let script = tests_dirs_script(&fx, &root);
    let out = run_sh(&script, "layer", fx.path(), &[]);
    assert!(!out.status.success(), "the mount point cannot go: {out:?}");
    assert!(
        mnt.join("on_tmpfs.py").exists(),
        "the file on the tmpfs is kept"
    );
}

/// `heft export ROOT --preset tests-dirs --format sh` written to `fx/prune.sh`.
fn tests_dirs_script(fx: &Fixture, root: &Path) -> PathBuf {
    let script = fx.path().join("prune.sh");
    heft()
        .arg("export")
        .arg(root)
        .args(["--preset", "tests-dirs", "--format", "sh", "-o"])
        .arg(&script)
        .assert()
        .success();
    script
}

/// Runs `sh SCRIPT ARG` in `cwd` with `env` added.
fn run_sh(script: &Path, arg: &str, cwd: &Path, env: &[(&str, &Path)]) -> std::process::Output {
    let mut cmd = Command::new("sh");
    cmd.arg(script).arg(arg).current_dir(cwd);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// Swaps `root`'s python/numpy (a parent of excluded paths) for a link to `copy`'s, moving
/// the real one to `fx/numpy.real`.
fn link_numpy_to(fx: &Fixture, root: &Path, copy: &Path) {
    fs::rename(root.join("python/numpy"), fx.path().join("numpy.real")).unwrap();
    std::os::unix::fs::symlink(copy.join("python/numpy"), root.join("python/numpy")).unwrap();
}

#[test]
fn the_sh_export_refuses_a_symlinked_parent_or_root_and_deletes_nothing() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let copy = built_layer(&fx, "copy");
    let script = tests_dirs_script(&fx, &root);
    let kept = apparent_sum(&copy);
    link_numpy_to(&fx, &root, &copy);
    let out = run_sh(&script, "layer", fx.path(), &[]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("symbolic link"),
        "{out:?}"
    );
    assert_eq!(
        apparent_sum(&copy),
        kept,
        "nothing deleted through the link"
    );
    // The root itself given through a link to that tree.
    std::os::unix::fs::symlink(&copy, fx.path().join("demo")).unwrap();
    let out = run_sh(&script, "demo", fx.path(), &[]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert_eq!(
        apparent_sum(&copy),
        kept,
        "nothing deleted through the root link"
    );
}

#[test]
fn the_sh_export_ignores_cdpath_takes_dash_as_a_name_and_refuses_an_empty_root() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let dash = built_layer(&fx, "-");
    let alt = built_layer(&fx, "alt/layer");
    let (_, m) = tests_dirs_manifest(&fx, &root);
    let script = tests_dirs_script(&fx, &root);
    let before = apparent_sum(&alt);
    let after = (m.totals.after.files, m.totals.after.bytes);
    let out = run_sh(
        &script,
        "layer",
        fx.path(),
        &[("CDPATH", &fx.path().join("alt"))],
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(apparent_sum(&root), after, "./layer is pruned");
    assert_eq!(apparent_sum(&alt), before, "not $CDPATH/layer");
    let out = run_sh(&script, "", &root, &[]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an empty argument is refused: {out:?}"
    );
    let out = run_sh(&script, "-", fx.path(), &[("OLDPWD", &alt)]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(apparent_sum(&dash), after, "./- is pruned");
    assert_eq!(apparent_sum(&alt), before, "not $OLDPWD");
}

#[test]
fn rule_text_cannot_inject_commands_into_exports() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let out = heft()
        .arg("export")
        .arg(&root)
        .args([
            "--exclude",
            "tests/\ntouch INJECTED",
            "--format",
            "sh",
            "-o",
            "-",
        ])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("glob tests/\\ntouch INJECTED"), "{text}");
    assert!(text.contains("control character"), "{text}");
    let rules = fx.path().join("rules.json");
    let rule = r#"[{"kind": "glob", "value": "tests/", "safety": "safe", "reason": "x\nRUN touch INJECTED"}]"#;
    fs::write(&rules, rule).unwrap();
    heft()
        .arg("export")
        .arg(&root)
        .arg("--rules")
        .arg(&rules)
        .args(["--format", "dockerfile", "-o", "-"])
        .assert()
        .code(2);
    // A path rule names real files, whatever their bytes: its text is escaped instead.
    for format in ["sh", "dockerfile", "slim-patterns", "gitignore"] {
        let out = heft()
            .arg("export")
            .arg(&root)
            .args(["--exclude-path", "python/app\ntouch INJECTED #"])
            .args(["--preset", "tests-dirs", "--format", format, "-o", "-"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8_lossy(&out);
        assert!(
            text.lines().all(|l| !l.starts_with("touch")),
            "{format}:\n{text}"
        );
        assert!(
            text.contains("python/app\\ntouch INJECTED #"),
            "{format}:\n{text}"
        );
    }
    let script = tests_dirs_script(&fx, &root);
    heft()
        .arg("export")
        .arg(&root)
        .args([
            "--exclude-path",
            "python/app\ntouch INJECTED",
            "--preset",
            "tests-dirs",
        ])
        .args(["--format", "sh", "--force", "-o"])
        .arg(&script)
        .assert()
        .success();
    let out = run_sh(&script, "layer", fx.path(), &[]);
    assert!(out.status.success(), "{out:?}");
    assert!(!fx.path().join("INJECTED").exists());
    assert!(!root.join("INJECTED").exists());
}

#[test]
fn the_sh_export_deletes_names_with_any_bytes_exactly() {
    use std::os::unix::ffi::OsStrExt;
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let odd: [&[u8]; 5] = [
        b"python/app/100%.txt",
        b"python/app/it's\nodd %s \\x.txt",
        b"python/app/caf\xe9 \x01.txt",
        b"python/app/-n.txt",
        b"python/app/tab\there\r.txt",
    ];
    for name in odd {
        write_file(&root.join(std::ffi::OsStr::from_bytes(name)), 7);
    }
    write_file(&root.join("python/app/keep%s.txt.py"), 5);
    let script = fx.path().join("prune.sh");
    heft()
        .arg("export")
        .arg(&root)
        .args(["--exclude", "*.txt", "--format", "sh", "-o"])
        .arg(&script)
        .assert()
        .success();
    let before = apparent_sum(&root);
    let out = run_sh(&script, "layer", fx.path(), &[]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(apparent_sum(&root), (before.0 - 5, before.1 - 35));
    assert!(root.join("python/app/keep%s.txt.py").exists());
}

#[test]
fn the_sh_export_refuses_a_tree_with_other_files_even_when_its_markers_match() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let copy = built_layer(&fx, "copy");
    let script = tests_dirs_script(&fx, &root);
    write_file(&copy.join("python/app/added.py"), 3);
    let kept = apparent_sum(&copy);
    let out = run_sh(&script, "copy", fx.path(), &[]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("files and links"),
        "{out:?}"
    );
    assert_eq!(apparent_sum(&copy), kept);
    let twice = [
        run_sh(&script, "layer", fx.path(), &[]),
        run_sh(&script, "layer", fx.path(), &[]),
    ];
    assert!(
        twice.iter().all(|o| o.status.success()),
        "{twice:?}: a pruned tree passes too"
    );
}

/// Runs the `RUN` instruction of the Dockerfile export `docker` as Docker would (line
/// continuations joined, `/bin/sh -c`) with `HEFT_ROOT` set to `root`.
fn run_dockerfile(docker: &str, root: &Path) -> std::process::Output {
    let mut body = String::new();
    let mut lines = docker.lines().skip_while(|l| !l.starts_with("RUN "));
    for line in lines.by_ref() {
        let (text, more) = match line.strip_suffix('\\') {
            Some(t) => (t, true),
            None => (line, false),
        };
        body.push_str(text.strip_prefix("RUN ").unwrap_or(text));
        if !more {
            break;
        }
    }
    assert!(lines.next().is_none(), "one RUN, last: {docker}");
    Command::new("/bin/sh")
        .arg("-c")
        .arg(&body)
        .env("HEFT_ROOT", root)
        .output()
        .unwrap()
}

/// `heft export ROOT --preset tests-dirs --format dockerfile`.
fn tests_dirs_dockerfile(root: &Path) -> String {
    let out = heft()
        .arg("export")
        .arg(root)
        .args([
            "--preset",
            "tests-dirs",
            "--format",
            "dockerfile",
            "-o",
            "-",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_dockerfile_export_never_deletes_inside_a_mount() {
    let fx = Fixture::new();
    let Some((root, mnt, _guard)) = layer_with_a_tmpfs_in_tests(&fx) else {
        return;
    };
    let out = run_dockerfile(&tests_dirs_dockerfile(&root), &root);
    assert!(!out.status.success(), "the mount point cannot go: {out:?}");
    assert!(
        mnt.join("on_tmpfs.py").exists(),
        "the file on the tmpfs is kept"
    );
}

#[test]
fn the_dockerfile_export_deletes_without_following_a_symlinked_parent() {
    let fx = Fixture::new();
    let root = built_layer(&fx, "layer");
    let copy = built_layer(&fx, "copy");
    let (_, m) = tests_dirs_manifest(&fx, &root);
    let docker = tests_dirs_dockerfile(&root);
    assert!(!docker.contains("rm -rf"), "{docker}");
    assert!(docker.contains("-xdev -delete"), "{docker}");
    let kept = apparent_sum(&copy);
    link_numpy_to(&fx, &root, &copy);
    let out = run_dockerfile(&docker, &root);
    assert!(!out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("symbolic link"),
        "{out:?}"
    );
    assert_eq!(
        apparent_sum(&copy),
        kept,
        "nothing deleted through the link"
    );
    // The root itself reached through a link.
    let link = fx.path().join("demo");
    std::os::unix::fs::symlink(&copy, &link).unwrap();
    let out = run_dockerfile(&docker, &link);
    assert!(!out.status.success(), "{out:?}");
    assert_eq!(
        apparent_sum(&copy),
        kept,
        "nothing deleted through the root link"
    );
    // The real tree is pruned to what the manifest predicts.
    fs::remove_file(root.join("python/numpy")).unwrap();
    fs::rename(fx.path().join("numpy.real"), root.join("python/numpy")).unwrap();
    let out = run_dockerfile(&docker, &root);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        apparent_sum(&root),
        (m.totals.after.files, m.totals.after.bytes)
    );
}
