//! The explorer's diff mode (`heft --diff OLD NEW`): every package with its old size, new
//! size and delta (▲ grew, ▼ shrank), and a treemap coloured by growth; `d` cycles which
//! size the list is sorted by and the treemap is drawn from (new, old, delta).
//!
//! A view of its own over a finished [`Diff`]: state, a pure keymap, one `apply` match and a
//! render that only reads state.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::{Context, Result};
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::theme::Theme;
use crate::bundle::Bundle;
use crate::diff::{Change, Diff};
use crate::limits::human;
use crate::render::html::data::{TreeNode, tree as size_tree};
use crate::render::{clip, signed_human};
use crate::treemap::{self, Item, LayoutOptions, TileKind};

/// Which size the view shows and sorts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SizeMode {
    /// The new build's bytes.
    New,
    /// The old build's bytes.
    Old,
    /// New minus old (sorted by size of the change).
    Delta,
}

impl SizeMode {
    fn next(self) -> SizeMode {
        match self {
            SizeMode::New => SizeMode::Old,
            SizeMode::Old => SizeMode::Delta,
            SizeMode::Delta => SizeMode::New,
        }
    }

    fn label(self) -> &'static str {
        match self {
            SizeMode::New => "new",
            SizeMode::Old => "old",
            SizeMode::Delta => "delta",
        }
    }
}

/// The panes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    /// The package list.
    Packages,
    /// The new build's directories by package, with old, new and delta sizes.
    Tree,
    /// The treemap.
    Treemap,
}

/// What a key asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffAction {
    /// Leave.
    Quit,
    /// Next row.
    Down,
    /// Previous row.
    Up,
    /// New -> old -> delta sizes.
    CycleSize,
    /// Show a pane.
    Show(Pane),
    /// Tree: into the selected directory.
    Open,
    /// Tree: back to the parent.
    Back,
}

/// The action for a key press, if any.
pub fn action_for(key: KeyEvent) -> Option<DiffAction> {
    match key.code {
        KeyCode::Char('q') | KeyCode::Esc => Some(DiffAction::Quit),
        KeyCode::Char('j') | KeyCode::Down => Some(DiffAction::Down),
        KeyCode::Char('k') | KeyCode::Up => Some(DiffAction::Up),
        KeyCode::Char('d') => Some(DiffAction::CycleSize),
        KeyCode::Char('1') => Some(DiffAction::Show(Pane::Packages)),
        KeyCode::Char('2') => Some(DiffAction::Show(Pane::Tree)),
        KeyCode::Enter | KeyCode::Char('l') | KeyCode::Right => Some(DiffAction::Open),
        KeyCode::Backspace | KeyCode::Char('h') | KeyCode::Left => Some(DiffAction::Back),
        KeyCode::Char('3') => Some(DiffAction::Show(Pane::Treemap)),
        _ => None,
    }
}

/// One package on both sides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Name as spelt.
    pub name: String,
    /// `1.18.0 -> 1.20.1`, or the one version.
    pub versions: String,
    /// Old bytes (0 when added).
    pub old: u64,
    /// New bytes (0 when removed).
    pub new: u64,
    /// What happened, `None` when identical.
    pub change: Option<Change>,
}

impl Row {
    fn delta(&self) -> i64 {
        crate::diff::signed(self.new, self.old)
    }
}

/// The diff view's state.
pub struct DiffView {
    diff: Diff,
    rows: Vec<Row>,
    /// Sizes shown.
    pub mode: SizeMode,
    /// Pane shown.
    pub pane: Pane,
    /// Selected row (in the current order).
    pub selected: usize,
    /// The size tree of the new build with deltas.
    tree: TreeNode,
    /// Tree: child indices from the top to the directory shown.
    path: Vec<usize>,
    /// Tree: the selected entry (in the current order).
    tree_selected: usize,
    quit: bool,
    theme: Theme,
}

impl DiffView {
    /// The view of `diff` between `before` and `after`; every package of either is a row.
    pub fn new(diff: Diff, before: &Bundle, after: &Bundle, theme: Theme) -> DiffView {
        let mut rows: BTreeMap<String, Row> = BTreeMap::new();
        for (bundle, is_new) in [(before, false), (after, true)] {
            for d in &bundle.dists {
                let row = rows.entry(d.key.clone()).or_insert_with(|| Row {
                    name: d.name.clone(),
                    versions: d.version.clone(),
                    old: 0,
                    new: 0,
                    change: None,
                });
                if is_new {
                    row.new = d.sizes.bytes;
                } else {
                    row.old = d.sizes.bytes;
                }
            }
        }
        for c in &diff.distributions {
            if let Some(row) = rows.get_mut(&c.key) {
                row.change = Some(c.change);
                row.versions = c.versions();
            }
        }
        let mut view = DiffView {
            diff,
            rows: rows.into_values().collect(),
            mode: SizeMode::New,
            pane: Pane::Packages,
            selected: 0,
            tree: size_tree(after, Some(before)),
            path: Vec::new(),
            tree_selected: 0,
            quit: false,
            theme,
        };
        view.sort();
        view
    }

    /// The rows in display order.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Whether the user asked to leave.
    pub fn is_done(&self) -> bool {
        self.quit
    }

    /// Applies one action.
    pub fn apply(&mut self, action: DiffAction) {
        match action {
            DiffAction::Quit => self.quit = true,
            DiffAction::Down => self.down(),
            DiffAction::Up => self.up(),
            DiffAction::CycleSize => self.cycle(),
            DiffAction::Show(pane) => self.pane = pane,
            DiffAction::Open => self.open(),
            DiffAction::Back => self.back(),
        }
    }

    fn down(&mut self) {
        if self.pane == Pane::Tree {
            let n = self.entries().len();
            self.tree_selected = (self.tree_selected + 1).min(n.saturating_sub(1));
        } else {
            self.selected = (self.selected + 1).min(self.rows.len().saturating_sub(1));
        }
    }

    fn up(&mut self) {
        if self.pane == Pane::Tree {
            self.tree_selected = self.tree_selected.saturating_sub(1);
        } else {
            self.selected = self.selected.saturating_sub(1);
        }
    }

    fn open(&mut self) {
        let entries = self.entries();
        if let Some(&(i, node)) = entries.get(self.tree_selected)
            && !node.c.is_empty()
        {
            self.path.push(i);
            self.tree_selected = 0;
        }
    }

    fn back(&mut self) {
        if self.path.pop().is_some() {
            self.tree_selected = 0;
        }
    }

    /// The tree node shown.
    fn tree_node(&self) -> &TreeNode {
        self.path.iter().fold(&self.tree, |n, &i| &n.c[i])
    }

    /// The shown node's children with their indices, in the current size order.
    fn entries(&self) -> Vec<(usize, &TreeNode)> {
        let mut out: Vec<(usize, &TreeNode)> = self.tree_node().c.iter().enumerate().collect();
        let mode = self.mode;
        out.sort_by_key(|(_, n)| Reverse(node_size(n, mode)));
        out
    }

    /// Where the tree pane is: `chromadb / chromadb / api`.
    pub fn tree_path(&self) -> String {
        let mut names = Vec::new();
        let mut at = &self.tree;
        for &i in &self.path {
            at = &at.c[i];
            names.push(at.n.as_str());
        }
        names.join(" / ")
    }

    fn cycle(&mut self) {
        self.mode = self.mode.next();
        self.sort();
        self.selected = 0;
        self.tree_selected = 0;
    }

    fn size(&self, row: &Row) -> u64 {
        match self.mode {
            SizeMode::New => row.new,
            SizeMode::Old => row.old,
            SizeMode::Delta => row.delta().unsigned_abs(),
        }
    }

    fn sort(&mut self) {
        let mode = self.mode;
        let key = |r: &Row| match mode {
            SizeMode::New => r.new,
            SizeMode::Old => r.old,
            SizeMode::Delta => r.delta().unsigned_abs(),
        };
        self.rows
            .sort_by_key(|r| (Reverse(key(r)), r.name.to_lowercase()));
    }
}

/// A tree node's old bytes (new minus its delta).
fn node_old(n: &TreeNode) -> u64 {
    let d = n.d.unwrap_or(0);
    if d >= 0 {
        n.b.saturating_sub(d.unsigned_abs())
    } else {
        n.b.saturating_add(d.unsigned_abs())
    }
}

/// A tree node's size in `mode`.
fn node_size(n: &TreeNode, mode: SizeMode) -> u64 {
    match mode {
        SizeMode::New => n.b,
        SizeMode::Old => node_old(n),
        SizeMode::Delta => n.d.unwrap_or(0).unsigned_abs(),
    }
}

// Growth is bad news in a diff (the opposite of watch mode's "a package arrived", which the
// theme's `grew` style marks in green), so this view names its own two colours.
/// Text of a package that grew.
const GREW_FG: Color = Color::Rgb(240, 110, 110);
/// Text of a package that shrank.
const SHRANK_FG: Color = Color::Rgb(110, 200, 130);

/// ▲ / ▼ and a style for a change of `delta` bytes.
fn mark(theme: &Theme, delta: i64) -> (&'static str, Style) {
    match delta {
        d if d > 0 && theme.color => ("▲", Style::new().fg(GREW_FG)),
        d if d < 0 && theme.color => ("▼", Style::new().fg(SHRANK_FG)),
        d if d > 0 => ("▲", theme.grew),
        d if d < 0 => ("▼", theme.shrank),
        _ => (" ", theme.dim),
    }
}

/// A tile's colour: red for growth (brightest when new), green for shrinking, grey else;
/// every other tile a shade darker so neighbours of one colour stay apart.
fn growth_style(theme: &Theme, row: &Row, index: usize) -> Style {
    if !theme.color {
        return if row.delta() == 0 {
            theme.dim
        } else {
            theme.grew
        };
    }
    let (r, g, b) = match (row.old, row.delta()) {
        (0, d) if d > 0 => (190, 30, 40),
        (_, d) if d > 0 => (150, 70, 70),
        (_, d) if d < 0 => (40, 120, 70),
        _ => (80, 80, 90),
    };
    let shade = if index.is_multiple_of(2) { 0 } else { 25 };
    let bg = Color::Rgb(r - shade.min(r), g - shade.min(g), b - shade.min(b));
    Style::new().fg(Color::White).bg(bg)
}

impl Widget for &DiffView {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [head, body, foot] = Layout::vertical([
            Constraint::Length(2 + self.diff.limits.len() as u16),
            Constraint::Fill(1),
            Constraint::Length(1),
        ])
        .areas(area);
        self.render_head(head, buf);
        match self.pane {
            Pane::Packages => self.render_packages(body, buf),
            Pane::Tree => self.render_tree(body, buf),
            Pane::Treemap => self.render_treemap(body, buf),
        }
        let mut help = format!(
            " d sizes: {} (new/old/delta)   1 packages   2 tree (Enter in, Backspace out)   3 treemap   j/k move   q quit ",
            self.mode.label()
        );
        if help.chars().count() > usize::from(foot.width) {
            help = format!(
                " d sizes: {}  1 packages  2 tree  3 treemap  Enter/Bksp in/out  q quit ",
                self.mode.label()
            );
        }
        Paragraph::new(help).style(self.theme.dim).render(foot, buf);
    }
}

impl DiffView {
    fn render_head(&self, area: Rect, buf: &mut Buffer) {
        let d = &self.diff;
        let (b, a) = (&d.totals.before, &d.totals.after);
        let mut lines = vec![Line::styled(
            format!(
                " heft diff  {} -> {}",
                d.inputs.before.join(" + "),
                d.inputs.after.join(" + ")
            ),
            self.theme.header,
        )];
        let (m, style) = mark(&self.theme, d.delta.bytes);
        let totals = format!(" {} -> {}  ", human(b.bytes), human(a.bytes));
        let delta = format!("{m} {}", signed_human(d.delta.bytes));
        let mut rest = format!(
            "   zipped {} -> {} ({})   {} changed, {} identical",
            human(b.zipped_bytes),
            human(a.zipped_bytes),
            signed_human(d.delta.zipped_bytes),
            d.distributions.len(),
            d.unchanged
        );
        let used = totals.chars().count() + delta.chars().count();
        if used + rest.chars().count() > usize::from(area.width) {
            // Narrow: the zipped delta and the identical count give way to the rest.
            rest = format!(
                " · zipped {} -> {} · {} changed",
                human(b.zipped_bytes),
                human(a.zipped_bytes),
                d.distributions.len()
            );
        }
        lines.push(Line::from(vec![
            Span::raw(totals),
            Span::styled(delta, style),
            Span::raw(rest),
        ]));
        for l in &d.limits {
            let style = if l.after.ok {
                self.theme.ok
            } else {
                self.theme.over
            };
            lines.push(Line::styled(
                format!(
                    " {:<20} {:>6.1}% -> {:>6.1}%  {}",
                    l.name,
                    l.before.percent,
                    l.after.percent,
                    if l.after.ok { "ok" } else { "OVER" }
                ),
                style,
            ));
        }
        Paragraph::new(lines).render(area, buf);
    }

    fn render_packages(&self, area: Rect, buf: &mut Buffer) {
        // Sizes and the change keep their columns; names and versions share the rest.
        let rest = usize::from(area.width).saturating_sub(46);
        let ver_w = (rest / 2).clamp(9, 26);
        let name_w = rest.saturating_sub(ver_w + 1).clamp(10, 32);
        let heading = format!(
            " {:<name_w$} {:<ver_w$} {:>10} {:>10} {:>12}  change",
            "distribution", "version", "old", "new", "delta"
        );
        let mut lines = vec![Line::styled(heading, self.theme.heading)];
        let visible = usize::from(area.height.saturating_sub(1));
        let first = self.selected.saturating_sub(visible.saturating_sub(1));
        for (i, r) in self.rows.iter().enumerate().skip(first).take(visible) {
            let (m, style) = mark(&self.theme, r.delta());
            let change = r.change.map_or("", Change::as_str);
            let text = format!(
                " {:<name_w$} {:<ver_w$} {:>10} {:>10} {m}{:>11}  {change}",
                clip(&r.name, name_w),
                clip(&r.versions, ver_w),
                human(r.old),
                human(r.new),
                signed_human(r.delta())
            );
            let style = if i == self.selected {
                self.theme.selected
            } else if r.delta() == 0 {
                self.theme.dim
            } else {
                style
            };
            lines.push(Line::styled(text, style));
        }
        Paragraph::new(lines).render(area, buf);
    }

    fn render_tree(&self, area: Rect, buf: &mut Buffer) {
        let name_w = usize::from(area.width).saturating_sub(36).clamp(10, 58);
        let heading = format!(
            " {:<name_w$} {:>10} {:>10} {:>12}",
            clip(&format!("/ {}", self.tree_path()), name_w),
            "old",
            "new",
            "delta"
        );
        let mut lines = vec![Line::styled(heading, self.theme.heading)];
        let visible = usize::from(area.height.saturating_sub(1));
        let first = self.tree_selected.saturating_sub(visible.saturating_sub(1));
        for (row, (_, n)) in self
            .entries()
            .into_iter()
            .enumerate()
            .skip(first)
            .take(visible)
        {
            let delta = n.d.unwrap_or(0);
            let (m, style) = mark(&self.theme, delta);
            let name = if n.c.is_empty() {
                n.n.clone()
            } else {
                format!("{}/", n.n)
            };
            let text = format!(
                " {:<name_w$} {:>10} {:>10} {m}{:>11}",
                clip(&name, name_w),
                human(node_old(n)),
                human(n.b),
                signed_human(delta)
            );
            let style = if row == self.tree_selected {
                self.theme.selected
            } else if delta == 0 {
                self.theme.dim
            } else {
                style
            };
            lines.push(Line::styled(text, style));
        }
        Paragraph::new(lines).render(area, buf);
    }

    fn render_treemap(&self, area: Rect, buf: &mut Buffer) {
        let items: Vec<Item> = self
            .rows
            .iter()
            .enumerate()
            .map(|(id, r)| Item {
                id,
                weight: self.size(r),
            })
            .collect();
        let rect = treemap::Rect::new(area.x, area.y, area.width, area.height);
        for tile in treemap::layout(&items, rect, &LayoutOptions::default()) {
            let r = Rect::new(tile.rect.x, tile.rect.y, tile.rect.width, tile.rect.height)
                .intersection(area);
            let (label, style) = match tile.kind {
                TileKind::Item(i) => {
                    let row = &self.rows[i];
                    let (m, _) = mark(&self.theme, row.delta());
                    (
                        format!("{m}{} {}", row.name, signed_human(row.delta())),
                        growth_style(&self.theme, row, i),
                    )
                }
                TileKind::Rest { count, weight } => (
                    format!("{count} more, {}", human(weight)),
                    self.theme.rest_tile,
                ),
            };
            buf.set_style(r, style);
            let width = usize::from(r.width.saturating_sub(1));
            buf.set_stringn(r.x, r.y, clip(&label, width), width, style);
        }
    }
}

/// Runs the diff view in the terminal until `q`; the terminal is restored on every way out.
pub fn run(view: &mut DiffView) -> Result<ExitCode> {
    let mut terminal = ratatui::try_init().context("opening the terminal")?;
    let result = (|| -> Result<()> {
        while !view.is_done() {
            terminal.draw(|f| f.render_widget(&*view, f.area()))?;
            if let Event::Key(key) = ratatui::crossterm::event::read()?
                && key.kind == KeyEventKind::Press
                && let Some(action) = action_for(key)
            {
                view.apply(action);
            }
        }
        Ok(())
    })();
    ratatui::restore();
    result.map(|()| ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests;
