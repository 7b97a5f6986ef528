//! The limit gauges: one line per active limit with a bar, used of limit, percent and
//! headroom or overrun, coloured green, yellow (>= 90 %) or red (over). While zipped
//! estimates run a gauge shows a lower bound and an extrapolated figure, never a verdict
//! but "over"; while paths could not be read it never says "headroom" (unverified).

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
    /// While estimating: the used figure extrapolated from the files done so far.
    pub estimate: Option<u64>,
    /// Paths that could not be read: the figure is a lower bound and never "ok".
    pub unreadable: usize,
    /// The scan still runs: the figure is what is counted so far.
    pub scanning: bool,
}

impl GaugeRow {
    /// The row of `limit` against what the app keeps.
    pub fn of(app: &App, limit: &crate::limits::Limit, zip: Zip) -> GaugeRow {
        let kept = app.kept_totals();
        let reserve = app.reserve_for(limit);
        let zip = if limit.counted == Counted::Unzipped {
            Zip::Complete
        } else {
            zip
        };
        let estimate = match zip {
            Zip::Estimating(_) => extrapolated(app, kept)
                .map(|zipped| verdict(limit, kept.bytes, zipped, reserve).used),
            Zip::Complete | Zip::Unknown => None,
        };
        GaugeRow {
            verdict: verdict(limit, kept.bytes, kept.zipped, reserve),
            zip,
            estimate,
            unreadable: app.bundle().errors.len(),
            scanning: app.data.is_scanning(),
        }
    }

    /// Whether its figure is only a lower bound.
    pub fn is_partial(&self) -> bool {
        matches!(self.zip, Zip::Estimating(_)) || self.unreadable > 0 || self.scanning
    }

    /// The verdict in a few words: "over by X", "X headroom", or why there is none yet.
    pub fn state(&self) -> String {
        let v = &self.verdict;
        let lower = if self.is_partial() { ">= " } else { "" };
        if !v.ok {
            format!("over by {lower}{}", human(v.overrun))
        } else if self.zip == Zip::Unknown && self.scanning {
            "zipped size follows the scan".into()
        } else if self.zip == Zip::Unknown {
            "zipped size not estimated".into()
        } else if matches!(self.zip, Zip::Estimating(_)) || self.scanning {
            "no verdict yet".into()
        } else if self.unreadable > 0 {
            "unverified".into()
        } else {
            format!("{} headroom", human(v.headroom))
        }
    }
}

/// The kept zipped bytes once every file is compressed, extrapolated at the ratio of the
/// files done so far. The files still to do are taken as kept in the share the kept bytes
/// have of the whole tree (an estimate, said as one); `None` until some file is done.
fn extrapolated(app: &App, kept: crate::model::Sizes) -> Option<u64> {
    let rest = match &app.data {
        Data::Live(live) => live
            .zipped_estimate()?
            .saturating_sub(live.bundle().totals().zipped),
        _ => app.zip.remaining_estimate()?,
    };
    let rest = u128::from(rest);
    let full = app.exclusions.full(app.bundle().top).bytes;
    let share = rest * u128::from(kept.bytes) / u128::from(full.max(1));
    Some(
        kept.zipped
            .saturating_add(u64::try_from(share).unwrap_or(u64::MAX)),
    )
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
        let zip = zip_state(app);
        let rows = app
            .limits
            .iter()
            .filter(|c| c.active)
            .map(|c| GaugeRow::of(app, &c.limit, zip))
            .collect();
        GaugeProps { rows }
    }
}

/// How much of the zipped figures is known now.
pub fn zip_state(app: &App) -> Zip {
    let full = app.exclusions.full(app.bundle().top);
    // Without estimates (--no-zip-estimate) directories' zipped bytes are headers only.
    let unmeasured = !app.budget.zip_estimate
        && app
            .bundle()
            .roots
            .iter()
            .any(|r| r.kind == crate::bundle::RootKind::SitePackages);
    match (&app.data, app.zip.running()) {
        (_, Some(p)) => Zip::Estimating(Some(p)),
        (Data::Live(live), None) if live.zip_pending() > 0 && !unmeasured => Zip::Estimating(None),
        _ if unmeasured || (full.zipped == 0 && full.bytes > 0) => Zip::Unknown,
        _ => Zip::Complete,
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
    let name_w = props
        .rows
        .iter()
        .map(|r| r.verdict.limit.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(14);
    let widest = |texts: &[String]| texts.iter().map(|t| t.chars().count()).max().unwrap_or(0);
    let mut texts: Vec<String> = props.rows.iter().map(|r| numbers(r, false)).collect();
    if name_w + widest(&texts) + 2 > usize::from(area.width) {
        texts = props.rows.iter().map(|r| numbers(r, true)).collect();
    }
    let text_w = widest(&texts);
    let bar_w = usize::from(area.width)
        .saturating_sub(name_w + text_w + 5)
        .min(60);
    for ((row, text), y) in props.rows.iter().zip(&texts).zip(area.y..area.bottom()) {
        let line = Rect::new(area.x, y, area.width, 1);
        render_row(row, text, (name_w, bar_w), line, buf, theme);
    }
}

/// "459.0 MB of 250 MB  183.6%  over by 209.0 MB"; while estimating a lower bound and the
/// extrapolated figure with no verdict ("estimating 12%: >= 4.2 MB, ~ 61.0 MB est. of
/// 50 MB"; "over by >= 2 MB" once the bound is over); or why there is no number.
/// `compact` (narrow screens) leaves out the percent done of an estimate.
fn numbers(row: &GaugeRow, compact: bool) -> String {
    let v = &row.verdict;
    match row.zip {
        Zip::Unknown => row.state(),
        Zip::Estimating(p) => {
            let done = p.map(|p| format!(" {p}%")).unwrap_or_default();
            let est = row
                .estimate
                .map(|e| format!(", ~ {} est.", human(e)))
                .unwrap_or_default();
            let tail = if v.ok {
                String::new()
            } else {
                format!("  {}", row.state())
            };
            match row.estimate {
                Some(e) if compact => format!(
                    "~ {} est., >= {} of {}{tail}",
                    human(e),
                    human(v.used),
                    human(v.limit.bytes)
                ),
                _ => format!(
                    "estimating{done}: >= {}{est} of {}{tail}",
                    human(v.used),
                    human(v.limit.bytes)
                ),
            }
        }
        Zip::Complete => {
            let lower = if row.is_partial() { ">= " } else { "" };
            let unread = if row.unreadable > 0 {
                format!(" ({} unreadable)", row.unreadable)
            } else {
                String::new()
            };
            format!(
                "{lower}{} of {}  {:>5.1}%  {}{unread}",
                human(v.used),
                human(v.limit.bytes),
                v.percent,
                row.state()
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
            estimate: None,
            unreadable: 0,
            scanning: false,
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
            estimate: None,
            unreadable: 0,
            scanning: false,
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
    fn a_zipped_gauge_while_estimating_shows_the_extrapolated_figure_marked_as_an_estimate() {
        let mut r = zipped_row(4_404_019, Some(12));
        r.estimate = Some(61 << 20);
        let mut buf = Buffer::empty(Rect::new(0, 0, 120, 1));
        render(
            &GaugeProps { rows: vec![r] },
            buf.area,
            &mut buf,
            &Theme::mono(),
        );
        let text = line(&buf, 0);
        assert!(
            text.contains("estimating 12%: >= 4.2 MB, ~ 61 MB est. of 50 MB"),
            "{text}"
        );
        assert!(
            !text.contains("over"),
            "no verdict from an estimate: {text}"
        );
    }

    #[test]
    fn a_gauge_mid_estimate_fits_80_columns_with_its_bar_and_both_figures() {
        let mut r = zipped_row(53 << 20, Some(5));
        r.estimate = Some(107 << 20);
        let props = GaugeProps {
            rows: vec![row(323 << 20), r],
        };
        let mut buf = Buffer::empty(Rect::new(0, 0, 80, 2));
        render(&props, buf.area, &mut buf, &Theme::mono());
        let text = line(&buf, 1);
        assert!(
            text.contains("~ 107 MB est., >= 53 MB of 50 MB  over by >= 3.0 MB"),
            "{text}"
        );
        assert!(
            line(&buf, 0).contains('▕'),
            "the bars stay: {}",
            line(&buf, 0)
        );
    }

    #[test]
    fn a_gauge_with_unreadable_paths_is_unverified_not_headroom() {
        let mut r = row(100 << 20);
        r.unreadable = 2;
        let mut buf = Buffer::empty(Rect::new(0, 0, 120, 1));
        render(
            &GaugeProps { rows: vec![r] },
            buf.area,
            &mut buf,
            &Theme::colour(),
        );
        let text = line(&buf, 0);
        assert!(text.contains(">= 100 MB of 250 MB"), "{text}");
        assert!(text.contains("unverified (2 unreadable)"), "{text}");
        assert!(!text.contains("headroom"), "{text}");
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
