//! One self-contained HTML page (inline CSS and JS, no network) of a report or a diff.

use crate::bundle::Bundle;
use crate::diff::Diff;

/// The diff page: a treemap of the new build coloured by growth.
pub fn diff(_d: &Diff, _after: &Bundle) -> String {
    String::new()
}

/// The report page.
pub fn report(_b: &Bundle, _r: &crate::report::Report, _v: &[crate::limits::Verdict]) -> String {
    String::new()
}
