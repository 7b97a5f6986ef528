//! The interactive explorer (the shell around the core, like `cmd/`): `heft [PATH...]`.
//!
//! Threads: terminal input, the scan, zipped estimates, the import graph, the watcher and
//! terminating signals each send [`bus::Event`]s over one channel; only the UI thread (running
//! [`event::run`]) changes the [`app::App`]. The terminal is restored on every way out,
//! panics and SIGTERM/SIGHUP included.
//!
//! Modules import one way only (tests in `tests/tui/shape.rs` keep it so): `event`
//! drives `app` and draws `widgets`; `widgets` (the shell's bars, gauges, overlays) read
//! `app`; `app` holds the domain (bundle, [`exclusions`], limits, insight), the active
//! view and the shell (overlays, status), and owns the [`views`]; the views read only
//! leaf modules with shared types (`keymap`, `layout`, `theme`, `text`, `exclusions`,
//! `activity`), never `app` or `widgets`. `layout` turns a few numbers into the frame's
//! rectangles, stored in the app once per frame; `bus`, `keymap`, `layout`, `text`,
//! `theme`, `export` and `exclusions` import no other explorer module.
//!
//! Adding a view (imports, diff, ...): one new file and one registration line.
//! 1. `views/<name>.rs` (with `views/<name>/` for its drawing if it grows): a type that
//!    owns its state and implements [`views::View`]: `refresh` its rows from
//!    [`views::Props`], `on_action` for the browsing keys it handles (returning an
//!    [`views::Effect`] such as `OpenTree`, `Exclude` or `Say` for what the app must
//!    do; `shared_effect` answers the rest), `item`, `focused_path`, `figures` for the
//!    totals bar and `render`;
//! 2. one line in the `registry!` in `views.rs`: id, field, type, tab title and help
//!    line (and the file's `pub mod` line beside the others). The tab bar, digit key, Tab order, help, refresh, rendering, status line and
//!    totals follow through the trait; nothing in the shell matches on a view.
//!
//! A view that needs a rectangle of its own adds it to `layout::Screen`; a new kind of
//! request to the app adds an `Effect` variant and its arm in `App::carry_out`.
//! `diffview` and `picker` are separate screens (`heft --diff`, the function picker
//! before the explorer), each with its own loop, not views of the explorer.

pub mod activity;
pub mod app;
pub mod bus;
pub mod diffview;
pub mod event;
pub mod exclusions;
pub mod export;
pub mod importwork;
pub mod keymap;
pub mod layout;
pub mod picker;
pub mod reach;
pub mod safety;
pub mod scanwork;
pub mod source;
pub mod text;
pub mod theme;
pub mod views;
mod watch;
pub mod widgets;
pub mod zipwork;

use std::io::stdout;
use std::path::PathBuf;
use std::process::ExitCode;
use std::thread;

use crate::limits::Limit;
use crate::settings::Settings;
use anyhow::{Context, Result};
use crossbeam_channel::{Sender, unbounded};
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;

use app::{App, Data, SourceInfo};
use event::Event;
use source::Source;
use theme::Theme;

pub use source::Options;

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
    // Applied once the scan ends, as the explorer always resumed a manifest; a manifest
    // made for another tree is said so then.
    let rules = settings.rules_unchecked();
    if let Some(m) = &settings.manifest {
        app.default_export = m.path.display().to_string();
        app.resume(m.manifest.clone(), rules);
    } else if !rules.is_empty() {
        app.start_rules(rules);
    }
    spawn_input(tx.clone());
    let signals = spawn_signals(tx.clone())?;
    let mut guard = TerminalGuard::enter()?;
    let result = event::run(&mut guard.terminal, &mut app, &rx, Some(&tx));
    drop(guard);
    signals.close();
    if let Some(cache) = zip_cache {
        cache.save_default();
    }
    let code = app
        .ended_by()
        .map_or(0, |sig| u8::try_from(128 + sig).unwrap_or(1));
    result.map(|()| ExitCode::from(code))
}

/// Turns the signals that end a program into [`Event::Signal`]s, so the UI thread quits
/// through its usual path and the terminal guard restores the screen, mouse and cursor.
fn spawn_signals(tx: Sender<Event>) -> Result<signal_hook::iterator::Handle> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])
        .context("installing signal handlers")?;
    let handle = signals.handle();
    thread::Builder::new()
        .name("heft-signals".into())
        .spawn(move || {
            for sig in signals.forever() {
                if tx.send(Event::Signal(sig)).is_err() {
                    return;
                }
            }
        })
        .context("starting the signal thread")?;
    Ok(handle)
}

/// Builds the app for a source; a path scan starts on a background thread.
pub(crate) fn open(source: &Source, opts: &Options, tx: &Sender<Event>) -> Result<App> {
    let theme = Theme::from_env();
    let settings = &opts.settings;
    let limits = source::default_limits(&settings.limits);
    let mut app = open_source(source, settings, &limits, theme, tx)?;
    app.budget = app::Budget {
        reserve: settings.reserve,
        zip_estimate: settings.zip_estimate,
    };
    app.imports.entries.clone_from(&settings.entries);
    app.imports.presets.clone_from(&settings.import_presets);
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
            let data = scanwork::start(paths, &settings.load, tx)?;
            let label = paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" + ");
            let info = SourceInfo { label, demo: false };
            let mut app = App::new(info, data, limits, theme);
            app.inputs.clone_from(paths);
            app.load = settings.load.clone();
            Ok(app)
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
            let _ = execute!(stdout(), DisableMouseCapture, Show);
            previous(info);
        }));
        execute!(stdout(), EnableMouseCapture).context("enabling the mouse")?;
        Ok(TerminalGuard { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(stdout(), DisableMouseCapture, Show);
        ratatui::restore();
    }
}
