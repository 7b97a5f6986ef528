use super::*;

fn key_of(path: &Path) -> Option<FileKey> {
    FileKey::of(&fs::symlink_metadata(path).unwrap())
}

fn size_of(path: &Path) -> u64 {
    fs::metadata(path).unwrap().len()
}

fn lookup(cache: &ZipCache, scope: Scope, path: &Path) -> u64 {
    cache
        .get_or_compute(scope, path, key_of(path), size_of(path))
        .unwrap()
}

#[test]
fn a_second_lookup_is_served_from_the_cache() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("a.py");
    fs::write(&path, "import os\n".repeat(100)).unwrap();
    let cache = ZipCache::new();
    let key = key_of(&path);
    let first = lookup(&cache, Scope::NONE, &path);
    assert_eq!(first, deflated_size(&path).unwrap());
    // Same identity, different bytes on disk: the cached number wins, proving no recompression.
    fs::write(&path, "x").unwrap();
    let again = cache.get_or_compute(Scope::NONE, &path, key, 1000).unwrap();
    assert_eq!(again, first);
    assert_eq!(cache.len(), 1);
}

#[test]
fn a_changed_file_is_compressed_again() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("a.py");
    fs::write(&path, "import os\n".repeat(100)).unwrap();
    let cache = ZipCache::new();
    lookup(&cache, Scope::NONE, &path);
    fs::write(&path, "import sys\n".repeat(300)).unwrap();
    assert_eq!(
        lookup(&cache, Scope::NONE, &path),
        deflated_size(&path).unwrap()
    );
}

/// A root with one file, and a cache directory beside it.
fn root_with_file(dir: &Path) -> (PathBuf, PathBuf) {
    let root = dir.join("layer");
    fs::create_dir_all(&root).unwrap();
    let file = root.join("a.py");
    fs::write(&file, "def f(): pass\n".repeat(40)).unwrap();
    (root, file)
}

#[test]
fn a_saved_cache_loads_back_with_the_same_sizes() {
    let dir = tempfile::TempDir::new().unwrap();
    let (root, file) = root_with_file(dir.path());
    let key = key_of(&file);
    let cache_dir = dir.path().join("cache/heft/zipsize");
    let cache = ZipCache::in_dir(cache_dir.clone());
    let size = lookup(&cache, cache.scope(&root), &file);
    cache.save().unwrap();
    let loaded = ZipCache::in_dir(cache_dir);
    assert!(
        loaded.is_empty(),
        "nothing is read before a root is looked up"
    );
    let scope = loaded.scope(&root);
    assert_eq!(loaded.len(), 1);
    fs::write(&file, "").unwrap();
    let served = loaded.get_or_compute(scope, &file, key, 1000).unwrap();
    assert_eq!(served, size, "served from the loaded cache");
}

#[test]
fn a_root_reads_only_its_own_sizes() {
    let dir = tempfile::TempDir::new().unwrap();
    let (root, file) = root_with_file(dir.path());
    let other = dir.path().join("other");
    fs::create_dir_all(&other).unwrap();
    let big = other.join("b.py");
    fs::write(&big, "x = 1\n".repeat(50)).unwrap();
    let cache_dir = dir.path().join("cache");
    let cache = ZipCache::in_dir(cache_dir.clone());
    lookup(&cache, cache.scope(&root), &file);
    lookup(&cache, cache.scope(&other), &big);
    cache.save().unwrap();
    let loaded = ZipCache::in_dir(cache_dir);
    loaded.scope(&root);
    assert_eq!(loaded.len(), 1, "the other root's sizes are not read");
}

#[test]
fn a_save_merges_the_saved_records_with_the_computed_keys_sorted_in_a_list_sized_exactly() {
    let dir = tempfile::TempDir::new().unwrap();
    let (root, file) = root_with_file(dir.path());
    let cache_dir = dir.path().join("cache");
    let cache = ZipCache::in_dir(cache_dir.clone());
    let scope = cache.scope(&root);
    lookup(&cache, scope, &file);
    for i in 0..40 {
        let f = root.join(format!("m{i}.py"));
        fs::write(&f, format!("x = {i}\n").repeat(i + 1)).unwrap();
        lookup(&cache, scope, &f);
    }
    cache.save().unwrap();
    // The next run finds 38 saved sizes and computes 12: 9 new files, and 3 rewritten in
    // place (same inodes, new sizes: their keys sort among the saved ones).
    let next = ZipCache::in_dir(cache_dir);
    let scope = next.scope(&root);
    lookup(&next, scope, &file);
    for i in 0..49 {
        let f = root.join(format!("m{i}.py"));
        if i >= 40 || [5, 17, 29].contains(&i) {
            fs::write(&f, "y = 1\n".repeat(i + 50)).unwrap();
        }
        lookup(&next, scope, &f);
    }
    let changed = next.changed_scopes(1);
    assert_eq!(changed, [true]);
    let loaded = next.loaded.read().unwrap();
    let shards: Vec<_> = next.shards.iter().map(lock).collect();
    let fresh = fresh_keys(0, &shards);
    assert_eq!(fresh.len(), 12, "12 computed");
    assert_eq!(
        fresh.capacity(),
        12,
        "no spare room: keys are counted before they are listed"
    );
    let all: Vec<(FileKey, u64)> = records(0, &loaded, &shards).map(|(k, d)| (*k, d)).collect();
    assert_eq!(all.len(), 50, "38 saved and 12 computed, merged");
    assert!(all.is_sorted_by_key(|r| r.0));
}

#[test]
fn sizes_of_files_gone_from_a_root_are_not_saved_again() {
    let dir = tempfile::TempDir::new().unwrap();
    let (root, file) = root_with_file(dir.path());
    let second = root.join("b.py");
    fs::write(&second, "y = 2\n".repeat(30)).unwrap();
    let cache_dir = dir.path().join("cache");
    let cache = ZipCache::in_dir(cache_dir.clone());
    let scope = cache.scope(&root);
    lookup(&cache, scope, &file);
    lookup(&cache, scope, &second);
    cache.save().unwrap();
    // The next run only sees `a.py`.
    let next = ZipCache::in_dir(cache_dir.clone());
    lookup(&next, next.scope(&root), &file);
    next.save().unwrap();
    let last = ZipCache::in_dir(cache_dir);
    last.scope(&root);
    assert_eq!(last.len(), 1);
}

#[test]
fn a_foreign_damaged_or_oversized_cache_file_is_ignored() {
    let dir = tempfile::TempDir::new().unwrap();
    let (root, _) = root_with_file(dir.path());
    let canonical = fs::canonicalize(&root).unwrap();
    let cache_dir = dir.path().join("cache");
    fs::create_dir_all(&cache_dir).unwrap();
    let file = cache_dir.join(root_file_name(&canonical));
    let name = path_bytes(&canonical);
    let header = |len: u32| {
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&len.to_le_bytes());
        bytes
    };
    let mut truncated = header(name.len() as u32);
    truncated.extend_from_slice(&name);
    truncated.extend_from_slice(&[0u8; RECORD - 1]);
    let mut other_root = header(3);
    other_root.extend_from_slice(b"/xy");
    other_root.extend_from_slice(&[0u8; RECORD]);
    let cases: [(&str, Vec<u8>); 5] = [
        ("another format", b"something else".to_vec()),
        ("a record cut short", truncated),
        ("another root's file", other_root),
        ("a path longer than the file", header(u32::MAX)),
        ("a header cut short", MAGIC[..10].to_vec()),
    ];
    for (what, bytes) in cases {
        fs::write(&file, bytes).unwrap();
        let cache = ZipCache::in_dir(cache_dir.clone());
        cache.scope(&root);
        assert!(cache.is_empty(), "{what} is ignored");
    }
}

#[test]
fn a_cache_file_that_is_a_fifo_is_ignored_without_blocking() {
    let dir = tempfile::TempDir::new().unwrap();
    let (root, _) = root_with_file(dir.path());
    let cache_dir = dir.path().join("cache");
    fs::create_dir_all(&cache_dir).unwrap();
    let canonical = fs::canonicalize(&root).unwrap();
    crate::regular_file::tests::make_fifo(&cache_dir.join(root_file_name(&canonical)));
    let cache = ZipCache::in_dir(cache_dir);
    cache.scope(&root);
    assert!(cache.is_empty());
}

#[test]
fn the_cache_can_be_shared_by_a_rayon_pool() {
    use rayon::prelude::*;
    let dir = tempfile::TempDir::new().unwrap();
    let paths: Vec<_> = (0..64)
        .map(|i| {
            let path = dir.path().join(format!("f{i}.txt"));
            fs::write(&path, format!("line {i}\n").repeat(i + 1)).unwrap();
            path
        })
        .collect();
    let cache = ZipCache::new();
    let scope = cache.scope(dir.path());
    let sizes: Vec<u64> = paths.par_iter().map(|p| lookup(&cache, scope, p)).collect();
    let expected: Vec<u64> = paths.iter().map(|p| deflated_size(p).unwrap()).collect();
    assert_eq!(sizes, expected);
    assert_eq!(cache.len(), 64);
}

#[test]
fn lookups_of_one_file_at_once_compress_it_once_and_agree() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.so");
    let bytes: Vec<u8> = (0..4_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    fs::write(&path, bytes).unwrap();
    let cache = ZipCache::new();
    let barrier = std::sync::Barrier::new(4);
    let sizes: Vec<u64> = std::thread::scope(|s| {
        let lookups: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    lookup(&cache, Scope::NONE, &path)
                })
            })
            .collect();
        lookups.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(cache.deflations(), 1, "the others waited for the first");
    assert!(sizes.iter().all(|&s| s == sizes[0]), "{sizes:?}");
}

#[test]
fn a_thread_compressing_a_file_sizes_a_hard_link_to_it_instead_of_waiting_for_itself() {
    // A rayon worker waiting for its big file's chunks runs other tasks meanwhile; one of
    // them may be a hard link to that file, with the same identity.
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("a.py");
    fs::write(&path, "import os\n".repeat(100)).unwrap();
    let link = dir.path().join("b.py");
    fs::hard_link(&path, &link).unwrap();
    let cache = ZipCache::new();
    let key = key_of(&path).unwrap();
    let TakeOff::Flying(flight) = cache.take_off(Scope::NONE, key) else {
        panic!("nobody else is compressing it");
    };
    let size = cache
        .get_or_compute(Scope::NONE, &link, Some(key), size_of(&link))
        .unwrap();
    drop(flight);
    assert_eq!(size, deflated_size(&path).unwrap());
}
