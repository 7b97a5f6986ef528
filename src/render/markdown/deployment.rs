//! A whole deployment (`heft report PROJECT --format markdown`): a summary line, one row per
//! function, then each function's artifacts with their limits, duplicates and warnings.

use std::fmt::Write as _;

use super::{escape, verdict_cell};
use crate::limits::{group, human};
use crate::project::gate::{ArtifactKind, FunctionCheck, ProjectCheck, short_name};

/// The project check as Markdown.
pub fn project(r: &ProjectCheck) -> String {
    let mut s = String::new();
    let over = r.functions.iter().filter(|f| !f.is_ok()).count();
    let state = if over == 0 {
        "✅ every function within its limits".to_string()
    } else {
        format!("❌ {over} over a limit")
    };
    let _ = writeln!(
        s,
        "### heft: {} project {}: {} function(s), {state}\n",
        escape(&r.format),
        escape(&r.file),
        r.functions.len()
    );
    let _ = writeln!(
        s,
        "| function | code + layers unzipped | layers | verdict |"
    );
    let _ = writeln!(s, "|---|---:|---:|---|");
    for f in &r.functions {
        let whole = f
            .limits
            .iter()
            .find(|l| l.artifact.is_none() && l.counted == "unzipped");
        let layers = f.limits.iter().find(|l| l.counted == "layers");
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            escape(&f.name),
            whole.map_or(String::new(), |l| format!(
                "{} ({} bytes) of {}",
                human(l.used),
                group(l.used),
                human(l.limit)
            )),
            layers.map_or(String::new(), |l| format!("{} of {}", l.used, l.limit)),
            whole.map_or(String::new(), |l| verdict_cell(
                l.ok,
                l.limit.saturating_sub(l.used + 1),
                l.overrun
            ))
        );
    }
    for f in &r.functions {
        function(&mut s, f);
    }
    notes(&mut s, "Warnings", &r.warnings);
    notes(&mut s, "Errors (not measured)", &r.errors);
    s
}

fn function(s: &mut String, f: &FunctionCheck) {
    let mark = if f.is_ok() { "✅" } else { "❌" };
    let _ = writeln!(s, "\n#### {mark} {}\n", escape(&f.name));
    let _ = writeln!(
        s,
        "| artifact | kind | unzipped | zipped | limits | shared with |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---|---|");
    for a in &f.artifacts {
        let mine = f.limits_of(&a.name);
        let limits = if mine.iter().all(|l| l.ok) {
            "✅".to_string()
        } else {
            mine.iter()
                .filter(|l| !l.ok)
                .map(|l| format!("❌ {} over by {}", escape(&l.name), human(l.overrun)))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let (bytes, zipped) = if a.known {
            (human(a.bytes), human(a.zipped_bytes))
        } else {
            ("unknown size".to_string(), String::new())
        };
        let kind = match a.kind {
            ArtifactKind::Code => "code",
            ArtifactKind::Layer => "layer",
        };
        let _ = writeln!(
            s,
            "| {} | {kind} | {bytes} | {zipped} | {limits} | {} |",
            escape(short_name(&a.name)),
            escape(&a.shared_with.join(", "))
        );
    }
    if !f.duplicates.is_empty() {
        let _ = writeln!(s, "\nInstalled in more than one artifact:\n");
        for d in &f.duplicates {
            let artifacts: Vec<&str> = d.artifacts.iter().map(|a| short_name(a)).collect();
            let _ = writeln!(
                s,
                "- {} in {}: {} paid twice; the copy in {} loads",
                escape(&d.name),
                escape(&artifacts.join(", ")),
                human(d.wasted_bytes),
                escape(short_name(&d.wins))
            );
        }
    }
    notes(s, "Warnings", &f.warnings);
}

fn notes(s: &mut String, title: &str, lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(s, "\n{title}:\n");
    for l in lines {
        let _ = writeln!(s, "- {}", escape(l));
    }
}
