//! GitHub-flavoured Markdown for `$GITHUB_STEP_SUMMARY` and pull-request comments: a
//! summary line, the limits with their verdicts, a table of the top items and the full
//! list folded in a `<details>` block. Every name is escaped: METADATA is untrusted text.

mod deployment;

use std::fmt::Write as _;

use super::signed_human;
use crate::diff::{Change, Diff, DistChange, LimitChange};
use crate::limits::{Verdict, group, human};
use crate::report::{DistJson, Report};

pub use deployment::project;

/// Text safe inside a table cell: no HTML, no pipes, no emphasis or links, one line.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' | '\\' | '*' | '_' | '`' | '[' | ']' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn verdict_cell(ok: bool, headroom: u64, overrun: u64) -> String {
    if ok {
        format!("✅ {} left", human(headroom))
    } else {
        format!("❌ over by {} ({} bytes)", human(overrun), group(overrun))
    }
}

/// The report as Markdown: `verdicts` are the limits checked on its totals.
pub fn report(r: &Report, verdicts: &[Verdict], top: usize) -> String {
    let mut s = String::new();
    let t = &r.totals;
    let over: Vec<&Verdict> = verdicts.iter().filter(|v| !v.ok).collect();
    let state = if over.is_empty() {
        "✅ within every limit".to_string()
    } else {
        let names: Vec<String> = over
            .iter()
            .map(|v| format!("{} by {}", escape(&v.limit.name), human(v.overrun)))
            .collect();
        format!("❌ over {}", names.join(", "))
    };
    let _ = writeln!(
        s,
        "### heft: {} unzipped, {} zipped, {} files, {} distributions: {state}\n",
        human(t.bytes),
        human(t.zipped_bytes),
        group(t.files),
        r.distributions.len()
    );
    limit_table(&mut s, verdicts);
    dist_table(&mut s, &r.distributions[..top.min(r.distributions.len())]);
    if r.distributions.len() > top {
        let _ = writeln!(
            s,
            "\n<details><summary>All {} distributions</summary>\n",
            r.distributions.len()
        );
        dist_table(&mut s, &r.distributions);
        let _ = writeln!(s, "\n</details>");
    }
    chains(&mut s, r);
    let _ = writeln!(
        s,
        "\nUnowned (in no RECORD): {} files, {}.",
        group(r.unowned.files),
        human(r.unowned.bytes)
    );
    s
}

fn limit_table(s: &mut String, verdicts: &[Verdict]) {
    if verdicts.is_empty() {
        return;
    }
    let _ = writeln!(s, "| limit | used | limit | share | verdict |");
    let _ = writeln!(s, "|---|---:|---:|---:|---|");
    for v in verdicts {
        let _ = writeln!(
            s,
            "| {} ({}) | {} ({} bytes) | {} | {:.1}% | {} |",
            escape(&v.limit.name),
            v.limit.counted.label(),
            human(v.used),
            group(v.used),
            human(v.limit.bytes),
            v.percent,
            verdict_cell(v.ok, v.headroom, v.overrun)
        );
    }
    let _ = writeln!(s);
}

/// The heavy chains, folded.
fn chains(s: &mut String, r: &Report) {
    if r.chains.is_empty() {
        return;
    }
    let _ = writeln!(s, "\n<details><summary>Why it is big</summary>\n");
    for c in &r.chains {
        let _ = writeln!(
            s,
            "- {}: {} retained",
            escape(&c.path.join(" → ")),
            human(c.retained_bytes)
        );
    }
    let _ = writeln!(s, "\n</details>");
}

fn dist_table(s: &mut String, dists: &[DistJson]) {
    let _ = writeln!(
        s,
        "| distribution | version | size | zipped | share | required by |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|---|");
    for d in dists {
        let by = if d.required_by.is_empty() {
            "(top level)".to_string()
        } else {
            d.required_by.join(", ")
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {:.1}% | {} |",
            escape(&d.name),
            escape(&d.version),
            human(d.bytes),
            human(d.zipped_bytes),
            d.percent,
            escape(&by)
        );
    }
}

/// The diff as Markdown.
pub fn diff(d: &Diff, top: usize) -> String {
    let mut s = String::new();
    let (b, a) = (&d.totals.before, &d.totals.after);
    let _ = writeln!(
        s,
        "### heft diff: {} ({} → {}), zipped {} ({} → {}){}\n",
        signed_human(d.delta.bytes),
        human(b.bytes),
        human(a.bytes),
        signed_human(d.delta.zipped_bytes),
        human(b.zipped_bytes),
        human(a.zipped_bytes),
        counts_phrase(d)
    );
    if !d.limits.is_empty() {
        let _ = writeln!(s, "| limit | before | after | change | verdict |");
        let _ = writeln!(s, "|---|---:|---:|---:|---|");
        d.limits.iter().for_each(|l| limit_row(&mut s, l));
        let _ = writeln!(s);
    }
    if d.is_empty() {
        let _ = writeln!(s, "No changes: {} distributions identical.", d.unchanged);
        return s;
    }
    change_table(&mut s, &d.distributions[..top.min(d.distributions.len())]);
    if d.distributions.len() > top {
        let _ = writeln!(
            s,
            "\n<details><summary>All {} changes</summary>\n",
            d.distributions.len()
        );
        change_table(&mut s, &d.distributions);
        let _ = writeln!(s, "\n</details>");
    }
    moved(&mut s, d);
    tail(&mut s, d);
    s
}

/// Zipped-only changes, unowned bytes and the unchanged count.
fn tail(s: &mut String, d: &Diff) {
    if d.zipped_only.distributions > 0 {
        let _ = writeln!(
            s,
            "\n{} more distributions differ in zipped bytes only ({}): same files and bytes.",
            d.zipped_only.distributions,
            signed_human(d.zipped_only.delta_zipped_bytes)
        );
    }
    let (ub, ua) = (&d.unowned.before, &d.unowned.after);
    let _ = writeln!(
        s,
        "\nUnowned (in no RECORD): {} → {} ({} → {} files). {} distributions unchanged.",
        human(ub.bytes),
        human(ua.bytes),
        group(ub.files),
        group(ua.files),
        d.unchanged
    );
}

/// Files that changed owner or root, folded.
fn moved(s: &mut String, d: &Diff) {
    if d.moved.is_empty() {
        return;
    }
    let _ = writeln!(s, "\n<details><summary>Moved files</summary>\n");
    for m in &d.moved {
        let who = |p: &crate::diff::Place| {
            escape(p.dist.as_deref().unwrap_or("(unowned)")) + &format!(" (root {})", p.root)
        };
        let examples: Vec<String> = m.examples.iter().map(|e| escape(e)).collect();
        let _ = writeln!(
            s,
            "- {} files, {}: {} → {} (e.g. {})",
            group(m.files),
            human(m.bytes),
            who(&m.from),
            who(&m.to),
            examples.join(", ")
        );
    }
    let _ = writeln!(s, "\n</details>");
}

/// `; 2 added, 1 upgraded` (empty when nothing changed).
fn counts_phrase(d: &Diff) -> String {
    let order = [
        Change::Added,
        Change::Removed,
        Change::Upgraded,
        Change::Downgraded,
        Change::Grown,
        Change::Shrunk,
    ];
    let parts: Vec<String> = order
        .iter()
        .filter_map(|c| {
            let n = d.distributions.iter().filter(|x| x.change == *c).count();
            (n > 0).then(|| format!("{n} {}", c.as_str()))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("; {}", parts.join(", "))
    }
}

fn limit_row(s: &mut String, l: &LimitChange) {
    let _ = writeln!(
        s,
        "| {} ({}) | {} ({:.1}%) | {} ({:.1}%) | {} | {} |",
        escape(&l.name),
        l.counted.label(),
        human(l.before.used),
        l.before.percent,
        human(l.after.used),
        l.after.percent,
        signed_human(l.delta),
        verdict_cell(l.after.ok, l.after.headroom, l.after.overrun)
    );
}

fn change_table(s: &mut String, changes: &[DistChange]) {
    let _ = writeln!(
        s,
        "| change | distribution | version | size | zipped | via |"
    );
    let _ = writeln!(s, "|---|---|---|---:|---:|---|");
    for c in changes {
        let via = match (&c.via, &c.via_before) {
            (Some(v), Some(was)) => format!("{} (was {})", v.join(" → "), was.join(" → ")),
            (Some(v), None) => v.join(" → "),
            (None, Some(was)) => format!("was {}", was.join(" → ")),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            c.change.as_str(),
            escape(&c.name),
            escape(&c.versions()).replace(" -&gt; ", " → "),
            signed_human(c.delta_bytes),
            signed_human(c.delta_zipped_bytes),
            escape(&via)
        );
    }
}

#[cfg(test)]
mod tests;
