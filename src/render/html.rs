//! One self-contained HTML page (inline CSS and vanilla JS, no network) of a report or a
//! diff: limit gauges, a zoomable treemap, a sortable package table and the why chains.
//!
//! The data rides in a `<script type="application/json">` block. File and distribution
//! names are attacker-controlled, so every `<`, `>` and `&` in it is written as a JSON
//! `\u` escape (no `</script>` or `<!--` can appear), and the page's script only ever puts
//! names into the document as text, never as markup.

pub mod data;

use crate::bundle::Bundle;
use crate::diff::Diff;
use crate::limits::Verdict;
use crate::report::Report;

/// The page, with `/*HEFT-DATA*/` where the JSON goes.
const TEMPLATE: &str = include_str!("../../assets/page.html");

/// Where the JSON goes in [`TEMPLATE`].
const SLOT: &str = "/*HEFT-DATA*/";

/// The report page.
pub fn report(bundle: &Bundle, r: &Report, verdicts: &[Verdict]) -> String {
    page(&data::report(bundle, r, verdicts))
}

/// The diff page: the new build's treemap coloured by growth over the old one.
pub fn diff(d: &Diff, before: &Bundle, after: &Bundle) -> String {
    page(&data::diff(d, before, after))
}

fn page(data: &data::PageData) -> String {
    // Serialising plain structs of strings and numbers cannot fail; "null" would show an
    // empty page rather than a broken one.
    let json = serde_json::to_string(data).unwrap_or_else(|_| "null".into());
    TEMPLATE.replacen(SLOT, &embed_json(&json), 1)
}

/// JSON made safe inside a `<script>` element: `<`, `>`, `&` and the two JavaScript line
/// separators become `\u` escapes, which JSON.parse reads back as the same characters.
pub fn embed_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
