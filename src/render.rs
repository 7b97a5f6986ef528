//! Documents for people built from a report or a diff: Markdown for pull requests and
//! step summaries, and one self-contained HTML page with a treemap.

pub mod html;
pub mod markdown;

use crate::limits::human;

/// `+1.2 MB`, `-300 B`, `0 B`: a signed size in 1024 units.
pub fn signed_human(n: i64) -> String {
    match n {
        0 => "0 B".to_string(),
        n if n > 0 => format!("+{}", human(n.unsigned_abs())),
        n => format!("-{}", human(n.unsigned_abs())),
    }
}

/// `s` cut to `width` characters, with an ellipsis when cut.
pub fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_sizes_carry_their_sign() {
        assert_eq!(signed_human(0), "0 B");
        assert_eq!(signed_human(2048), "+2 KB");
        assert_eq!(signed_human(-300), "-300 B");
    }
}
