use std::fs;
use std::path::Path;

use super::*;
use crate::bundle::Target;
use crate::imports::Imports;
use crate::imports::wire::ImportsJson;
use crate::load::LoadOptions;

fn load_dir(path: &Path) -> Bundle {
    let opts = LoadOptions {
        target: Target::default(),
        top_level: None,
    };
    crate::load::load(&[path.to_path_buf()], &opts, &mut |_| {}).unwrap()
}

/// A site with every edge kind, a missing import, an unparsed source, a lazy table and an
/// extension module whose bytes name a module.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files: [(&str, &[u8]); 10] = [
        (
            "app.py",
            b"import a\nimport nowhere.at_all\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import b\ndef f():\n    import b\ntry:\n    import ext\nexcept ImportError:\n    pass\n",
        ),
        (
            "a/__init__.py",
            b"from . import c\n_lazy = {'X': 'a.d'}\ndef __getattr__(n):\n    return importlib.import_module(_lazy[n])\n",
        ),
        ("a/c.py", b"from .. import b\n"),
        ("a/d.py", b""),
        ("b.py", b""),
        ("bad.py", b"\xff\xfe import (\n"),
        ("ext.so", b"\x00a.d\x00pkg.mod\x00"),
        ("pkg/__init__.py", b""),
        ("pkg/mod.py", b"import a.c\n"),
        ("pkg/unused.py", b""),
    ];
    for (path, bytes) in files {
        let p = dir.path().join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, bytes).unwrap();
    }
    dir
}

/// Everything an answer shows: the JSON document, each module's reach and first link, and
/// the module table.
fn answer(b: &Bundle, i: &Imports) -> (serde_json::Value, String) {
    let names: Vec<&str> = i.graph.finder.modules.iter().map(|m| m.name).collect();
    (
        serde_json::to_value(ImportsJson::new(b, i)).unwrap(),
        format!("{:?} {:?} {names:?}", i.walk, i.reach),
    )
}

fn entries() -> Vec<String> {
    vec!["app".to_string()]
}

#[test]
fn a_stored_graph_gives_the_answer_of_an_uncached_analysis() {
    let tree = site();
    let cache = tempfile::tempdir().unwrap();
    let b = load_dir(tree.path());
    let uncached = Imports::analyze(&b, &entries());
    let names = entries();
    let inputs = Inputs::of(&b, &names).expect("a directory walked from disk has identities");
    assert!(load(cache.path(), &b, &names, &inputs).is_none());

    let cold = Imports::analyze_in(&b, &entries(), cache.path());
    assert!(
        load(cache.path(), &b, &names, &inputs).is_some(),
        "the first analysis stores its graph"
    );
    let warm = Imports::analyze_in(&b, &entries(), cache.path());
    assert_eq!(answer(&b, &cold), answer(&b, &uncached));
    assert_eq!(answer(&b, &warm), answer(&b, &uncached));
    assert!(
        warm.graph
            .edges
            .iter()
            .any(|e| e.kind == crate::imports::EdgeKind::Dynamic
                && warm.graph.finder.module(e.to).name == "pkg.mod"),
        "the extension module's edges are stored too"
    );

    // Same inode, size and mtime, other bytes: only a stored graph still shows the old import.
    let c = tree.path().join("a/c.py");
    let mtime = fs::metadata(&c).unwrap().modified().unwrap();
    fs::write(&c, "from .. import x\n").unwrap();
    fs::File::options()
        .write(true)
        .open(&c)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let b = load_dir(tree.path());
    assert_eq!(Inputs::of(&b, &names).unwrap().digest, inputs.digest);
    let stored = Imports::analyze_in(&b, &entries(), cache.path());
    assert_eq!(
        answer(&b, &stored),
        answer(&b, &uncached),
        "the stored graph is used"
    );
}

/// A site whose graph for `app` is stored in a fresh cache directory, and that graph's digest.
fn stored() -> (tempfile::TempDir, tempfile::TempDir, [u64; 2]) {
    let tree = site();
    let cache = tempfile::tempdir().unwrap();
    let b = load_dir(tree.path());
    Imports::analyze_in(&b, &entries(), cache.path());
    let digest = Inputs::of(&b, &entries()).unwrap().digest;
    (tree, cache, digest)
}

/// Loads the changed site again: its digest is not `before`, and the analysis with the cache
/// answers as an uncached one does.
fn reanalysed(tree: &Path, cache: &Path, before: [u64; 2]) -> (Bundle, Imports) {
    let b = load_dir(tree);
    assert_ne!(Inputs::of(&b, &entries()).unwrap().digest, before);
    let warm = Imports::analyze_in(&b, &entries(), cache);
    assert_eq!(
        answer(&b, &warm),
        answer(&b, &Imports::analyze(&b, &entries()))
    );
    (b, warm)
}

#[test]
fn changing_one_import_invalidates_the_stored_graph() {
    let (tree, cache, before) = stored();
    fs::write(tree.path().join("a/d.py"), "import pkg.unused\n").unwrap();
    let (b, warm) = reanalysed(tree.path(), cache.path(), before);
    let unused = b.tree.resolve(b.roots[0].node, b"pkg/unused.py").unwrap();
    assert_eq!(warm.of(unused), crate::imports::Reach::Lazy);
}

#[test]
fn a_new_file_or_other_entries_miss_the_stored_graph() {
    let (tree, cache, before) = stored();
    let b = load_dir(tree.path());
    assert_ne!(Inputs::of(&b, &["pkg".to_string()]).unwrap().digest, before);
    fs::create_dir(tree.path().join("nowhere")).unwrap();
    fs::write(tree.path().join("nowhere/at_all.py"), "").unwrap();
    let (_, warm) = reanalysed(tree.path(), cache.path(), before);
    assert!(
        warm.graph
            .missing
            .iter()
            .all(|m| m.module != "nowhere.at_all"),
        "nowhere resolves now: {:?}",
        warm.graph.missing
    );
}

#[test]
fn a_damaged_graph_file_is_ignored() {
    let tree = site();
    let cache = tempfile::tempdir().unwrap();
    let b = load_dir(tree.path());
    let clean = Imports::analyze_in(&b, &entries(), cache.path());
    let file = file_for(cache.path(), &b, &entries()).unwrap();
    let good = fs::read(&file).unwrap();
    let header = MAGIC.len() + 16;
    let mut huge = good.clone();
    huge[header + 4..header + 8].copy_from_slice(&u32::MAX.to_le_bytes());
    let mut bad_id = good.clone();
    let last = bad_id.len() - 4;
    bad_id[last - 8..last - 4].copy_from_slice(&0x7fff_fff0_u32.to_le_bytes());
    for bytes in [
        good[..good.len() - 3].to_vec(),
        [&good[..header], &[0xff; 64][..]].concat(),
        huge,
        bad_id,
    ] {
        fs::write(&file, &bytes).unwrap();
        let i = Imports::analyze_in(&b, &entries(), cache.path());
        assert_eq!(answer(&b, &i), answer(&b, &clean));
    }
}
