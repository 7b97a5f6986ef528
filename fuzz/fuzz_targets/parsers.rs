//! One target for every parser of untrusted bytes: the first byte picks the parser.

#![no_main]

use std::collections::BTreeSet;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(bytes);
    let env = heft::python::marker::Env::lambda("3.12", "x86_64");
    let extras = BTreeSet::new();
    match which % 8 {
        0 => drop(heft::python::record::parse_record(bytes)),
        1 => drop(heft::python::metadata::parse_metadata(bytes)),
        2 => drop(heft::requirements::parse_requirements_txt(&text)),
        3 => {
            if let Ok(r) = heft::python::requirement::Requirement::parse(&text) {
                r.applies(&env, &extras);
            }
        }
        4 => {
            if let Ok(m) = heft::python::marker::Marker::parse(&text) {
                m.evaluate(&env, &extras);
            }
        }
        5 => {
            let (a, b) = text.split_once(' ').unwrap_or((&text, "1.0"));
            heft::python::version::compare(a, b);
            heft::python::version::satisfies(a, b);
        }
        6 => {
            if let Ok(bundle) = heft::scanfile::parse(bytes, "fuzz") {
                drop(heft::report::Report::new(&bundle));
            }
        }
        _ => {
            if let Ok(m) = heft::manifest::Manifest::from_json(&text) {
                drop(heft::manifest::apply::plan(&m));
            }
            let dir = std::env::temp_dir().join(format!("heft-fuzz-{}", std::process::id()));
            let _ = std::fs::create_dir_all(&dir);
            let path = dir.join("input.zip");
            if std::fs::write(&path, bytes).is_ok() {
                let wanted = heft::archive::is_packaging_metadata;
                drop(heft::archive::read_archive(&path, &wanted));
            }
        }
    }
});
