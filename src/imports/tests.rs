use std::path::Path;

use super::*;
use crate::bundle::Target;
use crate::load::{LoadOptions, load};

/// Writes `files` (path, contents) under a temp dir and loads it as one root.
fn bundle(files: &[(&str, &str)]) -> (tempfile::TempDir, Bundle) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
    }
    let b = load_dir(dir.path());
    (dir, b)
}

fn load_dir(path: &Path) -> Bundle {
    let opts = LoadOptions {
        target: Target::default(),
        top_level: None,
    };
    load(&[path.to_path_buf()], &opts, &mut |_| {}).unwrap()
}

fn reach(b: &Bundle, i: &Imports, path: &str) -> Reach {
    let node = b
        .tree
        .resolve(b.roots[0].node, path.as_bytes())
        .unwrap_or_else(|| panic!("{path} in tree"));
    i.of(node)
}

fn analyze(b: &Bundle, entries: &[&str]) -> Imports {
    let entries: Vec<String> = entries.iter().map(|e| (*e).to_string()).collect();
    Imports::analyze(b, &entries)
}

#[test]
fn top_imports_reach_and_function_imports_are_lazy() {
    let (_d, b) = bundle(&[
        ("app.py", "import a.b\ndef handler():\n    import c\n"),
        ("a/__init__.py", ""),
        ("a/b.py", ""),
        ("a/unused.py", ""),
        ("c.py", ""),
        ("d.py", "import a"),
    ]);
    let i = analyze(&b, &["app.handler"]);
    assert_eq!(reach(&b, &i, "app.py"), Reach::Reached);
    assert_eq!(
        reach(&b, &i, "a/__init__.py"),
        Reach::Reached,
        "importing a.b runs a"
    );
    assert_eq!(reach(&b, &i, "a/b.py"), Reach::Reached);
    assert_eq!(reach(&b, &i, "c.py"), Reach::Lazy);
    assert_eq!(reach(&b, &i, "a/unused.py"), Reach::Unreached);
    assert_eq!(reach(&b, &i, "d.py"), Reach::Unreached);
}

#[test]
fn from_imports_name_a_submodule_when_there_is_one() {
    let (_d, b) = bundle(&[
        ("app.py", "from p import sub, attr\nfrom . import sibling\n"),
        ("p/__init__.py", "attr = 1\n"),
        ("p/sub.py", ""),
        ("p/other.py", ""),
        ("sibling.py", ""),
    ]);
    let i = analyze(&b, &["app"]);
    assert_eq!(reach(&b, &i, "p/sub.py"), Reach::Reached);
    assert_eq!(reach(&b, &i, "p/other.py"), Reach::Unreached);
    assert!(
        i.graph.missing.is_empty(),
        "attr is an attribute: {:?}",
        i.graph.missing
    );
}

#[test]
fn relative_imports_resolve_against_the_package() {
    let (_d, b) = bundle(&[
        ("p/__init__.py", "from .q import r\nfrom . import s\n"),
        ("p/q/__init__.py", "from ..s import x\n"),
        ("p/q/r.py", ""),
        ("p/s.py", ""),
    ]);
    let i = analyze(&b, &["p"]);
    for f in ["p/q/__init__.py", "p/q/r.py", "p/s.py"] {
        assert_eq!(reach(&b, &i, f), Reach::Reached, "{f}");
    }
}

#[test]
fn guarded_dynamic_and_type_only_edges_have_their_kinds() {
    let (_d, b) = bundle(&[
        (
            "app.py",
            "try:\n    import g\nexcept ImportError:\n    g = None\nif TYPE_CHECKING:\n    import t\nimportlib.import_module('dyn')\n",
        ),
        ("g.py", ""),
        ("t.py", ""),
        ("dyn.py", ""),
    ]);
    let i = analyze(&b, &["app"]);
    assert_eq!(reach(&b, &i, "g.py"), Reach::Lazy);
    assert_eq!(reach(&b, &i, "dyn.py"), Reach::Lazy);
    assert_eq!(
        reach(&b, &i, "t.py"),
        Reach::Unreached,
        "type-only imports never run"
    );
    let kinds: Vec<EdgeKind> = i.graph.edges.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [EdgeKind::Guarded, EdgeKind::TypeOnly, EdgeKind::Dynamic]
    );
}

#[test]
fn pep562_tables_are_dynamic_edges() {
    let (_d, b) = bundle(&[
        (
            "lc/__init__.py",
            "_lookup = {'FAISS': 'lc.faiss', 'Cls': 'lc.other.Cls'}\ndef __getattr__(n):\n    return importlib.import_module(_lookup[n])\n",
        ),
        ("lc/faiss.py", ""),
        ("lc/other.py", ""),
        ("lc/never.py", ""),
    ]);
    let i = analyze(&b, &["lc"]);
    assert_eq!(reach(&b, &i, "lc/faiss.py"), Reach::Lazy);
    assert_eq!(
        reach(&b, &i, "lc/other.py"),
        Reach::Lazy,
        "a class path reaches its module"
    );
    assert_eq!(reach(&b, &i, "lc/never.py"), Reach::Unreached);
}

#[test]
fn fstring_prefixes_reach_the_direct_submodules() {
    let (_d, b) = bundle(&[
        (
            "p/__init__.py",
            "def load(n):\n    return import_module(f'.{n}', __name__)\n",
        ),
        ("p/a.py", ""),
        ("p/sub/__init__.py", ""),
        ("p/sub/deep.py", ""),
    ]);
    let i = analyze(&b, &["p"]);
    assert_eq!(reach(&b, &i, "p/a.py"), Reach::Lazy);
    assert_eq!(reach(&b, &i, "p/sub/__init__.py"), Reach::Lazy);
    assert_eq!(reach(&b, &i, "p/sub/deep.py"), Reach::Unreached);
}

#[test]
fn namespace_packages_merge_across_roots() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    for (dir, file) in [(&one, "ns/a.py"), (&two, "ns/b.py")] {
        std::fs::create_dir_all(dir.path().join("ns")).unwrap();
        std::fs::write(dir.path().join(file), "").unwrap();
    }
    std::fs::write(one.path().join("app.py"), "import ns.a, ns.b\n").unwrap();
    let opts = LoadOptions::default();
    let b = load(
        &[one.path().to_path_buf(), two.path().to_path_buf()],
        &opts,
        &mut |_| {},
    )
    .unwrap();
    let i = analyze(&b, &["app"]);
    let b_node = b.tree.resolve(b.roots[1].node, b"ns/b.py").unwrap();
    assert_eq!(i.of(b_node), Reach::Reached);
    assert!(i.graph.missing.is_empty(), "{:?}", i.graph.missing);
}

#[test]
fn the_first_root_shadows_later_copies() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    for dir in [&one, &two] {
        std::fs::write(dir.path().join("m.py"), "").unwrap();
    }
    let b = load(
        &[one.path().to_path_buf(), two.path().to_path_buf()],
        &LoadOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    let i = analyze(&b, &["m"]);
    assert_eq!(
        i.of(b.tree.resolve(b.roots[0].node, b"m.py").unwrap()),
        Reach::Reached
    );
    assert_eq!(
        i.of(b.tree.resolve(b.roots[1].node, b"m.py").unwrap()),
        Reach::Unreached
    );
}

#[test]
fn extension_modules_follow_the_target_abi_tags() {
    let (_d, b) = bundle(&[
        ("app.py", "import fast, stable, plain\n"),
        ("fast.cpython-312-x86_64-linux-gnu.so", "x"),
        ("fast.cpython-311-x86_64-linux-gnu.so", "x"),
        ("stable.abi3.so", "x"),
        ("plain.so", "x"),
    ]);
    let i = analyze(&b, &["app"]);
    assert_eq!(
        reach(&b, &i, "fast.cpython-312-x86_64-linux-gnu.so"),
        Reach::Reached
    );
    assert_eq!(
        reach(&b, &i, "fast.cpython-311-x86_64-linux-gnu.so"),
        Reach::Unreached
    );
    assert_eq!(reach(&b, &i, "stable.abi3.so"), Reach::Reached);
    assert_eq!(reach(&b, &i, "plain.so"), Reach::Reached);
}

#[test]
fn sourceless_modules_and_caches_for_the_target_are_reached() {
    let (_d, b) = bundle(&[
        ("app.py", "import compiled\n"),
        ("__pycache__/app.cpython-312.pyc", "x"),
        ("__pycache__/app.cpython-311.pyc", "x"),
        ("compiled.pyc", "x"),
    ]);
    let i = analyze(&b, &["app"]);
    assert_eq!(reach(&b, &i, "compiled.pyc"), Reach::Reached);
    assert_eq!(
        reach(&b, &i, "__pycache__/app.cpython-312.pyc"),
        Reach::Reached
    );
    assert_eq!(
        reach(&b, &i, "__pycache__/app.cpython-311.pyc"),
        Reach::Unreached
    );
}

#[test]
fn data_of_reached_packages_is_kept_but_not_of_unreached_subpackages() {
    let (_d, b) = bundle(&[
        ("p/__init__.py", ""),
        ("p/schema.json", "{}"),
        ("p/migrations/001.sql", "x"),
        ("p/tests/__init__.py", ""),
        ("p/tests/fixture.json", "{}"),
        ("q/__init__.py", ""),
        ("q/data.txt", "x"),
    ]);
    let i = analyze(&b, &["p"]);
    assert_eq!(reach(&b, &i, "p/schema.json"), Reach::Data);
    assert_eq!(reach(&b, &i, "p/migrations/001.sql"), Reach::Data);
    assert_eq!(reach(&b, &i, "p/tests/fixture.json"), Reach::Unreached);
    assert_eq!(reach(&b, &i, "q/data.txt"), Reach::Unreached);
}

#[test]
fn stdlib_imports_are_never_missing_and_unknown_ones_are() {
    let (_d, b) = bundle(&[(
        "app.py",
        "import os, json.decoder, tomllib\nimport nowhere.sub\nfrom os import path\n",
    )]);
    let i = analyze(&b, &["app"]);
    let missing: Vec<&str> = i.graph.missing.iter().map(|m| m.module.as_str()).collect();
    assert_eq!(missing, ["nowhere.sub"]);
}

#[test]
fn unreadable_sources_are_unparsed_and_keep_their_package() {
    let (d, b) = bundle(&[
        ("app.py", "import p\n"),
        ("p/__init__.py", ""),
        ("p/broken.py", "import x"),
        ("p/data.bin", "x"),
    ]);
    std::fs::remove_file(d.path().join("p/broken.py")).unwrap();
    let i = analyze(&b, &["nothing_here"]);
    assert_eq!(reach(&b, &i, "p/broken.py"), Reach::Unparsed);
    assert_eq!(
        reach(&b, &i, "p/data.bin"),
        Reach::Data,
        "its package stays reached"
    );
    assert_eq!(i.unresolved, ["nothing_here"]);
}

#[test]
fn entries_can_be_files_and_default_to_top_level_distributions() {
    let (_d, b) = bundle(&[
        ("scripts/run.py", "import m\n"),
        ("m.py", ""),
        (
            "m-1.0.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: m\nVersion: 1.0\n",
        ),
        (
            "m-1.0.dist-info/RECORD",
            "m.py,,\nm-1.0.dist-info/METADATA,,\n",
        ),
    ]);
    let i = analyze(&b, &["scripts/run.py"]);
    assert_eq!(reach(&b, &i, "m.py"), Reach::Reached);
    assert_eq!(
        reach(&b, &i, "m-1.0.dist-info/METADATA"),
        Reach::Data,
        "metadata of a used distribution"
    );
    let d = analyze(&b, &[]);
    assert!(d.default_entries);
    assert_eq!(d.entries, ["m"]);
}

#[test]
fn chains_name_each_link_from_the_entry() {
    let (_d, b) = bundle(&[
        ("app.py", "\nimport a.b\n"),
        ("a/__init__.py", ""),
        ("a/b.py", "import c\n"),
        ("c.py", ""),
    ]);
    let i = analyze(&b, &["app"]);
    let c = i
        .module_of_file(b.tree.resolve(b.roots[0].node, b"c.py").unwrap())
        .unwrap();
    let names: Vec<&str> = i
        .chain(c)
        .iter()
        .map(|(m, _)| i.graph.finder.module(*m).name.as_str())
        .collect();
    assert_eq!(names, ["app", "a.b", "c"]);
}
