//! The explorer's fit action: `f` plans against the gauged limits, adds the plan's rules
//! in one undo step and says what it did (or the floor) in the status line.

use heft::limits::{Limit, human, parse_limit};
use heft::tui::app::{App, Data, SourceInfo};
use heft::tui::event::draw;
use heft::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::sample::{app, bundle, press};

/// The screen as text, one line per row.
fn screen_text(app: &mut App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    draw(&mut terminal, app).unwrap();
    let buf = terminal.backend().buffer().clone();
    let width = buf.area.width as usize;
    buf.content
        .chunks(width)
        .map(|row| {
            row.iter()
                .map(ratatui::buffer::Cell::symbol)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The sample bundle gauged against one unzipped limit `under` bytes below its total.
fn app_with_limit_under(under: u64) -> (App, Limit) {
    let total = app().kept_totals().bytes;
    let limit = parse_limit(&format!("{}", total - under)).unwrap();
    let info = SourceInfo {
        label: "/layer".into(),
        demo: false,
    };
    let app = App::new(
        info,
        Data::Ready(Box::new(bundle())),
        std::slice::from_ref(&limit),
        Theme::mono(),
    );
    (app, limit)
}

#[test]
fn f_adds_the_plans_rules_in_one_undo_step_and_says_what_it_added() {
    // 5 MB to cut: the tests directories (10 MB, caution) are the one cut that is enough.
    let (mut app, limit) = app_with_limit_under(5 * 1024 * 1024);
    let before = app.kept_totals().bytes;
    assert_eq!(app.rule_count(), 0);
    screen_text(&mut app);
    press(&mut app, "f");
    let text = screen_text(&mut app);
    assert!(
        text.contains("fit: added preset tests-dirs (2 rule(s), at worst caution)"),
        "the status line says what fit added:\n{text}"
    );
    assert_eq!(
        app.rule_count(),
        2,
        "the preset's two rules, as editable rules"
    );
    assert!(
        app.kept_totals().bytes < limit.bytes,
        "within the limit after fit"
    );
    press(&mut app, "u");
    assert_eq!(app.rule_count(), 0, "one undo takes the whole plan back");
    assert_eq!(app.kept_totals().bytes, before);
}

#[test]
fn f_when_nothing_fits_adds_nothing_and_shows_the_floor_and_how_far_over() {
    let mut app = app();
    screen_text(&mut app);
    press(&mut app, "f");
    assert_eq!(app.rule_count(), 0, "no rule is added when nothing fits");
    let text = screen_text(&mut app);
    let line = text
        .lines()
        .find(|l| l.contains("nothing fits: floor "))
        .unwrap_or_else(|| panic!("the floor in the status line:\n{text}"));
    assert!(line.contains(", over by "), "{line}");
    let message = app.message.clone().unwrap();
    assert!(message.contains(" on aws-lambda"), "{message}");
    let total = app.kept_totals().bytes;
    assert!(
        !message.contains(&human(total)),
        "the floor is after every allowed cut, not today's total: {message}"
    );
}
