//! The why panel under the packages table: for the selected distribution, the chains
//! of requirements from a top-level package down to it, and what excluding it (with the
//! dependencies only it needs) would free.

use crate::bundle::Bundle;
use crate::limits::human;
use crate::model::DistId;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Widget};

use super::text::{fit, put};
use crate::tui::app::exclusive_deps;
use crate::tui::app::{App, PkgRow};

/// Most chains listed.
const MAX_CHAINS: usize = 12;

/// Draws the panel for the selected package.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let block = Block::new()
        .borders(Borders::TOP)
        .border_style(app.theme.dim)
        .title(" why ");
    let inner = block.inner(area);
    block.render(area, buf);
    let Some(PkgRow::Dist(d)) = app.packages.selected() else {
        put(
            buf,
            inner.x + 1,
            inner.y,
            "select a package to see why it is here",
            inner.width,
            app.theme.dim,
        );
        return;
    };
    let lines = lines(app.bundle(), d);
    for (line, y) in lines.iter().zip(inner.y..inner.bottom()) {
        put(
            buf,
            inner.x + 1,
            y,
            &fit(line, usize::from(inner.width.saturating_sub(1))),
            inner.width,
            ratatui::style::Style::new(),
        );
    }
}

/// The panel's text lines.
pub fn lines(bundle: &Bundle, d: DistId) -> Vec<String> {
    let dist = bundle.dist(d);
    let exclusive = exclusive_deps(bundle, d);
    let freed: u64 = dist.sizes.bytes
        + exclusive
            .iter()
            .map(|e| bundle.dist(*e).sizes.bytes)
            .sum::<u64>();
    let mut out = vec![format!(
        "{} {}: {}; x frees {} (with {} only it needs)",
        dist.name,
        dist.version,
        human(dist.sizes.bytes),
        human(freed),
        exclusive.len()
    )];
    let chains = chains(bundle, d, MAX_CHAINS + 1);
    if chains.is_empty() || chains.iter().all(|c| c.len() == 1) {
        out.push("top level: nothing in the bundle requires it".into());
    }
    for chain in chains.iter().filter(|c| c.len() > 1).take(MAX_CHAINS) {
        let names: Vec<&str> = chain
            .iter()
            .map(|i| bundle.dist(*i).name.as_str())
            .collect();
        out.push(names.join(" → "));
    }
    if chains.len() > MAX_CHAINS {
        out.push("… more chains".into());
    }
    out
}

/// Chains of requirements from a graph root down to `d` (at most `limit`, shortest first).
pub fn chains(bundle: &Bundle, d: DistId, limit: usize) -> Vec<Vec<DistId>> {
    let g = &bundle.graph;
    let mut out = Vec::new();
    let mut stack = vec![vec![d]];
    while let Some(path) = stack.pop() {
        if out.len() >= limit {
            break;
        }
        let Some(&head) = path.last() else { continue };
        let parents: Vec<DistId> = g.required_by(head).filter(|p| !path.contains(p)).collect();
        if parents.is_empty() || g.is_root(head) {
            let mut chain = path.clone();
            chain.reverse();
            out.push(chain);
            if parents.is_empty() {
                continue;
            }
        }
        for p in parents {
            let mut next = path.clone();
            next.push(p);
            stack.push(next);
        }
    }
    out.sort_by_key(Vec::len);
    out
}
