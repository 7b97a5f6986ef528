//! What `heft watch` remembers between lines: the state last shown, what arrived since,
//! and where each limit stands.
//!
//! Bytes are right as soon as a batch is applied; zipped sizes follow once the new files
//! are compressed, which for a whole layer moved in by `pip install -t` takes seconds. So a
//! line waits a short grace for them, then is printed with `zipped_pending` (limits on
//! unzipped bytes judged at once), and a later line brings the zipped totals and judges the
//! zipped limits, naming the arrival that crossed them.

use std::time::{Duration, Instant};

use heft::bundle::Bundle;
use heft::limits::Limit;
use heft::model::Sizes;
use heft::rules::Rule;
use heft::watch::live::{Arrival, LiveBundle};
use heft::watch::summary::{LimitUpdate, LimitWatch, Snapshot, is_unzipped};
use heft::watch::wire::{LatencyJson, WatchLine};
use heft::watch::ziptrack::ZipTracker;
use heft::watch::{Batch, ZipSizes};

use super::text::{Clock, render};

/// How long a line waits for zipped sizes before it is printed without them.
const ZIP_GRACE: Duration = Duration::from_millis(250);
/// New bytes that take longer than [`ZIP_GRACE`] to compress anyway (deflate runs at
/// tens of MB/s a core): such a line does not wait.
const BIG_ARRIVAL: i64 = 16 << 20;

/// How lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Format {
    Text,
    Json,
}

/// The printing state of one `heft watch` run.
pub(super) struct Session {
    format: Format,
    grace: Duration,
    clock: Clock,
    limits: Vec<Limit>,
    /// Unzipped bytes outside the tree (`--reserve`, `--attached`).
    reserve: u64,
    /// Rules the totals and limits are followed after.
    rules: Vec<Rule>,
    watch: Option<LimitWatch>,
    shown: Snapshot,
    shown_present: bool,
    /// Arrivals since the last line (for limits on bytes).
    arrivals: Vec<Arrival>,
    /// Arrivals since the last settled line, zipped sizes credited as they come.
    zip: ZipTracker,
    unshown: bool,
    batches: u64,
    last_batch: u64,
    last_zipped: u64,
    last_event: Option<Instant>,
    bytes_settled: Option<Instant>,
    last_change: Option<Instant>,
}

impl Session {
    pub(super) fn new(limits: Vec<Limit>, format: Format, clock: Clock) -> Self {
        Self {
            format,
            grace: ZIP_GRACE,
            clock,
            limits,
            reserve: 0,
            rules: Vec::new(),
            watch: None,
            shown: Snapshot::default(),
            shown_present: false,
            arrivals: Vec::new(),
            zip: ZipTracker::default(),
            unshown: false,
            batches: 0,
            last_batch: 0,
            last_zipped: 0,
            last_event: None,
            bytes_settled: None,
            last_change: None,
        }
    }

    /// Follows totals and limits after `rules`, with `reserve` bytes outside the tree.
    pub(super) fn decide(mut self, rules: Vec<Rule>, reserve: u64) -> Self {
        self.rules = rules;
        self.reserve = reserve;
        self
    }

    /// The state to show of `bundle`: after the rules (as scanned if they cannot apply).
    pub(super) fn snapshot(&self, bundle: &Bundle) -> Snapshot {
        Snapshot::after(bundle, &self.rules).unwrap_or_else(|_| Snapshot::of(bundle))
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
        self.arrivals.extend(applied.arrivals.iter().cloned());
        self.zip.record(seq, applied.arrivals);
        self.last_batch = seq;
        self.unshown = true;
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
        self.zip.credit(seq, &done.zipped);
        self.last_zipped = self.last_zipped.max(seq);
    }

    fn is_settled(&self) -> bool {
        self.batches > 0 && self.last_zipped >= self.last_batch
    }

    /// The next line to print, if one is due: when zipped sizes caught up, or when bytes
    /// have waited [`ZIP_GRACE`] for them (or arrived in bulk). `None` when nothing visible
    /// changed.
    pub(super) fn poll(&mut self, live: &LiveBundle) -> Option<String> {
        if self.is_settled() && (self.unshown || self.zip.is_pending()) {
            return self.settled_line(live);
        }
        let added: i64 = self.arrivals.iter().map(|a| a.bytes.max(0)).sum();
        let waited = added >= BIG_ARRIVAL
            || self
                .bytes_settled
                .is_some_and(|t| t.elapsed() >= self.grace);
        if self.unshown && waited {
            return Some(self.bytes_line(live));
        }
        None
    }

    /// Everything settled: bytes and zipped limits judged.
    fn settled_line(&mut self, live: &LiveBundle) -> Option<String> {
        let after = self.snapshot(live.bundle());
        let present = !live.is_missing();
        let first = self.watch.is_none();
        let update = self.judge(&after.totals, true);
        let quiet = after == self.shown
            && present == self.shown_present
            && update.crossed.is_empty()
            && update.recovered.is_empty();
        let mut out = WatchLine::new(&self.shown, &after, &update, present);
        out.latency_ms = self.latency(true);
        self.unshown = false;
        if quiet && !first {
            return None;
        }
        let text = self.finish(&mut out, first, live);
        self.shown = after;
        self.shown_present = present;
        Some(text)
    }

    /// Bytes settled, zipped sizes still coming: only limits on bytes are judged.
    fn bytes_line(&mut self, live: &LiveBundle) -> String {
        let after = self.snapshot(live.bundle());
        let present = !live.is_missing();
        let first = self.watch.is_none();
        let update = self.judge(&after.totals, false);
        let mut out = WatchLine::new(&self.shown, &after, &update, present);
        out.zipped_pending = true;
        out.zipped_estimate = live.zipped_estimate();
        out.latency_ms = self.latency(false);
        self.unshown = false;
        let text = self.finish(&mut out, first, live);
        self.shown = after;
        self.shown_present = present;
        text
    }

    /// Moves the limits to `totals`: bytes limits over the arrivals since the last line,
    /// zipped ones (when `zipped` is settled) over those since the last settled line.
    fn judge(&mut self, totals: &Sizes, zipped: bool) -> LimitUpdate {
        let shown = self.shown.totals;
        let arrivals = std::mem::take(&mut self.arrivals);
        let (limits, reserve) = (&self.limits, self.reserve);
        let watch = self
            .watch
            .get_or_insert_with(|| LimitWatch::with_reserve(limits.clone(), totals, reserve));
        let mut update = watch.update_where(&shown, totals, &arrivals, is_unzipped);
        if zipped {
            // The first settle only sets the zipped limits (no verdicts, nothing crossed).
            let z = self.zip.settle(watch, totals);
            update.crossed.extend(z.crossed);
            update.recovered.extend(z.recovered);
            if !z.verdicts.is_empty() {
                update.verdicts = z.verdicts;
            }
        }
        update
    }

    /// The last line: a full rescan's state against the last one shown.
    pub(super) fn final_line(
        &mut self,
        live: &LiveBundle,
        fresh: &Snapshot,
        present: bool,
    ) -> String {
        self.zip.mark_judged();
        let update = self.judge(&fresh.totals, true);
        let mut out = WatchLine::new(&self.shown, fresh, &update, present);
        out.is_final = true;
        self.finish(&mut out, false, live)
    }

    fn finish(&self, out: &mut WatchLine, first: bool, live: &LiveBundle) -> String {
        let stamp = self.clock.stamp();
        out.at = stamp.utc;
        out.elapsed_ms = stamp.elapsed_ms;
        out.errors = live.bundle().errors.len();
        if out.errors > 0 {
            for l in &mut out.limits {
                l.ok = false;
            }
        }
        if self.format == Format::Json {
            // Plain structs of strings and numbers always serialise.
            let mut text = serde_json::to_string(out).unwrap_or_default();
            text.push('\n');
            text
        } else {
            render(out, &stamp.local, live.root(), first)
        }
    }

    /// Times from the newest event to bytes and (when settled) zipped sizes applied.
    fn latency(&mut self, settled: bool) -> Option<LatencyJson> {
        let event = self.last_event?;
        if settled {
            self.last_event = None;
        }
        let ms = |t: Instant| t.saturating_duration_since(event).as_millis() as u64;
        Some(LatencyJson {
            bytes: ms(self.bytes_settled.unwrap_or(event)),
            zipped: settled.then(|| ms(Instant::now())),
        })
    }

    /// Whether the tree changed once and has been quiet for `d` since, all settled.
    pub(super) fn quiet_for(&self, d: Duration) -> bool {
        self.is_settled() && self.last_change.is_some_and(|t| t.elapsed() >= d)
    }

    /// Whether zipped sizes are still being estimated.
    pub(super) fn is_estimating(&self) -> bool {
        !self.is_settled()
    }

    /// Says so on stderr when the settled live totals differ from the full rescan's.
    pub(super) fn warn_if_drifted(&self, live: &LiveBundle, fresh: &Sizes) {
        let now = live.bundle().totals();
        let (a, b) = (&now, fresh);
        if self.is_settled() && (a.files, a.bytes, a.zipped) != (b.files, b.bytes, b.zipped) {
            eprintln!(
                "heft: note: live totals ({} files, {} bytes, {} zipped) differed from the full rescan ({} files, {} bytes, {} zipped)",
                a.files, a.bytes, a.zipped, b.files, b.bytes, b.zipped
            );
        }
    }
}

#[cfg(test)]
mod tests;
