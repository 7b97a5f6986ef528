//! Distribution names: PEP 503 normalisation, the key every edge joins on.

/// Normalises a distribution or extra name as PEP 503 does:
/// `re.sub(r"[-_.]+", "-", name).lower()`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            in_run = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_separators_become_one_dash_and_case_folds() {
        assert_eq!(normalize("Zope.Interface"), "zope-interface");
        assert_eq!(normalize("typing_extensions"), "typing-extensions");
        assert_eq!(normalize("a-_.-b"), "a-b");
        assert_eq!(normalize("PyYAML"), "pyyaml");
        assert_eq!(normalize("charset_normalizer"), "charset-normalizer");
    }

    #[test]
    fn leading_and_trailing_separators_are_kept_as_dashes() {
        assert_eq!(normalize("_foo_"), "-foo-");
        assert_eq!(normalize(""), "");
    }
}
