//! `heft report --save`: a saved scan reads back into the same report.

use heft::load::{LoadOptions, load};
use heft::report::Report;

use crate::fixture::{Fixture, dist, write_file};

#[test]
fn report_save_writes_a_scan_that_reads_back_into_the_same_report() {
    let fx = Fixture::new();
    let site = fx.dir("site");
    dist("app", "1.0")
        .file("app/main.py", 5000)
        .requires("lib>=1")
        .install(&site);
    dist("lib", "1.2")
        .file("lib/core.so", 80_000)
        .install(&site);
    write_file(&site.join("app/__pycache__/main.cpython-312.pyc"), 1234);
    let saved = fx.path().join("site.heftscan.gz");
    crate::rules::heft()
        .args(["report", "--save"])
        .arg(&saved)
        .arg(&site)
        .assert()
        .success();
    let restored = heft::scanfile::open(&saved).unwrap();
    let mut original = load(&[site], &LoadOptions::default(), &mut |_| {}).unwrap();
    let cache = std::sync::Arc::new(heft::zipsize::ZipCache::new());
    heft::zipjob::estimate_blocking(&mut original, &cache);
    assert_eq!(Report::new(&restored), Report::new(&original));
}
