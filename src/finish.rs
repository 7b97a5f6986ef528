//! The end of a load as one job a worker thread can run: ownership, the dependency graph,
//! insight, duplicates, the zipped-size plan and the rule engine's first pass (every preset's
//! hits) of a fully merged scan.

use crate::bundle::{Builder, Bundle};
use crate::exclusion::Exclusion;
use crate::insight::{Insight, InsightOptions};
use crate::load::{LoadOptions, finish};
use crate::report::DuplicateJson;
use crate::zipjob::ZipTask;

/// What the end of a scan needs computed: ownership, the dependency graph, insight,
/// duplicates and the zipped-size plan, all off the UI thread.
pub struct FinishJob {
    /// The scan's merged tree.
    builder: Builder,
    /// Target and top-level requirements.
    opts: LoadOptions,
    /// Whether files will be compressed for zipped sizes (else headers only).
    zip_estimate: bool,
    /// Which scan this finishes (a rescan makes older results stale).
    pub scan: u32,
}

/// The finished bundle and everything derived from it, sent back to the UI.
#[derive(Clone, Debug)]
pub struct Finished {
    /// The complete bundle.
    pub bundle: Bundle,
    /// Retained sizes, dominators, runtime marks.
    pub insight: Insight,
    /// Distributions installed more than once.
    pub duplicates: Vec<DuplicateJson>,
    /// Files to compress for zipped sizes (none when estimates are off).
    pub zip_jobs: Vec<ZipTask>,
    /// An empty rule list evaluated over the bundle, every preset's hits already found.
    pub exclusion: Exclusion,
    /// Which scan this finishes.
    pub scan: u32,
}

impl FinishJob {
    /// The work for `builder`, scan number `scan`.
    pub fn new(builder: Builder, opts: LoadOptions, zip_estimate: bool, scan: u32) -> FinishJob {
        FinishJob {
            builder,
            opts,
            zip_estimate,
            scan,
        }
    }

    /// Does the work (on whatever thread calls it).
    pub fn run(self) -> Finished {
        let mut bundle = finish(self.builder, &self.opts);
        let zip_jobs = crate::zipjob::plan_for(&mut bundle, self.zip_estimate);
        let insight = Insight::compute(&bundle, &InsightOptions::default());
        let duplicates = crate::report::duplicates(&bundle);
        let mut exclusion = Exclusion::new(&bundle);
        exclusion.warm_presets(&bundle);
        Finished {
            bundle,
            insight,
            duplicates,
            zip_jobs,
            exclusion,
            scan: self.scan,
        }
    }
}
