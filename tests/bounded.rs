//! Inputs that must never hang heft or grow without bound: FIFOs, devices and sockets where
//! files are expected, metadata linked to `/dev/zero`, directories named like wheels.

use std::fs;
use std::path::{Path, PathBuf};

use heft::bundle::Bundle;
use heft::load::{LoadOptions, load};

use crate::fixture::{Fixture, dist};

fn scan(paths: &[PathBuf]) -> Bundle {
    load(paths, &LoadOptions::default(), &mut |_| {}).expect("load")
}

/// Makes a FIFO at `path`; no writer ever opens it, so reading it would block forever.
pub fn make_fifo(path: &Path) {
    use rustix::fs::{CWD, FileType, Mode, mknodat};
    mknodat(CWD, path, FileType::Fifo, Mode::RUSR | Mode::WUSR, 0).unwrap();
}

fn error_messages(bundle: &Bundle) -> Vec<String> {
    bundle
        .errors
        .iter()
        .map(|(_, e)| format!("{}: {}", e.path.display(), e.message))
        .collect()
}

fn has_error(bundle: &Bundle, needle: &str) -> bool {
    error_messages(bundle).iter().any(|m| m.contains(needle))
}

#[test]
fn a_record_that_is_a_fifo_is_an_error_naming_it_and_the_load_finishes() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    dist("foo", "1.0")
        .file("foo/__init__.py", 10)
        .install(&site);
    let record = site.join("foo-1.0.dist-info/RECORD");
    fs::remove_file(&record).unwrap();
    make_fifo(&record);
    let bundle = scan(&[site]);
    assert!(
        has_error(&bundle, "RECORD: is a FIFO"),
        "{:?}",
        error_messages(&bundle)
    );
}

#[test]
fn metadata_files_linked_to_dev_zero_are_errors_not_gigabytes() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    dist("foo", "1.0")
        .file("foo/__init__.py", 10)
        .install(&site);
    dist("bar", "1.0")
        .file("bar/__init__.py", 10)
        .install(&site);
    for file in ["foo-1.0.dist-info/RECORD", "bar-1.0.dist-info/METADATA"] {
        fs::remove_file(site.join(file)).unwrap();
        std::os::unix::fs::symlink("/dev/zero", site.join(file)).unwrap();
    }
    let bundle = scan(&[site]);
    let messages = error_messages(&bundle);
    assert!(
        has_error(&bundle, "foo-1.0.dist-info/RECORD: is a character device"),
        "{messages:?}"
    );
    assert!(
        has_error(&bundle, "bar-1.0.dist-info/METADATA: is a character device"),
        "{messages:?}"
    );
}

#[test]
fn egg_info_files_linked_to_a_fifo_are_errors() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    let fifo = fx.path().join("pipe");
    make_fifo(&fifo);
    // A FIFO in the tree is refused by the scan itself; through a link it reaches the reader.
    std::os::unix::fs::symlink(&fifo, site.join("old-1.0-py3.12.egg-info")).unwrap();
    let egg = fx.dir("site/new-1.0-py3.12.egg-info");
    fs::write(
        egg.join("PKG-INFO"),
        "Metadata-Version: 1.1\nName: new\nVersion: 1.0\n\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&fifo, egg.join("requires.txt")).unwrap();
    std::os::unix::fs::symlink(&fifo, egg.join("installed-files.txt")).unwrap();
    let bundle = scan(&[site]);
    let messages = error_messages(&bundle);
    assert!(
        has_error(&bundle, "old-1.0-py3.12.egg-info: is a FIFO"),
        "{messages:?}"
    );
    assert!(
        has_error(&bundle, "requires.txt: is a FIFO"),
        "{messages:?}"
    );
    assert!(
        has_error(&bundle, "installed-files.txt: is a FIFO"),
        "{messages:?}"
    );
}

#[test]
fn a_fifo_given_as_the_zip_input_is_an_error_naming_it() {
    let fx = Fixture::new();
    let fifo = fx.path().join("layer.zip");
    make_fifo(&fifo);
    let bundle = scan(&[fifo]);
    assert!(
        has_error(&bundle, "layer.zip: is a FIFO"),
        "{:?}",
        error_messages(&bundle)
    );
}

#[test]
fn a_fifo_named_like_a_wheel_in_a_wheel_folder_is_an_error() {
    let fx = Fixture::new();
    let wheels = fx.dir("wheels");
    make_fifo(&wheels.join("foo-1.0-py3-none-any.whl"));
    let bundle = scan(std::slice::from_ref(&wheels));
    assert!(
        has_error(&bundle, "foo-1.0-py3-none-any.whl: is a FIFO"),
        "{:?}",
        error_messages(&bundle)
    );
    let fifo = wheels.join("foo-1.0-py3-none-any.whl");
    let bundle = scan(&[fifo]);
    assert!(
        has_error(&bundle, "is a FIFO"),
        "{:?}",
        error_messages(&bundle)
    );
}

#[test]
fn fifos_sockets_and_devices_in_a_tree_are_errors_not_files() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    dist("foo", "1.0")
        .file("foo/__init__.py", 10)
        .install(&site);
    make_fifo(&site.join("foo/pipe"));
    let _socket = std::os::unix::net::UnixListener::bind(site.join("foo/sock")).unwrap();
    let bundle = scan(std::slice::from_ref(&site));
    let messages = error_messages(&bundle);
    assert!(has_error(&bundle, "foo/pipe: a FIFO"), "{messages:?}");
    assert!(has_error(&bundle, "foo/sock: a socket"), "{messages:?}");
    let foo = bundle.tree.resolve(bundle.roots[0].node, b"foo").unwrap();
    let names: Vec<String> = bundle
        .tree
        .children(foo)
        .iter()
        .map(|c| bundle.tree.display_name(*c).into_owned())
        .collect();
    assert_eq!(
        names,
        ["__init__.py"],
        "special files are not counted as files"
    );
}

#[test]
fn a_directory_named_like_a_wheel_is_read_as_a_directory() {
    let fx = Fixture::new();
    let site = fx.dir("odd.whl");
    dist("foo", "1.0")
        .file("foo/__init__.py", 10)
        .install(&site);
    let bundle = scan(&[site]);
    assert!(bundle.errors.is_empty(), "{:?}", error_messages(&bundle));
    assert_eq!(bundle.dists.len(), 1);
    assert!(bundle.tree.node(bundle.top).total.files >= 4);
}

/// Runs heft with `args`; a FIFO given as a file must make it fail at once, naming it.
fn heft_fails_naming(args: &[&std::ffi::OsStr], needle: &str) {
    let out = crate::rules::heft()
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains(needle), "{stderr}");
}

#[test]
fn fifos_given_as_manifest_rules_or_requirements_are_refused_at_once() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    dist("foo", "1.0")
        .file("foo/__init__.py", 10)
        .install(&site);
    let fifo = fx.path().join("in.json");
    make_fifo(&fifo);
    let (site, fifo) = (site.as_os_str(), fifo.as_os_str());
    for flag in ["--manifest", "--rules"] {
        heft_fails_naming(
            &["check".as_ref(), site, flag.as_ref(), fifo],
            "in.json: is a FIFO",
        );
    }
    heft_fails_naming(
        &["report".as_ref(), site, "--requirements".as_ref(), fifo],
        "in.json: is a FIFO",
    );
    heft_fails_naming(
        &["prune".as_ref(), "--manifest".as_ref(), fifo, site],
        "in.json: is a FIFO",
    );
}

#[test]
fn a_manifest_linked_to_dev_zero_is_refused_not_read_into_memory() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    let link = fx.path().join("m.json");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    heft_fails_naming(
        &[
            "check".as_ref(),
            site.as_os_str(),
            "--manifest".as_ref(),
            link.as_os_str(),
        ],
        "m.json: is a character device",
    );
}

#[test]
fn a_manifest_with_tampered_sizes_saturates_instead_of_wrapping() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    dist("foo", "1.0")
        .file("foo/tests/a.py", 10)
        .file("bar/tests/b.py", 10)
        .install(&site);
    let json = fx.path().join("m.json");
    crate::rules::heft()
        .arg("export")
        .arg(&site)
        .args(["--preset", "tests-dirs", "--format", "json", "-o"])
        .arg(&json)
        .assert()
        .success();
    let mut m = heft::manifest::Manifest::from_json(&fs::read_to_string(&json).unwrap()).unwrap();
    assert!(m.excluded.len() >= 2, "{:?}", m.excluded);
    for e in &mut m.excluded {
        e.files = u64::MAX - 1;
        e.bytes = u64::MAX - 1;
    }
    fs::write(&json, serde_json::to_string(&m).unwrap()).unwrap();
    let out = crate::rules::heft()
        .arg("prune")
        .arg("--manifest")
        .arg(&json)
        .arg(&site)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("overflow"), "{stderr}");
    if out.status.success() {
        assert!(stdout.contains(&format!("{} files", u64::MAX)), "{stdout}");
    }
}

#[test]
fn a_zip_input_linked_to_dev_zero_is_refused_not_read() {
    let fx = Fixture::new();
    let link = fx.path().join("layer.zip");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let bundle = scan(&[link]);
    assert!(
        has_error(&bundle, "layer.zip: is a character device"),
        "{:?}",
        error_messages(&bundle)
    );
}
