//! The Tree view's state: the directory shown, its rows (or the filter's matches below
//! it), sort order and selection, and the trail back up.

use crate::model::{NodeId, Sizes};

use super::Ctx;
use super::list::ListState;
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
pub struct TreeState {
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

impl TreeState {
    /// Shows `dir` under `scope` from scratch.
    pub fn open(&mut self, ctx: &Ctx, dir: NodeId, scope: Scope, height: usize) {
        self.dir = dir;
        self.scope = scope;
        self.trail.clear();
        self.list = ListState::default();
        self.filter.clear();
        self.refresh(ctx, height);
    }

    /// Rebuilds the rows, keeping the selected node selected.
    pub fn refresh(&mut self, ctx: &Ctx, height: usize) {
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
    fn matches(&self, ctx: &Ctx) -> Vec<TreeRow> {
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
    fn sort_rows(&mut self, ctx: &Ctx) {
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
    pub fn descend(&mut self, ctx: &Ctx, height: usize) -> bool {
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
    fn enter(&mut self, ctx: &Ctx, dir: NodeId, height: usize) {
        self.trail.push((self.dir, self.list.selected));
        self.dir = dir;
        self.filter.clear();
        self.list = ListState::default();
        self.refresh(ctx, height);
    }

    /// Goes to the parent directory, selecting the one just left; false at `home`.
    pub fn ascend(&mut self, ctx: &Ctx, home: NodeId, height: usize) -> bool {
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
        self.refresh(ctx, height);
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
