//! The Packages view: which rows (distributions and the unowned bucket) in which order,
//! the selection and filter, its keys (Enter opens a package's files in the Tree) and its
//! drawing (`render`: the table, `why`: the panel under it).

use ratatui::buffer::Buffer;

use crate::model::{DistId, Sizes};

use super::list::ListState;
use super::{Effect, Item, Props, View};
use super::{position, sort_text};
use crate::tui::exclusions::Reason;
use crate::tui::keymap::Action;
use crate::tui::keymap::SortKey;
use crate::tui::layout::Screen;

mod render;
mod why;

/// One row of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PkgRow {
    /// An installed distribution.
    Dist(DistId),
    /// Files no RECORD lists.
    Unowned,
}

/// Sortable columns, in the order `s` cycles through them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PkgColumn {
    /// Apparent bytes (and share).
    #[default]
    Bytes,
    /// Zipped bytes.
    Zipped,
    /// Bytes freed by dropping it with what only it needs.
    Retained,
    /// Name.
    Name,
    /// Version.
    Version,
    /// How many distributions require it.
    RequiredBy,
    /// Kept, partly excluded, excluded.
    Status,
}

impl PkgColumn {
    const CYCLE: [PkgColumn; 7] = [
        PkgColumn::Bytes,
        PkgColumn::Zipped,
        PkgColumn::Retained,
        PkgColumn::Name,
        PkgColumn::Version,
        PkgColumn::RequiredBy,
        PkgColumn::Status,
    ];

    /// The next column in the cycle.
    #[must_use]
    pub fn next(self) -> PkgColumn {
        let i = Self::CYCLE.iter().position(|c| *c == self).unwrap_or(0);
        Self::CYCLE[(i + 1) % Self::CYCLE.len()]
    }

    /// Whether the natural order is largest first.
    pub fn descends(self) -> bool {
        !matches!(self, PkgColumn::Name | PkgColumn::Version)
    }

    /// Heading text.
    pub fn title(self) -> &'static str {
        match self {
            PkgColumn::Bytes => "bytes",
            PkgColumn::Zipped => "zipped",
            PkgColumn::Retained => "retained",
            PkgColumn::Name => "name",
            PkgColumn::Version => "version",
            PkgColumn::RequiredBy => "required by",
            PkgColumn::Status => "status",
        }
    }
}

/// Rows, order, filter and selection of the Packages view.
#[derive(Clone, Debug, Default)]
pub struct PackagesView {
    /// Rows in display order (filtered).
    pub rows: Vec<PkgRow>,
    /// Selection and scroll.
    pub list: ListState,
    /// Sort column.
    pub sort: PkgColumn,
    /// Whether the order is the column's natural one reversed.
    pub reversed: bool,
    /// Case-insensitive substring the names must contain.
    pub filter: String,
}

/// How excluded a distribution is: 0 kept, 1 partly, 2 wholly.
pub fn exclusion_level(ctx: &Props, d: DistId) -> u8 {
    let full = ctx.bundle.dist(d).sizes;
    let kept = ctx.exclusions.dist_kept(ctx.bundle, d);
    if kept == full {
        0
    } else if kept.files == 0 {
        2
    } else {
        1
    }
}

impl PackagesView {
    /// Rebuilds the rows from the bundle, keeping the selected row selected.
    pub fn rebuild(&mut self, ctx: &Props, height: usize) {
        let keep = self.selected();
        let needle = self.filter.to_lowercase();
        let mut rows: Vec<PkgRow> = (0..ctx.bundle.dists.len())
            .map(|i| DistId(i as u32))
            .filter(|d| {
                let dist = ctx.bundle.dist(*d);
                needle.is_empty()
                    || dist.name.to_lowercase().contains(&needle)
                    || dist.key.contains(&needle)
            })
            .map(PkgRow::Dist)
            .collect();
        rows.sort_by(|a, b| {
            let (PkgRow::Dist(a), PkgRow::Dist(b)) = (a, b) else {
                return std::cmp::Ordering::Equal;
            };
            let natural = self.compare(ctx, *a, *b);
            let ord = if self.reversed {
                natural.reverse()
            } else {
                natural
            };
            ord.then_with(|| ctx.bundle.dist(*a).key.cmp(&ctx.bundle.dist(*b).key))
        });
        let unowned = ctx.exclusions.unowned().0;
        if !ctx.scanning
            && unowned.files > 0
            && (needle.is_empty() || "(unowned files)".contains(&needle))
        {
            rows.push(PkgRow::Unowned);
        }
        self.rows = rows;
        if let Some(row) = keep
            && let Some(i) = self.rows.iter().position(|r| *r == row)
        {
            self.list.selected = i;
        }
        self.list.reveal(self.rows.len(), height);
    }

    fn compare(&self, ctx: &Props, a: DistId, b: DistId) -> std::cmp::Ordering {
        let (da, db) = (ctx.bundle.dist(a), ctx.bundle.dist(b));
        let by = |f: &dyn Fn(DistId, &Sizes) -> u64| f(a, &da.sizes).cmp(&f(b, &db.sizes));
        let natural = match self.sort {
            // The first size column shows disk usage when sizes are disk ones (`a`).
            PkgColumn::Bytes if ctx.measure == super::Measure::Disk => by(&|_, s| s.disk),
            PkgColumn::Bytes => by(&|_, s| s.bytes),
            PkgColumn::Zipped => by(&|_, s| s.zipped),
            PkgColumn::Retained => by(&|d, _| ctx.retained(d).unwrap_or(0)),
            PkgColumn::Name => da.name.to_lowercase().cmp(&db.name.to_lowercase()),
            PkgColumn::Version => crate::python::version::compare(&da.version, &db.version),
            PkgColumn::RequiredBy => by(&|d, _| ctx.bundle.graph.inc[d.index()].len() as u64),
            PkgColumn::Status => by(&|d, _| u64::from(exclusion_level(ctx, d))).then_with(|| {
                by(&|d, _| match ctx.status_reason(d) {
                    Reason::Rule(r) => r as u64 + 1,
                    Reason::Kept => 0,
                })
            }),
        };
        if self.sort.descends() {
            natural.reverse()
        } else {
            natural
        }
    }

    /// The selected row, if any.
    pub fn selected(&self) -> Option<PkgRow> {
        self.rows.get(self.list.selected).copied()
    }
}

impl PackagesView {
    fn on_sort_by(&mut self, key: SortKey) {
        let col = match key {
            SortKey::Name => PkgColumn::Name,
            SortKey::Size => PkgColumn::Bytes,
            SortKey::Zipped => PkgColumn::Zipped,
        };
        self.reversed = self.sort == col && !self.reversed;
        self.sort = col;
    }
}

impl View for PackagesView {
    fn refresh(&mut self, p: &Props, screen: &Screen) {
        self.rebuild(p, usize::from(screen.packages_rows.height));
    }

    fn on_action(&mut self, action: Action, p: &Props, screen: &Screen) -> Effect {
        let h = usize::from(screen.packages_rows.height);
        if self.list.on_move(action, self.rows.len(), h) {
            return Effect::None;
        }
        match action {
            Action::Enter | Action::Right => match self.selected() {
                Some(PkgRow::Dist(d)) => Effect::OpenTree(super::Scope::Dist(d)),
                Some(PkgRow::Unowned) => Effect::OpenTree(super::Scope::Unowned),
                None => Effect::None,
            },
            Action::Back if !self.filter.is_empty() => {
                self.filter.clear();
                self.rebuild(p, h);
                Effect::None
            }
            Action::Filter => Effect::Filter,
            Action::SortNext | Action::SortReverse | Action::SortBy(_) => {
                match action {
                    Action::SortReverse => self.reversed = !self.reversed,
                    Action::SortBy(key) => self.on_sort_by(key),
                    _ => {
                        self.sort = self.sort.next();
                        self.reversed = false;
                    }
                }
                self.rebuild(p, h);
                Effect::None
            }
            _ => self.shared_effect(action, p),
        }
    }

    fn item(&self) -> Option<Item> {
        Some(match self.selected()? {
            PkgRow::Dist(d) => Item::Dist(d),
            PkgRow::Unowned => Item::Unowned,
        })
    }

    fn filter_mut(&mut self) -> Option<&mut String> {
        Some(&mut self.filter)
    }

    fn filter(&self) -> Option<&str> {
        Some(&self.filter)
    }

    fn focused_path(&self, p: &Props) -> String {
        let bundle = p.bundle;
        match self.selected() {
            Some(PkgRow::Dist(d)) => {
                let dist = bundle.dist(d);
                if let Some(note) = p.duplicate_note(d) {
                    return format!("{} {}  {note}", dist.name, dist.version);
                }
                let meta = dist
                    .installs
                    .first()
                    .map(|i| bundle.tree.path(i.meta_dir).display().to_string());
                format!(
                    "{} {}  {}",
                    dist.name,
                    dist.version,
                    meta.unwrap_or_default()
                )
            }
            Some(PkgRow::Unowned) => {
                "files listed in no RECORD (e.g. __pycache__ written after install)".into()
            }
            None => String::new(),
        }
    }

    fn figures(&self, p: &Props) -> (String, Option<String>) {
        let all = p.bundle.dists.len() + 1;
        let shown = if self.filter.is_empty() {
            super::count(self.rows.len(), "package", "packages")
        } else {
            format!("{}/{} packages match", self.rows.len(), all)
        };
        let sort = sort_text(self.sort.title(), self.sort.descends(), self.reversed);
        (
            format!("{shown} · {sort}"),
            position(self.list.selected, self.rows.len()),
        )
    }

    fn on_wheel(&mut self, delta: isize, _p: &Props, screen: &Screen) {
        let h = usize::from(screen.packages_rows.height);
        self.list.scroll_by(delta, self.rows.len(), h);
    }

    fn on_click(&mut self, x: u16, y: u16, _p: &Props, screen: &Screen) -> Effect {
        Effect::enter_if(self.list.click(x, y, screen.packages_rows, self.rows.len()))
    }

    fn render(&self, p: &Props, screen: &Screen, buf: &mut Buffer) {
        render::render(self, p, screen, buf);
        if let Some(area) = screen.why {
            why::render(self, p, area, buf);
        }
    }

    fn why_target(&self) -> Option<DistId> {
        match self.selected()? {
            PkgRow::Dist(d) => Some(d),
            PkgRow::Unowned => None,
        }
    }

    fn chain_target(&self) -> Option<crate::tui::reach::ChainOf> {
        self.why_target().map(crate::tui::reach::ChainOf::Dist)
    }
}
