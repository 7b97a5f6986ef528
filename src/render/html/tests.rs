use super::*;
use crate::bundle::Target;
use crate::diff::compare;
use crate::diff::tests::{new, old};
use crate::synthetic::Synth;

/// The JSON between the data block's tags, parsed.
fn embedded(html: &str) -> serde_json::Value {
    let start = html.find("id=\"heft-data\">").unwrap() + "id=\"heft-data\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

fn evil() -> Bundle {
    let mut s = Synth::new();
    let d = s.dist("</script><script>alert(1)</script>", "1<!--", &[]);
    s.file("</script><script>alert(1)", 5000, Some(d));
    s.file("<!--<script>/x.py", 10, None);
    s.build(Target::default())
}

#[test]
fn hostile_names_cannot_break_out_of_the_data_block() {
    let b = evil();
    let html = report(&b, &crate::report::Report::new(&b), &[]);
    assert_eq!(
        html.to_lowercase().matches("<script").count(),
        2,
        "only the page's own scripts"
    );
    assert!(!html.contains("alert(1)</script>"));
    assert!(!html.contains("<!--<script>"));
    let data = embedded(&html);
    assert_eq!(
        data["dists"][0]["name"],
        "</script><script>alert(1)</script>"
    );
    let dir = &data["tree"]["c"][0]["c"][0];
    assert_eq!(dir["n"], "<", "the file's directory, read back verbatim");
}

#[test]
fn the_embedded_json_escapes_every_angle_bracket_and_ampersand() {
    assert_eq!(
        embed_json(r#"{"n":"</a>&"}"#),
        r#"{"n":"\u003c/a\u003e\u0026"}"#
    );
}

#[test]
fn a_diff_page_carries_per_directory_deltas() {
    let (o, n) = (old(), new());
    let html = diff(&compare(&o, &n, &[]), &o, &n);
    let data = embedded(&html);
    assert_eq!(data["kind"], "diff");
    let tree = &data["tree"];
    assert_eq!(tree["d"], 112_300);
    let lib = tree["c"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["n"] == "lib")
        .unwrap();
    assert_eq!(
        lib["d"], 1300,
        "lib/core.py grew 2,000 and lib/shared.py went to app"
    );
}

/// Sum of children equals the parent at every level.
fn adds_up(n: &serde_json::Value) -> bool {
    let Some(kids) = n["c"].as_array() else {
        return true;
    };
    kids.iter().map(|k| k["b"].as_u64().unwrap()).sum::<u64>() == n["b"].as_u64().unwrap()
        && kids.iter().all(adds_up)
}

#[test]
fn a_12k_file_layer_makes_a_page_under_2_mb_that_adds_up() {
    let mut s = Synth::new();
    for d in 0..80 {
        let id = s.dist(&format!("pkg{d}"), "1.0", &[]);
        for i in 0..150 {
            let size = 200 + (d * 7919 + i * 104_729) % 90_000;
            s.file(&format!("pkg{d}/sub{}/mod_{i}.py", i % 12), size, Some(id));
        }
    }
    let b = s.build(Target::default());
    assert!(b.totals().files >= 12_000);
    let html = report(&b, &crate::report::Report::new(&b), &[]);
    assert!(html.len() < 2 * 1024 * 1024, "{} bytes", html.len());
    let data = embedded(&html);
    assert!(adds_up(&data["tree"]));
    assert_eq!(data["tree"]["b"].as_u64(), Some(b.totals().bytes));
}
