//! Events that are not keys: the scan ending, zipped estimates arriving, the mouse.

use crate::limits::human;
use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::App;
use crate::tui::event::ZipBatch;
use crate::tui::keymap::{Action, ViewId};

impl App {
    pub(super) fn on_scan_done(&mut self) {
        let files = match &self.data {
            super::Data::Scanning(scan) => Some((scan.progress, scan.elapsed)),
            super::Data::Ready(_) => None,
        };
        self.data.finish();
        self.plan_zip();
        self.recompute(true);
        self.refresh_views();
        if let Some((p, elapsed)) = files {
            let errors = self.bundle().errors.len();
            let errors = if errors > 0 {
                format!("; {errors} paths unreadable (see heft report)")
            } else {
                String::new()
            };
            self.say(format!(
                "scanned {} files, {} in {:.1} s{errors}",
                p.files,
                human(p.bytes),
                elapsed.as_secs_f64()
            ));
        }
    }

    /// Fills in what is known of zipped sizes at once and queues the files to compress.
    fn plan_zip(&mut self) {
        let Some(bundle) = self.data.ready_mut() else {
            return;
        };
        let (now, jobs) = crate::tui::zipwork::plan(bundle);
        for (id, zipped) in now {
            bundle.tree.node_mut(id).own.zipped = zipped;
        }
        self.zip = super::ZipProgress {
            done: 0,
            total: jobs.len() as u64,
        };
        if !jobs.is_empty() {
            self.zip_jobs = Some(jobs);
        }
        self.flags.zip_dirty = true;
    }

    /// The files to estimate, once, for the shell to hand to a worker.
    pub fn take_zip_jobs(&mut self) -> Option<Vec<crate::tui::zipwork::ZipJob>> {
        self.zip_jobs.take()
    }

    /// Applies zipped sizes from the estimator; totals follow at the next frame.
    pub(super) fn on_zip(&mut self, batch: &ZipBatch) {
        let Some(bundle) = self.data.ready_mut() else {
            return;
        };
        for &(id, zipped) in &batch.sizes {
            if id.index() < bundle.tree.len() {
                bundle.tree.node_mut(id).own.zipped = zipped;
            }
        }
        self.zip.total = batch.total;
        self.zip.done += batch.sizes.len() as u64;
        self.flags.zip_dirty = true;
        self.flags.stale = true;
    }

    /// Rolls zipped estimates into distribution totals (once per frame at most).
    pub(super) fn settle_zip(&mut self) {
        if !self.flags.zip_dirty {
            return;
        }
        self.flags.zip_dirty = false;
        if let Some(bundle) = self.data.ready_mut() {
            bundle.tree.roll_up();
            crate::ownership::total_sizes(bundle);
        }
    }

    pub(super) fn mouse(&mut self, mouse: MouseEvent) {
        match mouse.kind {
            MouseEventKind::ScrollDown => self.wheel(3),
            MouseEventKind::ScrollUp => self.wheel(-3),
            MouseEventKind::Down(MouseButton::Left) => self.click(mouse.column, mouse.row),
            _ => {}
        }
    }

    fn wheel(&mut self, delta: isize) {
        if self.overlay.is_some() {
            return;
        }
        let (ph, th, rh) = self.list_heights();
        match self.view {
            ViewId::Packages => self
                .packages
                .list
                .scroll_by(delta, self.packages.rows.len(), ph),
            ViewId::Tree => self.tree.list.scroll_by(delta, self.tree.rows.len(), th),
            ViewId::Rules => self.rules.scroll_by(delta, self.rule_count(), rh),
            ViewId::Treemap => {}
        }
    }

    fn click(&mut self, x: u16, y: u16) {
        if self.overlay.is_some() {
            return;
        }
        let layout = crate::tui::widgets::layout(self);
        if let Some(view) = layout.tab_at(x, y) {
            self.view = view;
            return;
        }
        let rows = match self.view {
            ViewId::Packages => layout.packages_rows,
            ViewId::Tree => layout.tree_rows,
            ViewId::Rules => layout.rules_rows,
            ViewId::Treemap => return self.click_tile(x, y),
        };
        if !rows.contains(ratatui::layout::Position { x, y }) {
            return;
        }
        let line = usize::from(y - rows.y);
        let rule_count = self.rule_count();
        let (list, len) = match self.view {
            ViewId::Packages => (&mut self.packages.list, self.packages.rows.len()),
            ViewId::Tree => (&mut self.tree.list, self.tree.rows.len()),
            _ => (&mut self.rules, rule_count),
        };
        if let Some(i) = list.row_at(line, len) {
            let again = list.selected == i;
            list.selected = i;
            if again && self.view != ViewId::Rules {
                self.apply(Action::Enter);
            }
        }
    }

    fn click_tile(&mut self, x: u16, y: u16) {
        if self.treemap.click(x, y).is_some() {
            self.apply(Action::Enter);
        }
    }
}
