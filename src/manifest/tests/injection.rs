//! Property tests: whatever bytes a rule, a reason, a root path, a date or an excluded
//! path hold, every export keeps the structure it has for a plain value.

use proptest::prelude::*;

use super::{manifest_of, site};
use crate::manifest::Manifest;
use crate::manifest::export::{ExportError, Format, printf_quote, render};
use crate::manifest::fingerprint::to_hex;
use crate::rules::Rule;

/// Text with the characters that end lines, comments and quotes well represented.
fn nasty_text() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        '\n', '\r', '\t', '\0', '\u{7f}', '\u{85}', '\u{2028}', '\u{2029}', '\u{feff}', '\'', '"',
        '\\', '`', '$', '#', '%', '\u{1b}', ':', '-', ' ', '*',
    ]);
    prop::collection::vec(prop_oneof![special, any::<char>()], 0..24)
        .prop_map(|chars| chars.into_iter().collect())
}

/// Path bytes: anything but NUL, at least one byte.
fn nasty_path() -> impl Strategy<Value = Vec<u8>> {
    let special = prop::sample::select(b"\n\r\t/'\"\\%*?[#!- \x85\xff".to_vec());
    prop::collection::vec(prop_oneof![special, 1u8..=255], 1..24)
}

/// The manifest with user-supplied strings set to `text` and its first path to `path`.
fn tampered(text: &str, path: &[u8]) -> Manifest {
    let (_, mut m) = manifest_of(
        &site(&[]),
        vec![Rule::glob("tests/"), Rule::path("x", None)],
    );
    for rule in &mut m.rules {
        rule.value = text.to_string();
        rule.reason = text.to_string();
        rule.preset = Some(text.to_string());
    }
    m.roots[0].path = text.to_string();
    m.created = text.to_string();
    m.heft_version = text.to_string();
    m.warnings = vec![text.to_string()];
    m.roots[0].markers[0].path = text.to_string();
    let e = &mut m.excluded[0];
    e.path = String::from_utf8_lossy(path).into_owned();
    e.path_hex = Some(to_hex(path));
    m
}

fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split(|b| *b == b'\n').collect()
}

/// Lines that start a Dockerfile instruction (not a comment, not a continuation).
fn instructions(text: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut continued = false;
    for line in lines(text) {
        if !continued && !line.starts_with(b"#") && !line.is_empty() {
            let word = line.split(|b| *b == b' ').next().unwrap_or_default();
            out.push(String::from_utf8_lossy(word).into_owned());
        }
        continued = line.ends_with(b"\\") && !line.starts_with(b"#");
    }
    out
}

/// The YAML's shape, with the patterns list given as its length.
fn yaml_shape(text: &[u8]) -> (serde_yaml_ng::Value, Vec<String>) {
    let mut doc: serde_yaml_ng::Value = serde_yaml_ng::from_slice(text).unwrap();
    let list = doc["custom"]["pythonRequirements"]
        .as_mapping_mut()
        .unwrap()
        .remove("slimPatterns")
        .unwrap();
    let patterns = list
        .as_sequence()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    (doc, patterns)
}

/// A control character or a line break YAML or a reader might honour.
fn is_unsafe_byte_in(text: &str) -> bool {
    text.chars()
        .any(|c| (c.is_control() && c != '\n') || matches!(c, '\u{2028}' | '\u{2029}'))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_rule_or_path_text_changes_the_structure_of_any_export(
        text in nasty_text(),
        path in nasty_path(),
    ) {
        let plain = tampered("x", b"alpha/tests");
        let m = tampered(&text, &path);
        // sh: the same lines, the path one quoted word in the same places.
        let (a, b) = (render(&plain, Format::Sh, None).unwrap(), render(&m, Format::Sh, None).unwrap());
        let script = String::from_utf8(b.clone()).unwrap();
        prop_assert!(!is_unsafe_byte_in(&script), "raw control character in:\n{}", script);
        let (pa, pb) = (printf_quote(b"alpha/tests"), printf_quote(&path));
        prop_assert_eq!(lines(&a).len(), lines(&b).len());
        for (la, lb) in lines(&a).into_iter().zip(lines(&b)) {
            if la.starts_with(b"#") {
                prop_assert!(lb.starts_with(b"#"));
            } else if la != lb {
                // Only a line naming the path differs, and only by the quoted path.
                let lb = String::from_utf8_lossy(lb);
                let restored = if lb.starts_with("  heft_marker ") {
                    lb.replacen(&printf_quote(text.as_bytes()), &printf_quote(b"x"), 1)
                } else {
                    prop_assert!(lb.starts_with("  heft_check ") || lb.starts_with("  heft_delete "));
                    lb.replacen(&pb, &pa, 1)
                };
                prop_assert_eq!(restored.as_bytes(), la);
            }
        }
        // JSON: reads back as the same manifest.
        let json = render(&m, Format::Json, None).unwrap();
        prop_assert_eq!(&Manifest::from_json(&String::from_utf8(json).unwrap()).unwrap(), &m);
        // Line formats: refused, or one line per path and the same comment lines.
        for format in [Format::ZipExclude, Format::Gitignore, Format::Dockerfile, Format::SlimPatterns] {
            let a = render(&plain, format, None).unwrap();
            let b = match render(&m, format, None) {
                Err(ExportError::Unrepresentable { .. }) => continue,
                other => other.unwrap(),
            };
            prop_assert_eq!(lines(&a).len(), lines(&b).len(), "{:?}", format);
            let comments = |t: &[u8]| lines(t).iter().filter(|l| l.starts_with(b"#")).count();
            if format != Format::ZipExclude {
                // zip reads every line of its list as a pattern: it has no comments.
                prop_assert_eq!(comments(&a), comments(&b), "{:?}", format);
            }
            if format == Format::Dockerfile {
                prop_assert_eq!(instructions(&a), instructions(&b));
            }
            if format == Format::SlimPatterns {
                let text = String::from_utf8(b.clone()).unwrap();
                prop_assert!(!is_unsafe_byte_in(&text), "raw control character in:\n{}", text);
                let (shape_a, list_a) = yaml_shape(&a);
                let (shape_b, list_b) = yaml_shape(&b);
                prop_assert_eq!(shape_a, shape_b);
                prop_assert_eq!(list_a.len(), list_b.len());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn the_sh_script_decodes_every_name_to_its_exact_bytes(path in nasty_path()) {
        let script = format!(
            "{}heft_decode {}\nprintf %s \"$heft_p\"\n",
            crate::manifest::export::SH_HELPERS,
            printf_quote(&path)
        );
        let out = std::process::Command::new("sh").arg("-c").arg(&script).output().unwrap();
        prop_assert!(out.status.success(), "{:?}", out);
        prop_assert_eq!(out.stdout, path);
    }
}
