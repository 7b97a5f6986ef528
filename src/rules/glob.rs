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

use std::borrow::Cow;
use std::path::Path;

use globset::{Candidate, Glob, GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};

use super::RuleError;
use crate::bundle::Bundle;
use crate::model::NodeId;

/// A compiled pattern.
#[derive(Clone, Debug)]
pub struct Pattern {
    glob: Glob,
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
            glob,
            dir_only,
            anchored,
        })
    }

    /// Whether a node at `rel` (`/`-separated, relative to a base) matches.
    pub fn is_match(&self, rel: &[u8], is_dir: bool) -> bool {
        if self.dir_only && !is_dir {
            return false;
        }
        self.matcher
            .is_match_candidate(&Candidate::new(as_path(rel).as_ref()))
    }

    /// The topmost nodes of `bundle` the pattern matches (in `only_root`, or every root).
    pub fn hits(&self, bundle: &Bundle, only_root: Option<usize>) -> Vec<NodeId> {
        hits_of_many(bundle, &[(self, only_root)])
            .pop()
            .unwrap_or_default()
    }
}

/// The topmost hits of every `(pattern, only_root)`, in order, from one walk of each root:
/// every path is built and matched once against all patterns together (a [`GlobSet`]),
/// instead of once per pattern.
pub fn hits_of_many(bundle: &Bundle, patterns: &[(&Pattern, Option<usize>)]) -> Vec<Vec<NodeId>> {
    let mut out = vec![Vec::new(); patterns.len()];
    for root in 0..bundle.roots.len() {
        let here: Vec<usize> = (0..patterns.len())
            .filter(|i| patterns[*i].1.is_none_or(|r| r == root))
            .collect();
        if here.is_empty() {
            continue;
        }
        let mut set = GlobSetBuilder::new();
        for i in &here {
            set.add(patterns[*i].0.glob.clone());
        }
        let Ok(set) = set.build() else {
            // Each glob compiled on its own; a set of them cannot fail, but if it did,
            // matching pattern by pattern gives the same answer.
            for i in &here {
                let walk = Walk::new(bundle, root, vec![patterns[*i].0], one(patterns[*i].0));
                out[*i].extend(walk.run().pop().unwrap_or_default());
            }
            continue;
        };
        let chosen: Vec<&Pattern> = here.iter().map(|i| patterns[*i].0).collect();
        for (i, hits) in here.iter().zip(Walk::new(bundle, root, chosen, set).run()) {
            out[*i].extend(hits);
        }
    }
    out
}

/// A set holding just `p`.
fn one(p: &Pattern) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    b.add(p.glob.clone());
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

/// `rel` as a path, without copying on Unix.
fn as_path(rel: &[u8]) -> Cow<'_, Path> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Cow::Borrowed(Path::new(std::ffi::OsStr::from_bytes(rel)))
    }
    #[cfg(not(unix))]
    {
        Cow::Owned(crate::model::bytes_to_path(rel))
    }
}

/// One depth-first walk of a root matching a set of patterns.
struct Walk<'a> {
    bundle: &'a Bundle,
    root: usize,
    patterns: Vec<&'a Pattern>,
    set: GlobSet,
    /// Scratch for the set's answers.
    found: Vec<usize>,
}

impl<'a> Walk<'a> {
    fn new(bundle: &'a Bundle, root: usize, patterns: Vec<&'a Pattern>, set: GlobSet) -> Self {
        Walk {
            bundle,
            root,
            patterns,
            set,
            found: Vec::new(),
        }
    }

    /// Walks the root keeping the path relative to it, the offsets where each enclosing
    /// site's relative path starts and the patterns an ancestor already matched (their
    /// hits stay topmost); a subtree every pattern has matched above is skipped.
    fn run(mut self) -> Vec<Vec<NodeId>> {
        let tree = &self.bundle.tree;
        let r = &self.bundle.roots[self.root];
        let mut out = vec![Vec::new(); self.patterns.len()];
        let mut sites: Vec<usize> = Vec::new();
        if r.sites.contains(&r.node) {
            sites.push(0);
        }
        // Indices of patterns matched by the ancestors of the nodes on the stack.
        let mut done: Vec<usize> = Vec::new();
        // (node, length of the parent's path, number of sites above, patterns done above)
        let mut stack: Vec<(NodeId, usize, usize, usize)> = tree
            .children(r.node)
            .iter()
            .rev()
            .map(|c| (*c, 0, sites.len(), 0))
            .collect();
        let mut path: Vec<u8> = Vec::new();
        while let Some((id, parent_len, site_count, done_count)) = stack.pop() {
            path.truncate(parent_len);
            sites.truncate(site_count);
            done.truncate(done_count);
            if !path.is_empty() {
                path.push(b'/');
            }
            path.extend_from_slice(tree.name(id));
            let is_dir = tree.node(id).is_dir();
            self.matches_at(&path, &sites, is_dir);
            for &p in &self.found {
                if !done.contains(&p) {
                    out[p].push(id);
                    done.push(p);
                }
            }
            if !is_dir || done.len() == self.patterns.len() {
                continue;
            }
            if r.sites.contains(&id) {
                sites.push(path.len() + 1);
            }
            for c in tree.children(id).iter().rev() {
                stack.push((*c, path.len(), sites.len(), done.len()));
            }
        }
        out
    }

    /// Fills `found` with the patterns matching a node at `path` (root-relative), or, for
    /// anchored ones, at its path relative to an enclosing site.
    fn matches_at(&mut self, path: &[u8], sites: &[usize], is_dir: bool) {
        count_match();
        self.found.clear();
        self.set
            .matches_candidate_into(&Candidate::new(as_path(path).as_ref()), &mut self.found);
        let mut more = Vec::new();
        for &s in sites.iter().filter(|s| **s > 0 && **s <= path.len()) {
            let rel = as_path(&path[s..]);
            self.set
                .matches_candidate_into(&Candidate::new(rel.as_ref()), &mut more);
            self.found
                .extend(more.iter().filter(|p| self.patterns[**p].anchored));
        }
        let patterns = &self.patterns;
        self.found.retain(|p| is_dir || !patterns[*p].dir_only);
        self.found.sort_unstable();
        self.found.dedup();
    }
}

#[cfg(test)]
thread_local! {
    /// Paths matched against patterns on this thread (tests check work stays bounded).
    static MATCHES: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Counts one path matched (tests only).
fn count_match() {
    #[cfg(test)]
    MATCHES.with(|m| m.set(m.get() + 1));
}

/// Paths matched against patterns on this thread so far (tests only).
#[cfg(test)]
pub fn matches_so_far() -> u64 {
    MATCHES.with(std::cell::Cell::get)
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
