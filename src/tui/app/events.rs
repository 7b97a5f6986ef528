//! Events that are not keys: the scan ending, zipped estimates arriving, the mouse.

use crate::limits::human;
use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::App;
use crate::tui::bus::ZipBatch;
use crate::tui::keymap::{Action, ViewId};

impl App {
    pub(super) fn on_scan_done(&mut self) {
        let elapsed = match &self.data {
            super::Data::Scanning(scan) => Some(scan.elapsed),
            super::Data::Ready(_) | super::Data::Live(_) => None,
        };
        self.data.finish();
        self.plan_zip();
        self.refresh_insight();
        self.reshape();
        self.start_rules(Vec::new());
        self.plan_imports();
        // The finished tree's totals, not the walker's progress: archives (wheels, zips)
        // report no per-file progress.
        if let Some(elapsed) = elapsed {
            let p = self.bundle().totals();
            let errors = self.bundle().errors.len();
            let errors = if errors > 0 {
                format!("; {errors} paths unreadable (see heft report)")
            } else {
                String::new()
            };
            self.say(format!(
                "scanned {} files, {} in {:.1} s{errors}",
                crate::limits::group(p.files),
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
        if !self.budget.zip_estimate {
            crate::zipjob::plan_headers(bundle);
            return;
        }
        let tasks = crate::zipjob::plan(bundle);
        let total: u64 = tasks.iter().map(|t| t.len() as u64).sum();
        self.zip = super::ZipProgress { done: 0, total };
        if total > 0 {
            self.zip_jobs = Some(tasks);
        }
    }

    /// The files to estimate, once, for the shell to hand to a worker.
    pub fn take_zip_jobs(&mut self) -> Option<Vec<crate::zipjob::ZipTask>> {
        self.zip_jobs.take()
    }

    /// Applies zipped sizes from the estimator; totals follow at the next frame.
    pub(super) fn on_zip(&mut self, batch: &ZipBatch) {
        let Some(bundle) = self.data.ready_mut() else {
            return;
        };
        crate::zipjob::apply(bundle, &batch.sizes);
        self.zip.total = batch.total;
        self.zip.done += batch.sizes.len() as u64;
        self.flags.stale = true;
    }

    /// Every estimate is in.
    pub(super) fn on_zip_done(&mut self) {
        self.zip.done = self.zip.total;
        self.flags.stale = true;
        // Retained zipped bytes are sums of the distributions' zipped sizes, now final.
        self.refresh_insight();
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
        let layout = self.layout();
        if let Some(view) = layout.tab_at(x, y) {
            self.show(view);
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
