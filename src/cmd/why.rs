//! `heft why NAME PATH...`: every path from the top level to one distribution, each edge
//! with the requirement that created it, and what removing it frees.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Context, Result};
use heft::imports::entries::find_file;
use heft::imports::why::{ModuleWhy, chain_line};
use heft::insight::{Insight, InsightOptions, WhyJson, suggest, why_paths};
use heft::limits::human;
use heft::python::name::normalize;

use crate::cli::WhyArgs;

/// Runs `heft why`; exit 2 when no distribution has that name.
pub fn run(args: &WhyArgs) -> Result<ExitCode> {
    let bundle = super::load_for_imports(&args.input)?;
    let as_path = args.name.contains('/')
        || std::path::Path::new(&args.name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("py"));
    let dist = if as_path {
        None
    } else {
        bundle.dist_by_key(&normalize(&args.name))
    };
    let mut imports =
        heft::imports::Imports::analyze_with_user_cache(&bundle, &args.entries.entries);
    if dist.is_none() {
        let module = if as_path {
            find_file(&bundle, &args.name).and_then(|f| imports.module_of_file(f))
        } else {
            imports.graph.finder.find(&bundle.tree, &args.name)
        };
        if let Some(m) = module {
            let why = imports.why_module(&bundle, m);
            if args.json {
                super::print_json(&why)?;
            } else {
                super::print(&render_module(&why, "imported by"))?;
            }
            return Ok(super::ok());
        }
    }
    let Some(target) = dist else {
        let near = suggest(&bundle, &args.name);
        let hint = if near.is_empty() {
            "`heft report` lists what is installed".to_string()
        } else {
            format!("did you mean {}?", near.join(", "))
        };
        eprintln!(
            "heft: no distribution named `{}` in the bundle; {hint}",
            args.name
        );
        // What could not be read may be where it is: say so rather than let "not there"
        // stand as the whole answer.
        for (_, e) in &bundle.errors {
            eprintln!(
                "heft: note: {}: {} (not read, so not searched)",
                e.path.display(),
                e.message
            );
        }
        return Ok(ExitCode::from(2));
    };
    let insight = Insight::compute(&bundle, &InsightOptions::default());
    let why = WhyJson::new(&bundle, &insight, &why_paths(&bundle, target, args.max));
    let code = imports.why_dist(&bundle, target);
    if args.json {
        let mut value = serde_json::to_value(&why).context("serialising the paths")?;
        value["imports"] = serde_json::to_value(&code).context("serialising the imports")?;
        super::print_json(&value)?;
    } else {
        let mut text = render_text(&why);
        text.push('\n');
        text.push_str(&render_module(
            &code,
            "its modules are imported from outside it by",
        ));
        super::print(&text)?;
    }
    Ok(super::ok())
}

/// The module-level answer: reach, the chain from an entry, then the importers.
pub fn render_module(w: &ModuleWhy, importers: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}: {} from {}", w.module, w.reach, w.entries.join(", "));
    if !w.chain.is_empty() {
        let _ = writeln!(s, "  {}", chain_line(&w.chain));
    }
    if w.importers.is_empty() {
        let _ = writeln!(s, "nothing in the bundle imports it");
        return s;
    }
    let _ = writeln!(s, "{importers} ({}):", w.importers.len());
    for i in w.importers.iter().take(20) {
        let _ = writeln!(s, "  {}:{}  {} ({})", i.file, i.line, i.module, i.kind);
    }
    if w.importers.len() > 20 {
        let _ = writeln!(
            s,
            "  ... and {} more (--json lists all)",
            w.importers.len() - 20
        );
    }
    s
}

/// Renders the paths and sizes as text.
pub fn render_text(w: &WhyJson) -> String {
    let mut s = String::new();
    let depth = w
        .depth
        .map_or_else(|| "unreachable".to_string(), |d| format!("depth {d}"));
    let _ = writeln!(
        s,
        "{} {}: {} own, {} retained, {} shared, {depth}",
        w.name,
        w.version,
        human(w.bytes),
        human(w.retained_bytes),
        human(w.shared_bytes)
    );
    let via = w
        .only_via
        .as_ref()
        .map(|v| format!("; every path passes through {v}"))
        .unwrap_or_default();
    let zipped = if w.retained_zipped_bytes > 0 {
        format!(", {} zipped", human(w.retained_zipped_bytes))
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "removing it frees {}{zipped} (it and what only it needs){via}",
        human(w.retained_bytes)
    );
    if let Some(note) = &w.runtime_note {
        let _ = writeln!(s, "[in runtime] {note}");
    }
    let plural = if w.total_paths == 1 { "" } else { "s" };
    let at_least = if w.complete { "" } else { "at least " };
    let _ = writeln!(
        s,
        "{at_least}{} path{plural} from the top level:",
        w.total_paths
    );
    render_paths(&mut s, w);
    let rest = w.total_paths.saturating_sub(w.paths.len());
    if rest > 0 {
        let _ = writeln!(s);
        let _ = writeln!(s, "... and {at_least}{rest} more (--max N shows more)");
    }
    s
}

/// Each path on a line, then its edges with the requirement that created them.
fn render_paths(s: &mut String, w: &WhyJson) {
    for (path, edges) in w.paths.iter().zip(&w.edges) {
        let _ = writeln!(s);
        if path.len() == 1 {
            let _ = writeln!(s, "{}  (top level)", path[0]);
        } else {
            let _ = writeln!(s, "{}", path.join(" -> "));
        }
        for e in edges {
            let extras = if e.extras.is_empty() {
                String::new()
            } else {
                format!("  [extra {} on]", e.extras.join(", "))
            };
            let _ = writeln!(s, "    {} -> {}  ({}){extras}", e.from, e.to, e.requirement);
        }
    }
}
