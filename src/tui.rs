//! The interactive explorer (the shell around the core, like `cmd/`): `heft [PATH...]`.
//!
//! Threads: terminal input and the scan each send [`event::Event`]s over one channel;
//! only the UI thread (running [`event::run`]) changes the [`app::App`]. The terminal is
//! restored on every way out, panics included.

pub mod activity;
pub mod app;
pub mod cuts;
pub mod event;
pub mod export;
pub mod keymap;
pub mod safety;
pub mod source;
pub mod theme;
mod watch;
pub mod widgets;
pub mod zipwork;

use std::io::stdout;
use std::path::PathBuf;
use std::process::ExitCode;
use std::thread;

use crate::bundle::Builder;
use crate::limits::Limit;
use crate::load::{classify, spawn_scan};
use crate::settings::Settings;
use anyhow::{Context, Result};
use crossbeam_channel::{Sender, unbounded};
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;

use app::{App, Data, SourceInfo};
use event::Event;
use source::Source;
use theme::Theme;

/// What `heft [PATH...]` was asked to open.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Everything resolved from the command line, as every command gets it: inputs (or
    /// one saved scan; none means "look around, else the demo"), target, limits, reserve,
    /// rules and the manifest to resume.
    pub settings: Settings,
    /// Rescan as inputs change.
    pub watch: bool,
}

/// Opens the explorer and runs it until the user quits.
pub fn run(opts: &Options) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let venv = std::env::var_os("VIRTUAL_ENV").map(PathBuf::from);
    let source = source::resolve(&opts.settings.paths, venv.as_deref(), &cwd);
    let (tx, rx) = unbounded();
    let mut zip_cache = None;
    let mut app = if opts.watch {
        let (app, cache) = watch::open(opts, &tx)?;
        zip_cache = Some(cache);
        app
    } else {
        open(&source, opts, &tx)?
    };
    let settings = &opts.settings;
    if let Some(m) = &settings.manifest {
        app.default_export = m.path.display().to_string();
    }
    // Applied once the scan ends, as the explorer always resumed a manifest.
    let rules = settings.rules_unchecked();
    if !rules.is_empty() {
        app.start_rules(rules);
    }
    spawn_input(tx.clone());
    let mut guard = TerminalGuard::enter()?;
    let result = event::run(&mut guard.terminal, &mut app, &rx, Some(&tx));
    drop(guard);
    if let Some(cache) = zip_cache {
        cache.save_default();
    }
    result.map(|()| ExitCode::SUCCESS)
}

/// Builds the app for a source; a path scan starts on a background thread.
pub(crate) fn open(source: &Source, opts: &Options, tx: &Sender<Event>) -> Result<App> {
    let theme = Theme::from_env();
    let settings = &opts.settings;
    let limits = default_limits(&settings.limits);
    let mut app = open_source(source, settings, &limits, theme, tx)?;
    app.budget = app::Budget {
        reserve: settings.reserve,
        zip_estimate: settings.zip_estimate,
    };
    Ok(app)
}

/// The app over one source, before the settings that apply to every source.
fn open_source(
    source: &Source,
    settings: &Settings,
    limits: &[Limit],
    theme: Theme,
    tx: &Sender<Event>,
) -> Result<App> {
    match source {
        Source::Paths(paths) => {
            let inputs = classify(paths)?;
            let mut builder = Builder::new(settings.load.target.clone());
            for input in &inputs {
                builder.add_root(input.path.clone(), input.kind, input.own_disk);
            }
            let load = settings.load.clone();
            let label = paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" + ");
            let info = SourceInfo { label, demo: false };
            forward_scan(spawn_scan(&inputs), tx.clone());
            Ok(App::new(info, Data::scanning(builder, load), limits, theme))
        }
        Source::Saved(path) => {
            let bundle = crate::scanfile::open(path)?;
            let info = SourceInfo {
                label: format!("saved scan {}", path.display()),
                demo: false,
            };
            Ok(App::new(info, Data::Ready(Box::new(bundle)), limits, theme))
        }
        Source::Demo => {
            let bundle = source::demo()?;
            let info = SourceInfo {
                label: "chromadb Lambda layer".into(),
                demo: true,
            };
            let mut app = App::new(info, Data::Ready(Box::new(bundle)), limits, theme);
            app.say("a demo: a saved scan of a real chromadb layer; heft PATH opens yours");
            Ok(app)
        }
    }
}

/// The limits asked for, or aws-lambda and aws-lambda-zip.
fn default_limits(asked: &[Limit]) -> Vec<Limit> {
    if !asked.is_empty() {
        return asked.to_vec();
    }
    crate::settings::DEFAULT_LIMITS
        .iter()
        .filter_map(|n| crate::limits::preset(n).cloned())
        .collect()
}

/// Forwards scan events to the UI channel, then a [`Event::ScanDone`] and elapsed ticks.
fn forward_scan(scan: crossbeam_channel::Receiver<crate::scan::ScanEvent>, tx: Sender<Event>) {
    let spawned = thread::Builder::new()
        .name("heft-scan-forward".into())
        .spawn(move || {
            let started = std::time::Instant::now();
            let mut last_tick = started;
            let _ = tx.send(Event::Tick(std::time::Duration::ZERO));
            for e in scan {
                if tx.send(Event::Scan(e)).is_err() {
                    return;
                }
                if last_tick.elapsed() >= event::FRAME {
                    last_tick = std::time::Instant::now();
                    if tx.send(Event::Tick(started.elapsed())).is_err() {
                        return;
                    }
                }
            }
            let _ = tx.send(Event::Tick(started.elapsed()));
            let _ = tx.send(Event::ScanDone);
        });
    if let Err(e) = spawned {
        eprintln!("heft: could not start the scan thread: {e}");
    }
}

/// Reads terminal events until the UI stops listening.
fn spawn_input(tx: Sender<Event>) {
    let spawned = thread::Builder::new()
        .name("heft-input".into())
        .spawn(move || {
            while let Ok(e) = ratatui::crossterm::event::read() {
                if tx.send(Event::Input(e)).is_err() {
                    return;
                }
            }
        });
    if let Err(e) = spawned {
        eprintln!("heft: could not start the input thread: {e}");
    }
}

/// The terminal in raw mode with the alternate screen and mouse capture; dropping it
/// (on return, error or unwinding panic) puts everything back. `ratatui::init` also
/// installs a panic hook that restores before the panic message prints.
struct TerminalGuard {
    terminal: ratatui::DefaultTerminal,
}

impl TerminalGuard {
    fn enter() -> Result<TerminalGuard> {
        let terminal = ratatui::try_init().context("opening the terminal")?;
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = execute!(stdout(), DisableMouseCapture);
            previous(info);
        }));
        execute!(stdout(), EnableMouseCapture).context("enabling the mouse")?;
        Ok(TerminalGuard { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(stdout(), DisableMouseCapture);
        ratatui::restore();
    }
}
