//! A one-line progress meter on stderr for headless commands that may take a while (a cold
//! zipped estimate of a big layer takes seconds): drawn only when stderr is a terminal, at
//! most ten times a second, and erased before anything else is printed.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use heft::limits::{group, human};
use heft::scan::Progress;
use heft::zipjob::ZipProgress;

/// The progress line of one load.
pub struct Meter {
    label: String,
    on: bool,
    last: Option<Instant>,
    drawn: bool,
}

impl Meter {
    /// A meter for loading `paths`, silent unless stderr is a terminal.
    pub fn for_stderr(paths: &[PathBuf]) -> Self {
        let label = match paths {
            [one] => one.display().to_string(),
            _ => format!("{} inputs", paths.len()),
        };
        Self {
            label,
            on: std::io::stderr().is_terminal(),
            last: None,
            drawn: false,
        }
    }

    /// The walk so far.
    pub fn scanned(&mut self, p: Progress) {
        if self.due() {
            let line = scan_line(&self.label, p);
            self.draw(&line);
        }
    }

    /// The zipped estimate so far.
    pub fn zipped(&mut self, p: &ZipProgress) {
        if self.due() {
            let line = zip_line(&self.label, p);
            self.draw(&line);
        }
    }

    /// Erases the line (also on drop).
    pub fn clear(&mut self) {
        if self.drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.drawn = false;
        }
    }

    fn due(&mut self) -> bool {
        if !self.on {
            return false;
        }
        let now = Instant::now();
        if self
            .last
            .is_some_and(|t| now.duration_since(t) < Duration::from_millis(100))
        {
            return false;
        }
        self.last = Some(now);
        true
    }

    fn draw(&mut self, line: &str) {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
        self.drawn = true;
    }
}

fn scan_line(label: &str, p: Progress) -> String {
    format!(
        "heft: scanning {label}: {} files · {}",
        group(p.files),
        human(p.bytes)
    )
}

fn zip_line(label: &str, p: &ZipProgress) -> String {
    let percent = (p.done_bytes as f64 * 100.0 / p.total_bytes.max(1) as f64).min(100.0);
    format!(
        "heft: estimating zipped sizes of {label}: {} of {} ({percent:.0}%)",
        human(p.done_bytes),
        human(p.total_bytes)
    )
}

impl Drop for Meter {
    fn drop(&mut self) {
        self.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lines_say_what_is_done_of_what() {
        let p = Progress {
            files: 12_345,
            dirs: 10,
            bytes: 3_000_000,
        };
        assert_eq!(
            scan_line("layer", p),
            "heft: scanning layer: 12,345 files · 2.9 MB"
        );
        let z = ZipProgress {
            total_bytes: 4_000,
            done_bytes: 1_000,
            ..ZipProgress::default()
        };
        assert!(
            zip_line("layer", &z).ends_with("(25%)"),
            "{}",
            zip_line("layer", &z)
        );
        // Nothing to compress divides by nothing.
        assert!(zip_line("layer", &ZipProgress::default()).ends_with("(0%)"));
    }
}
