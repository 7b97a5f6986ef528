//! Gitignore-like patterns over a bundle's paths.
//!
//! The semantics, a subset of gitignore's:
//! - `*`, `?` and `[...]` never match `/` (globset's `literal_separator`); `**` matches any
//!   number of whole components; `\` escapes the next character.
//! - A trailing `/` matches directories only: `tests/`.
//! - A pattern with no `/` but a trailing one matches a name at any depth: `*.pyi` means
//!   `**/*.pyi` and `tests/` means `**/tests/`.
//! - Any other pattern is anchored, and is tried against the node's path relative to every
//!   package directory (site) holding it and relative to its root: with a layer's packages in
//!   `python/`, `botocore/data/*/` and `python/botocore/data/*/` both match
//!   `python/botocore/data/s3`. A leading `/` only anchors (`/bin/` is a site's `bin/`).
//! - Matching a directory matches everything under it. There is no `!`: use a `keep` rule.

use std::path::Path;

use globset::{Candidate, GlobBuilder, GlobMatcher};

use super::RuleError;
use crate::bundle::Bundle;
use crate::model::{NodeId, bytes_to_path};

/// A compiled pattern.
#[derive(Clone, Debug)]
pub struct Pattern {
    matcher: GlobMatcher,
    dir_only: bool,
    anchored: bool,
}

impl Pattern {
    /// Compiles `text` with the semantics above.
    pub fn new(text: &str) -> Result<Pattern, RuleError> {
        let bad = |message: String| RuleError::BadGlob {
            pattern: text.to_string(),
            message,
        };
        let trimmed = text.trim();
        let dir_only = trimmed.ends_with('/');
        let body = trimmed.trim_end_matches('/');
        if body.is_empty() || body == "/" {
            return Err(bad("empty pattern".into()));
        }
        let anchored = body.contains('/');
        let body = body.strip_prefix('/').unwrap_or(body);
        let full = if anchored || body.starts_with("**/") {
            body.to_string()
        } else {
            format!("**/{body}")
        };
        let glob = GlobBuilder::new(&full)
            .literal_separator(true)
            .backslash_escape(true)
            .build()
            .map_err(|e| bad(e.kind().to_string()))?;
        Ok(Pattern {
            matcher: glob.compile_matcher(),
            dir_only,
            anchored,
        })
    }

    /// Whether a node at `rel` (`/`-separated, relative to a base) matches.
    pub fn is_match(&self, rel: &[u8], is_dir: bool) -> bool {
        if self.dir_only && !is_dir {
            return false;
        }
        let path = bytes_to_path(rel);
        self.matcher
            .is_match_candidate(&Candidate::new(Path::new(&path)))
    }

    /// The topmost nodes of `bundle` the pattern matches (in `only_root`, or every root).
    pub fn hits(&self, bundle: &Bundle, only_root: Option<usize>) -> Vec<NodeId> {
        let mut out = Vec::new();
        for i in 0..bundle.roots.len() {
            if only_root.is_none_or(|r| r == i) {
                self.root_hits(bundle, i, &mut out);
            }
        }
        out
    }

    /// Walks one root depth first, keeping the path relative to the root and the offsets
    /// where each enclosing site's relative path starts.
    fn root_hits(&self, bundle: &Bundle, root: usize, out: &mut Vec<NodeId>) {
        let tree = &bundle.tree;
        let r = &bundle.roots[root];
        let mut sites: Vec<usize> = Vec::new();
        if r.sites.contains(&r.node) {
            sites.push(0);
        }
        // (node, length of the parent's path, number of sites above)
        let mut stack: Vec<(NodeId, usize, usize)> = tree
            .children(r.node)
            .iter()
            .rev()
            .map(|c| (*c, 0, sites.len()))
            .collect();
        let mut path: Vec<u8> = Vec::new();
        while let Some((id, parent_len, site_count)) = stack.pop() {
            path.truncate(parent_len);
            sites.truncate(site_count);
            if !path.is_empty() {
                path.push(b'/');
            }
            path.extend_from_slice(tree.name(id));
            let is_dir = tree.node(id).is_dir();
            if self.matches_at(&path, &sites, is_dir) {
                out.push(id);
                continue;
            }
            if is_dir {
                if r.sites.contains(&id) {
                    sites.push(path.len() + 1);
                }
                for c in tree.children(id).iter().rev() {
                    stack.push((*c, path.len(), sites.len()));
                }
            }
        }
    }

    fn matches_at(&self, path: &[u8], sites: &[usize], is_dir: bool) -> bool {
        if self.is_match(path, is_dir) {
            return true;
        }
        // Unanchored patterns already matched at any depth of the root-relative path.
        self.anchored
            && sites
                .iter()
                .any(|&s| s > 0 && s <= path.len() && self.is_match(&path[s..], is_dir))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, path: &str, is_dir: bool) -> bool {
        Pattern::new(pattern)
            .unwrap()
            .is_match(path.as_bytes(), is_dir)
    }

    #[test]
    fn a_name_pattern_matches_at_any_depth() {
        assert!(m("*.pyi", "a.pyi", false));
        assert!(m("*.pyi", "numpy/core/a.pyi", false));
        assert!(m("tests/", "numpy/tests", true));
        assert!(m("tests/", "tests", true));
        assert!(!m("tests/", "numpy/testing", true));
        assert!(!m("tests/", "numpy/_testing", true));
    }

    #[test]
    fn a_trailing_slash_matches_directories_only() {
        assert!(!m("tests/", "numpy/tests", false));
        assert!(m("tests", "numpy/tests", false));
    }

    #[test]
    fn a_star_never_crosses_a_slash() {
        assert!(m("botocore/data/*/", "botocore/data/s3", true));
        assert!(!m("botocore/data/*/", "botocore/data/s3/2006-03-01", true));
        assert!(!m("a/*.py", "a/b/c.py", false));
        assert!(m("a/**/*.py", "a/b/c.py", false));
        assert!(m("**/tests/", "x/y/tests", true));
    }

    #[test]
    fn anchored_patterns_match_from_the_base_only() {
        assert!(m("/bin/", "bin", true));
        assert!(!m("/bin/", "numpy/bin", true));
        assert!(!m("data/*/", "botocore/data/s3", true));
    }

    #[test]
    fn escaped_metacharacters_match_literally() {
        assert!(m("a\\*b", "a*b", false));
        assert!(!m("a\\*b", "axb", false));
    }
}
