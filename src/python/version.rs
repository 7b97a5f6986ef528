//! PEP 440 versions: ordering and specifier checks, enough for markers and display.
//!
//! Pre-releases are not excluded by default here (unlike pip's resolver): heft checks
//! what is installed, and marker evaluation also admits pre-releases.

use std::cmp::Ordering;

/// Comparison operators of a specifier clause, longest spellings first so that
/// `===` is not read as `==`.
const OPERATORS: [&str; 8] = ["===", "~=", "==", "!=", "<=", ">=", "<", ">"];

/// Pre-release words and the phase each one spells (a < b < rc).
const PRE_WORDS: [(&str, u8); 8] = [
    ("alpha", 0),
    ("beta", 1),
    ("preview", 2),
    ("pre", 2),
    ("rc", 2),
    ("a", 0),
    ("b", 1),
    ("c", 2),
];

/// A parsed PEP 440 version; the local label only matters to `==`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Version {
    epoch: u64,
    release: Vec<u64>,
    pre: Option<(u8, u64)>,
    post: Option<u64>,
    dev: Option<u64>,
    local: Option<String>,
}

impl Version {
    fn parse(text: &str) -> Option<Version> {
        let text = text.trim().to_ascii_lowercase();
        let text = text.strip_prefix('v').unwrap_or(&text);
        let (public, local) = match text.split_once('+') {
            Some((public, local)) => (public, Some(parse_local(local)?)),
            None => (text, None),
        };
        let (epoch, rest) = match public.split_once('!') {
            Some((epoch, rest)) => (epoch.parse().ok()?, rest),
            None => (0, public),
        };
        let mut cursor = Cursor {
            s: rest.as_bytes(),
            i: 0,
        };
        let release = cursor.release()?;
        let pre = cursor.pre();
        let post = cursor.post();
        let dev = cursor.dev();
        cursor.is_done().then_some(Version {
            epoch,
            release,
            pre,
            post,
            dev,
            local,
        })
    }

    fn is_prerelease(&self) -> bool {
        self.pre.is_some() || self.dev.is_some()
    }

    /// Same epoch and release, ignoring trailing zeros: PEP 440's base version.
    fn same_base(&self, other: &Version) -> bool {
        self.epoch == other.epoch && cmp_release(&self.release, &other.release).is_eq()
    }

    /// Epoch and leading release numbers match `prefix` (the `==X.Y.*` test).
    fn has_prefix(&self, epoch: u64, prefix: &[u64]) -> bool {
        self.epoch == epoch
            && prefix
                .iter()
                .enumerate()
                .all(|(i, n)| self.release.get(i).copied().unwrap_or(0) == *n)
    }

    /// PEP 440 ordering of public versions (local labels ignored).
    fn order(&self, other: &Version) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| cmp_release(&self.release, &other.release))
            .then_with(|| self.pre_key().cmp(&other.pre_key()))
            .then_with(|| {
                self.post
                    .map_or((0, 0), |n| (1, n))
                    .cmp(&other.post.map_or((0, 0), |n| (1, n)))
            })
            .then_with(|| {
                self.dev
                    .map_or((1, 0), |n| (0, n))
                    .cmp(&other.dev.map_or((1, 0), |n| (0, n)))
            })
    }

    /// A bare dev release sorts before every pre-release; a final release after them.
    fn pre_key(&self) -> (u8, u8, u64) {
        match (self.pre, self.post, self.dev) {
            (Some((phase, n)), _, _) => (1, phase, n),
            (None, None, Some(_)) => (0, 0, 0),
            _ => (2, 0, 0),
        }
    }
}

fn cmp_release(a: &[u64], b: &[u64]) -> Ordering {
    let len = a.len().max(b.len());
    (0..len)
        .map(|i| {
            a.get(i)
                .copied()
                .unwrap_or(0)
                .cmp(&b.get(i).copied().unwrap_or(0))
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// A local label normalised for `==`: separators become `.` and numeric parts lose their
/// leading zeros, since PEP 440 compares them as integers (`deadbeef.00` is `deadbeef.0`).
fn parse_local(local: &str) -> Option<String> {
    let parts: Vec<&str> = local.split(['.', '-', '_']).collect();
    let valid = parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    let normal = |part: &&str| -> String {
        if part.bytes().all(|b| b.is_ascii_digit()) {
            let digits = part.trim_start_matches('0');
            if digits.is_empty() { "0" } else { digits }.to_owned()
        } else {
            (*part).to_owned()
        }
    };
    valid.then(|| parts.iter().map(normal).collect::<Vec<_>>().join("."))
}

/// A byte cursor over the lowercased public part of a version.
struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn is_done(&self) -> bool {
        self.i == self.s.len()
    }

    fn number(&mut self) -> Option<u64> {
        let start = self.i;
        while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        std::str::from_utf8(&self.s[start..self.i])
            .ok()?
            .parse()
            .ok()
    }

    fn eat_separator(&mut self) -> bool {
        let is_sep = self
            .s
            .get(self.i)
            .is_some_and(|b| matches!(b, b'.' | b'-' | b'_'));
        self.i += usize::from(is_sep);
        is_sep
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let found = self.s[self.i..].starts_with(word.as_bytes());
        self.i += if found { word.len() } else { 0 };
        found
    }

    /// An optional separator then an optional number; the separator is put back if no number follows.
    fn optional_number(&mut self) -> u64 {
        let start = self.i;
        self.eat_separator();
        self.number().unwrap_or_else(|| {
            self.i = start;
            0
        })
    }

    fn release(&mut self) -> Option<Vec<u64>> {
        let mut release = vec![self.number()?];
        loop {
            let start = self.i;
            if !(self.eat_word(".") && self.s.get(self.i).is_some_and(u8::is_ascii_digit)) {
                self.i = start;
                return Some(release);
            }
            release.push(self.number()?);
        }
    }

    /// A segment spelled `[sep]word[sep][N]`, for one of `words`.
    fn segment<T: Copy>(&mut self, words: &[(&str, T)]) -> Option<(T, u64)> {
        let start = self.i;
        self.eat_separator();
        for (word, tag) in words {
            if self.eat_word(word) {
                return Some((*tag, self.optional_number()));
            }
        }
        self.i = start;
        None
    }

    fn pre(&mut self) -> Option<(u8, u64)> {
        self.segment(&PRE_WORDS)
    }

    fn post(&mut self) -> Option<u64> {
        let start = self.i;
        if self.eat_word("-") {
            if let Some(n) = self.number() {
                return Some(n);
            }
            self.i = start;
        }
        self.segment(&[("post", ()), ("rev", ()), ("r", ())])
            .map(|((), n)| n)
    }

    fn dev(&mut self) -> Option<u64> {
        self.segment(&[("dev", ())]).map(|((), n)| n)
    }
}

/// Orders two PEP 440 versions; local labels are ignored and `3.12` equals `3.12.0`.
/// A string that is not a version sorts before every version (as pip's legacy
/// versions did); two such strings compare as text.
pub fn compare(a: &str, b: &str) -> Ordering {
    match (Version::parse(a), Version::parse(b)) {
        (Some(a), Some(b)) => a.order(&b),
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (None, None) => a.trim().cmp(b.trim()),
    }
}

/// PEP 440 specifier check, e.g. `satisfies("2.1.0", ">=2,<3")`; every comma-separated
/// clause must hold. A clause this module cannot read (or an unparsable version) counts as
/// satisfied, so unknown forms never hide a dependency.
pub fn satisfies(version: &str, specifier: &str) -> bool {
    let specifier = specifier.trim();
    let specifier = specifier
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(specifier);
    specifier
        .split(',')
        .map(str::trim)
        .filter(|clause| !clause.is_empty())
        .all(|clause| check_clause(version, clause).unwrap_or(true))
}

/// Splits a clause such as `>= 2.0` into its operator and trimmed version text.
pub(crate) fn split_operator(clause: &str) -> Option<(&'static str, &str)> {
    let clause = clause.trim();
    OPERATORS
        .iter()
        .find_map(|op| clause.strip_prefix(op).map(|rest| (*op, rest.trim())))
        .filter(|(_, rest)| !rest.is_empty())
}

/// Checks one clause such as `~=1.4`; `None` when the clause or the version cannot be read.
pub(crate) fn check_clause(version: &str, clause: &str) -> Option<bool> {
    let (op, target) = split_operator(clause)?;
    if op == "===" {
        return Some(version.trim().eq_ignore_ascii_case(target));
    }
    let v = Version::parse(version)?;
    if let Some(prefix) = target.strip_suffix(".*") {
        let matched = matches_prefix(&v, prefix)?;
        return match op {
            "==" => Some(matched),
            "!=" => Some(!matched),
            _ => None,
        };
    }
    let t = Version::parse(target)?;
    match op {
        "==" => Some(is_equal(&v, &t)),
        "!=" => Some(!is_equal(&v, &t)),
        "~=" => is_compatible(&v, &t),
        "<=" => Some(v.order(&t).is_le()),
        ">=" => Some(v.order(&t).is_ge()),
        "<" => Some(is_less(&v, &t)),
        ">" => Some(is_greater(&v, &t)),
        _ => None,
    }
}

/// `==X.Y.*`: only plain release prefixes are understood.
fn matches_prefix(v: &Version, prefix: &str) -> Option<bool> {
    let p = Version::parse(prefix)?;
    let plain = p.pre.is_none() && p.post.is_none() && p.dev.is_none() && p.local.is_none();
    plain.then(|| v.has_prefix(p.epoch, &p.release))
}

fn is_equal(v: &Version, t: &Version) -> bool {
    v.order(t).is_eq() && (t.local.is_none() || v.local == t.local)
}

/// `~=X.Y.Z` means `>=X.Y.Z, ==X.Y.*`; it needs at least two release numbers.
fn is_compatible(v: &Version, t: &Version) -> Option<bool> {
    if t.release.len() < 2 || t.local.is_some() {
        return None;
    }
    let prefix = &t.release[..t.release.len() - 1];
    Some(v.order(t).is_ge() && v.has_prefix(t.epoch, prefix))
}

/// `<V` admits no pre-release of V itself unless V is a pre-release.
fn is_less(v: &Version, t: &Version) -> bool {
    v.order(t).is_lt() && !(v.is_prerelease() && !t.is_prerelease() && v.same_base(t))
}

/// `>V` admits neither post-releases nor local builds of V unless V is a post-release.
fn is_greater(v: &Version, t: &Version) -> bool {
    let post_of_t = v.post.is_some() && t.post.is_none() && v.same_base(t);
    let local_of_t = v.local.is_some() && v.same_base(t);
    v.order(t).is_gt() && !post_of_t && !local_of_t
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::{Equal, Greater, Less};

    #[test]
    fn compare_orders_the_pep_440_edge_cases() {
        let cases = [
            ("1.0", "1.0.0", Equal),
            ("3.12", "3.12.0", Equal),
            ("1.0a1", "1.0", Less),
            ("1.0.post1", "1.0", Greater),
            ("1.0.dev0", "1.0a1", Less),
            ("3.10", "3.9", Greater),
            ("1.0rc1", "1.0b2", Greater),
            ("1.0b1", "1.0a9", Greater),
            ("1.0a1.dev1", "1.0a1", Less),
            ("1.0.post1.dev1", "1.0.post1", Less),
            ("1.0.post1.dev1", "1.0", Greater),
            ("1!0.1", "2.0", Greater),
            ("1.0+local.1", "1.0", Equal),
            ("v1.0", "1.0", Equal),
            ("1.0-1", "1.0.post1", Equal),
            ("1.0.RC1", "1.0rc1", Equal),
            ("1.0c1", "1.0rc1", Equal),
            ("1.0alpha", "1.0a0", Equal),
            ("2024.10.1", "2024.9.30", Greater),
        ];
        for (a, b, expected) in cases {
            assert_eq!(compare(a, b), expected, "compare({a:?}, {b:?})");
            assert_eq!(compare(b, a), expected.reverse(), "compare({b:?}, {a:?})");
        }
    }

    #[test]
    fn strings_that_are_not_versions_sort_before_versions() {
        assert_eq!(compare("banana", "0.1"), Less);
        assert_eq!(compare("1.0", "1.0-beta-x"), Greater);
        assert_eq!(compare("apple", "banana"), Less);
    }

    #[test]
    fn satisfies_checks_every_clause_of_a_specifier() {
        let cases = [
            ("2.1.0", ">=2,<3", true),
            ("3.0.0", ">=2,<3", false),
            ("2.14.1", "<3.0.0,>=2.14.1", true),
            ("1.4.5", "~=1.4.2", true),
            ("1.5.0", "~=1.4.2", false),
            ("1.9", "~=1.4", true),
            ("2.0", "~=1.4", false),
            ("0.41.3", "!=0.40.0,!=0.41.*,!=0.42.*,>=0.32.0", false),
            ("0.43.0", "!=0.40.0,!=0.41.*,!=0.42.*,>=0.32.0", true),
            ("1.2.3", "==1.2.*", true),
            ("1.3", "==1.2.*", false),
            ("1.2", "==1.2.0", true),
            ("1.2+abc", "==1.2", true),
            ("1.2+abc", "==1.2+abd", false),
            ("2.0+deadbeef.0", "==2.0.0+deadbeef.00", true),
            ("2.0+deadbeef-007", "==2+deadbeef.7", true),
            ("2.0+deadbeef.10", "==2.0+deadbeef.1", false),
            ("1.0", "===1.0", true),
            ("1.0.0", "===1.0", false),
            ("3.7", ">3.6", true),
            ("3.6.post1", ">3.6", false),
            ("3.7a1", "<3.7", false),
            ("3.7a1", "<3.7b1", true),
            ("3.6.9", "<3.7", true),
            ("1.0", "", true),
            ("1.0", "(>=0.9)", true),
        ];
        for (version, spec, expected) in cases {
            assert_eq!(
                satisfies(version, spec),
                expected,
                "satisfies({version:?}, {spec:?})"
            );
        }
    }

    #[test]
    fn unknown_clauses_and_versions_count_as_satisfied() {
        assert!(satisfies("1.0", "~=1"));
        assert!(satisfies("1.0", "1.0"));
        assert!(satisfies("not-a-version", ">=2"));
        assert!(!satisfies("1.0", ">=2,=>3"));
    }

    #[test]
    fn clause_check_reports_what_it_cannot_read() {
        assert_eq!(check_clause("3.12", "<3.9"), Some(false));
        assert_eq!(check_clause("3.12", "<linux"), None);
        assert_eq!(check_clause("linux", "<3.9"), None);
        assert_eq!(check_clause("linux", "===linux"), Some(true));
    }
}
