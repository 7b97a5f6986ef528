//! What `heft watch` remembers between lines: the state last shown, what arrived since,
//! and where each limit stands.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use heft::limits::Limit;
use heft::watch::live::{Arrival, LiveBundle};
use heft::watch::summary::{LimitWatch, Snapshot};
use heft::watch::wire::{LatencyJson, WatchLine};
use heft::watch::{Batch, ZipSizes};

use super::text::{Clock, render};

/// The printing state of one `heft watch` run.
pub(super) struct Session {
    json: bool,
    clock: Clock,
    limits: Vec<Limit>,
    watch: Option<LimitWatch>,
    shown: Snapshot,
    shown_present: bool,
    arrivals: Vec<Arrival>,
    offsets: HashMap<u64, usize>,
    batches: u64,
    last_batch: u64,
    last_zipped: u64,
    last_event: Option<Instant>,
    bytes_settled: Option<Instant>,
    last_change: Option<Instant>,
}

impl Session {
    pub(super) fn new(limits: Vec<Limit>, json: bool, clock: Clock) -> Self {
        Self {
            json,
            clock,
            limits,
            watch: None,
            shown: Snapshot::default(),
            shown_present: false,
            arrivals: Vec::new(),
            offsets: HashMap::new(),
            batches: 0,
            last_batch: 0,
            last_zipped: 0,
            last_event: None,
            bytes_settled: None,
            last_change: None,
        }
    }

    /// Applies a batch; true when the watcher should rescan everything.
    pub(super) fn on_batch(&mut self, live: &mut LiveBundle, batch: Batch) -> bool {
        let (seq, event) = (batch.seq, batch.last_event);
        let applied = live.apply(batch);
        let now = Instant::now();
        // The first batch is the state heft started from, not a change.
        if self.batches > 0 {
            self.last_change = Some(now);
        }
        self.batches += 1;
        self.offsets.insert(seq, self.arrivals.len());
        self.arrivals.extend(applied.arrivals);
        self.last_batch = seq;
        if let Some(t) = event {
            self.last_event = Some(self.last_event.map_or(t, |l| l.max(t)));
        }
        self.bytes_settled = Some(now);
        applied.needs_rescan || live.wants_compaction()
    }

    /// Applies zipped sizes and credits them to the arrivals they belong to.
    pub(super) fn on_zipped(&mut self, live: &mut LiveBundle, sizes: ZipSizes) {
        let seq = sizes.seq;
        let done = live.apply_zipped(sizes);
        if let Some(&start) = self.offsets.get(&seq) {
            for (i, zipped) in done.zipped.iter().enumerate() {
                if let Some(a) = self.arrivals.get_mut(start + i) {
                    a.zipped += zipped;
                }
            }
        }
        self.last_zipped = self.last_zipped.max(seq);
    }

    fn is_settled(&self) -> bool {
        self.batches > 0 && self.last_zipped >= self.last_batch
    }

    /// The line for everything applied since the last one, once zipped sizes caught up
    /// (`None` while they have not, or when nothing visible changed).
    pub(super) fn settled_line(&mut self, live: &LiveBundle) -> Option<String> {
        if !self.is_settled() {
            return None;
        }
        let after = Snapshot::of(live.bundle());
        let present = !live.is_missing();
        let first = self.watch.is_none();
        let limits = &self.limits;
        let watch = self
            .watch
            .get_or_insert_with(|| LimitWatch::new(limits.clone(), &after.totals));
        let update = watch.update(&self.shown.totals, &after.totals, &self.arrivals);
        let quiet = after == self.shown
            && present == self.shown_present
            && update.crossed.is_empty()
            && update.recovered.is_empty();
        self.arrivals.clear();
        self.offsets.clear();
        if quiet && !first {
            return None;
        }
        let mut out = WatchLine::new(&self.shown, &after, &update, present);
        out.latency_ms = self.latency();
        let text = self.finish(&mut out, first, live);
        self.shown = after;
        self.shown_present = present;
        Some(text)
    }

    /// The last line: a full rescan's state against the last one shown.
    pub(super) fn final_line(&mut self, live: &LiveBundle, fresh: &Snapshot) -> String {
        let limits = &self.limits;
        let watch = self
            .watch
            .get_or_insert_with(|| LimitWatch::new(limits.clone(), &fresh.totals));
        let update = watch.update(&self.shown.totals, &fresh.totals, &self.arrivals);
        let present = live.root().is_dir();
        let mut out = WatchLine::new(&self.shown, fresh, &update, present);
        out.is_final = true;
        self.finish(&mut out, false, live)
    }

    fn finish(&self, out: &mut WatchLine, first: bool, live: &LiveBundle) -> String {
        let stamp = self.clock.stamp();
        out.at = stamp.utc;
        out.elapsed_ms = stamp.elapsed_ms;
        if self.json {
            // Plain structs of strings and numbers always serialise.
            let mut text = serde_json::to_string(out).unwrap_or_default();
            text.push('\n');
            text
        } else {
            render(out, &stamp.local, live.root(), first)
        }
    }

    fn latency(&mut self) -> Option<LatencyJson> {
        let event = self.last_event.take()?;
        let ms = |t: Instant| t.saturating_duration_since(event).as_millis() as u64;
        Some(LatencyJson {
            bytes: ms(self.bytes_settled.unwrap_or(event)),
            zipped: ms(Instant::now()),
        })
    }

    /// Whether the tree changed once and has been quiet for `d` since, all settled.
    pub(super) fn quiet_for(&self, d: Duration) -> bool {
        self.is_settled() && self.last_change.is_some_and(|t| t.elapsed() >= d)
    }

    /// Says so on stderr when the settled live totals differ from the full rescan's.
    pub(super) fn warn_if_drifted(&self, live: &LiveBundle, fresh: &Snapshot) {
        let now = live.bundle().totals();
        let (a, b) = (&now, &fresh.totals);
        if self.is_settled() && (a.files, a.bytes, a.zipped) != (b.files, b.bytes, b.zipped) {
            eprintln!(
                "heft: note: live totals ({} files, {} bytes, {} zipped) differed from the full rescan ({} files, {} bytes, {} zipped)",
                a.files, a.bytes, a.zipped, b.files, b.bytes, b.zipped
            );
        }
    }
}
