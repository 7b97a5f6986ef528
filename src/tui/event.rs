//! Events from every source (terminal input, scan, zipped estimates) on one channel, and
//! the loop that applies them and draws: always right after input, at most every
//! [`FRAME`] while background work streams in.

use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::layout::Rect;

use super::app::App;
pub use super::bus::{Event, FRAME, ZipBatch};
use super::widgets;

/// Longest time spent applying queued events before drawing again.
const DRAIN: Duration = Duration::from_millis(50);

/// Applies events and draws until the app quits or every sender is gone. With `spawn`,
/// background work the app asks for (zipped estimates) starts and reports there.
pub fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &Receiver<Event>,
    spawn: Option<&Sender<Event>>,
) -> Result<()> {
    let mut last_draw: Option<Instant> = None;
    let mut dirty = true;
    let mut urgent = true;
    loop {
        if app.should_quit() {
            return Ok(());
        }
        if let Some(jobs) = app.take_zip_jobs()
            && let Some(tx) = spawn
        {
            super::zipwork::spawn(jobs, tx.clone());
        }
        if let Some(job) = app.take_finish_job() {
            match spawn {
                Some(tx) => super::scanwork::spawn_finish(job, tx),
                None => app.on_event(Event::Finished(Box::new(job.run()))),
            }
            dirty = true;
        }
        if let Some(job) = app.take_imports_job()
            && let Some(tx) = spawn
            && let Err(e) = super::importwork::spawn(job, tx.clone())
        {
            app.imports_failed(&e);
        }
        if app.take_rescan()
            && let Some(tx) = spawn
        {
            match super::scanwork::start(&app.inputs, &app.load.clone(), tx) {
                Ok(data) => app.restart_scan(data),
                Err(e) => app.say(format!("rescan failed: {e:#}")),
            }
        }
        let due = last_draw.is_none_or(|t| t.elapsed() >= FRAME);
        if dirty && (urgent || due) {
            draw(terminal, app)?;
            last_draw = Some(Instant::now());
            dirty = false;
            urgent = false;
        }
        let event = if dirty {
            let wait = last_draw.map_or(Duration::ZERO, |t| FRAME.saturating_sub(t.elapsed()));
            match events.recv_timeout(wait) {
                Ok(e) => e,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
        } else {
            match events.recv() {
                Ok(e) => e,
                Err(_) => return Ok(()),
            }
        };
        urgent |= event.is_input();
        apply(terminal, app, event)?;
        dirty = true;
        let started = Instant::now();
        while started.elapsed() < DRAIN && !app.should_quit() {
            let Ok(event) = events.try_recv() else { break };
            urgent |= event.is_input();
            apply(terminal, app, event)?;
        }
    }
}

/// Applies one event; before work that takes a while (the end of a scan, undo, a preset)
/// a frame with a busy sign is drawn, so the screen says why it does not answer.
fn apply<B: Backend>(terminal: &mut Terminal<B>, app: &mut App, event: Event) -> Result<()> {
    if let Some(label) = app.heavy_label(&event) {
        // A busy sign already up (the end of a scan) stays up after this one.
        let before = app.busy.replace(label);
        draw(terminal, app)?;
        app.on_event(event);
        app.busy = before;
    } else {
        app.on_event(event);
    }
    Ok(())
}

/// Brings the app up to date for the terminal's size and draws one frame.
pub fn draw<B: Backend>(terminal: &mut Terminal<B>, app: &mut App) -> Result<()> {
    let size = terminal
        .size()
        .map_err(|e| anyhow!("reading the terminal size: {e}"))?;
    app.prepare(Rect::new(0, 0, size.width, size.height));
    terminal
        .draw(|frame| widgets::render(app, frame))
        .map_err(|e| anyhow!("drawing: {e}"))?;
    Ok(())
}
