//! The screens `screens.rs` leaves out, at 80x24 and 160x48: the rest of the dialogs and
//! panes, the filter prompt, a zipped estimate half done, watch mode with unreadable
//! paths, and the separate screens (diff view, function picker).

use heft::bundle::Target;
use heft::load::LoadOptions;
use heft::model::{NodeId, NodeKind};
use heft::scan::{BASE, ScanError, Shard};
use heft::synthetic::Synth;
use heft::tui::activity::{Activity, Clock};
use heft::tui::app::{App, Data, ExportDialog, Overlay, SourceInfo};
use heft::tui::bus::ZipBatch;
use heft::tui::diffview::DiffView;
use heft::tui::event::Event;
use heft::tui::picker;
use heft::tui::theme::Theme;
use heft::watch::live::LiveBundle;
use heft::watch::{Batch, BatchKind, Subtree, WatchEvent, ZipSizes};
use heft::zipjob::ZipProgress;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::sample::{app, default_limits, press};
use super::screens::{SIZES, screen, snap};

/// Snapshots `make()` after `keys` at both sizes as `name_WxH`.
fn snap_app(name: &str, make: impl Fn() -> App, keys: &str) {
    for (w, h) in SIZES {
        let mut app = make();
        screen(&mut app, w, h);
        press(&mut app, keys);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(&mut app, w, h));
    }
}

fn text(backend: &TestBackend) -> Vec<String> {
    let buf = backend.buffer();
    (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect())
        .collect()
}

#[test]
fn quit_confirmation_from_ctrl_c() {
    snap("confirm_quit_ctrl_c", "<Space><C-c>");
}

#[test]
fn overwrite_confirmation() {
    snap_app(
        "confirm_overwrite",
        || {
            let mut app = app();
            app.overlay = Some(Overlay::ConfirmOverwrite(ExportDialog::default()));
            app
        },
        "",
    );
}

#[test]
fn export_dialog_with_the_format_list_focused() {
    snap("export_format", "<Space>e<Tab><Right>");
}

#[test]
fn item_info_for_a_file() {
    snap("info_file", "2<Enter><Enter><Enter>i");
}

#[test]
fn item_info_for_the_unowned_files() {
    snap("info_unowned", "Gi");
}

#[test]
fn item_info_for_a_package_only_it_needs_three_others_previews_x() {
    snap("info_x_preview", "i");
}

#[test]
fn filter_prompt_while_typing() {
    snap("filter_typing", "/kub");
}

#[test]
fn rules_view_without_rules() {
    snap("rules_empty", "4");
}

#[test]
fn packages_without_the_why_panel() {
    snap("packages_no_why", "w");
}

/// The sample app with a manifest resumed that was made for another tree.
fn mismatch_app() -> App {
    let mut manifest = super::sample::exported_manifest(&mut app());
    manifest.roots[0].fingerprint = "0000".into();
    manifest.roots[0].fingerprint_after = "0000".into();
    manifest
        .rules
        .push(heft::rules::Rule::dist("left-pad", false));
    let mut app = app();
    let rules = manifest.rules.clone();
    app.resume(manifest, rules);
    app
}

#[test]
fn manifest_for_another_tree_notice() {
    snap_app("manifest_mismatch", mismatch_app, "");
}

/// The sample app as its zipped estimate starts (no file's zipped size known) and every
/// file's real zipped size, biggest package first.
fn estimating_app() -> (App, Vec<(NodeId, u64)>) {
    let mut bundle = super::sample::bundle();
    let mut files: Vec<(NodeId, u64)> = bundle
        .tree
        .descendants(bundle.top)
        .filter(|n| bundle.tree.node(*n).kind == NodeKind::File)
        .map(|n| (n, bundle.tree.node(n).own.zipped))
        .collect();
    let mut progress = ZipProgress::default();
    for (n, _) in &files {
        progress.total_files += 1;
        progress.total_bytes += bundle.tree.node(*n).own.bytes;
        bundle.tree.set_own_zipped(*n, 0);
    }
    for d in &mut bundle.dists {
        d.sizes.zipped = 0;
    }
    files.sort_by_key(|(n, _)| std::cmp::Reverse(bundle.tree.node(*n).own.bytes));
    let info = SourceInfo {
        label: "/layer".into(),
        demo: false,
    };
    let data = Data::Ready(Box::new(bundle));
    let mut app = App::new(info, data, &default_limits(), Theme::mono());
    app.zip = progress;
    (app, files)
}

fn zip_batch(app: &mut App, sizes: &[(NodeId, u64)]) {
    app.on_event(Event::Zip(ZipBatch {
        sizes: sizes.to_vec(),
        total: 0,
    }));
}

/// Half the files' estimates in.
fn half_estimated() -> App {
    let (mut app, files) = estimating_app();
    zip_batch(&mut app, &files[..2]);
    app
}

#[test]
fn zipped_gauges_while_the_estimate_runs() {
    snap_app("zip_estimating", half_estimated, "");
    snap_app("zip_estimating_limits", half_estimated, "L");
}

fn gauge_line(app: &mut App, name: &str) -> String {
    let lines = text(&screen(app, 120, 30));
    let at = format!(" {name} ");
    lines.into_iter().find(|l| l.contains(&at)).unwrap()
}

#[test]
fn a_zipped_gauge_mid_estimate_shows_the_bound_and_an_extrapolated_figure_then_the_exact_one() {
    let exact = gauge_line(&mut app(), "aws-lambda-zip");
    let (mut app, files) = estimating_app();
    zip_batch(&mut app, &files[..2]);
    let line = gauge_line(&mut app, "aws-lambda-zip");
    assert!(line.contains("estimating 5%: >= 53.3 MB"), "{line}");
    assert!(
        line.contains(", ~ 107.7 MB est. of 50 MB"),
        "the first files' ratio extrapolated to the rest: {line}"
    );
    assert!(
        line.contains("over by >= "),
        "the bound is over already: {line}"
    );
    assert!(!line.contains("headroom"), "{line}");
    zip_batch(&mut app, &files[2..]);
    app.on_event(Event::ZipDone);
    let done = gauge_line(&mut app, "aws-lambda-zip");
    assert_eq!(done, exact, "exact once every file is in");
    assert!(!done.contains("est."), "{done}");
}

#[test]
fn the_limits_chooser_says_no_headroom_while_the_estimate_runs() {
    let (mut app, files) = estimating_app();
    zip_batch(&mut app, &files[20..]);
    press(&mut app, "L");
    let lines = text(&screen(&mut app, 80, 24));
    let zip = lines
        .iter()
        .find(|l| l.contains("[x] aws-lambda-zip"))
        .unwrap();
    assert!(zip.contains("used   >= 8.4 KB  no verdict yet"), "{zip}");
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("headroom") && l.contains("zip")),
        "{lines:#?}"
    );
}

/// A watched layer after its first batch, one directory of it unreadable.
fn watching_with_unreadable() -> App {
    let live = LiveBundle::new("/site".into(), LoadOptions::default());
    let info = SourceInfo {
        label: "/site".into(),
        demo: false,
    };
    let mut app = App::new(
        info,
        Data::Live(Box::new(live)),
        &default_limits(),
        Theme::mono(),
    );
    app.activity = Some(Activity::new(Clock::Fixed("12:00:00".into()), None));
    let mut shard = Shard::new(0, Vec::new());
    let numpy = shard.push(BASE, b"numpy", NodeKind::Dir, 0, 4096, 0);
    shard.push(numpy, b"core.so", NodeKind::File, 30 << 20, 30 << 20, 0);
    shard.push(BASE, b"six.py", NodeKind::File, 34_000, 36_864, 0);
    let batch = Batch {
        seq: 1,
        kind: BatchKind::Full,
        subtrees: vec![Subtree {
            path: Vec::new(),
            shard,
        }],
        errors: vec![ScanError {
            path: "/site/secret".into(),
            message: "Permission denied (os error 13)".into(),
        }],
        root_disk: 4096,
        last_event: None,
    };
    app.on_event(Event::Watch(WatchEvent::Batch(batch)));
    let sizes = vec![(0, 0, 100), (0, 1, 10 << 20), (0, 2, 9_000)];
    app.on_event(Event::Watch(WatchEvent::Zipped(ZipSizes { seq: 1, sizes })));
    app
}

#[test]
fn watching_with_unreadable_paths() {
    snap_app("watch_unreadable", watching_with_unreadable, "");
}

#[test]
fn watching_with_unreadable_paths_counts_them_and_no_gauge_says_headroom() {
    let mut app = watching_with_unreadable();
    let lines = text(&screen(&mut app, 120, 30));
    assert!(
        lines[0].contains("1 unreadable"),
        "in the header: {}",
        lines[0]
    );
    for name in ["aws-lambda", "aws-lambda-zip"] {
        let line = gauge_line(&mut app, name);
        assert!(line.contains("unverified (1 unreadable)"), "{line}");
        assert!(!line.contains("headroom"), "{line}");
    }
}

#[test]
fn watching_before_anything_arrived() {
    snap_app(
        "watch_waiting",
        || {
            let live = LiveBundle::new("/site".into(), LoadOptions::default());
            let info = SourceInfo {
                label: "/site".into(),
                demo: false,
            };
            let data = Data::Live(Box::new(live));
            let mut app = App::new(info, data, &default_limits(), Theme::mono());
            app.activity = Some(Activity::new(Clock::Fixed("12:00:00".into()), None));
            app
        },
        "",
    );
}

fn diff_bundles() -> (heft::bundle::Bundle, heft::bundle::Bundle) {
    let mut before = Synth::new();
    let c = before.dist("chromadb", "1.5.8", &["kubernetes", "numpy"]);
    let k = before.dist("kubernetes", "37.0.2", &[]);
    let n = before.dist("numpy", "2.4.5", &[]);
    before.file("chromadb/api.py", 400_000, Some(c));
    before.file("kubernetes/client/api.py", 90 << 20, Some(k));
    before.file("numpy/core.so", 30 << 20, Some(n));
    let mut after = Synth::new();
    let c = after.dist("chromadb", "1.5.9", &["numpy", "onnxruntime"]);
    let n = after.dist("numpy", "2.4.6", &[]);
    let o = after.dist("onnxruntime", "1.32.0", &["numpy"]);
    after.file("chromadb/api.py", 420_000, Some(c));
    after.file("numpy/core.so", 32 << 20, Some(n));
    after.file("onnxruntime/capi/onnxruntime.so", 70 << 20, Some(o));
    (
        before.build(Target::default()),
        after.build(Target::default()),
    )
}

#[test]
fn diff_view_screens() {
    use heft::tui::diffview::{DiffAction, Pane};
    let (before, after) = diff_bundles();
    for (name, actions) in [
        ("diff_packages", vec![]),
        ("diff_tree", vec![DiffAction::Show(Pane::Tree)]),
        ("diff_treemap", vec![DiffAction::Show(Pane::Treemap)]),
    ] {
        for (w, h) in SIZES {
            let diff = heft::diff::compare(&before, &after, &default_limits());
            let mut view = DiffView::new(diff, &before, &after, Theme::mono());
            for a in &actions {
                view.apply(*a);
            }
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            terminal.draw(|f| f.render_widget(&view, f.area())).unwrap();
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
        }
    }
}

#[test]
fn function_picker_screen() {
    let rows: Vec<picker::Row> = (0..30)
        .map(|i| picker::Row {
            name: format!("Function{i:02}"),
            bytes: (300 << 20) - (i << 23),
            layers: i as usize % 3,
            unknown: usize::from(i == 2),
            shared: if i == 0 {
                vec!["DepsLayer (also Function01)".into()]
            } else {
                Vec::new()
            },
        })
        .collect();
    for (w, h) in SIZES {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        terminal
            .draw(|f| picker::render(&rows, 25, f.area(), f.buffer_mut()))
            .unwrap();
        let lines = text(terminal.backend());
        assert!(
            lines.iter().any(|l| l.contains("Function25")),
            "the selected function is in sight at {w}x{h}"
        );
        insta::assert_snapshot!(format!("picker_{w}x{h}"), terminal.backend());
    }
}

/// The text inside a box's borders on each line that has them.
fn inside_boxes(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|l| {
            let start = l.find('│')?;
            let end = l.rfind('│')?;
            (end > start).then(|| l[start + '│'.len_utf8()..end].to_string())
        })
        .collect()
}

#[test]
fn panes_and_the_limits_chooser_cut_nothing_at_80_columns() {
    for (what, make, keys) in [
        ("item info", app as fn() -> App, "<Space>i"),
        ("suggestions", app, "4i"),
        ("the manifest notice", mismatch_app, ""),
        ("limits", app, "L"),
        ("presets", app, "p"),
    ] {
        let mut app = make();
        screen(&mut app, 80, 24);
        press(&mut app, keys);
        let lines = text(&screen(&mut app, 80, 24));
        let inside = inside_boxes(&lines);
        assert!(!inside.is_empty(), "{what}: a box is drawn");
        assert!(
            inside.iter().all(|l| !l.contains('…')),
            "{what}: no line is cut: {inside:#?}"
        );
    }
}

#[test]
fn the_limits_chooser_shows_every_verdict_at_80_columns() {
    let mut app = app();
    screen(&mut app, 80, 24);
    press(&mut app, "L");
    let lines = text(&screen(&mut app, 80, 24));
    let rows: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("[x]") || l.contains("[ ]"))
        .collect();
    assert_eq!(rows.len(), app.limits.len());
    for row in rows {
        assert!(row.contains("over by") || row.contains("headroom"), "{row}");
    }
}

#[test]
fn the_rules_status_reads_from_the_rule_not_from_the_middle_of_its_reason() {
    let mut app = app();
    screen(&mut app, 80, 24);
    press(&mut app, "x4");
    let lines = text(&screen(&mut app, 80, 24));
    let status = lines.last().unwrap();
    assert!(status.starts_with(" dist kubernetes"), "{status}");
}

#[test]
fn the_diff_view_at_80_columns_keeps_its_keys_counts_and_change_column() {
    let (before, after) = diff_bundles();
    let diff = heft::diff::compare(&before, &after, &default_limits());
    let view = DiffView::new(diff, &before, &after, Theme::mono());
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| f.render_widget(&view, f.area())).unwrap();
    let lines = text(terminal.backend());
    assert!(lines[1].contains("4 changed"), "{}", lines[1]);
    assert!(lines[23].contains("3 treemap") && lines[23].contains("q quit"));
    let numpy = lines.iter().find(|l| l.contains("numpy")).unwrap();
    assert!(
        numpy.contains("2.4.5 -> 2.4.6") && numpy.contains("upgraded"),
        "{numpy}"
    );
}

#[test]
fn counts_of_one_are_singular() {
    let mut app = app();
    screen(&mut app, 80, 24);
    press(&mut app, "2<Enter><Enter><Enter>");
    let lines = text(&screen(&mut app, 80, 24));
    assert!(lines[3].contains(" · 1 file · "), "{}", lines[3]);
    assert!(lines[22].contains(" 1 item · "), "{}", lines[22]);
    let mut watching = watching_with_unreadable();
    let lines = text(&screen(&mut watching, 80, 24));
    assert!(lines[22].contains(" 1 package · "), "{}", lines[22]);
}

#[test]
fn help_cuts_no_description_at_80_columns_and_scrolls_to_the_last_key() {
    let mut app = app();
    screen(&mut app, 80, 24);
    press(&mut app, "?");
    let mut seen = Vec::new();
    for _ in 0..80 {
        let lines = text(&screen(&mut app, 80, 24));
        seen.extend(inside_boxes(&lines));
        press(&mut app, "j");
    }
    assert!(seen.iter().all(|l| !l.contains('…')), "{seen:#?}");
    let last = heft::tui::views::help_lines().last().unwrap().1;
    assert!(
        seen.iter().any(|l| l.contains(last)),
        "scrolls to the end: {last}"
    );
}

#[test]
fn the_rules_view_at_80_columns_shows_whole_rule_names() {
    let mut app = app();
    screen(&mut app, 80, 24);
    press(&mut app, "x2jjj<Space>p<Space><Enter>4");
    let lines = text(&screen(&mut app, 80, 24));
    for name in [
        "dist kubernetes + deps only it needs",
        "glob tests/  [tests-dirs]",
    ] {
        assert!(lines.iter().any(|l| l.contains(name)), "{name}: {lines:#?}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains("why: removes the distribution")),
        "the selected rule's why, whole, under the list: {lines:#?}"
    );
}

#[test]
fn export_dialog_after_a_failed_write() {
    snap_app(
        "export_error",
        || {
            let mut app = app();
            app.overlay = Some(Overlay::Export(ExportDialog {
                path: "/nonexistent/dir/heft-manifest.json".into(),
                error: Some(
                    "writing /nonexistent/dir/heft-manifest.json: No such file or directory".into(),
                ),
                ..ExportDialog::default()
            }));
            app
        },
        "",
    );
}

#[test]
fn packages_installed_in_two_roots_are_marked() {
    snap_app("packages_duplicates", super::sample::two_roots_app, "");
}

#[test]
fn the_fit_plan_applied() {
    snap("fit_applied", "f");
}

#[test]
fn a_message_comes_before_the_focused_path_at_80_columns() {
    let mut app = app();
    let said = "nothing fits: floor 312.3 MB on aws-lambda, over by 62.3 MB";
    app.message = Some(said.into());
    let lines = text(&screen(&mut app, 80, 24));
    assert!(lines[23].contains(said), "{}", lines[23]);
}

#[test]
fn package_zipped_sizes_are_lower_bounds_while_the_estimate_runs() {
    let mut app = half_estimated();
    let lines = text(&screen(&mut app, 120, 30));
    let k8s = lines.iter().find(|l| l.contains("kubernetes ")).unwrap();
    assert!(k8s.contains("≥30.0 MB"), "{k8s}");
    let mut done = super::sample::app();
    let lines = text(&screen(&mut done, 120, 30));
    assert!(!lines.iter().any(|l| l.contains('≥')), "exact once done");
}

#[test]
fn watching_stopped_when_the_filesystem_went_away() {
    snap_app(
        "watch_stopped",
        || {
            let mut app = watching_with_unreadable();
            app.on_event(Event::Watch(WatchEvent::Gone));
            app
        },
        "",
    );
}

#[test]
fn treemap_tiles_too_narrow_for_a_word_show_no_stub_labels() {
    for (w, h) in [(40, 14), (60, 20), (80, 24)] {
        let mut app = app();
        screen(&mut app, w, h);
        press(&mut app, "3");
        let lines = text(&screen(&mut app, w, h));
        for line in &lines[4..lines.len() - 2] {
            let chars: Vec<char> = line.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                if *c == '…' {
                    let word = chars[..i]
                        .iter()
                        .rev()
                        .take_while(|c| c.is_alphanumeric() || ".-_ ".contains(**c))
                        .count();
                    assert!(word >= 3, "a stub label at {w}x{h}: {line}");
                }
            }
        }
    }
}

#[test]
fn tree_sizes_in_zipped_measure_are_lower_bounds_while_the_estimate_runs() {
    let mut app = half_estimated();
    press(&mut app, "2aa");
    assert_eq!(app.measure.label(), "zipped");
    let lines = text(&screen(&mut app, 120, 30));
    assert!(lines[3].contains("≥"), "the header: {}", lines[3]);
    assert!(
        lines[4].trim_start().starts_with('≥'),
        "a row: {}",
        lines[4]
    );
    press(&mut app, "a");
    let lines = text(&screen(&mut app, 120, 30));
    assert!(
        !lines[4].contains('≥'),
        "apparent sizes are exact: {}",
        lines[4]
    );
}

#[test]
fn gauges_give_no_verdict_while_the_scan_runs() {
    let mut app = super::screens::scanning_app();
    let lines = text(&screen(&mut app, 80, 24));
    let bytes = &lines[1];
    assert!(bytes.contains(">= 30.0 MB of 250 MB"), "{bytes}");
    assert!(bytes.contains("no verdict yet"), "{bytes}");
    assert!(!bytes.contains("headroom"), "{bytes}");
    assert!(
        lines[2].contains("zipped size follows the scan"),
        "{}",
        lines[2]
    );
}
