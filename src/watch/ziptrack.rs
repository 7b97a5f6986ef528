//! Zipped limits in watch mode: zipped sizes arrive after the bytes, so each batch's
//! arrivals wait here to be credited their zipped bytes, and zipped limits are judged only
//! on settled sizes. `heft watch` and the explorer's watch mode both keep one.

use std::collections::HashMap;

use super::live::Arrival;
use super::summary::{LimitUpdate, LimitWatch, is_unzipped};
use crate::model::Sizes;

/// Arrivals since zipped sizes last settled, with the zipped bytes credited so far.
#[derive(Clone, Debug, Default)]
pub struct ZipTracker {
    /// Totals when zipped sizes last settled.
    base: Sizes,
    arrivals: Vec<Arrival>,
    /// Where each batch's arrivals start in `arrivals`.
    offsets: HashMap<u64, usize>,
    /// Zipped limits have been judged once on settled sizes.
    judged: bool,
}

impl ZipTracker {
    /// Keeps batch `seq`'s arrivals until their zipped sizes come.
    pub fn record(&mut self, seq: u64, arrivals: impl IntoIterator<Item = Arrival>) {
        self.offsets.insert(seq, self.arrivals.len());
        self.arrivals.extend(arrivals);
    }

    /// Credits zipped bytes (in arrival order) to batch `seq`'s arrivals.
    pub fn credit(&mut self, seq: u64, zipped: &[i64]) {
        let Some(&start) = self.offsets.get(&seq) else {
            return;
        };
        for (i, z) in zipped.iter().enumerate() {
            if let Some(a) = self.arrivals.get_mut(start + i) {
                a.zipped += z;
            }
        }
    }

    /// Whether something is left to judge on zipped sizes.
    pub fn is_pending(&self) -> bool {
        !self.arrivals.is_empty() || !self.judged
    }

    /// Zipped limits start afresh (the limits changed): the next settle only sets them.
    pub fn restart(&mut self) {
        self.judged = false;
    }

    /// Counts zipped limits as judged already (a final state compared with the last one).
    pub fn mark_judged(&mut self) {
        self.judged = true;
    }

    /// Zipped sizes settled at `totals`: judges zipped limits over the arrivals since the
    /// last settle (the first time only sets them, with nothing crossed), then starts over.
    pub fn settle(&mut self, watch: &mut LimitWatch, totals: &Sizes) -> LimitUpdate {
        let zipped = |l: &crate::limits::Limit| !is_unzipped(l);
        let update = if self.judged {
            watch.update_where(&self.base, totals, &self.arrivals, zipped)
        } else {
            watch.reset_where(totals, zipped);
            LimitUpdate::default()
        };
        self.judged = true;
        self.base = *totals;
        self.arrivals.clear();
        self.offsets.clear();
        update
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::preset;

    fn zipped(z: u64) -> Sizes {
        Sizes {
            files: 1,
            bytes: z * 3,
            disk: z * 3,
            zipped: z,
        }
    }

    fn arrival(path: &str, bytes: i64) -> Arrival {
        Arrival {
            path: path.into(),
            owner: Some(path.into()),
            files: 1,
            bytes,
            zipped: 0,
        }
    }

    #[test]
    fn zipped_limits_are_set_on_the_first_settle_and_crossed_on_credited_arrivals_after() {
        let limit = preset("aws-lambda-zip").unwrap().clone();
        let mut watch = LimitWatch::new(vec![limit], &Sizes::default());
        let mut t = ZipTracker::default();
        t.record(1, [arrival("numpy", 90 << 20)]);
        t.credit(1, &[30 << 20]);
        assert!(t.is_pending());
        let first = t.settle(&mut watch, &zipped(30 << 20));
        assert!(
            first.crossed.is_empty(),
            "the first settle only sets the limits"
        );
        t.record(2, [arrival("torch", 120 << 20)]);
        t.credit(2, &[40 << 20]);
        let second = t.settle(&mut watch, &zipped(70 << 20));
        assert_eq!(second.crossed.len(), 1, "{second:?}");
        assert_eq!(
            second.crossed[0].after, "torch",
            "credited zipped bytes tipped it over"
        );
        assert!(!t.is_pending());
    }
}
