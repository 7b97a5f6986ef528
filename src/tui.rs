//! The interactive explorer (the shell around the core, like `cmd/`): `heft [PATH...]`.
//!
//! Threads: terminal input and the scan each send [`event::Event`]s over one channel;
//! only the UI thread (running [`event::run`]) changes the [`app::App`]. The terminal is
//! restored on every way out, panics included.

pub mod activity;
pub mod app;
pub mod cuts;
pub mod diffview;
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

use crate::bundle::{Builder, Target};
use crate::limits::Limit;
use crate::load::{LoadOptions, classify, spawn_scan};
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
    /// Inputs, or one saved scan; empty means "look around, else the demo".
    pub paths: Vec<PathBuf>,
    /// A manifest whose rules to apply at start.
    pub manifest: Option<PathBuf>,
    /// Rescan as inputs change.
    pub watch: bool,
    /// Limits to gauge.
    pub limits: Vec<Limit>,
    /// Marker environment.
    pub target: Target,
}

/// Opens the explorer and runs it until the user quits.
pub fn run(opts: &Options) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let venv = std::env::var_os("VIRTUAL_ENV").map(PathBuf::from);
    let source = source::resolve(&opts.paths, venv.as_deref(), &cwd);
    let manifest = opts.manifest.as_deref().map(read_manifest).transpose()?;
    let mut opts = opts.clone();
    if let Some(m) = manifest.as_ref().filter(|_| opts.limits.is_empty()) {
        opts.limits = m
            .limits
            .iter()
            .map(crate::manifest::LimitJson::limit)
            .collect();
    }
    let (tx, rx) = unbounded();
    let mut zip_cache = None;
    let mut app = if opts.watch {
        let (app, cache) = watch::open(&opts, &tx)?;
        zip_cache = Some(cache);
        app
    } else {
        open(&source, &opts, &tx)?
    };
    if let (Some(m), Some(path)) = (manifest, &opts.manifest) {
        app.default_export = path.display().to_string();
        app.start_rules(m.rules);
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

/// Reads a `heft.manifest/1` file to resume its decision.
fn read_manifest(path: &std::path::Path) -> Result<crate::manifest::Manifest> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    crate::manifest::Manifest::from_json(&text)
        .with_context(|| format!("reading {}", path.display()))
}

/// Builds the app for a source; a path scan starts on a background thread.
pub(crate) fn open(source: &Source, opts: &Options, tx: &Sender<Event>) -> Result<App> {
    let theme = Theme::from_env();
    let limits = default_limits(&opts.limits);
    match source {
        Source::Paths(paths) => {
            let inputs = classify(paths)?;
            let mut builder = Builder::new(opts.target.clone());
            for input in &inputs {
                builder.add_root(input.path.clone(), input.kind, input.own_disk);
            }
            let load = LoadOptions {
                target: opts.target.clone(),
                top_level: None,
            };
            let label = paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" + ");
            let info = SourceInfo { label, demo: false };
            forward_scan(spawn_scan(&inputs), tx.clone());
            Ok(App::new(
                info,
                Data::scanning(builder, load),
                &limits,
                theme,
            ))
        }
        Source::Saved(path) => {
            let bundle = crate::scanfile::open(path)?;
            let info = SourceInfo {
                label: format!("saved scan {}", path.display()),
                demo: false,
            };
            Ok(App::new(
                info,
                Data::Ready(Box::new(bundle)),
                &limits,
                theme,
            ))
        }
        Source::Demo => {
            let bundle = source::demo()?;
            let info = SourceInfo {
                label: "chromadb Lambda layer".into(),
                demo: true,
            };
            let mut app = App::new(info, Data::Ready(Box::new(bundle)), &limits, theme);
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
    ["aws-lambda", "aws-lambda-zip"]
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
