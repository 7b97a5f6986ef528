//! Wheels, layer zips and function + layers bundles, with exact zipped sizes.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use heft::bundle::Bundle;
use heft::load::{LoadOptions, load};
use heft::report::Report;
use heft::zipsize::ZipCache;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::fixture::{Fixture, apparent_sum, dist, write_file};

fn scan(paths: &[PathBuf]) -> Bundle {
    let mut b = load(paths, &LoadOptions::default(), &mut |_| {}).expect("load");
    heft::zipjob::estimate_blocking(&mut b, &Arc::new(ZipCache::new()));
    b
}

fn report(paths: &[PathBuf]) -> Report {
    Report::new(&scan(paths))
}

/// Zips every file under `dir` (names relative to it, prefixed by `prefix`) into `out`.
pub fn zip_dir(dir: &Path, prefix: &str, out: &Path) {
    let mut w = ZipWriter::new(fs::File::create(out).unwrap());
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    for f in files {
        let rel = f
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        w.start_file(format!("{prefix}{rel}"), opts).unwrap();
        w.write_all(&fs::read(&f).unwrap()).unwrap();
    }
    w.finish().unwrap();
}

/// A wheel for `name` with a module, a script and metadata; returns its path.
fn wheel(dir: &Path, name: &str, version: &str, size: usize) -> PathBuf {
    let stage = dir.join(format!("stage-{name}-{version}"));
    let info = format!("{name}-{version}.dist-info");
    write_file(&stage.join(format!("{name}/__init__.py")), size);
    write_file(
        &stage.join(format!("{name}-{version}.data/scripts/{name}-cli")),
        50,
    );
    fs::create_dir_all(stage.join(&info)).unwrap();
    fs::write(
        stage.join(&info).join("METADATA"),
        format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"),
    )
    .unwrap();
    let record = format!(
        "{name}/__init__.py,sha256=x,{size}\n{name}-{version}.data/scripts/{name}-cli,sha256=x,50\n{info}/METADATA,,\n{info}/RECORD,,\n"
    );
    fs::write(stage.join(&info).join("RECORD"), record).unwrap();
    let out = dir.join(format!("{name}-{version}-py3-none-any.whl"));
    zip_dir(&stage, "", &out);
    fs::remove_dir_all(&stage).unwrap();
    out
}

/// Sum of uncompressed and compressed sizes from the central directory.
fn central_sums(path: &Path) -> (u64, u64) {
    let mut z = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    let (mut size, mut compressed) = (0, 0);
    for i in 0..z.len() {
        let f = z.by_index_raw(i).unwrap();
        size += f.size();
        compressed += f.compressed_size();
    }
    (size, compressed)
}

#[test]
fn a_wheel_set_is_read_in_installed_layout_with_exact_compressed_bytes() {
    let fx = Fixture::new();
    let dir = fx.dir("wheels");
    let a = wheel(&dir, "alpha", "1.0", 40_000);
    let b = wheel(&dir, "beta", "2.0", 9_000);
    let r = report(&[dir]);
    assert_eq!(r.roots[0].kind, "wheels");
    let (sa, ca) = central_sums(&a);
    let (sb, cb) = central_sums(&b);
    assert_eq!(
        r.totals.bytes,
        sa + sb,
        "installed bytes are the uncompressed sizes"
    );
    assert_eq!(
        r.totals.zipped_bytes,
        ca + cb,
        "compressed total is the central directory's"
    );
    assert!(r.totals.zipped_exact);
    let alpha = r.distributions.iter().find(|d| d.key == "alpha").unwrap();
    assert_eq!(
        alpha.bytes, sa,
        "every member, scripts included, belongs to its wheel's distribution"
    );
    assert_eq!(
        alpha.missing_files, 0,
        "RECORD rows resolve in installed layout"
    );
    let b = scan(&[fx.path().join("wheels")]);
    let script = b
        .tree
        .descendants(b.top)
        .find(|id| b.tree.name(*id) == b"alpha-cli")
        .unwrap();
    let parent = b.tree.parent(script).unwrap();
    assert_eq!(
        b.tree.name(parent),
        b"bin",
        ".data/scripts installs into bin/"
    );
}

#[test]
fn two_wheels_of_one_distribution_are_flagged() {
    let fx = Fixture::new();
    let dir = fx.dir("wheels");
    wheel(&dir, "alpha", "1.0", 1000);
    wheel(&dir, "alpha", "1.1", 1000);
    let r = report(&[dir]);
    assert_eq!(r.duplicates.len(), 1);
    assert_eq!(r.duplicates[0].key, "alpha");
    assert_eq!(r.duplicates[0].versions, vec!["1.0", "1.1"]);
}

#[test]
fn a_layer_zip_reports_its_exact_size_and_finds_python() {
    let fx = Fixture::new();
    let site = fx.dir("stage");
    let owned = dist("numpyish", "1")
        .file("numpyish/core.so", 70_000)
        .install(&site);
    let out = fx.path().join("layer.zip");
    zip_dir(&site, "python/", &out);
    let r = report(std::slice::from_ref(&out));
    assert_eq!(r.roots[0].kind, "zip");
    assert_eq!(r.roots[0].sites, vec!["python"]);
    assert_eq!(
        r.totals.zipped_bytes,
        fs::metadata(&out).unwrap().len(),
        "exact archive size"
    );
    assert!(r.totals.zipped_exact);
    assert_eq!(r.distributions[0].bytes, owned);
    assert_eq!(r.totals.bytes, apparent_sum(&site).1);
}

#[test]
fn a_duplicate_whose_first_files_are_empty_is_still_paid_in_full() {
    let fx = Fixture::new();
    let a = fx.dir("a");
    let small = dist("shared", "1")
        .file("shared/__init__.py", 0)
        .file("shared/_empty.py", 0)
        .file("shared/core.py", 4000)
        .install(&a);
    let b = fx.dir("b");
    let large = dist("shared", "1")
        .file("shared/__init__.py", 0)
        .file("shared/core.py", 9000)
        .install(&b);
    assert!(small < large);
    let r = report(&[a, b]);
    let dup = r
        .duplicates
        .iter()
        .find(|d| d.key == "shared")
        .expect("shared is in two roots");
    assert_eq!(dup.bytes, small, "the smaller copy is the one paid twice");
}

#[test]
fn a_function_and_layers_add_up_with_duplicates_and_shadowed_paths() {
    let fx = Fixture::new();
    let func = fx.dir("fn");
    let f_bytes = dist("shared", "1")
        .file("shared/__init__.py", 5000)
        .install(&func);
    write_file(&func.join("handler.py"), 300);
    let l1 = fx.dir("l1stage");
    dist("numpyish", "1")
        .file("numpyish/a.py", 1000)
        .install(&l1);
    write_file(&l1.join("common/util.py"), 10);
    let layer1 = fx.path().join("layer1.zip");
    zip_dir(&l1, "python/", &layer1);
    let l2 = fx.dir("layer2/python");
    dist("shared", "1")
        .file("shared/__init__.py", 5000)
        .install(&l2);
    write_file(&l2.join("common/util.py"), 20);
    let paths = vec![func.clone(), layer1.clone(), fx.path().join("layer2")];
    let r = report(&paths);
    assert_eq!(r.roots.len(), 3);
    assert_eq!(
        r.totals.bytes,
        r.roots.iter().map(|x| x.bytes).sum::<u64>(),
        "roots subtotal the bundle"
    );
    assert_eq!(
        r.totals.zipped_bytes,
        r.roots.iter().map(|x| x.zipped_bytes).sum::<u64>()
    );
    assert!(!r.totals.zipped_exact, "directories are estimated");
    let dup = r
        .duplicates
        .iter()
        .find(|d| d.key == "shared")
        .expect("shared is in two roots");
    assert_eq!(dup.roots, vec![0, 2]);
    assert_eq!(dup.bytes, f_bytes, "one copy is paid twice");
    let shared = r.distributions.iter().find(|d| d.key == "shared").unwrap();
    assert_eq!(shared.roots, vec![0, 2]);
    assert!(
        r.shadowed
            .iter()
            .any(|s| s.path == "python/common/util.py" && s.roots == vec![1, 2]),
        "{:?}",
        r.shadowed
    );
}

#[test]
fn a_corrupt_archive_is_an_error_naming_it_and_the_rest_still_loads() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    let owned = dist("ok", "1").file("ok.py", 100).install(&site);
    let bad = fx.path().join("broken.zip");
    fs::write(&bad, b"PK\x03\x04 this is not really a zip").unwrap();
    let r = report(&[site, bad]);
    assert_eq!(r.errors.len(), 1);
    assert!(r.errors[0].path.ends_with("broken.zip"));
    assert!(!r.errors[0].message.is_empty());
    assert_eq!(r.distributions[0].bytes, owned);
}

#[test]
fn a_zip_with_a_traversal_name_is_refused_whole() {
    let fx = Fixture::new();
    let bad = fx.path().join("evil.zip");
    let mut w = ZipWriter::new(fs::File::create(&bad).unwrap());
    w.start_file("python/ok.py", SimpleFileOptions::default())
        .unwrap();
    w.write_all(b"x").unwrap();
    w.start_file("../../etc/evil", SimpleFileOptions::default())
        .unwrap();
    w.write_all(b"x").unwrap();
    w.finish().unwrap();
    let r = report(&[bad]);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(r.errors[0].path.ends_with("evil.zip"));
    assert_eq!(r.totals.files, 0, "nothing of a refused archive is counted");
}

#[test]
fn a_truncated_wheel_in_a_set_is_an_error_and_the_other_wheels_load() {
    let fx = Fixture::new();
    let dir = fx.dir("wheels");
    wheel(&dir, "good", "1.0", 1000);
    let bad = wheel(&dir, "cut", "1.0", 5000);
    let bytes = fs::read(&bad).unwrap();
    fs::write(&bad, &bytes[..bytes.len() / 2]).unwrap();
    let r = report(&[dir]);
    assert_eq!(r.errors.len(), 1);
    assert!(r.errors[0].path.contains("cut-1.0"));
    assert_eq!(r.distributions.len(), 1);
    assert_eq!(r.distributions[0].key, "good");
}

#[test]
fn directory_zipped_bytes_roll_up_to_distributions_and_predict_a_real_zip() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    dist("a", "1")
        .file("a/x.py", 30_000)
        .file("a/y.py", 4_000)
        .install(&site);
    dist("b", "1").file("b/z.py", 12_000).install(&site);
    let r = report(std::slice::from_ref(&site));
    let dist_zipped: u64 = r.distributions.iter().map(|d| d.zipped_bytes).sum();
    assert!(
        dist_zipped > 0 && dist_zipped < r.totals.zipped_bytes,
        "dirs and the end record are not owned"
    );
    let out = fx.path().join("real.zip");
    let status = std::process::Command::new("zip")
        .args(["-r", "-6", "-q"])
        .arg(&out)
        .arg(".")
        .current_dir(&site)
        .status();
    match status {
        Ok(s) if s.success() => {
            let real = fs::metadata(&out).unwrap().len() as f64;
            let err = (r.totals.zipped_bytes as f64 - real).abs() / real;
            assert!(
                err < 0.02,
                "estimate {} vs zip {real}: {:.2}%",
                r.totals.zipped_bytes,
                err * 100.0
            );
        }
        _ => eprintln!("skipped the comparison: no `zip` on this machine"),
    }
}

#[test]
fn a_warm_estimate_is_served_by_the_walks_identity_from_the_roots_cache_file() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    dist("a", "1").file("a/x.py", 30_000).install(&site);
    let cache_dir = fx.path().join("cache");
    let estimate = |paths: &[PathBuf]| {
        let mut b = load(paths, &LoadOptions::default(), &mut |_| {}).expect("load");
        let cache = Arc::new(ZipCache::in_dir(cache_dir.clone()));
        heft::zipjob::estimate_blocking(&mut b, &cache);
        cache.save().unwrap();
        Report::new(&b).totals.zipped_bytes
    };
    let cold = estimate(std::slice::from_ref(&site));
    // Same inode, size and mtime, other bytes: only a cache hit keyed by the walk's stamp
    // can still give the cold figure.
    let file = site.join("a/x.py");
    let mtime = fs::metadata(&file).unwrap().modified().unwrap();
    let mut f = fs::OpenOptions::new().write(true).open(&file).unwrap();
    f.write_all(&vec![b'z'; 30_000]).unwrap();
    f.set_modified(mtime).unwrap();
    drop(f);
    assert_eq!(estimate(std::slice::from_ref(&site)), cold);
}
