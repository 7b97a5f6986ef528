//! The end of a scan (ownership, dependency graph, insight) runs on a worker: the explorer
//! keeps drawing and answering keys under a busy sign, and what the worker delivers equals
//! what loading the same inputs in one go computes.

use heft::load::{LoadOptions, load};
use heft::tui::app::{App, Data, SourceInfo};
use heft::tui::event::Event;
use heft::tui::theme::Theme;
use heft::tui::views::ViewId;

use super::sample::press;
use super::truth::{lines, shows};
use crate::fixture::{Fixture, dist as installed};

/// An app scanning `dir`, with every scan event applied up to and including the end.
fn scanned(dir: &std::path::Path) -> App {
    let (tx, rx) = crossbeam_channel::unbounded();
    let paths = [dir.to_path_buf()];
    let data = heft::tui::scanwork::start(&paths, &LoadOptions::default(), &tx).unwrap();
    let info = SourceInfo {
        label: dir.display().to_string(),
        demo: false,
    };
    let mut app = App::new(info, data, &[], Theme::mono());
    for e in &rx {
        let done = matches!(e, Event::ScanDone);
        app.on_event(e);
        if done {
            break;
        }
    }
    app
}

fn site(fx: &Fixture) -> std::path::PathBuf {
    let dir = fx.dir("site");
    installed("app", "1.0")
        .requires("lib")
        .file("app/__init__.py", 5_000)
        .install(&dir);
    installed("lib", "2.0")
        .file("lib/__init__.py", 40_000)
        .file("lib/tests/test_lib.py", 3_000)
        .install(&dir);
    dir
}

#[test]
fn after_the_scan_ends_keys_are_answered_before_ownership_arrives() {
    let fx = Fixture::new();
    let dir = site(&fx);
    let mut app = scanned(&dir);
    let job = app
        .take_finish_job()
        .expect("the end of the scan is handed to a worker, not done on the UI thread");
    assert!(
        app.data.is_scanning(),
        "still the scanned copy until the worker answers"
    );
    assert!(
        app.bundle().dist_by_key("lib").is_none(),
        "no ownership yet"
    );
    press(&mut app, "2");
    assert_eq!(app.view, ViewId::Tree, "a key is answered meanwhile");
    let screen = lines(&mut app, 100, 30);
    assert!(
        shows(&screen, "reading ownership and dependencies"),
        "a busy sign says why packages are not there yet:\n{}",
        screen.join("\n")
    );
    app.on_event(Event::Finished(Box::new(job.run())));
    assert!(!app.data.is_scanning());
    assert_eq!(app.busy, None, "the busy sign goes with the result");
    assert!(app.bundle().dist_by_key("lib").is_some());
}

#[test]
fn what_the_worker_delivers_equals_loading_in_one_go() {
    let fx = Fixture::new();
    let dir = site(&fx);
    let mut app = scanned(&dir);
    let job = app.take_finish_job().unwrap();
    app.on_event(Event::Finished(Box::new(job.run())));
    let mut bundle = load(
        std::slice::from_ref(&dir),
        &LoadOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    heft::zipjob::plan(&mut bundle);
    let info = SourceInfo {
        label: dir.display().to_string(),
        demo: false,
    };
    let sync = App::new(info, Data::Ready(Box::new(bundle)), &[], Theme::mono());
    let (a, b) = (app.bundle(), sync.bundle());
    assert_eq!(a.tree.len(), b.tree.len());
    assert_eq!(a.totals(), b.totals());
    let names = |x: &heft::bundle::Bundle| {
        x.dists
            .iter()
            .map(|d| (d.key.clone(), d.sizes))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(a), names(b));
    assert_eq!(
        format!("{:?}", a.graph),
        format!("{:?}", b.graph),
        "same dependency graph"
    );
    let insight = |x: &App| format!("{:?}", x.insight.as_ref().map(|i| &i.per_dist));
    assert_eq!(insight(&app), insight(&sync), "same insight");
    assert_eq!(app.kept_totals(), sync.kept_totals());
    assert_eq!(app.duplicates.len(), sync.duplicates.len());
}

#[test]
fn a_rescan_drops_the_result_of_the_scan_it_replaced() {
    let fx = Fixture::new();
    let dir = site(&fx);
    let mut app = scanned(&dir);
    let stale = app.take_finish_job().unwrap().run();
    let (tx, _rx) = crossbeam_channel::unbounded();
    let data = heft::tui::scanwork::start(&[dir], &LoadOptions::default(), &tx).unwrap();
    app.restart_scan(data);
    app.on_event(Event::Finished(Box::new(stale)));
    assert!(
        app.data.is_scanning(),
        "the old scan's result is not the new scan's"
    );
}

#[test]
fn while_the_worker_finishes_the_progress_line_says_the_walk_is_done_not_scanning() {
    let fx = Fixture::new();
    let dir = site(&fx);
    let mut app = scanned(&dir);
    let job = app.take_finish_job().unwrap();
    let screen = lines(&mut app, 140, 30);
    assert!(
        !shows(&screen, "scanning 1/1 inputs"),
        "the walk has ended; the line must not say it is still scanning:\n{}",
        screen.join("\n")
    );
    assert!(shows(&screen, "scanned 1 input"), "{}", screen.join("\n"));
    app.on_event(Event::Finished(Box::new(job.run())));
}
