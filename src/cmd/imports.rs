//! `heft imports PATH... [--entry X]`: what the entries reach, per distribution, with the
//! `heft.imports/1` JSON for tools.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use heft::imports::wire::{ImportsJson, ReachBytes};
use heft::imports::{EdgeKind, Imports};
use heft::limits::human;

use crate::cli::ImportsArgs;

/// Runs `heft imports`.
pub fn run(args: &ImportsArgs) -> Result<ExitCode> {
    let bundle = super::load_for_imports(&args.input)?;
    let started = Instant::now();
    let imports = heft::imports::Imports::analyze_with_user_cache(&bundle, &args.entries.entries);
    let took = started.elapsed();
    let doc = ImportsJson::new(&bundle, &imports);
    if args.json {
        super::print_json(&doc)?;
    } else {
        super::print(&render_text(&imports, &doc, args.top, took.as_secs_f64()))?;
    }
    Ok(super::ok())
}

/// A summary: entries, bytes per class, the distributions with most unreached bytes,
/// module-scope imports that resolve nowhere, unreadable sources.
pub fn render_text(imports: &Imports, doc: &ImportsJson, top: usize, secs: f64) -> String {
    let mut s = String::new();
    let how = if doc.default_entries {
        " (default: import names of the top-level distributions; --entry to choose)"
    } else {
        ""
    };
    let _ = writeln!(s, "entries: {}{how}", doc.entries.join(", "));
    if !doc.unresolved_entries.is_empty() {
        let _ = writeln!(s, "not found: {}", doc.unresolved_entries.join(", "));
    }
    let _ = writeln!(
        s,
        "{} sources scanned, {} edges, {} unparsed, in {secs:.2} s",
        imports.graph.scanned,
        doc.edges.len(),
        doc.unparsed.len()
    );
    let _ = writeln!(s, "{}", class_line("bundle", &doc.totals));
    let mut dists: Vec<_> = doc.distributions.iter().collect();
    dists.sort_by_key(|d| std::cmp::Reverse(d.bytes.unreached_bytes));
    let _ = writeln!(s, "\nmost unreached bytes:");
    for d in dists.iter().take(top) {
        let _ = writeln!(s, "{}", class_line(&d.key, &d.bytes));
    }
    if !doc.lazy_paths.is_empty() {
        let _ = writeln!(
            s,
            "\nlazy code the unreached preset keeps (only deferred, guarded or dynamic imports reach it;\n\
             cut one with --exclude-path PATH when the import named never runs for you):"
        );
        for l in doc.lazy_paths.iter().take(top) {
            let via = l.via.as_ref().map_or_else(String::new, |v| {
                format!("  {}:{} {} -> {}", v.file, v.line, v.kind, v.module)
            });
            let _ = writeln!(s, "  {:<28} {:>9}{via}", l.path, human(l.lazy_bytes));
        }
    }
    let top_missing: Vec<_> = doc
        .missing
        .iter()
        .filter(|m| m.kind == EdgeKind::Top.as_str())
        .collect();
    if !top_missing.is_empty() {
        let _ = writeln!(
            s,
            "\n{} module-scope imports resolve nowhere (first {top}):",
            top_missing.len()
        );
        for m in top_missing.iter().take(top) {
            let _ = writeln!(s, "  {}  ({}:{})", m.module, m.imported_by, m.line);
        }
    }
    s
}

fn class_line(name: &str, b: &ReachBytes) -> String {
    format!(
        "  {name:<28} reached {:>9}  lazy {:>9}  data {:>9}  unreached {:>9}",
        human(b.reached_bytes),
        human(b.lazy_bytes),
        human(b.data_bytes),
        human(b.unreached_bytes)
    )
}
