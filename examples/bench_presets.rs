//! Explorer edits on an in-memory 200k-file site (`heft::synthetic::site`), driven through
//! `App::apply` as keys would: a package toggle with every total and gauge updated, opening
//! the preset picker, each preset switched on and off, undo and redo. Prints medians.
//!
//! `cargo run --release --example bench_presets -- [FILES] [DISTS] [ROUNDS]`. Wall-clock
//! times; on a shared machine also run it under `valgrind --tool=callgrind` (instruction
//! counts are repeatable).

use std::time::{Duration, Instant};

use heft::tui::app::{App, Data, SourceInfo};
use heft::tui::keymap::Action;
use heft::tui::theme::Theme;
use heft::tui::views::ViewId;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:8.3} ms", d.as_secs_f64() * 1000.0)
}

/// Applies `actions` and returns how long that took.
fn timed(app: &mut App, actions: &[Action]) -> Duration {
    let t = Instant::now();
    for a in actions {
        app.apply(*a);
    }
    t.elapsed()
}

/// Prints the median of `n` toggles of the selected row.
fn toggle_median(app: &mut App, n: usize, label: &str) {
    let toggles = (0..n)
        .map(|_| timed(app, &[Action::ToggleExclude]))
        .collect();
    println!("{label} median {}", ms(median(toggles)));
}

fn main() {
    let mut args = std::env::args().skip(1);
    let files: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let dists: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(2_000);
    let rounds: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let t = Instant::now();
    let bundle = heft::synthetic::site(files, dists);
    println!(
        "bundle: {} nodes, {} files, {} distributions, built in {}",
        bundle.tree.len(),
        bundle.totals().files,
        bundle.dists.len(),
        ms(t.elapsed())
    );
    let limits: Vec<_> = ["aws-lambda", "aws-lambda-zip"]
        .iter()
        .filter_map(|p| heft::limits::preset(p).cloned())
        .collect();
    let info = SourceInfo {
        label: "synthetic".into(),
        demo: false,
    };
    let t = Instant::now();
    let mut app = App::new(
        info,
        Data::Ready(Box::new(bundle)),
        &limits,
        Theme::colour(),
    );
    println!("app ready in {}", ms(t.elapsed()));

    app.apply(Action::View(ViewId::Packages.index()));
    toggle_median(&mut app, rounds * 20, "toggle a package (all totals) ");

    let t = Instant::now();
    app.apply(Action::Presets);
    println!("open the preset picker (first)        {}", ms(t.elapsed()));
    app.apply(Action::Cancel);
    let opens = (0..rounds)
        .map(|_| timed(&mut app, &[Action::Presets, Action::Cancel]))
        .collect();
    println!(
        "open the preset picker         median {}",
        ms(median(opens))
    );

    let count = heft::rules::preset::presets().len();
    let (mut on, mut off) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        app.apply(Action::Presets);
        for p in 0..count {
            if p > 0 {
                app.apply(Action::Down);
            }
            on.push(timed(&mut app, &[Action::ToggleExclude]));
            off.push(timed(&mut app, &[Action::ToggleExclude]));
        }
        app.apply(Action::Accept);
    }
    println!("add a preset                   median {}", ms(median(on)));
    println!("remove a preset                median {}", ms(median(off)));

    // Five presets in the list, then undo and redo the last one back and forth.
    app.apply(Action::Presets);
    for _ in 0..5 {
        app.apply(Action::ToggleExclude);
        app.apply(Action::Down);
    }
    app.apply(Action::Accept);
    let (mut undo, mut redo) = (Vec::new(), Vec::new());
    for _ in 0..rounds * 4 {
        undo.push(timed(&mut app, &[Action::Undo]));
        redo.push(timed(&mut app, &[Action::Redo]));
    }
    println!("undo                           median {}", ms(median(undo)));
    println!("redo                           median {}", ms(median(redo)));
    toggle_median(&mut app, rounds * 20, "toggle a package, 5 presets on");
    let kept = app.kept_totals();
    println!("kept: {} files, {} bytes", kept.files, kept.bytes);
}
