//! The limit gauges: one line per active limit with a bar, used of limit, percent and
//! headroom or overrun, coloured green, yellow (>= 90 %) or red (over).

use crate::limits::{Counted, Verdict, human, verdict};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::tui::app::{App, Data};
use crate::tui::text::{bar, put};
use crate::tui::theme::Theme;

/// How much of a zipped limit's figure is known.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Zip {
    /// Every file's zipped size is in (or the limit counts unzipped bytes).
    #[default]
    Complete,
    /// Estimates are still arriving: the figure is a lower bound (percent done, if known).
    Estimating(Option<u8>),
    /// No zipped size is known at all.
    Unknown,
}

/// One gauge line.
#[derive(Clone, Debug, PartialEq)]
pub struct GaugeRow {
    /// The verdict after exclusions.
    pub verdict: Verdict,
    /// Whether its figure is final (zipped limits while estimates run: a lower bound).
    pub zip: Zip,
}

impl GaugeRow {
    /// Whether its figure is only a lower bound.
    pub fn is_partial(&self) -> bool {
        matches!(self.zip, Zip::Estimating(_))
    }
}

/// Everything the gauges show.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GaugeProps {
    /// One per active limit.
    pub rows: Vec<GaugeRow>,
}

impl GaugeProps {
    /// The gauges of the app's active limits against what is kept.
    pub fn of(app: &App) -> GaugeProps {
        let kept = app.kept_totals();
        let full = app.exclusions.full(app.bundle().top);
        // Without estimates (--no-zip-estimate) directories' zipped bytes are headers only.
        let unmeasured = !app.budget.zip_estimate
            && app
                .bundle()
                .roots
                .iter()
                .any(|r| r.kind == crate::bundle::RootKind::SitePackages);
        let zip = match (&app.data, app.zip.running()) {
            (_, Some(p)) => Zip::Estimating(Some(p)),
            (Data::Live(live), None) if live.zip_pending() > 0 && !unmeasured => {
                Zip::Estimating(None)
            }
            _ if unmeasured || (full.zipped == 0 && full.bytes > 0) => Zip::Unknown,
            _ => Zip::Complete,
        };
        let rows = app
            .limits
            .iter()
            .filter(|c| c.active)
            .map(|c| GaugeRow {
                verdict: verdict(&c.limit, kept.bytes, kept.zipped, app.reserve_for(&c.limit)),
                zip: if c.limit.counted == Counted::Unzipped {
                    Zip::Complete
                } else {
                    zip
                },
            })
            .collect();
        GaugeProps { rows }
    }
}

/// The style of a verdict: over, close (>= 90 %) or fine.
pub fn verdict_style(v: &Verdict, theme: &Theme) -> Style {
    if !v.ok {
        theme.over
    } else if v.percent >= 90.0 {
        theme.warn
    } else {
        theme.ok
    }
}

/// Draws the gauges, one per line of `area`, with their bars aligned.
pub fn render(props: &GaugeProps, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let texts: Vec<String> = props.rows.iter().map(numbers).collect();
    let name_w = props
        .rows
        .iter()
        .map(|r| r.verdict.limit.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(14);
    let text_w = texts.iter().map(|t| t.chars().count()).max().unwrap_or(0);
    let bar_w = usize::from(area.width)
        .saturating_sub(name_w + text_w + 5)
        .min(60);
    for ((row, text), y) in props.rows.iter().zip(&texts).zip(area.y..area.bottom()) {
        let line = Rect::new(area.x, y, area.width, 1);
        render_row(row, text, (name_w, bar_w), line, buf, theme);
    }
}

/// "459.0 MB of 250 MB  183.6%  over by 209.0 MB", or while estimating a lower bound with
/// no verdict ("estimating 12%: >= 4.2 MB of 50 MB"; "over by >= 2 MB" once it is over),
/// or why there is no number.
fn numbers(row: &GaugeRow) -> String {
    let v = &row.verdict;
    match row.zip {
        Zip::Unknown => "zipped size not estimated".to_string(),
        Zip::Estimating(p) => {
            let done = p.map(|p| format!(" {p}%")).unwrap_or_default();
            let tail = if v.ok {
                String::new()
            } else {
                format!("  over by >= {}", human(v.overrun))
            };
            format!(
                "estimating{done}: >= {} of {}{tail}",
                human(v.used),
                human(v.limit.bytes)
            )
        }
        Zip::Complete => {
            let tail = if v.ok {
                format!("{} headroom", human(v.headroom))
            } else {
                format!("over by {}", human(v.overrun))
            };
            format!(
                "{} of {}  {:>5.1}%  {tail}",
                human(v.used),
                human(v.limit.bytes),
                v.percent
            )
        }
    }
}

fn render_row(
    row: &GaugeRow,
    text: &str,
    (name_w, bar_w): (usize, usize),
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
) {
    let v = &row.verdict;
    // A lower bound earns no colour until it is already over.
    let style = if row.is_partial() && v.ok {
        theme.dim
    } else {
        verdict_style(v, theme)
    };
    let name = format!(" {:<name_w$} ", v.limit.name);
    let mut x = area.x;
    put(buf, x, area.y, &name, area.width, theme.heading);
    x = x.saturating_add(name.chars().count() as u16);
    if bar_w >= 4 {
        if row.zip != Zip::Unknown {
            let fill = bar(v.percent / 100.0, bar_w);
            let bar_style = style;
            put(buf, x, area.y, "▕", 1, theme.dim);
            put(buf, x + 1, area.y, &fill, bar_w as u16, bar_style);
            put(buf, x + 1 + bar_w as u16, area.y, "▏", 1, theme.dim);
        }
        x = x.saturating_add(bar_w as u16 + 3);
    }
    let w = area.right().saturating_sub(x);
    let text_style = if row.zip == Zip::Unknown {
        theme.dim
    } else {
        style
    };
    put(buf, x, area.y, text, w, text_style);
}

#[cfg(test)]
mod tests {
    use crate::limits::preset;
    use ratatui::buffer::Buffer;

    use super::*;

    fn row(used: u64) -> GaugeRow {
        let limit = preset("aws-lambda").unwrap();
        GaugeRow {
            verdict: verdict(limit, used, 0, 0),
            zip: Zip::Complete,
        }
    }

    fn line(buf: &Buffer, y: u16) -> String {
        (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
    }

    #[test]
    fn a_gauge_over_its_limit_says_by_how_much_in_red() {
        let props = GaugeProps {
            rows: vec![row(300 << 20)],
        };
        let mut buf = Buffer::empty(Rect::new(0, 0, 100, 1));
        let theme = Theme::colour();
        render(&props, buf.area, &mut buf, &theme);
        let text = line(&buf, 0);
        assert!(text.contains("aws-lambda"), "{text}");
        assert!(text.contains("300 MB of 250 MB"), "{text}");
        assert!(text.contains("over by 50.0 MB"), "{text}");
        assert_eq!(buf[(18, 0)].fg, theme.over.fg.unwrap());
    }

    #[test]
    fn a_gauge_within_ninety_percent_is_green_and_shows_headroom() {
        let props = GaugeProps {
            rows: vec![row(100 << 20)],
        };
        let mut buf = Buffer::empty(Rect::new(0, 0, 100, 1));
        let theme = Theme::colour();
        render(&props, buf.area, &mut buf, &theme);
        assert!(line(&buf, 0).contains("headroom"));
        assert_eq!(buf[(18, 0)].fg, theme.ok.fg.unwrap());
    }

    #[test]
    fn a_gauge_at_ninety_five_percent_is_yellow() {
        let v = row(250 * 1024 * 1024 * 95 / 100).verdict;
        assert_eq!(verdict_style(&v, &Theme::colour()), Theme::colour().warn);
    }

    #[test]
    fn a_zipped_gauge_without_estimates_says_so_instead_of_zero() {
        let mut r = row(0);
        r.zip = Zip::Unknown;
        let mut buf = Buffer::empty(Rect::new(0, 0, 80, 1));
        render(
            &GaugeProps { rows: vec![r] },
            buf.area,
            &mut buf,
            &Theme::mono(),
        );
        assert!(line(&buf, 0).contains("not estimated"));
    }

    fn zipped_row(used: u64, done: Option<u8>) -> GaugeRow {
        let limit = preset("aws-lambda-zip").unwrap();
        GaugeRow {
            verdict: verdict(limit, 0, used, 0),
            zip: Zip::Estimating(done),
        }
    }

    #[test]
    fn a_zipped_gauge_while_estimating_shows_a_lower_bound_and_no_verdict() {
        let props = GaugeProps {
            rows: vec![zipped_row(4_404_019, Some(0)), zipped_row(22, None)],
        };
        let mut buf = Buffer::empty(Rect::new(0, 0, 120, 2));
        render(&props, buf.area, &mut buf, &Theme::colour());
        for y in 0..2 {
            let text = line(&buf, y);
            assert!(text.contains(">= "), "a lower bound: {text}");
            assert!(!text.contains("headroom"), "no verdict yet: {text}");
            assert!(
                !text.contains('%') || text.contains("estimating 0%"),
                "{text}"
            );
        }
        assert!(line(&buf, 0).contains("estimating 0%: >= 4.2 MB of 50 MB"));
        assert_eq!(Some(buf[(18, 0)].fg), Theme::colour().dim.fg, "not green");
    }

    #[test]
    fn a_zipped_lower_bound_already_over_the_limit_says_so() {
        let props = GaugeProps {
            rows: vec![zipped_row(60 << 20, Some(40))],
        };
        let mut buf = Buffer::empty(Rect::new(0, 0, 120, 1));
        render(&props, buf.area, &mut buf, &Theme::colour());
        assert!(
            line(&buf, 0).contains("over by >= 10.0 MB"),
            "{}",
            line(&buf, 0)
        );
    }

    #[test]
    fn the_explorer_counts_the_reserve_and_calls_zipped_limits_unmeasured_without_estimates() {
        use crate::tui::app::{App, Budget, Data, SourceInfo};
        let mut s = crate::synthetic::Synth::new();
        let a = s.dist("a", "1", &[]);
        s.file("a/x.py", 1000, Some(a));
        let bundle = s.build(crate::bundle::Target::default());
        let limits = ["aws-lambda", "aws-lambda-zip"].map(|n| preset(n).unwrap().clone());
        let info = SourceInfo {
            label: "site".into(),
            demo: false,
        };
        let data = Data::Ready(Box::new(bundle));
        let mut app = App::new(info, data, &limits, Theme::mono());
        app.budget = Budget {
            reserve: 40 << 20,
            zip_estimate: false,
        };
        let rows = GaugeProps::of(&app).rows;
        assert_eq!(rows[0].verdict.used, app.kept_totals().bytes + (40 << 20));
        assert_eq!(rows[0].zip, Zip::Complete);
        assert_eq!(
            rows[1].zip,
            Zip::Unknown,
            "headers only is no zipped measurement"
        );
        assert_eq!(rows[1].verdict.reserve, 0);
    }

    #[test]
    fn gauges_fit_in_very_narrow_areas_without_panicking() {
        let props = GaugeProps {
            rows: vec![row(1), row(2)],
        };
        for w in [0, 1, 5, 20] {
            let mut buf = Buffer::empty(Rect::new(0, 0, w, 1));
            render(&props, buf.area, &mut buf, &Theme::mono());
        }
    }
}
