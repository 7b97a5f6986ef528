//! The explorer with the import graph (`heft PATH --entry app`): computed off the UI thread
//! when the scan ends, and excluding what a reached module imports says what breaks.

use std::fs;
use std::path::{Path, PathBuf};

use heft::tui::app::{App, Data, SourceInfo};
use heft::tui::event::Event;
use heft::tui::reach::ImportsStatus;
use heft::tui::theme::Theme;
use heft::tui::views::ViewId;

use super::sample::{default_limits, press};
use super::truth::{lines, shows};
use crate::fixture::{Fixture, dist};

/// A site: `app` imports `lib` at module scope and `lazy` inside its handler; `spare` is
/// installed (app requires it) but nothing imports it.
fn site(fx: &Fixture) -> PathBuf {
    let site = fx.dir("site");
    dist("app", "1.0")
        .file("app/__init__.py", 10)
        .requires("lib")
        .requires("lazy")
        .requires("spare")
        .install(&site);
    dist("lib", "1.0")
        .file("lib/__init__.py", 10)
        .file("lib/core.py", 20_000)
        .install(&site);
    dist("lazy", "1.0").file("lazy.py", 30_000).install(&site);
    dist("spare", "1.0")
        .file("spare/__init__.py", 50_000)
        .install(&site);
    write(
        &site,
        "app/__init__.py",
        "import lib\n\ndef handler(event, context):\n    import lazy\n",
    );
    write(&site, "lib/__init__.py", "from . import core\n");
    for f in ["lib/core.py", "lazy.py", "spare/__init__.py"] {
        write(&site, f, "x = 1\n");
    }
    site
}

fn write(site: &Path, rel: &str, text: &str) {
    fs::write(site.join(rel), text).unwrap();
}

/// The explorer over `site` with `entries`, after the scan and the import analysis, as
/// the event loop runs them (the analysis here, on this thread).
fn explore(site: &Path, entries: &[&str]) -> App {
    explore_with(site, entries, &[])
}

/// As [`explore`], with import presets given on the command line.
fn explore_with(site: &Path, entries: &[&str], presets: &[&str]) -> App {
    let mut app = scanned(site, entries, presets);
    let job = app
        .take_imports_job()
        .expect("a job for the shell to run on a worker");
    app.on_event(Event::Imports(heft::tui::importwork::analyse(&job)));
    app
}

/// The explorer over `site` once the scan has ended, the import analysis asked for.
fn scanned(site: &Path, entries: &[&str], presets: &[&str]) -> App {
    let (tx, rx) = crossbeam_channel::unbounded();
    let load = heft::load::LoadOptions::default();
    let data = heft::tui::scanwork::start(&[site.to_path_buf()], &load, &tx).unwrap();
    let info = SourceInfo {
        label: site.display().to_string(),
        demo: false,
    };
    let mut app = App::new(info, data, &default_limits(), Theme::mono());
    app.inputs = vec![site.to_path_buf()];
    app.imports.entries = entries.iter().map(|e| (*e).to_string()).collect();
    app.imports.presets = presets.iter().map(|p| (*p).to_string()).collect();
    for e in &rx {
        let done = matches!(e, Event::ScanDone);
        app.on_event(e);
        if done {
            break;
        }
    }
    super::sample::finish_scan(&mut app);
    assert!(matches!(app.data, Data::Ready(_)));
    assert!(
        app.imports.is_analysing(),
        "the analysis is asked for when the scan ends"
    );
    app
}

/// The position of the Tree's row named `name`.
fn tree_row(app: &App, name: &str) -> usize {
    app.views
        .tree
        .rows
        .iter()
        .position(|r| app.bundle().tree.name(r.id) == name.as_bytes())
        .unwrap_or_else(|| panic!("{name} is a row of the tree"))
}

/// Selects the package `name` in the Packages view.
fn select_package(app: &mut App, name: &str) {
    press(app, "1");
    let d = app.bundle().dist_by_key(name).unwrap();
    let at = app
        .views
        .packages
        .rows
        .iter()
        .position(|r| *r == heft::tui::app::PkgRow::Dist(d))
        .unwrap();
    app.views.packages.list.selected = at;
}

#[test]
fn the_import_graph_is_analysed_when_the_scan_ends_and_names_its_entries() {
    let fx = Fixture::new();
    let app = explore(&site(&fx), &["app"]);
    let ImportsStatus::Ready(imports) = &app.imports.status else {
        panic!("the graph arrived")
    };
    assert_eq!(imports.entries, ["app"]);
    let said = app.message.clone().unwrap_or_default();
    assert!(said.contains("entries: app"), "{said}");
}

#[test]
fn without_entries_the_default_ones_are_used_and_said_so() {
    let fx = Fixture::new();
    let mut app = explore(&site(&fx), &[]);
    let said = app.message.clone().unwrap_or_default();
    assert!(
        said.contains("entries: app (default: top-level distributions"),
        "{said}"
    );
    let screen = lines(&mut app, 120, 30);
    assert!(screen[0].contains("entries: app"), "header: {}", screen[0]);
}

#[test]
fn excluding_a_package_a_reached_module_imports_says_what_breaks_in_the_status_line() {
    let fx = Fixture::new();
    let mut app = explore(&site(&fx), &["app"]);
    select_package(&mut app, "lib");
    press(&mut app, "<Space>");
    let screen = lines(&mut app, 120, 30);
    let status = &screen[29];
    assert!(
        status.contains("breaks: lib is excluded but app/__init__.py:1 imports it"),
        "status line: {status}"
    );
}

#[test]
fn at_80_columns_the_breaks_warning_keeps_its_importer_and_kind_before_any_message() {
    let fx = Fixture::new();
    let mut app = explore(&site(&fx), &["app"]);
    select_package(&mut app, "lib");
    press(&mut app, "<Space>");
    assert!(app.message.is_some(), "the exclusion said what it did");
    let screen = lines(&mut app, 80, 24);
    let status = &screen[23];
    assert!(
        status.contains("breaks: lib is excluded but app/__init__.py:1 imports it (top)"),
        "status line: {status}"
    );
    assert!(
        status.trim_end().ends_with("? help"),
        "status line: {status}"
    );
}

#[test]
fn excluding_a_directory_in_the_tree_says_what_breaks_on_that_directory() {
    let fx = Fixture::new();
    let mut app = explore(&site(&fx), &["app"]);
    press(&mut app, "2");
    let lib = tree_row(&app, "lib");
    app.views.tree.list.selected = lib;
    press(&mut app, "<Space>");
    let screen = lines(&mut app, 120, 30);
    let status = &screen[29];
    assert!(
        status.contains("breaks: lib is excluded but app/__init__.py:1 imports it (top)"),
        "status line: {status}"
    );
}

#[test]
fn excluding_what_only_a_function_imports_is_a_caution_in_the_rules_view() {
    let fx = Fixture::new();
    let mut app = explore(&site(&fx), &["app"]);
    select_package(&mut app, "lazy");
    press(&mut app, "<Space>");
    press(&mut app, "4");
    assert_eq!(app.view, ViewId::Rules);
    let screen = lines(&mut app, 120, 30);
    assert!(
        shows(
            &screen,
            "caution: lazy is excluded but app/__init__.py:4 imports it (deferred)"
        ),
        "{}",
        screen.join("\n")
    );
}

#[test]
fn excluding_what_nothing_imports_warns_about_no_import() {
    let fx = Fixture::new();
    let mut app = explore(&site(&fx), &["app"]);
    select_package(&mut app, "spare");
    press(&mut app, "<Space>");
    assert!(
        !app.exclusions
            .alerts()
            .lines
            .iter()
            .any(|l| l.contains("imports it")),
        "{:?}",
        app.exclusions.alerts().lines
    );
}

#[test]
fn an_answer_to_an_older_analysis_is_dropped_after_a_rescan() {
    let fx = Fixture::new();
    let site = site(&fx);
    let mut app = explore(&site, &["app"]);
    let (tx, _rx) = crossbeam_channel::unbounded();
    let stale = heft::tui::importwork::ImportsJob {
        bundle: Box::new(app.bundle().clone()),
        entries: vec!["app".into()],
        generation: 0,
    };
    let data = heft::tui::scanwork::start(&[site], &app.load.clone(), &tx).unwrap();
    app.restart_scan(data);
    app.on_event(Event::Imports(heft::tui::importwork::analyse(&stale)));
    assert!(
        app.imports.ready().is_none(),
        "a graph of the old tree must not be used for the new one"
    );
}

#[test]
fn undo_and_redo_keep_warning_about_imports() {
    let fx = Fixture::new();
    let mut app = explore(&site(&fx), &["app"]);
    select_package(&mut app, "lib");
    press(&mut app, "<Space>u<C-r>");
    let lines = &app.exclusions.alerts().lines;
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("breaks: lib is excluded")),
        "the rule list rebuilt by redo still knows the graph: {lines:?}"
    );
}

#[test]
fn the_unreached_preset_from_the_command_line_applies_once_the_graph_is_known() {
    let fx = Fixture::new();
    let app = explore_with(&site(&fx), &["app"], &["unreached"]);
    let spare = app.bundle().dist_by_key("spare").unwrap();
    assert!(
        app.exclusions.dist_kept(app.bundle(), spare).bytes < app.bundle().dist(spare).sizes.bytes,
        "spare is never imported: the preset cuts it"
    );
    assert!(
        !app.unexported,
        "rules given on the command line are not unsaved edits"
    );
}

/// The row of the screen whose text, trimmed, starts with `start`.
fn row<'a>(screen: &'a [String], start: &str) -> &'a str {
    screen
        .iter()
        .find(|l| l.trim_start().starts_with(start))
        .unwrap_or_else(|| panic!("no row starts with {start:?}:\n{}", screen.join("\n")))
}

#[test]
fn while_the_graph_is_analysed_the_header_says_so() {
    let fx = Fixture::new();
    let mut app = scanned(&site(&fx), &["app"], &[]);
    let wide = lines(&mut app, 120, 30);
    assert!(
        wide[0].contains("imports: analysing…"),
        "header: {}",
        wide[0]
    );
    let narrow = lines(&mut app, 80, 24);
    assert!(narrow[0].contains("imports…"), "header: {}", narrow[0]);
}

#[test]
fn the_packages_view_has_a_reached_column_with_each_packages_share() {
    let fx = Fixture::new();
    let mut app = explore(&site(&fx), &["app"]);
    for (w, h) in [(120, 30), (80, 24)] {
        let screen = lines(&mut app, w, h);
        let heading = row(&screen, "name");
        assert!(heading.contains("reached"), "{w}x{h} heading: {heading}");
        let lib = row(&screen, "lib ");
        assert!(lib.contains(" 100% "), "{w}x{h} reached at start-up: {lib}");
        let spare = row(&screen, "spare ");
        assert!(spare.contains(" 0% "), "{w}x{h} never imported: {spare}");
        let lazy = row(&screen, "lazy ");
        assert!(
            lazy.contains("0%+") || lazy.contains("%+"),
            "{w}x{h} reached only from a function: {lazy}"
        );
    }
}

#[test]
fn unreached_files_are_dimmed_and_marked_in_the_tree() {
    let fx = Fixture::new();
    let mut app = explore(&site(&fx), &["app"]);
    press(&mut app, "2");
    let spare = tree_row(&app, "spare");
    // Select another row, so the spare row shows its own style.
    app.views.tree.list.selected = usize::from(spare == 0);
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 30)).unwrap();
    heft::tui::event::draw(&mut terminal, &mut app).unwrap();
    let buf = terminal.backend().buffer();
    let text = |y: u16| -> String { (0..120).map(|x| buf[(x, y)].symbol()).collect() };
    let y = (0..30).find(|y| text(*y).contains("spare/")).unwrap();
    assert!(text(y).contains("○ unreached"), "{}", text(y));
    assert!(
        buf[(2, y)].modifier.contains(ratatui::style::Modifier::DIM),
        "the row is dimmed: {}",
        text(y)
    );
    let app_row = (0..30).find(|y| text(*y).contains(" app/")).unwrap();
    assert!(!text(app_row).contains("unreached"), "{}", text(app_row));
    let lazy = (0..30).find(|y| text(*y).contains("lazy.py")).unwrap();
    assert!(text(lazy).contains("◐ lazy"), "{}", text(lazy));
}

#[test]
fn the_why_panel_shows_the_module_chain_of_a_package_with_file_and_line() {
    let fx = Fixture::new();
    let mut app = explore(&site(&fx), &["app"]);
    select_package(&mut app, "lib");
    let screen = lines(&mut app, 120, 40);
    assert!(
        shows(&screen, "imports: lib: reached from app"),
        "{}",
        screen.join("\n")
    );
    assert!(
        shows(&screen, "→ lib  app/__init__.py:1 top"),
        "{}",
        screen.join("\n")
    );
}

#[test]
fn the_tree_shows_the_module_chain_of_the_selected_file() {
    let fx = Fixture::new();
    let mut app = explore(&site(&fx), &["app"]);
    press(&mut app, "2");
    let lib = tree_row(&app, "lib");
    app.views.tree.list.selected = lib;
    press(&mut app, "<Enter>");
    let core = tree_row(&app, "core.py");
    app.views.tree.list.selected = core;
    let screen = lines(&mut app, 120, 40);
    let text = screen.join("\n");
    assert!(shows(&screen, "imports from app"), "{text}");
    assert!(
        shows(&screen, "imports: lib.core: reached from app"),
        "{text}"
    );
    assert!(shows(&screen, "→ lib  app/__init__.py:1 top"), "{text}");
    assert!(
        shows(&screen, "→ lib.core  lib/__init__.py:1 top"),
        "{text}"
    );
}

#[test]
fn the_preset_picker_offers_the_unreached_presets_once_the_graph_is_known() {
    let fx = Fixture::new();
    let mut app = explore(&site(&fx), &["app"]);
    press(&mut app, "p");
    let Some(heft::tui::app::Overlay::Presets { choices, .. }) = &app.overlay else {
        panic!("the preset picker opens")
    };
    let at = choices
        .iter()
        .position(|c| c.name == "unreached")
        .expect("unreached is offered");
    assert!(choices[at].saving.files > 0, "it would cut spare");
    press(&mut app, &"j".repeat(at));
    press(&mut app, "<Space><Enter>");
    let spare = app.bundle().dist_by_key("spare").unwrap();
    let lib = app.bundle().dist_by_key("lib").unwrap();
    assert_eq!(
        app.exclusions.dist_kept(app.bundle(), spare).files,
        0,
        "nothing imports spare"
    );
    assert_eq!(
        app.exclusions.dist_kept(app.bundle(), lib),
        app.bundle().dist(lib).sizes,
        "app imports lib"
    );
}

#[test]
fn item_info_says_what_the_entries_reach_of_a_package_and_a_file() {
    let fx = Fixture::new();
    let mut app = explore(&site(&fx), &["app"]);
    select_package(&mut app, "spare");
    press(&mut app, "i");
    let Some(heft::tui::app::Overlay::Text { lines, .. }) = &app.overlay else {
        panic!("i opens item info")
    };
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("imports: reached 0 B · lazy 0 B")),
        "{lines:?}"
    );
    press(&mut app, "<Esc>2");
    let lazy = tree_row(&app, "lazy.py");
    app.views.tree.list.selected = lazy;
    press(&mut app, "i");
    let Some(heft::tui::app::Overlay::Text { lines, .. }) = &app.overlay else {
        panic!("i opens item info")
    };
    assert!(
        lines.iter().any(|l| l == "imports: lazy (this file)"),
        "{lines:?}"
    );
}
