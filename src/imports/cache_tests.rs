use super::*;
use crate::bundle::Target;
use crate::imports::Imports;
use crate::load::{LoadOptions, load};

fn load_dir(path: &Path) -> Bundle {
    let opts = LoadOptions {
        target: Target::default(),
        top_level: None,
    };
    load(&[path.to_path_buf()], &opts, &mut |_| {}).unwrap()
}

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in [
        ("app.py", "import a\ndef f():\n    import b\n"),
        (
            "a/__init__.py",
            "from . import c\n_lazy = {'X': 'a.d'}\ndef __getattr__(n):\n    return importlib.import_module(_lazy[n])\n",
        ),
        ("a/c.py", ""),
        ("a/d.py", ""),
        ("b.py", ""),
    ] {
        let p = dir.path().join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, text).unwrap();
    }
    dir
}

fn summary(i: &Imports) -> Vec<(String, String, &'static str, u32)> {
    let f = &i.graph.finder;
    let mut v: Vec<_> = i
        .graph
        .edges
        .iter()
        .map(|e| {
            let from = e
                .from
                .map(|m| f.module(m).name.to_string())
                .unwrap_or_default();
            (
                from,
                f.module(e.to).name.to_string(),
                e.kind.as_str(),
                e.line,
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_warm_analysis_reads_no_source_and_finds_the_same_graph() {
    let tree = site();
    let cache_dir = tempfile::tempdir().unwrap();
    let b = load_dir(tree.path());
    let entries = vec!["app".to_string()];
    let mut cold = ParseCache::load(cache_dir.path().to_path_buf(), &b);
    let first = Imports::analyze_cached(&b, &entries, &mut cold);
    assert_eq!(cold.counts(), (0, 5), "every source scanned once");
    cold.save().unwrap();

    let mut warm = ParseCache::load(cache_dir.path().to_path_buf(), &b);
    let second = Imports::analyze_cached(&b, &entries, &mut warm);
    assert_eq!(warm.counts(), (5, 0), "nothing scanned again");
    assert_eq!(summary(&first), summary(&second));
    assert_eq!(first.reach, second.reach);
}

#[test]
fn a_changed_source_is_scanned_again() {
    let tree = site();
    let cache_dir = tempfile::tempdir().unwrap();
    let entries = vec!["app".to_string()];
    let b = load_dir(tree.path());
    let mut cache = ParseCache::load(cache_dir.path().to_path_buf(), &b);
    Imports::analyze_cached(&b, &entries, &mut cache);
    cache.save().unwrap();

    // A different size (and mtime): the walk's identity no longer matches the record.
    fs::write(tree.path().join("app.py"), "import b\n\n").unwrap();
    let b = load_dir(tree.path());
    let mut cache = ParseCache::load(cache_dir.path().to_path_buf(), &b);
    let i = Imports::analyze_cached(&b, &entries, &mut cache);
    assert_eq!(cache.counts(), (5, 1), "only app.py is read");
    let app = b.tree.resolve(b.roots[0].node, b"app.py").unwrap();
    let to: Vec<&str> = i
        .graph
        .edges_of(app)
        .iter()
        .map(|e| i.graph.finder.module(e.to).name)
        .collect();
    assert_eq!(to, ["b"]);
}

#[test]
fn a_damaged_or_foreign_cache_file_is_ignored() {
    let tree = site();
    let cache_dir = tempfile::tempdir().unwrap();
    let entries = vec!["app".to_string()];
    let b = load_dir(tree.path());
    let mut cache = ParseCache::load(cache_dir.path().to_path_buf(), &b);
    let clean = Imports::analyze_cached(&b, &entries, &mut cache);
    cache.save().unwrap();
    let file = fs::read_dir(cache_dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let good = fs::read(&file).unwrap();
    let mut damaged = vec![
        good[..good.len() - 3].to_vec(),
        [&good[..good.len() / 2], &[0xff; 64][..]].concat(),
        b"heft imports v0\n".to_vec(),
    ];
    // Every count at its largest: a record claiming 4G imports must not allocate them.
    let mut huge = good.clone();
    let at = MAGIC.len()
        + 4
        + usize::try_from(u32::from_le_bytes(
            good[MAGIC.len()..MAGIC.len() + 4].try_into().unwrap(),
        ))
        .unwrap()
        + 33;
    huge[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    damaged.push(huge);
    for bytes in damaged {
        fs::write(&file, &bytes).unwrap();
        let mut c = ParseCache::load(cache_dir.path().to_path_buf(), &b);
        assert_eq!(c.counts().0, 0, "a damaged file yields no record");
        let i = Imports::analyze_cached(&b, &entries, &mut c);
        assert_eq!(summary(&i), summary(&clean));
    }
    // The same records saved for another root are not used for this one.
    let other = tempfile::tempdir().unwrap();
    let other_root = fs::canonicalize(other.path()).unwrap();
    fs::write(cache_dir.path().join(root_file_name(&other_root)), &good).unwrap();
    assert!(parse_root_file(&good, &other_root).is_none());
}

#[test]
fn records_round_trip_through_the_file_format() {
    let s = crate::imports::scanner::scan(
        b"import a.b as c\nfrom ..x import (y, z)\ntry:\n    import q\nexcept ImportError:\n    pass\ndef f():\n    importlib.import_module(f'pkg.{n}')\n_m = {'A': 'p.q'}\ndef __getattr__(n):\n    return import_module(_m[n])\n",
    );
    let key = FileKey {
        dev: 1,
        ino: 2,
        size: 3,
        mtime_ns: -4,
    };
    let names = vec!["numpy.core".to_string()];
    let root = Path::new("/r");
    let entries = [Entry::Source(s), Entry::Names(names)];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.bin");
    for entry in entries {
        let mut w = Writer(Vec::new());
        w.record(&key, &entry);
        write_root_file(&path, root, &w.0).unwrap();
        let back = read_root_file(&path, root);
        assert_eq!(back, HashMap::from([(key, entry)]));
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_in_place_of_a_cache_file_is_not_read() {
    let tree = site();
    let cache_dir = tempfile::tempdir().unwrap();
    let b = load_dir(tree.path());
    let root = fs::canonicalize(tree.path()).unwrap();
    crate::regular_file::tests::make_fifo(&cache_dir.path().join(root_file_name(&root)));
    // Opening a FIFO for reading would block until a writer comes: this returns at once.
    let mut cache = ParseCache::load(cache_dir.path().to_path_buf(), &b);
    assert_eq!(cache.counts().0, 0);
    let i = Imports::analyze_cached(&b, &["app".to_string()], &mut cache);
    assert_eq!(cache.counts().1, 5);
    assert!(!summary(&i).is_empty());
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn records_go_to_a_temporary_file_while_analysing_which_only_a_save_puts_in_place() {
    let tree = site();
    let cache_dir = tempfile::tempdir().unwrap();
    let entries = vec!["app".to_string()];
    let b = load_dir(tree.path());
    let mut cache = ParseCache::load(cache_dir.path().to_path_buf(), &b);
    Imports::analyze_cached(&b, &entries, &mut cache);
    let during = files_in(cache_dir.path());
    assert_eq!(during.len(), 1, "{during:?}");
    assert!(during[0].contains(".tmp"), "{during:?}");
    cache.save().unwrap();
    let saved = files_in(cache_dir.path());
    assert!(saved.len() == 1 && !saved[0].contains(".tmp"), "{saved:?}");
    let good = fs::read(cache_dir.path().join(&saved[0])).unwrap();

    // An analysis that ends without a save (a quit, a panic) leaves the saved file as it
    // was and no temporary file behind.
    fs::write(tree.path().join("b.py"), "import a\n").unwrap();
    let b = load_dir(tree.path());
    let mut cache = ParseCache::load(cache_dir.path().to_path_buf(), &b);
    Imports::analyze_cached(&b, &entries, &mut cache);
    drop(cache);
    assert_eq!(files_in(cache_dir.path()), saved);
    assert_eq!(fs::read(cache_dir.path().join(&saved[0])).unwrap(), good);
}

#[test]
fn an_unchanged_run_rewrites_nothing_and_leaves_no_temporary_file() {
    let tree = site();
    let cache_dir = tempfile::tempdir().unwrap();
    let entries = vec!["app".to_string()];
    let b = load_dir(tree.path());
    let mut cache = ParseCache::load(cache_dir.path().to_path_buf(), &b);
    Imports::analyze_cached(&b, &entries, &mut cache);
    cache.save().unwrap();
    let saved = files_in(cache_dir.path());
    let mut warm = ParseCache::load(cache_dir.path().to_path_buf(), &b);
    Imports::analyze_cached(&b, &entries, &mut warm);
    assert_eq!(warm.counts(), (5, 0));
    warm.save().unwrap();
    assert_eq!(files_in(cache_dir.path()), saved);
}

#[test]
fn two_roots_at_one_path_share_one_file_with_every_record() {
    let tree = site();
    let cache_dir = tempfile::tempdir().unwrap();
    let entries = vec!["app".to_string()];
    let opts = LoadOptions {
        target: Target::default(),
        top_level: None,
    };
    let twice = [tree.path().to_path_buf(), tree.path().to_path_buf()];
    let Ok(b) = load(&twice, &opts, &mut |_| {}) else {
        return; // a load that refuses the same root twice needs no shared file
    };
    let mut cache = ParseCache::load(cache_dir.path().to_path_buf(), &b);
    Imports::analyze_cached(&b, &entries, &mut cache);
    cache.save().unwrap();
    let saved = files_in(cache_dir.path());
    assert_eq!(saved.len(), 1, "{saved:?}");
    let once = load_dir(tree.path());
    let mut warm = ParseCache::load(cache_dir.path().to_path_buf(), &once);
    Imports::analyze_cached(&once, &entries, &mut warm);
    assert_eq!(
        warm.counts(),
        (5, 0),
        "every source's record is in the file"
    );
}

#[test]
fn two_analyses_of_one_root_at_once_each_write_their_own_file_and_the_last_save_wins_whole() {
    let tree = tempfile::tempdir().unwrap();
    // Enough sources that records pass through the file in many writes, not one.
    for i in 0..3000 {
        fs::write(
            tree.path().join(format!("m{i}.py")),
            format!("import m{}\n", (i + 1) % 3000),
        )
        .unwrap();
    }
    let cache_dir = tempfile::tempdir().unwrap();
    let entries = vec!["m0".to_string()];
    let b = load_dir(tree.path());
    let mut first = ParseCache::load(cache_dir.path().to_path_buf(), &b);
    let mut second = ParseCache::load(cache_dir.path().to_path_buf(), &b);
    let one = Imports::analyze_cached(&b, &entries, &mut first);
    Imports::analyze_cached(&b, &entries, &mut second);
    assert_eq!(
        files_in(cache_dir.path()).len(),
        2,
        "one temporary file each"
    );
    first.save().unwrap();
    second.save().unwrap();
    let saved = files_in(cache_dir.path());
    assert!(saved.len() == 1 && !saved[0].contains(".tmp"), "{saved:?}");
    let mut warm = ParseCache::load(cache_dir.path().to_path_buf(), &b);
    let again = Imports::analyze_cached(&b, &entries, &mut warm);
    assert_eq!(warm.counts(), (3000, 0), "every record read back");
    assert_eq!(summary(&one), summary(&again));
}

#[test]
fn a_temporary_file_a_killed_run_left_is_removed_by_a_later_save_once_stale() {
    let tree = site();
    let cache_dir = tempfile::tempdir().unwrap();
    let entries = vec!["app".to_string()];
    let b = load_dir(tree.path());
    let left = cache_dir.path().join("0123456789abcdef.tmp99999-0");
    fs::write(&left, b"half a file").unwrap();
    let hour_and_a_bit = std::time::Duration::from_secs(61 * 60);
    fs::File::options()
        .write(true)
        .open(&left)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - hour_and_a_bit)
        .unwrap();
    let mut cache = ParseCache::load(cache_dir.path().to_path_buf(), &b);
    Imports::analyze_cached(&b, &entries, &mut cache);
    cache.save().unwrap();
    let saved = files_in(cache_dir.path());
    assert!(saved.len() == 1 && !saved[0].contains(".tmp"), "{saved:?}");
}
