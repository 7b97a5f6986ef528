//! Watch mode (`heft --watch PATH`): change batches and zipped sizes from the watcher are
//! merged into the live bundle here, on the UI thread, and everything keyed by ids is
//! brought back in line (selection by `dist.key`, views reopened when their nodes died).

use std::time::Instant;

use crate::limits::Limit;
use crate::model::{NodeId, Tree};
use crate::watch::summary::{Snapshot, changes};
use crate::watch::{Batch, BatchKind, WatchEvent, ZipSizes};

use super::{App, Focus, PkgRow, Scope, TreemapView};
use crate::tui::activity::BatchSummary;
use crate::tui::views::ViewId;

impl App {
    /// Whether the explorer watches a directory.
    pub fn is_watching(&self) -> bool {
        self.activity.is_some()
    }

    /// Handles one event from the watcher.
    pub(super) fn on_watch(&mut self, event: WatchEvent) {
        match event {
            WatchEvent::Batch(batch) => self.on_batch(batch),
            WatchEvent::Zipped(sizes) => self.on_zipped(sizes),
            WatchEvent::Warning(text) => self.say(text),
            WatchEvent::Gone => {
                if let Some(a) = &mut self.activity {
                    a.gone = true;
                }
                self.say("the watched directory's filesystem went away: watching stopped");
            }
        }
    }

    fn on_batch(&mut self, batch: Batch) {
        // At the top, the biggest package stays selected: follow a package only when the
        // user moved to it.
        let at_top = self.views.packages.list.selected == 0;
        let selected = self.selected_key().filter(|_| !at_top);
        let Some(live) = self.data.live_mut() else {
            return;
        };
        let before = Snapshot::of(live.bundle());
        let applied = live.apply(batch);
        let rescan = applied.needs_rescan || live.wants_compaction();
        let after = Snapshot::of(live.bundle());
        let summary = BatchSummary {
            seq: applied.seq,
            before: before.totals,
            after: after.totals,
            changes: changes(&before, &after),
            arrivals: mark_dirs(live.bundle(), applied.arrivals),
            missing: live.is_missing(),
        };
        if !summary.missing
            && self
                .message
                .as_deref()
                .is_some_and(|m| m.ends_with("does not exist yet; waiting for it"))
        {
            self.message = None;
        }
        let limits = self.active_limits();
        if let Some(a) = &mut self.activity {
            if rescan {
                a.request_rescan();
            }
            a.record(summary, &limits, Instant::now());
        }
        self.after_batch(applied.kind == BatchKind::Full, selected.as_deref());
        if at_top {
            let (height, len) = (
                usize::from(self.layout().packages_rows.height),
                self.views.packages.rows.len(),
            );
            self.views.packages.list.select(0, len, height);
        }
    }

    fn on_zipped(&mut self, sizes: ZipSizes) {
        let Some(live) = self.data.live_mut() else {
            return;
        };
        let seq = sizes.seq;
        let done = live.apply_zipped(sizes);
        let settled = live.zip_pending() == 0;
        let totals = live.bundle().totals();
        if let Some(a) = &mut self.activity {
            a.zipped(seq, &done.zipped, &totals, settled);
        }
        // Sizes changed, not structure: the next frame re-reads them (one recompute per frame).
        self.flags.stale = true;
        if settled {
            self.refresh_insight();
        }
    }

    /// Rules find their hits again, ids held by views are checked, rows rebuilt.
    fn after_batch(&mut self, full: bool, selected: Option<&str>) {
        self.exclusions.rebuild(self.data.bundle());
        self.flags.stale = false;
        self.safety = None;
        self.refresh_insight();
        self.reopen_dead_views(full);
        self.refresh_views();
        if self.view != ViewId::Packages {
            self.refresh_view(ViewId::Packages);
        }
        self.reselect(selected);
    }

    /// Tree and Treemap go back home when the node or distribution they show is gone
    /// (a full batch invalidates every id; `DistId`s move on any batch).
    fn reopen_dead_views(&mut self, full: bool) {
        let tree = &self.data.bundle().tree;
        let dead =
            |id: NodeId, scope: Scope| full || matches!(scope, Scope::Dist(_)) || !alive(tree, id);
        let tree_dead = dead(self.views.tree.dir, self.views.tree.scope);
        let map_dead = match self.views.treemap.focus {
            Focus::Packages => false,
            Focus::Node(id, scope) => dead(id, scope),
        };
        if map_dead {
            let colour = self.views.treemap.colour;
            self.views.treemap = TreemapView::default();
            self.views.treemap.colour = colour;
        }
        if tree_dead {
            let home = super::scope::home(self.data.bundle(), &self.exclusions, Scope::All);
            let height = usize::from(self.layout().tree_rows.height);
            self.views
                .tree
                .open(&props!(self), home, Scope::All, height);
        }
    }

    /// The selected package's key, to find it again after ids moved.
    fn selected_key(&self) -> Option<String> {
        match self.views.packages.selected() {
            Some(PkgRow::Dist(d)) => self.bundle().dists.get(d.index()).map(|d| d.key.clone()),
            _ => None,
        }
    }

    fn reselect(&mut self, key: Option<&str>) {
        let Some(key) = key else { return };
        let bundle = self.data.bundle();
        let found = self.views.packages.rows.iter().position(|r| match r {
            PkgRow::Dist(d) => bundle.dists.get(d.index()).is_some_and(|x| x.key == key),
            PkgRow::Unowned => false,
        });
        if let Some(i) = found {
            let (height, len) = (
                usize::from(self.layout().packages_rows.height),
                self.views.packages.rows.len(),
            );
            self.views.packages.list.select(i, len, height);
        }
    }

    /// The limits gauged now.
    pub(super) fn active_limits(&self) -> Vec<Limit> {
        self.limits
            .iter()
            .filter(|c| c.active)
            .map(|c| c.limit.clone())
            .collect()
    }
}

/// Arrivals whose path is a directory get a trailing `/` (as the Tree writes them).
fn mark_dirs(
    bundle: &crate::bundle::Bundle,
    mut arrivals: Vec<crate::watch::live::Arrival>,
) -> Vec<crate::watch::live::Arrival> {
    let Some(root) = bundle.roots.first().map(|r| r.node) else {
        return arrivals;
    };
    for a in &mut arrivals {
        let is_dir = !a.path.is_empty()
            && bundle
                .tree
                .resolve(root, a.path.as_bytes())
                .is_some_and(|n| bundle.tree.node(n).is_dir());
        if is_dir {
            a.path.push('/');
        }
    }
    arrivals
}

/// Whether `id` and every ancestor are still attached.
fn alive(tree: &Tree, id: NodeId) -> bool {
    if id.index() >= tree.len() {
        return false;
    }
    let mut at = Some(id);
    while let Some(n) = at {
        if tree.node(n).is_detached() {
            return false;
        }
        at = tree.parent(n);
    }
    true
}
