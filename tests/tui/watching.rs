//! `heft --watch`: the explorer driven by a real watcher on a temp dir. Timeouts only stop
//! a broken watcher from hanging the suite; nothing asserts speed.

use std::fs;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, unbounded};
use heft::load::LoadOptions;
use heft::tui::activity::{Activity, Clock, Trend};
use heft::tui::app::{App, Data, PkgRow, SourceInfo};
use heft::tui::event::{Event, draw};
use heft::tui::theme::Theme;
use heft::watch::live::LiveBundle;
use heft::watch::summary::ChangeKind;
use heft::watch::{Watch, WatchOptions};
use heft::zipsize::ZipCache;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::sample::press;
use crate::fixture::{Fixture, dist};

/// Long enough for any machine; only reached when the watcher is broken.
const PATIENCE: Duration = Duration::from_secs(90);

/// The app over a live bundle of `watch`'s root, gauging a 50 KB limit.
fn watching_app(watch: &Watch) -> (App, Receiver<()>) {
    let live = LiveBundle::new(watch.root().to_path_buf(), LoadOptions::default());
    let info = SourceInfo {
        label: watch.root().display().to_string(),
        demo: false,
    };
    let limit = heft::limits::parse_limit("50000").unwrap();
    let mut app = App::new(info, Data::Live(Box::new(live)), &[limit], Theme::mono());
    let (tx, rx) = unbounded();
    app.activity = Some(Activity::new(Clock::Fixed("12:00:00".into()), Some(tx)));
    (app, rx)
}

/// Feeds watcher events to the app until `done` holds.
fn pump_until(app: &mut App, watch: &Watch, what: &str, done: impl Fn(&App) -> bool) {
    let started = Instant::now();
    while !done(app) {
        assert!(started.elapsed() < PATIENCE, "waited too long for {what}");
        if let Ok(e) = watch.events.recv_timeout(Duration::from_millis(200)) {
            app.on_event(Event::Watch(e));
        }
    }
}

fn has_dist(app: &App, key: &str) -> bool {
    app.bundle().dists.iter().any(|d| d.key == key)
}

fn dist_bytes(app: &App, key: &str) -> u64 {
    let d = app.bundle().dists.iter().find(|d| d.key == key);
    d.map_or(0, |d| d.sizes.bytes)
}

fn screen(app: &mut App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 30)).unwrap();
    draw(&mut terminal, app).unwrap();
    format!("{}", terminal.backend())
}

fn selected_key(app: &App) -> Option<String> {
    match app.views.packages.selected() {
        Some(PkgRow::Dist(d)) => Some(app.bundle().dist(d).key.clone()),
        _ => None,
    }
}

#[test]
fn watching_logs_each_batch_highlights_changed_packages_and_keeps_rules_and_selection() {
    let fx = Fixture::new();
    let site = fx.path().to_path_buf();
    let watch = Watch::spawn(&site, WatchOptions::default(), Arc::new(ZipCache::new())).unwrap();
    let (mut app, _rescan) = watching_app(&watch);
    assert!(
        screen(&mut app).contains("WATCHING"),
        "the badge shows at once"
    );
    pump_until(&mut app, &watch, "the first batch", |a| {
        a.activity.as_ref().unwrap().batches > 0
    });

    dist("alpha", "1.0")
        .file("alpha/__init__.py", 30_000)
        .install(&site);
    pump_until(&mut app, &watch, "alpha", |a| has_dist(a, "alpha"));
    let activity = app.activity.as_ref().unwrap();
    let entry = activity.log.front().unwrap();
    assert_eq!(entry.changes[0].key, "alpha");
    assert_eq!(entry.changes[0].kind(), ChangeKind::Appeared);
    assert_eq!(activity.trend("alpha"), Some(Trend::Grew));
    let text = screen(&mut app);
    assert!(text.contains("+alpha"), "the log names it:\n{text}");
    assert!(text.contains("▲alpha"), "the row is marked:\n{text}");

    // Exclude alpha (a dist rule), then let beta take the total over the limit.
    press(&mut app, "<Space>");
    let excluded = |a: &App| {
        let d = a
            .bundle()
            .dists
            .iter()
            .position(|d| d.key == "alpha")
            .unwrap();
        let d = heft::model::DistId(d as u32);
        a.exclusions.dist_kept(a.bundle(), d).files == 0
    };
    assert!(excluded(&app));
    dist("beta", "2.0")
        .file("beta/__init__.py", 40_000)
        .file("beta/big.bin", 5_000)
        .install(&site);
    pump_until(&mut app, &watch, "beta", |a| has_dist(a, "beta"));
    assert!(excluded(&app), "the rule still applies after ids moved");
    assert_eq!(
        (
            app.views.packages.list.selected,
            selected_key(&app).as_deref()
        ),
        (0, Some("beta")),
        "at the top, the selection stays on the biggest package"
    );
    press(&mut app, "j");
    assert_eq!(selected_key(&app).as_deref(), Some("alpha"));
    let crossed: Vec<_> = app.activity.as_ref().unwrap().log[0].crossed.clone();
    assert_eq!(crossed.len(), 1, "{crossed:?}");
    assert_eq!(crossed[0].after, "beta");
    assert!(screen(&mut app).contains("CROSSED"));

    // A file of beta goes: beta shrinks and is marked so.
    let before = dist_bytes(&app, "beta");
    fs::remove_file(site.join("beta/big.bin")).unwrap();
    pump_until(&mut app, &watch, "beta to shrink", |a| {
        dist_bytes(a, "beta") < before
    });
    let activity = app.activity.as_mut().unwrap();
    assert_eq!(activity.trend("beta"), Some(Trend::Shrank));
    assert!(activity.log.len() >= 4, "start, alpha, beta, shrink");
    assert_eq!(
        app.views.packages.list.selected, 1,
        "moved by the user: the selection follows alpha"
    );
    let activity = app.activity.as_mut().unwrap();
    activity.expire(Instant::now() + Duration::from_secs(60));
    assert!(activity.highlights.is_empty(), "highlights end");
}

#[test]
fn views_holding_old_ids_reopen_when_the_root_is_deleted_and_recreated() {
    let fx = Fixture::new();
    let site = fx.path().join("build");
    fs::create_dir(&site).unwrap();
    dist("alpha", "1.0")
        .file("alpha/sub/deep.py", 10_000)
        .install(&site);
    let watch = Watch::spawn(&site, WatchOptions::default(), Arc::new(ZipCache::new())).unwrap();
    let (mut app, _rescan) = watching_app(&watch);
    pump_until(&mut app, &watch, "alpha", |a| has_dist(a, "alpha"));
    // Tree into alpha/sub, treemap zoomed into alpha: both hold node and dist ids.
    press(&mut app, "<Enter>");
    press(&mut app, "<Enter>");
    press(&mut app, "3<Enter>");
    fs::remove_dir_all(&site).unwrap();
    pump_until(
        &mut app,
        &watch,
        "the root to go",
        |a| matches!(&a.data, Data::Live(l) if l.is_missing()),
    );
    assert!(screen(&mut app).contains("(missing)"));
    fs::create_dir(&site).unwrap();
    dist("gamma", "3.0").file("gamma.py", 2_000).install(&site);
    pump_until(&mut app, &watch, "gamma", |a| has_dist(a, "gamma"));
    for view in ["1", "2", "3", "4"] {
        press(&mut app, view);
        let text = screen(&mut app);
        assert!(text.contains("WATCHING"), "view {view}:\n{text}");
    }
    press(&mut app, "2");
    let text = screen(&mut app);
    assert!(
        text.contains("gamma"),
        "the tree shows the new root:\n{text}"
    );
    let log = &app.activity.as_ref().unwrap().log;
    assert!(
        log.iter().any(|e| e.missing),
        "the log says it went missing"
    );
}

#[test]
fn watching_a_directory_not_created_yet_says_so_then_logs_files_without_a_slash() {
    let fx = Fixture::new();
    let site = fx.path().join("later");
    let watch = Watch::spawn(&site, WatchOptions::default(), Arc::new(ZipCache::new())).unwrap();
    let (mut app, _rescan) = watching_app(&watch);
    app.say(format!(
        "{} does not exist yet; waiting for it",
        site.display()
    ));
    pump_until(&mut app, &watch, "the first batch", |a| {
        a.activity.as_ref().unwrap().batches > 0
    });
    let text = screen(&mut app);
    assert!(
        text.contains("does not exist yet: waiting for it"),
        "{text}"
    );
    assert!(!text.contains("come back"), "it never existed:\n{text}");
    fs::create_dir(&site).unwrap();
    dist("alpha", "1.0")
        .file("alpha/__init__.py", 3_000)
        .install(&site);
    pump_until(&mut app, &watch, "alpha", |a| has_dist(a, "alpha"));
    assert!(
        app.message.is_none(),
        "files arrived: the waiting note goes: {:?}",
        app.message
    );
    let before = app.bundle().totals().bytes;
    fs::write(site.join("completions.py"), vec![b'#'; 4000]).unwrap();
    pump_until(&mut app, &watch, "the loose file", |a| {
        a.bundle().totals().bytes >= before + 4000
    });
    let text = screen(&mut app);
    assert!(text.contains("completions.py +"), "{text}");
    assert!(
        !text.contains("completions.py/"),
        "a file has no slash:\n{text}"
    );
}
