//! Events that are not keys: the scan ending, zipped estimates arriving, the mouse.

use crate::limits::human;
use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::App;
use crate::tui::bus::ZipBatch;
use crate::tui::views::ViewId;

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
        self.zip = crate::zipjob::ZipProgress::of_tasks(bundle, &tasks);
        if self.zip.total_files > 0 {
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
        self.zip.record(bundle, &batch.sizes);
        self.flags.stale = true;
    }

    /// Every estimate is in.
    pub(super) fn on_zip_done(&mut self) {
        self.zip.finish();
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
        let screen = self.layout();
        let p = props!(self);
        self.views.get_mut(self.view).on_wheel(delta, &p, &screen);
    }

    fn click(&mut self, x: u16, y: u16) {
        if self.overlay.is_some() {
            return;
        }
        let screen = self.layout();
        if let Some(view) = screen.tab_at(x, y).and_then(ViewId::at) {
            self.show(view);
            return;
        }
        let p = props!(self);
        let effect = self.views.get_mut(self.view).on_click(x, y, &p, &screen);
        self.carry_out(effect);
    }
}
