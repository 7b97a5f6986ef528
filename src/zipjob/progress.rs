//! How far a background zipped estimate has got, and what its files will likely add: the
//! explorer can show a first figure (marked as an estimate) long before every file of a large
//! layer is deflated, then the exact one when the job is done.

use crate::bundle::Bundle;
use crate::model::NodeId;

use super::ZipTask;

/// Counts of a zip job so far, in apparent and zipped bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ZipProgress {
    /// Files the job will compress.
    pub total_files: u64,
    /// Apparent bytes of those files.
    pub total_bytes: u64,
    /// Files done so far.
    pub done_files: u64,
    /// Apparent bytes of the files done so far.
    pub done_bytes: u64,
    /// Zipped bytes (data and headers) of the files done so far.
    pub done_zipped: u64,
}

impl ZipProgress {
    /// Nothing done yet of `tasks`.
    pub fn of_tasks(bundle: &Bundle, tasks: &[ZipTask]) -> Self {
        let mut progress = Self::default();
        for task in tasks {
            for file in &task.files {
                progress.total_files += 1;
                progress.total_bytes += bundle.tree.node(file.node).own.bytes;
            }
        }
        progress
    }

    /// Counts a batch of results (as sent in [`super::ZipEvent::Sizes`]).
    pub fn record(&mut self, bundle: &Bundle, sizes: &[(NodeId, u64)]) {
        for &(node, zipped) in sizes {
            self.done_files += 1;
            self.done_bytes += bundle.tree.node(node).own.bytes;
            self.done_zipped += zipped;
        }
    }

    /// Whether every file is done (the figures are then exact).
    pub fn is_done(&self) -> bool {
        self.done_files >= self.total_files
    }

    /// Percent of the files done while some remain; `None` when nothing runs or all are done.
    pub fn running(&self) -> Option<u8> {
        (self.total_files > 0 && !self.is_done())
            .then(|| u8::try_from(self.done_files * 100 / self.total_files).unwrap_or(99))
    }

    /// Counts every file as done (the job said so).
    pub fn finish(&mut self) {
        self.done_files = self.total_files;
        self.done_bytes = self.total_bytes;
    }

    /// Zipped bytes the files not yet done will likely add: their apparent bytes at the ratio
    /// seen so far. `None` until some bytes are done; 0 once all are.
    pub fn remaining_estimate(&self) -> Option<u64> {
        if self.is_done() {
            return Some(0);
        }
        if self.done_bytes == 0 {
            return None;
        }
        let left = u128::from(self.total_bytes.saturating_sub(self.done_bytes));
        let estimate = left * u128::from(self.done_zipped) / u128::from(self.done_bytes);
        Some(u64::try_from(estimate).unwrap_or(u64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rest_is_extrapolated_at_the_ratio_seen_so_far() {
        let mut p = ZipProgress {
            total_files: 4,
            total_bytes: 1000,
            ..ZipProgress::default()
        };
        assert_eq!(p.remaining_estimate(), None, "nothing to go on yet");
        p.done_files = 1;
        p.done_bytes = 250;
        p.done_zipped = 100;
        assert_eq!(p.remaining_estimate(), Some(300));
        p.done_files = 4;
        p.done_bytes = 1000;
        assert_eq!(p.remaining_estimate(), Some(0), "exact once done");
        assert_eq!(p.running(), None);
    }

    #[test]
    fn a_running_job_says_its_percent_and_none_once_finished() {
        let mut p = ZipProgress {
            total_files: 4,
            done_files: 1,
            ..ZipProgress::default()
        };
        assert_eq!(p.running(), Some(25));
        p.finish();
        assert_eq!(p.running(), None);
        assert_eq!(ZipProgress::default().running(), None, "nothing runs");
    }
}
