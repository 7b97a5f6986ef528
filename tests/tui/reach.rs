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
    assert!(matches!(app.data, Data::Ready(_)));
    assert!(
        app.imports.is_analysing(),
        "the analysis is asked for when the scan ends"
    );
    let job = app
        .take_imports_job()
        .expect("a job for the shell to run on a worker");
    app.on_event(Event::Imports(heft::tui::importwork::analyse(&job)));
    app
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
fn excluding_a_directory_in_the_tree_says_what_breaks_on_that_directory() {
    let fx = Fixture::new();
    let mut app = explore(&site(&fx), &["app"]);
    press(&mut app, "2");
    let lib = app
        .views
        .tree
        .rows
        .iter()
        .position(|r| app.bundle().tree.name(r.id) == b"lib".as_slice())
        .expect("lib/ is a row at the top of the tree");
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
