//! `heft --watch PATH`: the explorer over a live bundle. A forwarding thread owns the
//! [`Watch`]: it passes its events to the UI channel, asks for the full rescans the app
//! requests, and sends a heartbeat while quiet so highlights end on time. Dropping the
//! thread (when the UI stops listening) drops the watch and stops its threads.

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use crossbeam_channel::{Receiver, Sender, select, unbounded};
use time::UtcOffset;

use crate::watch::live::LiveBundle;
use crate::watch::{Watch, WatchOptions};
use crate::zipsize::ZipCache;

use super::activity::{Activity, Clock};
use super::app::{App, Data, SourceInfo};
use super::bus::Event;
use super::source::{Options, default_limits};
use super::theme::Theme;

/// Longest quiet time between two heartbeats.
const HEARTBEAT: Duration = Duration::from_secs(1);

/// Starts watching the one directory of `opts` and builds the app over it; the zipped-size
/// cache is the caller's to save on the way out.
pub(crate) fn open(opts: &Options, tx: &Sender<Event>) -> Result<(App, Arc<ZipCache>)> {
    let settings = &opts.settings;
    let [root] = settings.paths.as_slice() else {
        bail!("--watch takes one directory (the one pip installs into)");
    };
    // Read before the watcher's threads start (the offset cannot be read safely after).
    let clock = Clock::Local(UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC));
    let cache = Arc::new(ZipCache::load_default());
    let options = WatchOptions {
        zip_estimate: settings.zip_estimate,
        ..WatchOptions::default()
    };
    let watch = Watch::spawn(root, options, Arc::clone(&cache))
        .with_context(|| format!("watching {}", root.display()))?;
    let live = LiveBundle::new(watch.root().to_path_buf(), settings.load.clone());
    let info = SourceInfo {
        label: watch.root().display().to_string(),
        demo: false,
    };
    let (rescan_tx, rescan_rx) = unbounded();
    let limits = default_limits(&settings.limits);
    let mut app = App::new(info, Data::Live(Box::new(live)), &limits, Theme::from_env());
    app.budget = super::app::Budget {
        reserve: settings.reserve,
        zip_estimate: settings.zip_estimate,
    };
    app.activity = Some(Activity::new(clock, Some(rescan_tx)));
    if !watch.root().exists() {
        app.say(format!(
            "{} does not exist yet; waiting for it",
            root.display()
        ));
    }
    forward(watch, rescan_rx, tx.clone());
    Ok((app, cache))
}

/// Runs the forwarding thread (see the module comment).
fn forward(watch: Watch, rescan: Receiver<()>, tx: Sender<Event>) {
    let spawned = thread::Builder::new()
        .name("heft-watch-forward".into())
        .spawn(move || {
            let started = Instant::now();
            let mut last_tick = started;
            loop {
                let event = select! {
                    recv(watch.events) -> e => match e {
                        Ok(e) => Event::Watch(e),
                        Err(_) => return,
                    },
                    recv(rescan) -> r => {
                        if r.is_err() {
                            return;
                        }
                        watch.rescan();
                        continue;
                    },
                    default(HEARTBEAT) => {
                        last_tick = Instant::now();
                        Event::Tick(started.elapsed())
                    },
                };
                if tx.send(event).is_err() {
                    return;
                }
                // Zipped sizes can stream for seconds: highlights still end on time.
                if last_tick.elapsed() >= HEARTBEAT {
                    last_tick = Instant::now();
                    if tx.send(Event::Tick(started.elapsed())).is_err() {
                        return;
                    }
                }
            }
        });
    if let Err(e) = spawned {
        eprintln!("heft: could not start the watch thread: {e}");
    }
}
