//! The Tree view: the directory shown, its rows (or the filter's matches below it), sort
//! order and selection, the trail back up, its keys and (in `render`) its drawing.

use ratatui::buffer::Buffer;

use crate::model::{DistId, NodeId, Sizes};

use super::list::ListState;
use super::{Effect, Item, Props, View};
use super::{Measure, position, sort_text};
use crate::tui::keymap::Action;
use crate::tui::keymap::SortKey;
use crate::tui::layout::Screen;

mod render;
use super::scope::{self, Scope};

/// One row of the Tree view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeRow {
    /// The node.
    pub id: NodeId,
    /// A filter match, shown with its path relative to the directory.
    pub flat: bool,
}

/// Sort orders `s` cycles through.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TreeSort {
    /// Largest first.
    #[default]
    Size,
    /// By name.
    Name,
    /// Most files first.
    Items,
}

impl TreeSort {
    /// The next order.
    #[must_use]
    pub fn next(self) -> TreeSort {
        match self {
            TreeSort::Size => TreeSort::Name,
            TreeSort::Name => TreeSort::Items,
            TreeSort::Items => TreeSort::Size,
        }
    }

    /// Whether the natural order is largest first.
    pub fn descends(self) -> bool {
        self != TreeSort::Name
    }

    /// Its name.
    pub fn title(self) -> &'static str {
        match self {
            TreeSort::Size => "size",
            TreeSort::Name => "name",
            TreeSort::Items => "items",
        }
    }
}

/// Directory, rows and selection of the Tree view.
#[derive(Clone, Debug, Default)]
pub struct TreeView {
    /// The directory shown.
    pub dir: NodeId,
    /// Which files count.
    pub scope: Scope,
    /// Rows in display order.
    pub rows: Vec<TreeRow>,
    /// Selection and scroll.
    pub list: ListState,
    /// Sort order.
    pub sort: TreeSort,
    /// Whether the order is reversed.
    pub reversed: bool,
    /// Case-insensitive substring: rows become every match below `dir`.
    pub filter: String,
    /// Sizes of `dir` under the scope.
    pub dir_sizes: (Sizes, Sizes),
    /// Selections left behind on the way down, to restore on the way up.
    trail: Vec<(NodeId, usize)>,
}

impl TreeView {
    /// Shows `dir` under `scope` from scratch.
    pub fn open(&mut self, ctx: &Props, dir: NodeId, scope: Scope, height: usize) {
        self.dir = dir;
        self.scope = scope;
        self.trail.clear();
        self.list = ListState::default();
        self.filter.clear();
        self.rebuild(ctx, height);
    }

    /// Rebuilds the rows, keeping the selected node selected.
    pub fn rebuild(&mut self, ctx: &Props, height: usize) {
        let keep = self.selected();
        self.dir_sizes = scope::scoped(ctx.exclusions, self.dir, self.scope);
        self.rows = if self.filter.is_empty() {
            scope::children(ctx.bundle, ctx.exclusions, self.dir, self.scope)
                .into_iter()
                .map(|(id, _, _)| TreeRow { id, flat: false })
                .collect()
        } else {
            self.matches(ctx)
        };
        self.sort_rows(ctx);
        if let Some(id) = keep
            && let Some(i) = self.rows.iter().position(|r| r.id == id)
        {
            self.list.selected = i;
        }
        self.list.reveal(self.rows.len(), height);
    }

    /// Every node below `dir` whose name contains the filter (files only under a scope).
    /// A linear pass over the arena checks names first and ancestry only for hits.
    fn matches(&self, ctx: &Props) -> Vec<TreeRow> {
        let tree = &ctx.bundle.tree;
        let needle = self.filter.to_lowercase().into_bytes();
        // Under the only root every node but the top is inside: skip the ancestry walk.
        let inside_all = matches!(ctx.bundle.roots.as_slice(), [r] if r.node == self.dir);
        (0..tree.len())
            .map(|i| NodeId(i as u32))
            .filter(|&id| {
                let node = tree.node(id);
                !node.is_detached()
                    && id != self.dir
                    && (self.scope == Scope::All
                        || (!node.is_dir() && self.scope.admits(node.owner())))
                    && contains_ignore_case(tree.name(id), &needle)
                    && (inside_all && id != ctx.bundle.top || tree.is_within(id, self.dir))
            })
            .map(|id| TreeRow { id, flat: true })
            .collect()
    }

    /// What a row shows as its name: the name, or for a filter match the path below `dir`.
    pub fn label(&self, tree: &crate::model::Tree, row: &TreeRow) -> String {
        if row.flat {
            String::from_utf8_lossy(&tree.rel_path(self.dir, row.id)).into_owned()
        } else {
            tree.display_name(row.id).into_owned()
        }
    }

    /// Sorts by a precomputed key (rows may number in the hundreds of thousands).
    fn sort_rows(&mut self, ctx: &Props) {
        let tree = &ctx.bundle.tree;
        match self.sort {
            TreeSort::Name => self.rows.sort_unstable_by(|a, b| {
                tree.name(a.id).cmp(tree.name(b.id)).then(a.id.cmp(&b.id))
            }),
            TreeSort::Size | TreeSort::Items => {
                let mut keyed: Vec<(std::cmp::Reverse<u64>, NodeId, bool)> = self
                    .rows
                    .iter()
                    .map(|r| {
                        let full = self.sizes(ctx.exclusions, r).0;
                        let key = if self.sort == TreeSort::Size {
                            ctx.measure.of(&full)
                        } else {
                            full.files
                        };
                        (std::cmp::Reverse(key), r.id, r.flat)
                    })
                    .collect();
                keyed.sort_unstable();
                self.rows = keyed
                    .into_iter()
                    .map(|(_, id, flat)| TreeRow { id, flat })
                    .collect();
            }
        }
        if self.reversed {
            self.rows.reverse();
        }
    }

    /// Full and kept sizes of a row under the view's scope.
    pub fn sizes(
        &self,
        exclusions: &crate::tui::exclusions::Exclusions,
        row: &TreeRow,
    ) -> (Sizes, Sizes) {
        exclusions.scoped(row.id, self.scope)
    }

    /// The selected node, if any.
    pub fn selected(&self) -> Option<NodeId> {
        self.rows.get(self.list.selected).map(|r| r.id)
    }

    /// Opens the selected directory, or for a filter match that is a file, the directory
    /// holding it with it selected; false when there is nothing to open.
    pub fn descend(&mut self, ctx: &Props, height: usize) -> bool {
        let Some(row) = self.rows.get(self.list.selected).cloned() else {
            return false;
        };
        let id = row.id;
        if !ctx.bundle.tree.node(id).is_dir() {
            let Some(parent) = ctx.bundle.tree.parent(id).filter(|_| row.flat) else {
                return false;
            };
            self.enter(ctx, parent, height);
            if let Some(i) = self.rows.iter().position(|r| r.id == id) {
                self.list.select(i, self.rows.len(), height);
            }
            return true;
        }
        self.enter(ctx, id, height);
        true
    }

    /// Shows `dir`, remembering where the selection was to come back to it.
    fn enter(&mut self, ctx: &Props, dir: NodeId, height: usize) {
        self.trail.push((self.dir, self.list.selected));
        self.dir = dir;
        self.filter.clear();
        self.list = ListState::default();
        self.rebuild(ctx, height);
    }

    /// Goes to the parent directory, selecting the one just left; false at `home`.
    pub fn ascend(&mut self, ctx: &Props, home: NodeId, height: usize) -> bool {
        if self.dir == home {
            return false;
        }
        let Some(parent) = ctx.bundle.tree.parent(self.dir) else {
            return false;
        };
        let left = self.dir;
        self.dir = parent;
        self.filter.clear();
        let fallback = match self.trail.pop() {
            Some((dir, selected)) if dir == parent => selected,
            _ => {
                self.trail.clear();
                0
            }
        };
        self.list = ListState::default();
        self.rebuild(ctx, height);
        let i = self
            .rows
            .iter()
            .position(|r| r.id == left)
            .unwrap_or(fallback);
        self.list.select(i, self.rows.len(), height);
        true
    }
}

/// Whether `hay` contains `needle` (already lower-case ASCII), ignoring ASCII case.
pub fn contains_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || hay
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

impl TreeView {
    /// Parent directory; from a scope's starting point, back to all files.
    fn up(&mut self, p: &Props, height: usize) {
        let home = scope::home(p.bundle, p.exclusions, self.scope);
        if self.ascend(p, home, height) || self.scope == Scope::All {
            return;
        }
        let left = self.dir;
        let all = scope::home(p.bundle, p.exclusions, Scope::All);
        self.open(p, all, Scope::All, height);
        if let Some(i) = self.rows.iter().position(|r| r.id == left) {
            self.list.select(i, self.rows.len(), height);
        }
    }

    /// `n`, `s`, `z`: sort by that key, the same key again flips; `z` also shows zipped
    /// sizes, which every view then shows (the effect says so).
    fn on_sort_by(&mut self, key: SortKey, p: &Props, height: usize) -> Effect {
        let sort = if key == SortKey::Name {
            TreeSort::Name
        } else {
            TreeSort::Size
        };
        let again = self.sort == sort && (key != SortKey::Zipped || p.measure == Measure::Zipped);
        self.reversed = again && !self.reversed;
        self.sort = sort;
        if key == SortKey::Zipped && p.measure != Measure::Zipped {
            return Effect::Measure(Measure::Zipped);
        }
        self.rebuild(p, height);
        Effect::None
    }
}

impl View for TreeView {
    fn refresh(&mut self, p: &Props, screen: &Screen) {
        self.rebuild(p, usize::from(screen.tree_rows.height));
    }

    fn on_action(&mut self, action: Action, p: &Props, screen: &Screen) -> Effect {
        let h = usize::from(screen.tree_rows.height);
        if self.list.on_move(action, self.rows.len(), h) {
            return Effect::None;
        }
        match action {
            Action::Enter | Action::Right => {
                self.descend(p, h);
            }
            Action::Back if !self.filter.is_empty() => {
                self.filter.clear();
                self.rebuild(p, h);
            }
            Action::Back | Action::Left => self.up(p, h),
            Action::Filter => return Effect::Filter,
            Action::SortBy(key) => return self.on_sort_by(key, p, h),
            Action::SortReverse => {
                self.reversed = !self.reversed;
                self.rebuild(p, h);
            }
            Action::SortNext => {
                self.sort = self.sort.next();
                self.reversed = false;
                self.rebuild(p, h);
            }
            _ => return self.shared_effect(action, p),
        }
        Effect::None
    }

    fn item(&self) -> Option<Item> {
        self.selected().map(Item::Node)
    }

    fn selected_dist(&self, p: &Props) -> Option<DistId> {
        match self.scope {
            Scope::Dist(d) => Some(d),
            _ => p.bundle.tree.node(self.selected()?).owner(),
        }
    }

    fn filter_mut(&mut self) -> Option<&mut String> {
        Some(&mut self.filter)
    }

    fn filter(&self) -> Option<&str> {
        Some(&self.filter)
    }

    fn focused_path(&self, p: &Props) -> String {
        self.selected()
            .map(|id| p.bundle.tree.path(id).display().to_string())
            .unwrap_or_default()
    }

    fn figures(&self, _p: &Props) -> (String, Option<String>) {
        let (one, many) = if self.filter.is_empty() {
            ("item", "items")
        } else {
            ("match", "matches")
        };
        let sort = sort_text(self.sort.title(), self.sort.descends(), self.reversed);
        (
            format!("{} · {sort}", super::count(self.rows.len(), one, many)),
            position(self.list.selected, self.rows.len()),
        )
    }

    fn on_wheel(&mut self, delta: isize, _p: &Props, screen: &Screen) {
        let h = usize::from(screen.tree_rows.height);
        self.list.scroll_by(delta, self.rows.len(), h);
    }

    fn on_click(&mut self, x: u16, y: u16, _p: &Props, screen: &Screen) -> Effect {
        Effect::enter_if(self.list.click(x, y, screen.tree_rows, self.rows.len()))
    }

    fn render(&self, p: &Props, screen: &Screen, buf: &mut Buffer) {
        render::render(self, p, screen.tree, buf);
        if let Some(area) = screen.tree_why {
            render::render_chain(self, p, area, buf);
        }
    }

    fn chain_target(&self) -> Option<crate::tui::reach::ChainOf> {
        self.selected().map(crate::tui::reach::ChainOf::Node)
    }
}
