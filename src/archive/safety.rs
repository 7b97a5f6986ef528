//! Checks that make heft refuse an archive: names that escape the extraction
//! directory and declared sizes no real bundle has.

/// Total declared uncompressed size above which an archive counts as a bomb.
///
/// Lambda unzips at most 250 MiB and a container image is at most 10 GB, so a
/// declared 16 GiB is no deployment bundle.
pub const MAX_TOTAL_SIZE: u64 = 16 << 30;

/// Compression ratio above which a large member counts as a bomb.
///
/// Deflate cannot beat about 1032:1, so beyond 1000:1 a member is all zeros or lies.
pub const MAX_RATIO: u64 = 1000;

/// Members smaller than this are never judged by their ratio: a 1 MiB file of
/// zeros is odd but harmless.
pub const RATIO_MIN_SIZE: u64 = 100 << 20;

/// Largest member heft decompresses into memory (METADATA, RECORD and friends are kilobytes).
pub const MAX_WANTED_SIZE: u64 = 64 << 20;

/// Most bytes heft decompresses from one archive in all (a 12,556-file layer's metadata
/// members add up to 2 MiB), so many members each under [`MAX_WANTED_SIZE`] cannot add up
/// to gigabytes.
pub const MAX_WANTED_TOTAL: u64 = 128 << 20;

/// Whether a member name would land outside the directory it is extracted into.
///
/// Backslashes count as separators (Windows extractors treat them so), so
/// `..\evil` and `\abs` are caught as well as `../evil`, `/abs` and `C:\x`.
/// Any `..` component is refused, even one that stays inside (`a/../b`): no
/// wheel or layer needs it, and it would give one file two names. A NUL byte
/// is refused too, since C extractors cut the name there.
pub fn is_unsafe_name(name: &[u8]) -> bool {
    let is_separator = |b: &u8| *b == b'/' || *b == b'\\';
    let starts_at_root = name.first().is_some_and(is_separator);
    let has_drive = matches!(name, [letter, b':', ..] if letter.is_ascii_alphabetic());
    let has_parent = name.split(is_separator).any(|part| part == b"..");
    starts_at_root || has_drive || has_parent || name.contains(&0)
}

/// Sizes of one member as its central directory record declares them.
#[derive(Clone, Copy, Debug)]
pub struct Declared {
    /// Uncompressed bytes.
    pub size: u64,
    /// Compressed bytes.
    pub compressed: u64,
}

/// Why the declared sizes look like a zip bomb, or `None` when they look sane.
pub fn bomb_reason(members: impl IntoIterator<Item = (String, Declared)>) -> Option<String> {
    let mut total: u64 = 0;
    for (name, declared) in members {
        total = total.saturating_add(declared.size);
        let ratio = declared.size / declared.compressed.max(1);
        if declared.size > RATIO_MIN_SIZE && ratio > MAX_RATIO {
            return Some(format!(
                "member {name} declares {} bytes from {} compressed ({ratio}:1, over {MAX_RATIO}:1)",
                declared.size, declared.compressed
            ));
        }
    }
    (total > MAX_TOTAL_SIZE).then(|| {
        format!("members declare {total} bytes uncompressed in all (over {MAX_TOTAL_SIZE})")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_climb_out_or_start_at_a_root_are_unsafe() {
        for bad in [
            "../evil",
            "a/../../evil",
            "a/../b",
            "/abs",
            "\\abs",
            "..\\evil",
            "a\\..\\..\\evil",
            "C:\\windows\\x",
            "c:x",
            "..",
            "a/\0b",
        ] {
            assert!(is_unsafe_name(bad.as_bytes()), "{bad:?} should be unsafe");
        }
    }

    #[test]
    fn ordinary_names_are_safe() {
        for good in [
            "a",
            "a/b/",
            "pkg/..hidden",
            "pkg/x..y",
            "./a",
            "numpy.libs/x.so",
            "ab:c",
        ] {
            assert!(!is_unsafe_name(good.as_bytes()), "{good:?} should be safe");
        }
    }

    #[test]
    fn a_huge_ratio_on_a_big_member_is_a_bomb() {
        let huge = Declared {
            size: 200 << 20,
            compressed: 100,
        };
        assert!(bomb_reason([("x".to_owned(), huge)]).is_some());
    }

    #[test]
    fn a_huge_ratio_on_a_small_member_is_fine() {
        let zeros = Declared {
            size: 1 << 20,
            compressed: 1,
        };
        assert_eq!(bomb_reason([("x".to_owned(), zeros)]), None);
    }

    #[test]
    fn a_total_beyond_sixteen_gib_is_a_bomb() {
        let big = Declared {
            size: 5 << 30,
            compressed: 5 << 29,
        };
        let members = (0..4).map(|i| (format!("m{i}"), big));
        assert!(bomb_reason(members).is_some());
    }
}
