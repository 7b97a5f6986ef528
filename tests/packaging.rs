//! Wheel folders and packaging details: disk usage, summaries, unparsed requirements,
//! where headers and console scripts install.

use std::io::Write;
use std::path::{Path, PathBuf};

use heft::bundle::Bundle;
use heft::load::{LoadOptions, load};
use heft::report::Report;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::fixture::{Fixture, dist};

fn scan(paths: &[PathBuf]) -> Bundle {
    load(paths, &LoadOptions::default(), &mut |_| {}).expect("load")
}

/// Writes `{name}-1.0-py3-none-any.whl` into `dir` with `extra` members besides a package,
/// METADATA (with `requires` lines) and a RECORD listing every member.
fn wheel(dir: &Path, name: &str, requires: &[&str], extra: &[(&str, &str)]) -> PathBuf {
    let path = dir.join(format!("{name}-1.0-py3-none-any.whl"));
    let mut w = ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let info = format!("{name}-1.0.dist-info");
    let mut metadata = format!("Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n");
    for r in requires {
        metadata.push_str(&format!("Requires-Dist: {r}\n"));
    }
    metadata.push('\n');
    let mut members: Vec<(String, String)> = vec![
        (format!("{name}/__init__.py"), "x = 1\n".repeat(500)),
        (format!("{info}/METADATA"), metadata),
    ];
    members.extend(
        extra
            .iter()
            .map(|(n, d)| ((*n).to_string(), (*d).to_string())),
    );
    let mut record = String::new();
    for (member, data) in &members {
        w.start_file(member.as_str(), opts).unwrap();
        w.write_all(data.as_bytes()).unwrap();
        record.push_str(&format!("{member},sha256=x,{}\n", data.len()));
    }
    record.push_str(&format!("{info}/RECORD,,\n"));
    w.start_file(format!("{info}/RECORD"), opts).unwrap();
    w.write_all(record.as_bytes()).unwrap();
    w.finish().unwrap();
    path
}

/// What `heft report PATH` prints.
fn report_text(path: &Path) -> String {
    let out = crate::rules::heft()
        .arg("report")
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn disk_usage(path: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::blocks(&std::fs::metadata(path).unwrap()) * 512
}

#[test]
fn a_wheel_folder_counts_the_disk_usage_of_its_wheels() {
    let fx = Fixture::new();
    let dir = fx.dir("wheels");
    let wheels: Vec<PathBuf> = ["a", "b", "c"]
        .iter()
        .map(|n| wheel(&dir, n, &[], &[]))
        .collect();
    let r = Report::new(&scan(std::slice::from_ref(&dir)));
    let files: u64 = wheels.iter().map(|w| disk_usage(w)).sum();
    assert_eq!(
        r.totals.disk_bytes,
        files + disk_usage(&dir),
        "du counts the folder and its wheels"
    );
    let single = Report::new(&scan(&[wheels[0].clone()]));
    assert_eq!(
        single.totals.disk_bytes,
        disk_usage(&wheels[0]),
        "one wheel is counted once"
    );
}

#[test]
fn a_wheel_folder_root_line_says_how_many_wheels_instead_of_naming_them() {
    let fx = Fixture::new();
    let dir = fx.dir("wheels");
    for n in ["a", "b", "c", "d", "e"] {
        wheel(&dir, n, &[], &[]);
    }
    let text = report_text(&dir);
    let line = text.lines().find(|l| l.starts_with("root 0:")).unwrap();
    assert!(line.contains("(wheels: 5 wheels)"), "{line}");
    assert!(!line.contains("a-1.0-py3-none-any.whl"), "{line}");
}

#[test]
fn requirements_heft_cannot_parse_are_listed_not_dropped() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    dist("app", "1.0")
        .file("app/__init__.py", 10)
        .requires("good>=1")
        .requires("bad ((")
        .install(&site);
    let r = Report::new(&scan(std::slice::from_ref(&site)));
    assert_eq!(
        r.unparsed_requirements.len(),
        1,
        "{:?}",
        r.unparsed_requirements
    );
    let u = &r.unparsed_requirements[0];
    assert_eq!((u.dist.as_str(), u.requirement.as_str()), ("app", "bad (("));
    assert!(!u.reason.is_empty());
    let text = report_text(&site);
    assert!(text.contains("unparsed requirements (1"), "{text}");
    assert!(text.contains("app: \"bad ((\""), "{text}");
    let saved = fx.path().join("s.heftscan");
    heft::scanfile::save(&scan(std::slice::from_ref(&site)), &saved).unwrap();
    let restored = Report::new(&heft::scanfile::open(&saved).unwrap());
    assert_eq!(
        restored.unparsed_requirements, r.unparsed_requirements,
        "a saved scan keeps the line as written"
    );
}

#[test]
fn wheel_headers_install_under_include_python_and_the_dist_name() {
    let fx = Fixture::new();
    let dir = fx.dir("wheels");
    wheel(
        &dir,
        "greenlet",
        &[],
        &[("greenlet-1.0.data/headers/greenlet.h", "int g;\n")],
    );
    let b = scan(&[dir]);
    let header = b
        .tree
        .descendants(b.top)
        .find(|id| b.tree.name(*id) == b"greenlet.h")
        .unwrap();
    let path = b.tree.rel_path(b.roots[0].node, header);
    assert_eq!(
        String::from_utf8_lossy(&path),
        "greenlet-1.0-py3-none-any.whl/include/python/greenlet/greenlet.h"
    );
}

#[test]
fn wheels_gain_the_console_script_wrappers_pip_generates_marked_as_estimates() {
    let fx = Fixture::new();
    let dir = fx.dir("wheels");
    let entry_points =
        "[console_scripts]\ntool = tool.cli:main\n[gui_scripts]\ntoolw = tool.gui:run\n";
    wheel(
        &dir,
        "tool",
        &[],
        &[("tool-1.0.dist-info/entry_points.txt", entry_points)],
    );
    let b = scan(std::slice::from_ref(&dir));
    let script = b
        .tree
        .resolve(b.roots[0].node, b"tool-1.0-py3-none-any.whl/bin/tool")
        .expect("bin/tool is generated in the wheel's installed layout");
    let wrapper = heft::python::entry_points::wrapper(
        &heft::python::entry_points::scripts(entry_points.as_bytes())[0],
    );
    assert_eq!(b.tree.node(script).own.bytes, wrapper.len() as u64);
    let tool = b.dist_by_key("tool").unwrap();
    assert_eq!(
        b.tree.node(script).owner(),
        Some(tool),
        "the installed RECORD lists it"
    );
    let r = Report::new(&b);
    assert!(
        r.roots[0].estimated_bytes > wrapper.len() as u64,
        "both scripts are estimates"
    );
    assert_eq!(r.unowned.files, 0);
    assert!(report_text(&dir).contains("of estimated script wrappers"));
}
