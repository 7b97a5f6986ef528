//! Where everything goes on the screen: computed from a few numbers ([`LayoutProps`])
//! once per frame and stored in the app, so state (scrolling, mouse hits) and widgets
//! read the same rectangles and neither asks the other.

use ratatui::layout::{Position, Rect};

/// Where everything goes on a screen of a given size.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Screen {
    /// Title and tabs.
    pub header: Rect,
    /// One line per active limit.
    pub gauges: Rect,
    /// Scan progress (empty once loaded).
    pub progress: Rect,
    /// Watch mode's activity log (empty otherwise).
    pub activity: Rect,
    /// The view.
    pub body: Rect,
    /// Totals, sort and position (above the status line).
    pub totals: Rect,
    /// Focused path and hints.
    pub status: Rect,
    /// Rows of the packages table (below its heading).
    pub packages_rows: Rect,
    /// The why panel under the packages, when shown.
    pub why: Option<Rect>,
    /// The tree list with its heading (the body, less the chain panel).
    pub tree: Rect,
    /// Rows of the tree list.
    pub tree_rows: Rect,
    /// The import chain panel under the tree, when shown.
    pub tree_why: Option<Rect>,
    /// The treemap's tiles.
    pub treemap: Rect,
    /// Rows of the rules list.
    pub rules_rows: Rect,
    /// The warnings under the rules list (empty without warnings).
    pub rules_alerts: Rect,
    /// Tab labels in the header, in Tab order.
    pub tabs: Vec<Rect>,
}

impl Screen {
    /// The Tab position of the tab covering a cell, if any.
    pub fn tab_at(&self, x: u16, y: u16) -> Option<usize> {
        self.tabs.iter().position(|r| r.contains(Position { x, y }))
    }
}

/// What the layout depends on, read from the app once per frame.
// Independent switches of the app's state, each read as it is; folding them into enums
// would only rename the same combinations.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LayoutProps {
    /// The screen.
    pub size: Rect,
    /// Active limits (one gauge line each, at most four).
    pub gauges: u16,
    /// Whether a scan runs (a progress line).
    pub scanning: bool,
    /// Whether watch mode's log is shown.
    pub watching: bool,
    /// Whether the why panel is wanted under the packages.
    pub show_why: bool,
    /// How many warnings the Rules view lists.
    pub alerts: u16,
    /// Whether the import graph is known or coming (the Tree then has a chain panel).
    pub chains: bool,
    /// The views' tab titles, in Tab order.
    pub tabs: &'static [&'static str],
}

/// Lays the screen out.
pub fn compute(p: &LayoutProps) -> Screen {
    let area = p.size;
    let gauges = p.gauges.min(4);
    let progress = u16::from(p.scanning);
    let mut y = area.y;
    let mut take = |h: u16, keep: u16| {
        let h = h.min(area.bottom().saturating_sub(y).saturating_sub(keep));
        let r = Rect::new(area.x, y, area.width, h);
        y += h;
        r
    };
    let header = take(1, 0);
    let gauges = take(gauges, 0);
    let progress = take(progress, 0);
    let activity = take(activity_height(p), 0);
    // The totals bar gives way first on very short screens.
    let bar = u16::from(area.height >= 12);
    let body = take(u16::MAX, 1 + bar);
    let totals = take(bar, 1);
    let status = take(1, 0);
    let (table, why) = split_why(p.show_why, body);
    let (rules_list, rules_alerts) = split_alerts(p.alerts, body);
    let (tree, tree_why) = split_chain(p.show_why && p.chains, body);
    Screen {
        header,
        gauges,
        progress,
        activity,
        body,
        totals,
        status,
        packages_rows: below_heading(table),
        why,
        tree,
        tree_rows: below_heading(tree),
        tree_why,
        treemap: below_heading(body),
        rules_rows: below_heading(rules_list),
        rules_alerts,
        tabs: tabs(header, p.tabs),
    }
}

/// The packages table and, if shown and there is room, the why panel under it.
fn split_why(show: bool, body: Rect) -> (Rect, Option<Rect>) {
    if !show || body.height < 14 {
        return (body, None);
    }
    let (table, why) = split_bottom(body, (body.height / 3).clamp(6, 14));
    (table, Some(why))
}

/// The tree and, if shown and there is room, the import chain panel under it.
fn split_chain(show: bool, body: Rect) -> (Rect, Option<Rect>) {
    if !show || body.height < 14 {
        return (body, None);
    }
    let (tree, why) = split_bottom(body, (body.height / 4).clamp(5, 8));
    (tree, Some(why))
}

/// The rules list and, with warnings, a section under it listing them (a heading line
/// and one line each, at most half the body).
fn split_alerts(n: u16, body: Rect) -> (Rect, Rect) {
    let h = if n == 0 {
        0
    } else {
        (n + 1).min(body.height / 2)
    };
    split_bottom(body, h)
}

/// `area` with its last `h` lines (at most all of them) split off below.
fn split_bottom(area: Rect, h: u16) -> (Rect, Rect) {
    let h = h.min(area.height);
    let top = Rect {
        height: area.height - h,
        ..area
    };
    let bottom = Rect {
        y: area.y + top.height,
        height: h,
        ..area
    };
    (top, bottom)
}

fn below_heading(r: Rect) -> Rect {
    Rect {
        y: r.y.saturating_add(1).min(r.bottom()),
        height: r.height.saturating_sub(1),
        ..r
    }
}

/// Watch mode's log lines: more on tall screens.
fn activity_height(p: &LayoutProps) -> u16 {
    match (p.watching, p.size.height) {
        (false, _) => 0,
        (true, h) if h >= 36 => 5,
        (true, _) => 3,
    }
}

/// Cells of one tab label: " 1 Packages ".
pub fn tab_label(i: usize, title: &str) -> String {
    format!(" {} {title} ", i + 1)
}

/// Where the tab labels (one per title, in Tab order) sit: right-aligned in the header,
/// or just the digits when narrow.
pub fn tabs(header: Rect, titles: &[&str]) -> Vec<Rect> {
    let labels: Vec<String> = titles
        .iter()
        .enumerate()
        .map(|(i, t)| tab_label(i, t))
        .collect();
    let full: u16 = labels.iter().map(|l| l.chars().count() as u16).sum();
    let short = header.width < 100;
    let width = |l: &String| if short { 3 } else { l.chars().count() as u16 };
    let total = if short { 3 * labels.len() as u16 } else { full };
    let mut x = header.right().saturating_sub(total);
    labels
        .iter()
        .map(|l| {
            let r = Rect::new(
                x,
                header.y,
                width(l).min(header.right().saturating_sub(x)),
                header.height.min(1),
            );
            x += width(l);
            r
        })
        .collect()
}
