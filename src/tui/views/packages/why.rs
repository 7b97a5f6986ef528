//! The why panel under the packages table: for the selected distribution, what dropping
//! it frees, how the entries import it (once the import graph is known: the module chain,
//! `file:line` per link), then every chain of requirements from a top-level package down
//! to it, each link marked with what dropping that link (and what only it needs) would free.

use crate::bundle::Bundle;
use crate::insight::{Insight, WhyPaths};
use crate::limits::human;
use crate::model::DistId;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Borders, Widget};

use crate::tui::reach::ChainOf;
use crate::tui::text::{fit, put};
use crate::tui::views::{PackagesView, PkgRow, Props};

/// Draws the panel for the selected package.
pub fn render(view: &PackagesView, p: &Props, area: Rect, buf: &mut Buffer) {
    let block = Block::new()
        .borders(Borders::TOP)
        .border_style(p.theme.dim)
        .title(" why (w hides) ");
    let inner = block.inner(area);
    block.render(area, buf);
    let width = inner.width.saturating_sub(1);
    let say = |buf: &mut Buffer, y: u16, text: &str, style: Style| {
        put(
            buf,
            inner.x + 1,
            y,
            &fit(text, usize::from(width)),
            width,
            style,
        );
    };
    let (Some(PkgRow::Dist(d)), Some(insight)) = (view.selected(), p.insight) else {
        say(
            buf,
            inner.y,
            "select a package to see why it is here",
            p.theme.dim,
        );
        return;
    };
    let why = p.why.filter(|w| w.target == d);
    let mut lines = lines(p.bundle, insight, d, why);
    let chain = crate::tui::views::chain_lines(p, ChainOf::Dist(d), 8);
    let at = lines.len() - why.map_or(0, path_lines);
    lines.splice(at..at, chain);
    fit_rows(&mut lines, usize::from(inner.height), &p.bundle.dist(d).key);
    for (i, (line, y)) in lines.iter().zip(inner.y..inner.bottom()).enumerate() {
        let style = if i == 0 {
            p.theme.heading
        } else {
            Style::new()
        };
        say(buf, y, line, style);
    }
}

/// How many lines the requirement paths take at the end of [`lines`].
fn path_lines(why: &WhyPaths) -> usize {
    why.paths.len() + usize::from(why.total_count > why.paths.len())
}

/// Exclusions `lines` to `rows`, the last one saying how many did not fit, rather than stop
/// silently.
fn fit_rows(lines: &mut Vec<String>, rows: usize, key: &str) {
    if lines.len() > rows && rows > 1 {
        let hidden = lines.len() - rows + 1;
        lines.truncate(rows - 1);
        lines.push(format!(
            "… {hidden} more lines: heft why {key} lists every path"
        ));
    }
}

/// The panel's text: a summary line, the runtime note, then one line per path.
pub fn lines(bundle: &Bundle, insight: &Insight, d: DistId, why: Option<&WhyPaths>) -> Vec<String> {
    let dist = bundle.dist(d);
    let info = insight.get(d);
    let only = insight.exclusive_set(d).len().saturating_sub(1);
    let with = match only {
        0 => String::new(),
        1 => " (with the 1 package only it needs)".to_string(),
        n => format!(" (with the {n} packages only it needs)"),
    };
    let mut out = vec![format!(
        "{} {}: {} own; x frees {}{with}; {} shared with others",
        dist.name,
        dist.version,
        human(dist.sizes.bytes),
        human(info.retained.bytes),
        human(info.shared.bytes),
    )];
    if only > 0 {
        let mut names: Vec<&str> = insight
            .exclusive_set(d)
            .into_iter()
            .filter(|o| *o != d)
            .map(|o| bundle.dist(o).name.as_str())
            .collect();
        names.sort_unstable();
        out.push(format!("x would also exclude: {}", names.join(", ")));
    }
    if let Some(rt) = &info.runtime_provided {
        out.push(format!(
            "the {} runtime provides it: {}",
            rt.runtime, rt.note
        ));
    }
    let Some(why) = why else {
        return out;
    };
    let retained = |id: DistId| insight.get(id).retained.bytes;
    for path in &why.paths {
        let links: Vec<String> = path
            .dists
            .iter()
            .map(|&id| {
                let name = &bundle.dist(id).name;
                if id == d {
                    name.clone()
                } else {
                    format!("{name} [{}]", human(retained(id)))
                }
            })
            .collect();
        if links.len() == 1 {
            out.push(format!("{} is a top-level requirement", links[0]));
        } else {
            out.push(links.join(" → "));
        }
    }
    let rest = why.total_count.saturating_sub(why.paths.len());
    if rest > 0 {
        let at_least = if why.complete { "" } else { "at least " };
        out.push(format!(
            "… {at_least}{rest} more paths (heft why {})",
            dist.key
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panel_too_short_for_its_chains_says_how_many_are_hidden() {
        let mut lines: Vec<String> = (0..12).map(|i| format!("chain {i}")).collect();
        fit_rows(&mut lines, 5, "numpy");
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[4], "… 8 more lines: heft why numpy lists every path");
        let mut short = vec!["one".to_string()];
        fit_rows(&mut short, 5, "numpy");
        assert_eq!(short, ["one"]);
    }
}
