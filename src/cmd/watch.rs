//! `heft watch`: follows a directory and prints one line per settled change batch (text or
//! `heft.watch/1` JSON lines), then a final line from a full rescan.
//!
//! Ctrl-C (or SIGTERM) only sets a flag, which is async-signal-safe; the loop polls it every
//! 100 ms, so the final line is printed from normal code. A second Ctrl-C exits at once.

mod session;
mod text;

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use crossbeam_channel::select;
use heft::load::load;
use heft::settings::Settings;
use heft::watch::live::LiveBundle;
use heft::watch::summary::Snapshot;
use heft::watch::{Watch, WatchEvent, WatchOptions};
use heft::zipjob::estimate_blocking;
use heft::zipsize::ZipCache;

use crate::cli::WatchArgs;
use session::{Format, Session};

/// Why the loop ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    Interrupted,
    Idle,
    Gone,
    Closed,
}

/// Runs `heft watch`.
pub fn run(args: &WatchArgs) -> Result<ExitCode> {
    // Before any thread exists: reading the local offset is refused in a threaded process.
    let clock = text::Clock::new();
    let interrupted = on_interrupt()?;
    let settings =
        super::decide::resolve(std::slice::from_ref(&args.path), &args.target, &args.decide)?;
    let idle = args
        .until_idle
        .map(Duration::try_from_secs_f64)
        .transpose()
        .context("--until-idle takes a number of seconds")?;
    let cache = Arc::new(ZipCache::load_default());
    let options = WatchOptions {
        zip_estimate: settings.zip_estimate,
        ..WatchOptions::default()
    };
    let watch = Watch::spawn(&args.path, options, Arc::clone(&cache))?;
    if !watch.root().exists() {
        eprintln!(
            "heft: {} does not exist yet; waiting for it",
            watch.root().display()
        );
    }
    let mut live = LiveBundle::new(watch.root().to_path_buf(), settings.load.clone());
    let mut session = session(&settings, args.json, clock);
    let end = follow(&watch, &mut live, &mut session, &interrupted, idle)?;
    let root = watch.root().to_path_buf();
    drop(watch);
    if end == End::Gone {
        eprintln!("heft: the filesystem holding {} went away", root.display());
    }
    if end != End::Closed {
        let present = end != End::Gone && root.is_dir();
        let last = final_line(&mut session, &live, (&root, present), &settings, &cache);
        emit(&last)?;
    }
    cache.save_default();
    Ok(ExitCode::SUCCESS)
}

/// The printing state: limits, rules and reserve as resolved for every command.
fn session(settings: &Settings, json: bool, clock: text::Clock) -> Session {
    let format = if json { Format::Json } else { Format::Text };
    let mut limits = settings.limits.clone();
    if !settings.zip_estimate {
        // Without estimates zipped bytes are headers only: such a limit is not measured.
        let before = limits.len();
        limits.retain(heft::watch::summary::is_unzipped);
        if limits.len() < before {
            eprintln!("heft: --no-zip-estimate: limits on zipped bytes are not followed");
        }
    }
    // The watched tree is still being written: no manifest fingerprint can match it.
    Session::new(limits, format, clock).decide(settings.rules_unchecked(), settings.reserve)
}

/// The last line, from a full rescan (after the rules, as every line).
fn final_line(
    session: &mut Session,
    live: &LiveBundle,
    (root, present): (&Path, bool),
    settings: &Settings,
    cache: &Arc<ZipCache>,
) -> String {
    let fresh = final_state(root, settings, cache, present);
    let shown = fresh
        .as_ref()
        .map_or_else(Snapshot::default, |b| session.snapshot(b));
    if let Some(bundle) = &fresh {
        session.warn_if_drifted(live, &bundle.totals());
    }
    session.final_line(live, &shown, present)
}

/// The event loop: applies batches and zipped sizes, prints lines as they are due.
fn follow(
    watch: &Watch,
    live: &mut LiveBundle,
    session: &mut Session,
    interrupted: &AtomicBool,
    idle: Option<Duration>,
) -> Result<End> {
    let tick = Duration::from_millis(50);
    loop {
        select! {
            recv(watch.events) -> event => match event {
                Ok(WatchEvent::Batch(batch)) => {
                    if session.on_batch(live, batch) {
                        watch.rescan();
                    }
                }
                Ok(WatchEvent::Zipped(sizes)) => session.on_zipped(live, sizes),
                Ok(WatchEvent::Warning(text)) => eprintln!("heft: {text}"),
                Ok(WatchEvent::Gone) | Err(_) => return Ok(End::Gone),
            },
            default(tick) => {}
        }
        if let Some(line) = session.poll(live)
            && !emit(&line)?
        {
            return Ok(End::Closed);
        }
        if interrupted.load(Ordering::Relaxed) {
            if session.is_estimating() {
                eprintln!(
                    "heft: finishing zipped estimates for the final line (Ctrl-C again quits now)"
                );
            }
            return Ok(End::Interrupted);
        }
        if idle.is_some_and(|d| session.quiet_for(d)) {
            return Ok(End::Idle);
        }
    }
}

/// A full rescan with zipped estimates (served from the cache the watch filled); `None`
/// when the root is gone or cannot be read.
fn final_state(
    root: &Path,
    settings: &Settings,
    cache: &Arc<ZipCache>,
    present: bool,
) -> Option<heft::bundle::Bundle> {
    if !present {
        return None;
    }
    let mut bundle = load(&[root.to_path_buf()], &settings.load, &mut |_| {}).ok()?;
    if settings.zip_estimate {
        estimate_blocking(&mut bundle, cache);
    } else {
        heft::zipjob::plan_headers(&mut bundle);
    }
    Some(bundle)
}

/// Prints one rendered line; `false` once stdout is closed (`heft watch | head`).
fn emit(line: &str) -> Result<bool> {
    let mut out = io::stdout().lock();
    match out.write_all(line.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(e).context("writing to stdout"),
    }
}

/// Sets the returned flag on SIGINT/SIGTERM; a second SIGINT exits with 130 at once.
fn on_interrupt() -> Result<Arc<AtomicBool>> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::flag;
    let interrupted = Arc::new(AtomicBool::new(false));
    // Registered first, so it only fires when the flag was already set by an earlier signal.
    flag::register_conditional_shutdown(SIGINT, 130, Arc::clone(&interrupted))
        .context("installing the Ctrl-C handler")?;
    flag::register(SIGINT, Arc::clone(&interrupted)).context("installing the Ctrl-C handler")?;
    flag::register(SIGTERM, Arc::clone(&interrupted)).context("installing the SIGTERM handler")?;
    Ok(interrupted)
}
