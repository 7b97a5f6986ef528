//! The text form of a `heft watch` line, and the clock that stamps lines.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use heft::limits::{Counted, human};
use heft::watch::summary::delta;
use heft::watch::wire::{ChangeJson, LimitJson, WatchLine};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use heft::limits::group;

/// Distribution changes listed on one line before "and N more".
const SHOWN_CHANGES: usize = 8;

/// Wall-clock stamps for lines: UTC for JSON, local for people.
pub(crate) struct Clock {
    start: Instant,
    offset: UtcOffset,
}

/// One line's time fields.
pub(crate) struct Stamp {
    pub utc: String,
    pub local: String,
    pub elapsed_ms: u64,
}

impl Clock {
    /// Reads the local offset (call before starting threads; falls back to UTC).
    pub(crate) fn new() -> Self {
        Self {
            start: Instant::now(),
            offset: UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC),
        }
    }

    /// Now.
    pub(crate) fn stamp(&self) -> Stamp {
        let now = OffsetDateTime::now_utc();
        let local = now.to_offset(self.offset);
        Stamp {
            utc: now.format(&Rfc3339).unwrap_or_default(),
            local: format!(
                "{:02}:{:02}:{:02}",
                local.hour(),
                local.minute(),
                local.second()
            ),
            elapsed_ms: self.start.elapsed().as_millis() as u64,
        }
    }
}

/// `12:03:07  458.9 MB (+212.4 MB)  12,462 files  zip ≈ 160.3 MB (+70.1 MB)  [limits]  changes`,
/// then a line per limit crossed or recovered.
pub(crate) fn render(line: &WatchLine, local: &str, root: &Path, first: bool) -> String {
    let mut s = String::new();
    let t = &line.totals;
    let _ = write!(s, "{local}  ");
    if line.is_final {
        s.push_str("final: ");
    } else if first {
        let _ = write!(s, "watching {}: ", root.display());
    }
    if line.present {
        let zip = if line.zipped_pending {
            match line.zipped_estimate {
                Some(e) => format!(
                    "estimating… (>= {}, ~ {} est.)",
                    human(t.zipped_bytes),
                    human(e)
                ),
                None => "estimating…".to_string(),
            }
        } else {
            format!(
                "{}{}",
                human(t.zipped_bytes),
                signed_paren(line.delta.zipped_bytes, first)
            )
        };
        let _ = write!(
            s,
            "{}{}  {} files  zip ≈ {zip}  ",
            human(t.bytes),
            signed_paren(line.delta.bytes, first),
            group(t.files),
        );
    } else if line.is_final {
        let _ = write!(s, "{} is gone  ", root.display());
    } else {
        let _ = write!(
            s,
            "{} is gone; waiting for it to come back  ",
            root.display()
        );
    }
    // With no tree there is nothing measured: no limit reads "ok".
    let limits: Vec<String> = line
        .limits
        .iter()
        .map(|l| {
            if line.present {
                limit_state(l, line.zipped_pending, line.errors)
            } else {
                format!("{} not measured", l.name)
            }
        })
        .collect();
    let _ = write!(s, "[{}]", limits.join(", "));
    if line.errors > 0 {
        let _ = write!(s, "  {} unreadable (heft report lists them)", line.errors);
    }
    if first && !line.is_final {
        let _ = write!(s, "  {} distributions", line.changes.len());
    } else {
        let parts = change_parts(&line.changes, unowned_delta(line));
        if !parts.is_empty() {
            let _ = write!(s, "  {parts}");
        }
    }
    s.push('\n');
    for c in &line.crossings {
        let _ = writeln!(
            s,
            "LIMIT CROSSED {} by {} bytes (after {})",
            c.limit,
            group(c.by),
            c.after
        );
    }
    for name in &line.recovered {
        let headroom = line
            .limits
            .iter()
            .find(|l| &l.name == name)
            .map_or(0, |l| l.headroom);
        let _ = writeln!(
            s,
            "back under {name} ({} bytes of headroom)",
            group(headroom)
        );
    }
    s
}

/// ` (+1.2 MB)`, or nothing on the first line or for no change.
fn signed_paren(delta: i64, first: bool) -> String {
    if first || delta == 0 {
        String::new()
    } else {
        format!(" ({})", signed(delta))
    }
}

fn signed(delta: i64) -> String {
    let sign = if delta < 0 { '-' } else { '+' };
    format!("{sign}{}", human(delta.unsigned_abs()))
}

fn limit_state(l: &LimitJson, zipped_pending: bool, errors: usize) -> String {
    if zipped_pending && l.counted != Counted::Unzipped {
        return format!("{} …", l.name);
    }
    let percent = l.used as f64 * 100.0 / l.limit.max(1) as f64;
    let state = if l.used >= l.limit {
        "OVER"
    } else if errors > 0 {
        // Part of the tree could not be read: within so far, never "ok".
        "unverified"
    } else if l.ok {
        "ok"
    } else {
        "OVER"
    };
    format!("{} {percent:.1}% {state}", l.name)
}

/// Bytes the line's distribution changes do not explain: files no RECORD lists.
fn unowned_delta(line: &WatchLine) -> i64 {
    let owned: i64 = line
        .changes
        .iter()
        .map(|c| delta(c.after.unwrap_or(0), c.before.unwrap_or(0)))
        .sum();
    line.delta.bytes - owned
}

/// `+numpy 38.2 MB, chromadb +1.2 MB, -foo, ... and 3 more, unowned -2 MB`.
fn change_parts(changes: &[ChangeJson], unowned: i64) -> String {
    let mut parts: Vec<String> = changes
        .iter()
        .take(SHOWN_CHANGES)
        .map(|c| match (c.before, c.after) {
            (None, Some(after)) => format!("+{} {}", c.name, human(after)),
            (Some(_), None) => format!("-{}", c.name),
            (Some(before), Some(after)) => {
                format!("{} {}", c.name, signed(delta(after, before)))
            }
            (None, None) => c.name.clone(),
        })
        .collect();
    if changes.len() > SHOWN_CHANGES {
        parts.push(format!("and {} more", changes.len() - SHOWN_CHANGES));
    }
    if unowned != 0 {
        parts.push(format!("unowned files {}", signed(unowned)));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use heft::watch::wire::{CrossingJson, DeltaJson, TotalsJson};

    fn line() -> WatchLine {
        WatchLine {
            schema: heft::watch::wire::SCHEMA.into(),
            at: String::new(),
            elapsed_ms: 0,
            present: true,
            totals: TotalsJson {
                files: 12_462,
                bytes: 300 * 1024 * 1024,
                zipped_bytes: 100 * 1024 * 1024,
            },
            delta: DeltaJson {
                files: 10,
                bytes: 60 * 1024 * 1024,
                zipped_bytes: -1024,
            },
            changes: vec![ChangeJson {
                key: "onnxruntime".into(),
                name: "onnxruntime".into(),
                before: None,
                after: Some(60 * 1024 * 1024),
            }],
            limits: vec![LimitJson {
                name: "aws-lambda".into(),
                counted: Counted::Unzipped,
                limit: 262_144_000,
                used: 300 * 1024 * 1024,
                headroom: 0,
                ok: false,
            }],
            crossed: vec!["aws-lambda".into()],
            crossings: vec![CrossingJson {
                limit: "aws-lambda".into(),
                by: 52_428_801,
                after: "onnxruntime".into(),
            }],
            recovered: vec![],
            latency_ms: None,
            is_final: false,
            zipped_pending: false,
            zipped_estimate: None,
            errors: 0,
        }
    }

    #[test]
    fn with_unreadable_paths_no_limit_reads_ok_and_the_count_is_said() {
        let mut l = line();
        l.limits[0].used = 1024;
        l.limits[0].ok = false;
        l.errors = 2;
        let text = render(&l, "12:03:07", Path::new("/b"), false);
        let first = text.lines().next().unwrap_or_default();
        assert!(first.contains("[aws-lambda 0.0% unverified]"), "{text}");
        assert!(first.contains("2 unreadable"), "{text}");
        assert!(!first.contains(" ok"), "{text}");
    }

    #[test]
    fn a_crossing_gets_its_own_line_naming_the_distribution() {
        let text = render(&line(), "12:03:07", Path::new("/b"), false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "12:03:07  300 MB (+60 MB)  12,462 files  zip ≈ 100 MB (-1 KB)  [aws-lambda 120.0% OVER]  +onnxruntime 60 MB"
        );
        assert_eq!(
            lines[1],
            "LIMIT CROSSED aws-lambda by 52,428,801 bytes (after onnxruntime)"
        );
    }

    #[test]
    fn a_gone_tree_measures_no_limit_as_ok() {
        let mut l = line();
        l.present = false;
        l.limits[0].ok = true;
        let text = render(&l, "12:03:07", Path::new("/b"), false);
        let first = text.lines().next().unwrap();
        assert!(first.contains("[aws-lambda not measured]"), "{text}");
        assert!(!first.contains("ok"), "{text}");
    }

    #[test]
    fn bytes_no_distribution_explains_are_shown_as_unowned() {
        let mut l = line();
        l.changes[0].after = Some(50 * 1024 * 1024);
        let text = render(&l, "12:03:07", Path::new("/b"), false);
        assert!(
            text.lines()
                .next()
                .unwrap()
                .ends_with("+onnxruntime 50 MB, unowned files +10 MB"),
            "{text}"
        );
    }

    #[test]
    fn the_first_line_names_the_root_and_counts_distributions() {
        let text = render(&line(), "09:00:00", Path::new("/b"), true);
        assert!(text.starts_with("09:00:00  watching /b: 300 MB  12,462 files"));
        assert!(text.lines().next().unwrap().ends_with("1 distributions"));
    }

    #[test]
    fn a_line_waiting_for_zipped_sizes_shows_the_bound_and_the_estimate() {
        let mut l = line();
        l.zipped_pending = true;
        l.zipped_estimate = Some(150 * 1024 * 1024);
        let text = render(&l, "12:00:00", Path::new("/site"), false);
        assert!(
            text.contains("zip ≈ estimating… (>= 100 MB, ~ 150 MB est.)"),
            "{text}"
        );
    }
}
