//! Explorer speed on a real or synthetic bundle: renders each view into a 160x48
//! `TestBackend` N times, times a toggle with every total updated, and each keystroke
//! of a filter, printing medians.
//!
//! `cargo run --release --example synth_site -- /tmp/synth` makes a 200k-file site, then
//! `cargo run --release --example bench_tui -- /tmp/synth [N]`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use heft::load::{LoadOptions, load};
use heft::tui::app::{App, Data, Scope, SourceInfo};
use heft::tui::event::draw;
use heft::tui::keymap::Action;
use heft::tui::theme::Theme;
use heft::tui::views::ViewId;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Times `n` runs of `f`, returning the median.
fn time(n: usize, mut f: impl FnMut()) -> Duration {
    median(
        (0..n)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().unwrap_or_else(|| "/tmp/synth".into()));
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(50);
    let started = Instant::now();
    let bundle = load(
        std::slice::from_ref(&path),
        &LoadOptions::default(),
        &mut |_| {},
    )?;
    let files = bundle.totals().files;
    println!(
        "loaded {} ({files} files, {} dists) in {}",
        path.display(),
        bundle.dists.len(),
        ms(started.elapsed())
    );
    let limits: Vec<_> = ["aws-lambda", "aws-lambda-zip"]
        .iter()
        .filter_map(|p| heft::limits::preset(p).cloned())
        .collect();
    let info = SourceInfo {
        label: path.display().to_string(),
        demo: false,
    };
    let started = Instant::now();
    let mut app = App::new(
        info,
        Data::Ready(Box::new(bundle)),
        &limits,
        Theme::colour(),
    );
    println!("app ready in {}", ms(started.elapsed()));
    let mut terminal = Terminal::new(TestBackend::new(160, 48))?;
    draw(&mut terminal, &mut app)?;
    let views: [(&str, &[Action]); 6] = [
        ("packages", &[Action::View(ViewId::Packages.index())]),
        ("tree (root)", &[Action::View(ViewId::Tree.index())]),
        (
            "tree (a package)",
            &[Action::View(ViewId::Packages.index()), Action::Enter],
        ),
        (
            "treemap (packages)",
            &[Action::View(ViewId::Treemap.index())],
        ),
        ("treemap (zoomed)", &[Action::Enter]),
        ("rules", &[Action::View(ViewId::Rules.index())]),
    ];
    for (name, actions) in views {
        for a in actions {
            app.apply(*a);
        }
        let d = time(n, || {
            let _ = draw(&mut terminal, &mut app);
        });
        println!("render {name:<20} median {}", ms(d));
    }
    let d = time(n, || app.exclusions.reshape(app.data.bundle()));
    println!("re-evaluate every rule and total   median {}", ms(d));
    app.apply(Action::View(ViewId::Packages.index()));
    let d = time(n, || app.apply(Action::ToggleExclude));
    println!("toggle a package (all totals)   median {}", ms(d));
    app.apply(Action::View(ViewId::Tree.index()));
    app.apply(Action::Home);
    let d = time(n, || app.apply(Action::ToggleExclude));
    println!("toggle a directory (all totals) median {}", ms(d));
    for (view, word) in [(ViewId::Tree, "mod7"), (ViewId::Packages, "pkg12")] {
        app.apply(Action::View(view.index()));
        let root = app.bundle().roots[0].node;
        for _ in 0..10 {
            if view == ViewId::Tree
                && (app.views.tree.dir != root || app.views.tree.scope != Scope::All)
            {
                app.apply(Action::Back);
            }
        }
        app.apply(Action::Filter);
        let mut samples = Vec::new();
        for _ in 0..n.div_ceil(10) {
            for c in word.chars() {
                let t = Instant::now();
                app.apply(Action::Type(c));
                let _ = draw(&mut terminal, &mut app);
                samples.push(t.elapsed());
            }
            for _ in 0..word.len() {
                app.apply(Action::Erase);
            }
        }
        app.apply(Action::Cancel);
        println!(
            "filter keystroke + frame ({view:?}) median {}",
            ms(median(samples))
        );
    }
    Ok(())
}
