//! The explorer tells the whole truth: warnings, estimates and filters are always on
//! screen (issue 11's defects, each found by a test that failed before its fix).

use heft::tui::app::App;
use heft::tui::event::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::sample::{app, press};

/// The screen's text at `w`x`h`, one string per line.
pub fn lines(app: &mut App, w: u16, h: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    draw(&mut terminal, app).unwrap();
    let buf = terminal.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect())
        .collect()
}

/// Whether any line contains `text`.
pub fn shows(lines: &[String], text: &str) -> bool {
    lines.iter().any(|l| l.contains(text))
}

#[test]
fn excluding_a_package_others_need_shows_a_warning_count_row_sign_and_reason() {
    let mut app = app();
    press(&mut app, "<Space>");
    let screen = lines(&mut app, 80, 24);
    assert!(screen[0].contains("⚠ 1 warning"), "header: {}", screen[0]);
    let row = screen.iter().find(|l| l.contains("kubernetes")).unwrap();
    assert!(row.contains("⚠"), "the row carries the sign: {row}");
    let status = &screen[23];
    assert!(
        status.contains("kubernetes is excluded but still required by chromadb"),
        "status line: {status}"
    );
}

#[test]
fn excluding_a_directory_imported_at_run_time_warns_on_its_tree_row() {
    let mut app = app();
    press(&mut app, "2");
    press(&mut app, "/testing<Enter>");
    let pos = app
        .views
        .tree
        .rows
        .iter()
        .position(|r| app.bundle().tree.name(r.id) == b"testing")
        .expect("numpy/testing is listed");
    app.views.tree.list.selected = pos;
    press(&mut app, "<Space>");
    let screen = lines(&mut app, 120, 30);
    assert!(screen[0].contains("⚠ 1 warning"), "header: {}", screen[0]);
    let row = screen.iter().find(|l| l.contains("testing/")).unwrap();
    assert!(row.contains("⚠"), "the row carries the sign: {row}");
    assert!(
        screen[29].contains("numpy/testing is excluded but imported at run time"),
        "status: {}",
        screen[29]
    );
}

#[test]
fn the_rules_view_and_the_export_dialog_list_every_warning() {
    let mut app = app();
    press(&mut app, "<Space>4");
    let screen = lines(&mut app, 100, 30);
    assert!(shows(&screen, "1 warning: what the exclusions break"));
    assert!(shows(
        &screen,
        "kubernetes is excluded but still required by chromadb"
    ));
    press(&mut app, "e");
    let screen = lines(&mut app, 100, 30);
    assert!(
        shows(&screen, "1 warning (written into the export too)"),
        "{screen:#?}"
    );
    assert!(shows(&screen, "kubernetes is excluded but still required"));
}

#[test]
fn the_sh_export_lists_the_warnings_as_comments() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prune.sh");
    let mut app = app();
    press(&mut app, "<Space>e<Tab><Space><Tab>");
    let erase = "<Bksp>".repeat(40);
    press(&mut app, &format!("{erase}{}<Enter>", path.display()));
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("# Warning: kubernetes is excluded but still required by chromadb"),
        "{text}"
    );
}

#[test]
fn zipped_gauges_show_a_lower_bound_and_never_headroom_while_estimates_run() {
    let mut app = app();
    press(&mut app, "x");
    app.zip = heft::zipjob::ZipProgress {
        total_files: 10,
        done_files: 3,
        ..Default::default()
    };
    let screen = lines(&mut app, 120, 30);
    let zipped = screen
        .iter()
        .find(|l| l.contains("aws-lambda-zip"))
        .unwrap();
    assert!(zipped.contains("estimating 30%: >= "), "{zipped}");
    assert!(!zipped.contains("headroom"), "{zipped}");
    app.zip.finish();
    let screen = lines(&mut app, 120, 30);
    let zipped = screen
        .iter()
        .find(|l| l.contains("aws-lambda-zip"))
        .unwrap();
    assert!(
        zipped.contains("%  over by") && !zipped.contains(">="),
        "a verdict once complete: {zipped}"
    );
}

#[test]
fn ctrl_c_with_unexported_changes_asks_like_q_and_a_second_ctrl_c_quits() {
    let mut app = app();
    press(&mut app, "<Space><C-c>");
    assert!(!app.should_quit(), "unexported changes: ask first");
    assert_eq!(app.overlay, Some(heft::tui::app::Overlay::ConfirmQuit));
    press(&mut app, "n/ku<C-c>");
    assert_eq!(
        app.overlay,
        Some(heft::tui::app::Overlay::ConfirmQuit),
        "asks from a filter too"
    );
    press(&mut app, "<C-c>");
    assert!(app.should_quit(), "asked, Ctrl-c again quits");
    let mut clean = super::sample::app();
    press(&mut clean, "<C-c>");
    assert!(clean.should_quit(), "nothing to lose: quits at once");
}

#[test]
fn a_terminating_signal_ends_the_event_loop_even_with_unexported_changes() {
    use heft::tui::event::{Event, run};
    let (tx, rx) = crossbeam_channel::unbounded();
    let mut app = app();
    press(&mut app, "<Space>");
    tx.send(Event::Signal(15)).unwrap();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    run(&mut terminal, &mut app, &rx, None).unwrap();
    assert!(app.should_quit(), "quits unasked");
    assert_eq!(app.ended_by(), Some(15), "heft exits with 128 + 15");
}

#[test]
fn an_active_filter_stays_visible_at_80_columns_in_packages_and_tree() {
    let mut app = app();
    press(&mut app, "/nump<Enter>");
    let screen = lines(&mut app, 80, 24);
    assert!(screen[23].starts_with(" filter /nump "), "{}", screen[23]);
    press(&mut app, "<Space>");
    let screen = lines(&mut app, 80, 24);
    assert!(
        screen[23].contains("filter /nump"),
        "after a message: {}",
        screen[23]
    );
    press(&mut app, "2/testing<Enter>");
    let screen = lines(&mut app, 80, 24);
    assert!(screen[23].contains("filter /testing"), "{}", screen[23]);
}

#[test]
fn enter_closes_the_preset_picker_keeping_the_preset_space_added() {
    let mut app = app();
    press(&mut app, "p<Space>");
    let rules = app.rule_count();
    assert!(rules > 0, "Space adds the first preset's rules");
    press(&mut app, "<Enter>");
    assert!(app.overlay.is_none(), "Enter closes");
    assert_eq!(app.rule_count(), rules, "and keeps what is checked");
}

#[test]
fn space_in_the_export_dialog_never_types_into_the_file_name_from_the_format_field() {
    let mut app = app();
    press(&mut app, "<Space>e<Right>");
    let Some(heft::tui::app::Overlay::Export(d)) = &app.overlay else {
        panic!("the export dialog is open")
    };
    assert_eq!(
        (d.format, d.path.as_str()),
        (1, "heft-prune.sh"),
        "→ picks the next format"
    );
    press(&mut app, "<Left><Tab><Space>x");
    let Some(heft::tui::app::Overlay::Export(d)) = &app.overlay else {
        panic!("the export dialog is open")
    };
    assert_eq!(
        d.path, "heft-prune.sh",
        "letters on the format field type nothing"
    );
    assert_eq!(
        d.format, 1,
        "Space on the format field picks the next format"
    );
    let screen = lines(&mut app, 100, 30);
    assert!(
        shows(&screen, "← →: format"),
        "the hint says what the keys do"
    );
}

#[test]
fn the_tree_heading_counts_what_is_excluded_in_the_chosen_measure() {
    let mut app = app();
    press(&mut app, "<Space>2aa");
    assert_eq!(app.measure.label(), "zipped");
    let screen = lines(&mut app, 120, 30);
    let heading = &screen[3];
    let (full, kept) = app.views.tree.dir_sizes;
    let cut = heft::limits::human(full.zipped - kept.zipped);
    assert!(heading.contains(&format!("(-{cut})")), "{cut}: {heading}");
}

#[test]
fn sort_arrows_mean_the_same_in_packages_and_tree() {
    let mut app = app();
    press(&mut app, "n");
    let screen = lines(&mut app, 160, 40);
    assert!(shows(&screen, "name▲"), "packages A→Z is ▲");
    press(&mut app, "2n");
    let screen = lines(&mut app, 160, 40);
    assert!(shows(&screen, "name▲"), "tree A→Z is ▲ too: {}", screen[3]);
    press(&mut app, "S");
    let screen = lines(&mut app, 160, 40);
    assert!(shows(&screen, "name▼"), "Z→A is ▼: {}", screen[3]);
}

#[test]
fn enter_on_a_file_found_by_the_tree_filter_opens_its_directory_with_it_selected() {
    let mut app = app();
    press(&mut app, "2/v1_pod<Enter><Enter>");
    let b = app.bundle();
    let pod = b
        .tree
        .resolve(b.roots[0].node, b"kubernetes/client/models/v1_pod.py")
        .unwrap();
    assert_eq!(app.views.tree.dir, b.tree.parent(pod).unwrap());
    assert_eq!(app.views.tree.selected(), Some(pod));
}

#[test]
fn undoing_back_to_the_exported_rules_needs_no_quit_question() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.json");
    let mut app = app();
    let erase = "<Bksp>".repeat(40);
    press(
        &mut app,
        &format!("<Space>e{erase}{}<Enter>", path.display()),
    );
    assert!(!app.unexported);
    press(&mut app, "j<Space>");
    assert!(app.unexported);
    press(&mut app, "u");
    assert!(!app.unexported, "back to what was exported");
    press(&mut app, "q");
    assert!(app.should_quit(), "nothing to ask");
}

#[test]
fn small_words_and_numbers_read_right() {
    let mut app = app();
    let onnx = app
        .views
        .packages
        .rows
        .iter()
        .position(|r| *r == heft::tui::app::PkgRow::Dist(super::sample::dist(&app, "onnxruntime")))
        .unwrap();
    press(&mut app, &format!("{}x", "j".repeat(onnx)));
    let m = app.message.clone().unwrap_or_default();
    assert!(
        !m.contains("1 dependencies") && !m.contains("0 dependencies only"),
        "{m}"
    );
    press(&mut app, "u<Space>");
    let m = app.message.clone().unwrap_or_default();
    assert!(
        m.contains(" B)") && m.contains(','),
        "exact bytes grouped: {m}"
    );
    assert!(!m.contains("bytes)"), "{m}");
}

#[test]
fn the_help_hint_shows_from_the_first_frame_even_beside_a_message() {
    let mut app = app();
    app.say("scanned 12 files, 3 MB in 0.1 s");
    let screen = lines(&mut app, 80, 24);
    assert!(screen[23].ends_with(" ? help "), "{}", screen[23]);
}

#[test]
fn disk_sizes_change_the_packages_size_column() {
    let mut app = app();
    press(&mut app, "a");
    assert_eq!(app.measure.label(), "disk");
    let screen = lines(&mut app, 120, 30);
    assert!(shows(&screen, "disk"), "the column says disk");
    let k8s = super::sample::dist(&app, "kubernetes");
    let disk = heft::limits::human(app.bundle().dist(k8s).sizes.disk);
    let row = screen.iter().find(|l| l.contains("kubernetes ")).unwrap();
    assert!(row.contains(&disk), "{disk}: {row}");
}

#[test]
fn a_manifest_for_another_tree_says_so_on_open_with_the_rules_that_match_nothing() {
    let mut manifest = super::sample::exported_manifest(&mut app());
    let mut same = app();
    same.resume(manifest.clone(), manifest.rules.clone());
    assert!(same.overlay.is_none(), "the same tree: nothing to say");
    manifest.roots[0].fingerprint = "0000".into();
    manifest.roots[0].fingerprint_after = "0000".into();
    manifest
        .rules
        .push(heft::rules::Rule::dist("left-pad", false));
    let mut other = app();
    let rules = manifest.rules.clone();
    other.resume(manifest, rules);
    let Some(heft::tui::app::Overlay::Text { lines: said, .. }) = &other.overlay else {
        panic!("the mismatch is said on open: {:?}", other.overlay)
    };
    let said = said.join("\n");
    assert!(said.contains("does not match the manifest"), "{said}");
    assert!(said.contains("1 of its rules match nothing here"), "{said}");
    assert!(said.contains("left-pad"), "{said}");
}

#[test]
fn narrow_screens_keep_names_readable_and_distinct() {
    let mut app = app();
    press(&mut app, "2");
    let screen = lines(&mut app, 40, 10);
    assert!(
        shows(&screen, "kubernetes/"),
        "the tree shows names at 40x10: {screen:#?}"
    );
    let mut app = super::sample::app();
    let screen = lines(&mut app, 70, 20);
    assert!(
        shows(&screen, "requests-oauthlib"),
        "a 17-letter name fits at 70: {screen:#?}"
    );
    assert_eq!(
        heft::tui::widgets::fit_middle("opentelemetry-instrumentation-requests", 22),
        "opentelemet…n-requests"
    );
    assert_ne!(
        heft::tui::widgets::fit_middle("opentelemetry-instrumentation-requests", 22),
        heft::tui::widgets::fit_middle("opentelemetry-instrumentation-urllib3", 22)
    );
}

#[test]
fn a_package_installed_in_two_roots_is_marked_with_its_roots() {
    let mut app = super::sample::two_roots_app();
    assert_eq!(
        app.views.packages.selected(),
        Some(heft::tui::app::PkgRow::Dist(super::sample::dist(
            &app, "botocore"
        )))
    );
    let screen = lines(&mut app, 120, 30);
    assert!(shows(&screen, "botocore ×2"), "{screen:#?}");
    assert!(
        shows(
            &screen,
            "installed 2 times (/function, /layer): 2.0 MB paid twice"
        ),
        "{screen:#?}"
    );
}

#[test]
fn treemap_home_end_and_pages_move_and_the_small_items_tile_opens_as_a_list() {
    let mut app = app();
    lines(&mut app, 80, 24);
    press(&mut app, "3G");
    let last = app.views.treemap.tiles.len() - 1;
    assert_eq!(app.views.treemap.selected, last, "G: last tile");
    press(&mut app, "g");
    assert_eq!(app.views.treemap.selected, 0, "g: first tile");
    app.apply(heft::tui::keymap::Action::PageDown);
    assert!(app.views.treemap.selected > 0, "PgDn moves");
    press(&mut app, "G");
    assert!(
        app.views.treemap.is_rest_selected(),
        "the last tile folds small items"
    );
    press(&mut app, "<Enter>");
    let Some(heft::tui::app::Overlay::Text {
        lines: listed,
        title,
        ..
    }) = &app.overlay
    else {
        panic!("the small items open as a list: {:?}", app.overlay)
    };
    assert!(title.contains("small items"), "{title}");
    assert!(!listed.is_empty());
}

#[test]
fn treemap_safety_colours_tell_packages_apart_and_the_heading_fits_80_columns() {
    let mut app = super::sample::app();
    app.theme = heft::tui::theme::Theme::colour();
    press(&mut app, "3c");
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    draw(&mut terminal, &mut app).unwrap();
    let buf = terminal.backend().buffer().clone();
    let mut colours: Vec<_> = app
        .views
        .treemap
        .tiles
        .iter()
        .map(|t| buf[(t.rect.x + t.rect.width / 2, t.rect.y + t.rect.height / 2)].bg)
        .collect();
    colours.sort_by_key(|c| format!("{c:?}"));
    colours.dedup();
    assert!(colours.len() >= 3, "{colours:?}");
    let screen = lines(&mut app, 80, 24);
    let heading = screen.iter().find(|l| l.contains("all packages")).unwrap();
    assert!(heading.contains("safety"), "{heading}");
    assert!(!heading.trim_end().ends_with('…'), "{heading}");
}

#[test]
fn slow_work_is_announced_with_a_busy_sign_first() {
    use heft::tui::event::Event;
    use ratatui::crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
    let mut app = app();
    let key = |c| {
        Event::Input(TermEvent::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )))
    };
    assert_eq!(
        app.heavy_label(&key('u')),
        None,
        "undo restores only the rules that differ: no busy frame"
    );
    assert_eq!(
        app.heavy_label(&Event::ScanDone),
        None,
        "the end of a scan runs on a worker (tests/tui/finishing.rs)"
    );
    assert_eq!(app.heavy_label(&key('j')), None, "moving is instant");
    press(&mut app, "p");
    assert_eq!(app.heavy_label(&key(' ')), Some("applying the preset"));
    app.busy = Some("applying the preset");
    let screen = lines(&mut app, 80, 24);
    assert!(
        screen[23].contains("⧗ applying the preset…"),
        "{}",
        screen[23]
    );
}
