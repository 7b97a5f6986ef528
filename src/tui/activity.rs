//! Watch mode's memory in the explorer: the last change batches (the activity log), which
//! distributions changed lately (highlighted for a few seconds, keyed by `dist.key` since
//! `DistId`s move between batches), and where each gauged limit stands.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;
use time::{OffsetDateTime, UtcOffset};

use crate::limits::Limit;
use crate::model::Sizes;
use crate::watch::live::Arrival;
use crate::watch::summary::{ChangeKind, Crossing, DistChange, LimitWatch, is_unzipped};
use crate::watch::ziptrack::ZipTracker;

/// Change batches the log keeps.
pub const LOG_LEN: usize = 8;

/// How long a changed distribution stays highlighted.
pub const HIGHLIGHT: Duration = Duration::from_secs(4);

/// Wall-clock stamps for log entries.
#[derive(Clone, Debug)]
pub enum Clock {
    /// Local time at this offset (read before any thread starts).
    Local(UtcOffset),
    /// Always this text (tests and screenshots).
    Fixed(String),
}

impl Clock {
    /// `HH:MM:SS` now.
    pub fn stamp(&self) -> String {
        match self {
            Clock::Local(offset) => {
                let t = OffsetDateTime::now_utc().to_offset(*offset);
                format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
            }
            Clock::Fixed(text) => text.clone(),
        }
    }
}

/// One settled change batch, as the log shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// `HH:MM:SS`.
    pub at: String,
    /// Totals after the batch.
    pub totals: Sizes,
    /// Bytes added (negative: removed).
    pub delta: i64,
    /// Distributions that changed, largest change first.
    pub changes: Vec<DistChange>,
    /// Limits first exceeded.
    pub crossed: Vec<Crossing>,
    /// Limits back under.
    pub recovered: Vec<String>,
    /// The root was missing after it (deleted, not created yet).
    pub missing: bool,
    /// The root was missing and has never existed since the watch began.
    pub never_seen: bool,
    /// The state the watch started from (not a change).
    pub first: bool,
    /// When no distribution changed: the paths that brought the most bytes (files whose
    /// RECORD has not arrived yet, `__pycache__`), largest first.
    pub paths: Vec<(String, i64)>,
}

/// Whether a distribution was highlighted as growing or shrinking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trend {
    /// Appeared or grew.
    Grew,
    /// Shrank (or changed files at the same size).
    Shrank,
}

/// Everything watch mode adds to the explorer.
#[derive(Debug)]
pub struct Activity {
    /// Newest first, at most [`LOG_LEN`].
    pub log: VecDeque<Entry>,
    /// `dist.key` -> trend and when the highlight ends.
    pub highlights: HashMap<String, (Trend, Instant)>,
    /// Batches applied (the first is the state the watch started from).
    pub batches: u64,
    /// The watcher stopped (the root's filesystem went away).
    pub gone: bool,
    /// Stamps entries.
    pub clock: Clock,
    rescan: Option<Sender<()>>,
    limits: Option<LimitWatch>,
    /// Arrivals since zipped sizes last settled (zipped credited as they come).
    zip: ZipTracker,
    /// The root has existed at some batch.
    seen: bool,
}

impl Activity {
    /// Watch-mode state; `rescan` reaches the watcher (asks for a full rescan).
    pub fn new(clock: Clock, rescan: Option<Sender<()>>) -> Activity {
        Activity {
            log: VecDeque::new(),
            highlights: HashMap::new(),
            batches: 0,
            gone: false,
            clock,
            rescan,
            limits: None,
            zip: ZipTracker::default(),
            seen: false,
        }
    }

    /// Asks the watcher for a full rescan.
    pub fn request_rescan(&self) {
        if let Some(tx) = &self.rescan {
            let _ = tx.send(());
        }
    }

    /// The highlight of a distribution, if it changed lately.
    pub fn trend(&self, key: &str) -> Option<Trend> {
        self.highlights.get(key).map(|h| h.0)
    }

    /// Drops highlights that ended by `now`.
    pub fn expire(&mut self, now: Instant) {
        self.highlights.retain(|_, h| h.1 > now);
    }

    /// Records a batch: highlights its changes from `now` and judges limits on bytes.
    /// The first batch is the state the watch starts from: logged, neither highlighted
    /// nor judged as a crossing.
    pub fn record(&mut self, mut batch: BatchSummary, limits: &[Limit], now: Instant) {
        let first = self.batches == 0;
        if first {
            self.limits = Some(LimitWatch::new(limits.to_vec(), &batch.after));
            batch.before = batch.after;
            batch.changes.clear();
        }
        for c in &batch.changes {
            let trend = match c.kind() {
                ChangeKind::Appeared | ChangeKind::Grew => Trend::Grew,
                ChangeKind::Shrank | ChangeKind::Changed => Trend::Shrank,
                ChangeKind::Disappeared => continue,
            };
            self.highlights
                .insert(c.key.clone(), (trend, now + HIGHLIGHT));
        }
        let watch = self.limit_watch(limits, &batch.before);
        let update = watch.update_where(&batch.before, &batch.after, &batch.arrivals, is_unzipped);
        let paths = if batch.changes.is_empty() && !first {
            top_paths(&batch.arrivals)
        } else {
            Vec::new()
        };
        self.zip.record(batch.seq, batch.arrivals);
        self.batches += 1;
        self.seen |= !batch.missing;
        let entry = Entry {
            at: self.clock.stamp(),
            totals: batch.after,
            delta: crate::watch::summary::delta(batch.after.bytes, batch.before.bytes),
            changes: batch.changes,
            crossed: update.crossed,
            recovered: update.recovered,
            missing: batch.missing,
            never_seen: batch.missing && !self.seen,
            first,
            paths,
        };
        self.log.push_front(entry);
        self.log.truncate(LOG_LEN);
    }

    /// Credits zipped sizes to the arrivals of batch `seq`; once nothing is pending
    /// (`settled`), judges the limits on zipped bytes and notes crossings in the newest entry.
    pub fn zipped(&mut self, seq: u64, zipped: &[i64], totals: &Sizes, settled: bool) {
        self.zip.credit(seq, zipped);
        if !settled {
            return;
        }
        let Some(watch) = self.limits.as_mut() else {
            return;
        };
        let update = self.zip.settle(watch, totals);
        if let Some(entry) = self.log.front_mut() {
            entry.crossed.extend(update.crossed);
            entry.recovered.extend(update.recovered);
        }
    }

    /// The limit watch over `limits`, started afresh from `totals` when they changed.
    fn limit_watch(&mut self, limits: &[Limit], totals: &Sizes) -> &mut LimitWatch {
        if self.limits.as_ref().is_none_or(|w| w.limits() != limits) {
            self.limits = Some(LimitWatch::new(limits.to_vec(), totals));
            self.zip.restart();
        }
        self.limits
            .get_or_insert_with(|| LimitWatch::new(Vec::new(), totals))
    }
}

/// Paths listed in an entry with no distribution change.
const TOP_PATHS: usize = 3;

/// The arrivals that moved the most bytes, largest first.
fn top_paths(arrivals: &[Arrival]) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = arrivals
        .iter()
        .filter(|a| a.bytes != 0 && !a.path.is_empty())
        .map(|a| (a.path.clone(), a.bytes))
        .collect();
    v.sort_by_key(|a| std::cmp::Reverse(a.1.unsigned_abs()));
    v.truncate(TOP_PATHS);
    v
}

/// What one applied batch changed, for [`Activity::record`].
#[derive(Clone, Debug)]
pub struct BatchSummary {
    /// The batch's number.
    pub seq: u64,
    /// Totals before and after.
    pub before: Sizes,
    /// Totals after.
    pub after: Sizes,
    /// Distributions that changed.
    pub changes: Vec<DistChange>,
    /// What each dirty subtree brought, in order.
    pub arrivals: Vec<Arrival>,
    /// The root is missing after it.
    pub missing: bool,
}
