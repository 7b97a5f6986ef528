//! Limit tests: presets, `--limit` parsing, request size and verdicts.

use super::*;

const MIB: u64 = 1024 * 1024;

#[test]
fn presets_parse() {
    let names: Vec<&str> = presets().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names.len(), 9, "{names:?}");
    assert!(
        presets()
            .iter()
            .all(|p| !p.description.is_empty() && !p.source.is_empty())
    );
}

#[test]
fn every_preset_has_its_exact_bytes_and_measure() {
    let expected: &[(&str, u64, Counted)] = &[
        ("aws-lambda", 262_144_000, Counted::Unzipped),
        ("aws-lambda-zip", 52_428_800, Counted::Zipped),
        ("aws-layer-request", 70_167_211, Counted::Request),
        ("aws-lambda-edge-viewer", MIB, Counted::Zipped),
        ("aws-lambda-edge-origin", 50 * MIB, Counted::Zipped),
        ("vercel-python", 500 * MIB, Counted::Unzipped),
        ("gcf-gen1-zip", 100 * MIB, Counted::Zipped),
        ("gcf-gen1", 500 * MIB, Counted::Unzipped),
        ("aws-lambda-image", 10 * 1024 * MIB, Counted::Unzipped),
    ];
    for &(name, bytes, counted) in expected {
        let limit = preset(name).unwrap_or_else(|| panic!("no preset {name}"));
        assert_eq!((limit.bytes, limit.counted), (bytes, counted), "{name}");
    }
}

#[test]
fn the_aws_error_texts_are_kept_as_sources() {
    let source = |name: &str| preset(name).map(|p| p.source.clone()).unwrap_or_default();
    assert!(source("aws-lambda").contains("smaller than 262144000 bytes"));
    assert!(source("aws-layer-request").contains("smaller than 70167211 bytes"));
}

#[test]
fn a_limit_argument_names_a_preset_in_any_case() {
    assert_eq!(parse_limit("AWS-Lambda").map(|l| l.bytes), Ok(262_144_000));
    assert_eq!(
        parse_limit(" aws-layer-request ").map(|l| l.counted),
        Ok(Counted::Request)
    );
}

#[test]
fn a_custom_size_counts_unzipped_unless_a_measure_is_given() {
    let limit = |s: &str| parse_limit(s).map(|l| (l.bytes, l.counted));
    assert_eq!(limit("180MB"), Ok((180 * MIB, Counted::Unzipped)));
    assert_eq!(limit("unzipped:180MB"), Ok((180 * MIB, Counted::Unzipped)));
    assert_eq!(limit("zip:50MB"), Ok((50 * MIB, Counted::Zipped)));
    assert_eq!(limit("Zipped: 50MB"), Ok((50 * MIB, Counted::Zipped)));
    assert_eq!(
        limit("request:70167211"),
        Ok((70_167_211, Counted::Request))
    );
}

#[test]
fn a_custom_limit_describes_itself_and_its_origin() {
    let limit = parse_limit("zip:50MB").expect("a valid limit");
    assert_eq!(limit.name, "zip:50MB");
    assert_eq!(
        limit.description,
        "custom limit of 50 MB (52428800 bytes) on the .zip file"
    );
    assert_eq!(limit.source, "command line");
}

#[test]
fn bad_limit_arguments_say_what_is_wrong() {
    assert!(
        matches!(parse_limit("aws-lamda"), Err(LimitError::UnknownPreset { known, .. }) if known.contains("aws-lambda"))
    );
    assert!(
        matches!(parse_limit("gzip:5MB"), Err(LimitError::UnknownCounted { prefix, .. }) if prefix == "gzip")
    );
    assert!(matches!(
        parse_limit("zip:5XB"),
        Err(LimitError::UnknownUnit { .. })
    ));
    assert!(matches!(
        parse_limit("0MB"),
        Err(LimitError::ZeroLimit { .. })
    ));
    assert_eq!(parse_limit(""), Err(LimitError::Empty));
}

#[test]
fn the_layer_request_limit_is_base64_of_50_mib_plus_256_kib() {
    // AWS's own arithmetic, as far as the two numbers it has quoted show.
    assert_eq!((50 * MIB * 4).div_ceil(3), 69_905_067);
    assert_eq!((50 * MIB * 4 + 256 * 1024 * 3).div_ceil(3), 70_167_211);
}

#[test]
fn request_bytes_are_base64_plus_the_envelope() {
    assert_eq!(request_bytes(0), REQUEST_ENVELOPE_BYTES);
    assert_eq!(request_bytes(1), 4 + REQUEST_ENVELOPE_BYTES);
    assert_eq!(request_bytes(3), 4 + REQUEST_ENVELOPE_BYTES);
    assert_eq!(request_bytes(4), 8 + REQUEST_ENVELOPE_BYTES);
    assert_eq!(request_bytes(u64::MAX), u64::MAX);
}

#[test]
fn a_zip_of_about_52_6_mb_is_the_largest_inline_layer() {
    let limit = preset("aws-layer-request").expect("preset");
    let largest = 52_623_870;
    assert!(verdict(limit, 0, largest, 0).ok);
    assert!(!verdict(limit, 0, largest + 1, 0).ok);
    assert!(verdict(limit, 0, 50 * MIB, 0).ok, "a 50 MiB zip passes");
}

#[test]
fn exactly_the_limit_fails_because_aws_says_smaller_than() {
    let limit = preset("aws-lambda").expect("preset");
    let at = verdict(limit, 262_144_000, 0, 0);
    assert!(!at.ok);
    assert_eq!((at.headroom, at.overrun), (0, 1), "one byte must go");
    assert!((at.percent - 100.0).abs() < 1e-9);
    let below = verdict(limit, 262_143_999, 0, 0);
    assert!(below.ok);
    assert_eq!(
        (below.headroom, below.overrun),
        (0, 0),
        "not one more byte fits"
    );
}

#[test]
fn headroom_and_overrun_measure_distance_from_the_largest_passing_size() {
    let limit = preset("aws-lambda").expect("preset");
    let under = verdict(limit, 200_000_000, 0, 0);
    assert_eq!(
        (under.ok, under.headroom, under.overrun),
        (true, 62_143_999, 0)
    );
    let over = verdict(limit, 300_000_000, 0, 0);
    assert_eq!(
        (over.ok, over.headroom, over.overrun),
        (false, 0, 37_856_001)
    );
}

#[test]
fn the_reserve_counts_against_the_limit() {
    let limit = preset("aws-lambda").expect("preset");
    let v = verdict(limit, 200_000_000, 0, 62_144_000);
    assert_eq!((v.used, v.reserve, v.ok), (262_144_000, 62_144_000, false));
}

#[test]
fn each_limit_measures_what_it_counts() {
    let used = |name: &str| verdict(preset(name).expect("preset"), 1000, 300, 0).used;
    assert_eq!(used("aws-lambda"), 1000);
    assert_eq!(used("aws-lambda-zip"), 300);
    assert_eq!(used("aws-layer-request"), 400 + REQUEST_ENVELOPE_BYTES);
}

#[test]
fn limit_errors_read_as_sentences() {
    let message = parse_size("12XB").map_err(|e| e.to_string());
    assert_eq!(
        message,
        Err("unknown unit `XB` in `12XB`: use B, KB, MB or GB (1024-based; K, KiB, M, MiB, G, GiB too)".into())
    );
}
