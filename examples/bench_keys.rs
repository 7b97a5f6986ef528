//! How fast the explorer answers keys while a cold zipped-size estimate runs: loads DIR,
//! starts the estimate as the explorer does, and injects a key every 100 ms from another
//! thread; the loop below applies events and draws like `tui::event::run` (a frame right
//! after input, at most every `FRAME` for background batches). Prints the median and worst
//! time from a key's sending to the end of the frame showing it, the longest event applied
//! and the time to draw a frame.
//!
//! `XDG_CACHE_HOME=$(mktemp -d) cargo run --release --example bench_keys -- DIR [KEYS] [all-cores]`
//! (a fresh cache directory makes the estimate cold; `all-cores` compresses on every core).

use std::path::PathBuf;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, unbounded};
use heft::load::{LoadOptions, load};
use heft::tui::app::{App, Data, SourceInfo};
use heft::tui::event::{Event, FRAME, ZipBatch, draw};
use heft::tui::theme::Theme;
use heft::zipjob::ZipEvent;
use heft::zipsize::ZipCache;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Forwards the estimator's batches as the explorer's zip worker does.
fn forward(events: Receiver<ZipEvent>, total: u64, tx: Sender<Event>) {
    thread::spawn(move || {
        for e in events {
            let sent = match e {
                ZipEvent::Sizes(sizes) => tx.send(Event::Zip(ZipBatch { sizes, total })),
                ZipEvent::Done => tx.send(Event::ZipDone),
            };
            if sent.is_err() {
                return;
            }
        }
    });
}

/// Sends `n` keys (j, k, j, ...) 100 ms apart, each with its sending time on `stamps`.
fn inject(n: usize, tx: Sender<Event>, stamps: Sender<Instant>) {
    thread::spawn(move || {
        for i in 0..n {
            thread::sleep(Duration::from_millis(100));
            let c = if i % 2 == 0 { 'j' } else { 'k' };
            let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
            if stamps.send(Instant::now()).is_err()
                || tx.send(Event::Input(TermEvent::Key(key))).is_err()
            {
                return;
            }
        }
    });
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "/tmp/synth".into()));
    let keys: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100);
    let all_cores = args.next().is_some_and(|a| a == "all-cores");
    let mut bundle = load(
        std::slice::from_ref(&dir),
        &LoadOptions::default(),
        &mut |_| {},
    )?;
    let tasks = heft::zipjob::plan(&mut bundle);
    let total: u64 = tasks.iter().map(|t| t.len() as u64).sum();
    let info = SourceInfo {
        label: dir.display().to_string(),
        demo: false,
    };
    let mut app = App::new(info, Data::Ready(Box::new(bundle)), &[], Theme::colour());
    let mut terminal = Terminal::new(TestBackend::new(160, 48))?;
    draw(&mut terminal, &mut app)?;
    let (tx, rx) = unbounded();
    let (stamp_tx, stamps) = unbounded();
    let cache = Arc::new(ZipCache::load_default());
    let events = if all_cores {
        heft::zipjob::spawn(tasks, cache)
    } else {
        heft::zipjob::spawn_beside_ui(tasks, cache)
    };
    forward(events, total, tx.clone());
    inject(keys, tx, stamp_tx);
    let started = Instant::now();
    let (mut latencies, mut handling, mut frames) = (Vec::new(), Vec::new(), Vec::new());
    let mut batches = 0usize;
    let mut last_draw = Instant::now();
    let mut dirty = false;
    while latencies.len() < keys {
        let wait = FRAME.saturating_sub(last_draw.elapsed());
        let event = match rx.recv_timeout(if dirty { wait } else { Duration::from_secs(5) }) {
            Ok(e) => Some(e),
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => None,
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => break,
        };
        let key = matches!(event, Some(Event::Input(_)));
        if let Some(e) = event {
            batches += usize::from(matches!(e, Event::Zip(_)));
            let t = Instant::now();
            app.on_event(e);
            handling.push(t.elapsed());
            dirty = true;
        }
        if dirty && (key || last_draw.elapsed() >= FRAME) {
            let t = Instant::now();
            draw(&mut terminal, &mut app)?;
            frames.push(t.elapsed());
            last_draw = Instant::now();
            dirty = false;
        }
        if key && let Ok(sent) = stamps.try_recv() {
            latencies.push(sent.elapsed());
        }
    }
    latencies.sort();
    handling.sort();
    frames.sort();
    let pct = |v: &[Duration], p: usize| v.get(v.len() * p / 100).copied().unwrap_or_default();
    println!(
        "{} files to estimate, {} on {}; {batches} batches applied in {:.1} s; {:.0}% estimated",
        total,
        if all_cores { "every core" } else { "cores - 1" },
        thread::available_parallelism().map_or(1, std::num::NonZero::get),
        started.elapsed().as_secs_f64(),
        app.zip.done_files as f64 * 100.0 / total.max(1) as f64
    );
    println!(
        "key -> frame: median {}, p90 {}, worst {} ({} keys)",
        ms(pct(&latencies, 50)),
        ms(pct(&latencies, 90)),
        ms(latencies.last().copied().unwrap_or_default()),
        latencies.len()
    );
    println!(
        "longest event applied {}, frame drawn: median {}, worst {}",
        ms(handling.last().copied().unwrap_or_default()),
        ms(pct(&frames, 50)),
        ms(frames.last().copied().unwrap_or_default())
    );
    Ok(())
}
