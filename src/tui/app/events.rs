//! Events that are not keys: the scan ending, zipped estimates arriving, the mouse.

use crate::limits::human;
use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::App;
use crate::finish::{FinishJob, Finished};
use crate::tui::bus::ZipBatch;
use crate::tui::views::ViewId;

impl App {
    /// The scan ended: the merged tree goes to a worker for ownership, graph and insight
    /// (see [`App::take_finish_job`]); a copy stays on screen, browsable, under a busy
    /// sign until [`App::on_finished`].
    pub(super) fn on_scan_done(&mut self) {
        let super::Data::Scanning(scan) = &mut self.data else {
            return;
        };
        let shown = scan.builder.display_copy();
        let builder = std::mem::replace(&mut scan.builder, shown);
        self.finish_job = Some(FinishJob::new(
            builder,
            scan.opts.clone(),
            self.budget.zip_estimate,
            self.scan_number,
        ));
        self.busy = Some("reading ownership and dependencies");
    }

    /// The end of the scan to run off the UI thread, once; its result comes back as
    /// [`crate::tui::bus::Event::Finished`].
    pub fn take_finish_job(&mut self) -> Option<FinishJob> {
        self.finish_job.take()
    }

    /// The worker's result: the complete bundle replaces the copy shown meanwhile.
    pub(super) fn on_finished(&mut self, done: Finished) {
        let super::Data::Scanning(scan) = &self.data else {
            return;
        };
        if done.scan != self.scan_number {
            return;
        }
        let elapsed = scan.elapsed;
        self.busy = None;
        self.data = super::Data::Ready(Box::new(done.bundle));
        self.zip = crate::zipjob::ZipProgress::of_tasks(self.data.bundle(), &done.zip_jobs);
        if self.zip.total_files > 0 {
            self.zip_jobs = Some(done.zip_jobs);
        }
        self.insight = Some(done.insight);
        self.duplicates = done
            .duplicates
            .into_iter()
            .map(|d| (d.key.clone(), d))
            .collect();
        self.why = None;
        self.exclusions.prepare(done.exclusion);
        self.reshape();
        self.start_rules(Vec::new());
        self.plan_imports();
        // The finished tree's totals, not the walker's progress: archives (wheels, zips)
        // report no per-file progress.
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

    /// The files to estimate, once, for the shell to hand to a worker.
    pub fn take_zip_jobs(&mut self) -> Option<Vec<crate::zipjob::ZipTask>> {
        self.zip_jobs.take()
    }

    /// Applies zipped sizes from the estimator to every total at once (along each file's
    /// ancestors); the rows follow at the next frame.
    pub(super) fn on_zip(&mut self, batch: &ZipBatch) {
        let Some(bundle) = self.data.ready_mut() else {
            return;
        };
        let before: Vec<_> = batch
            .sizes
            .iter()
            .map(|(n, _)| (*n, bundle.tree.node(*n).own.zipped))
            .collect();
        crate::zipjob::apply(bundle, &batch.sizes);
        self.exclusions.on_zipped(bundle, &before);
        self.zip.record(bundle, &batch.sizes);
        self.mark_views_stale();
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
