//! Top-level standard-library module names per `CPython` version, from `assets/stdlib.txt`.

use std::collections::HashSet;

use std::cmp::Ordering;

use crate::python::version::compare;

/// The standard library's top-level module names for `CPython` `python` (`3.12`).
pub fn names(python: &str) -> HashSet<&'static str> {
    include_str!("../../assets/stdlib.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            let name = parts.next()?;
            let holds = parts.next().is_none_or(|cond| holds(cond, python));
            holds.then_some(name)
        })
        .collect()
}

/// `<3.12` or `>=3.12` against the target version.
fn holds(cond: &str, target: &str) -> bool {
    match cond.strip_prefix(">=") {
        Some(v) => compare(target, v) != Ordering::Less,
        None => compare(target, cond.trim_start_matches('<')) == Ordering::Less,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdlib_names_follow_the_target_version() {
        let py311 = names("3.11");
        let py313 = names("3.13");
        for common in ["os", "json", "importlib", "__future__", "sys", "typing"] {
            assert!(py311.contains(common) && py313.contains(common), "{common}");
        }
        assert!(py311.contains("distutils") && !names("3.12").contains("distutils"));
        assert!(py311.contains("cgi") && !py313.contains("cgi"));
        assert!(!py311.contains("_pyrepl") && py313.contains("_pyrepl"));
        assert!(names("3.8").contains("formatter") && !names("3.10").contains("tomllib"));
    }
}
