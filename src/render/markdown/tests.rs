use super::*;
use crate::bundle::Target;
use crate::diff::compare;
use crate::diff::tests::{new, old};
use crate::limits::{preset, verdict};
use crate::synthetic::Synth;

fn limits() -> Vec<crate::limits::Limit> {
    let mut small = preset("aws-lambda").unwrap().clone();
    small.bytes = 100_000;
    vec![small, preset("aws-lambda-zip").unwrap().clone()]
}

#[test]
fn a_diff_renders_a_summary_line_a_limit_table_and_a_folded_full_list() {
    let d = compare(&old(), &new(), &limits());
    insta::assert_snapshot!("diff_markdown", diff(&d, 2));
}

#[test]
fn a_diff_of_a_build_with_itself_says_there_are_no_changes() {
    let d = compare(&old(), &old(), &limits());
    let md = diff(&d, 10);
    assert!(
        md.contains("No changes: 3 distributions identical."),
        "{md}"
    );
    assert!(!md.contains("<details>"), "{md}");
}

#[test]
fn a_report_renders_limits_with_verdicts_top_items_and_a_folded_full_list() {
    let b = new();
    let r = Report::new(&b);
    let t = b.totals();
    let v: Vec<_> = limits()
        .iter()
        .map(|l| verdict(l, t.bytes, t.zipped, 0))
        .collect();
    insta::assert_snapshot!("report_markdown", report(&r, &v, 3));
}

#[test]
fn names_cannot_inject_markup_or_break_a_table() {
    let mut s = Synth::new();
    let evil = s.dist("x", "1|<img src=x onerror=alert(1)>", &[]);
    s.file("x/a.py", 10, Some(evil));
    let b = s.build(Target::default());
    let md = report(&Report::new(&b), &[], 5);
    assert!(!md.contains("<img"), "{md}");
    let row = md.lines().find(|l| l.starts_with("| x |")).unwrap();
    assert_eq!(row.matches(" | ").count() + 2, 7, "still six cells: {row}");
}
