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
            "try:\n    import g\nexcept ImportError:\n    g = None\nif TYPE_CHECKING:\n    import t\ndef f():\n    importlib.import_module('dyn')\n",
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
fn a_module_scope_import_call_is_reached_and_a_settings_string_stays_lazy() {
    let (_d, b) = bundle(&[
        (
            "app.py",
            "import importlib\nimportlib.import_module('eager')\n\
             DEFAULTS = {'api': 'lib.impl.Api'}\n\
             def get_class(fqn):\n    module, _ = fqn.rsplit('.', 1)\n    return importlib.import_module(module)\n",
        ),
        ("eager.py", ""),
        ("lib/__init__.py", ""),
        ("lib/impl.py", ""),
    ]);
    let i = analyze(&b, &["app"]);
    assert_eq!(
        reach(&b, &i, "eager.py"),
        Reach::Reached,
        "the call runs when app is imported"
    );
    assert_eq!(reach(&b, &i, "lib/impl.py"), Reach::Lazy);
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
        .map(|(m, _)| i.graph.finder.module(*m).name)
        .collect();
    assert_eq!(names, ["app", "a.b", "c"]);
}

/// A minimal 64-bit little-endian ELF with a dynamic section: `needed` libraries and a RUNPATH.
fn elf(needed: &[&str], runpath: Option<&str>) -> Vec<u8> {
    let mut dynstr = vec![0u8];
    let mut dynamic: Vec<(u64, u64)> = Vec::new();
    for n in needed {
        dynamic.push((1, dynstr.len() as u64));
        dynstr.extend_from_slice(n.as_bytes());
        dynstr.push(0);
    }
    if let Some(r) = runpath {
        dynamic.push((29, dynstr.len() as u64));
        dynstr.extend_from_slice(r.as_bytes());
        dynstr.push(0);
    }
    dynamic.push((0, 0));
    let shstr = b"\0.dynstr\0.dynamic\0.shstrtab\0";
    let dynstr_off = 64u64;
    let dynamic_off = dynstr_off + dynstr.len() as u64;
    let shstr_off = dynamic_off + 16 * dynamic.len() as u64;
    let sh_off = shstr_off + shstr.len() as u64;
    let mut out = Vec::new();
    out.extend_from_slice(&[0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(&3u16.to_le_bytes());
    out.extend_from_slice(&62u16.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&0u64.to_le_bytes());
    out.extend_from_slice(&0u64.to_le_bytes());
    out.extend_from_slice(&sh_off.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    for v in [64u16, 56, 0, 64, 4, 3] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&dynstr);
    for (tag, val) in &dynamic {
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&val.to_le_bytes());
    }
    out.extend_from_slice(shstr);
    let section = |name: u32, kind: u32, off: u64, size: u64, link: u32, entsize: u64| {
        let mut s = Vec::new();
        s.extend_from_slice(&name.to_le_bytes());
        s.extend_from_slice(&kind.to_le_bytes());
        s.extend_from_slice(&[0u8; 16]);
        s.extend_from_slice(&off.to_le_bytes());
        s.extend_from_slice(&size.to_le_bytes());
        s.extend_from_slice(&link.to_le_bytes());
        s.extend_from_slice(&0u32.to_le_bytes());
        s.extend_from_slice(&1u64.to_le_bytes());
        s.extend_from_slice(&entsize.to_le_bytes());
        s
    };
    out.extend_from_slice(&[0u8; 64]);
    out.extend(section(1, 3, dynstr_off, dynstr.len() as u64, 0, 0));
    out.extend(section(9, 6, dynamic_off, 16 * dynamic.len() as u64, 1, 16));
    out.extend(section(18, 3, shstr_off, shstr.len() as u64, 0, 0));
    out
}

#[test]
fn extension_modules_reach_their_needed_libraries_through_runpath_origin() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("fast.libs")).unwrap();
    std::fs::write(p.join("app.py"), "import fast\n").unwrap();
    let module = elf(&["libdep.so.1", "libc.so.6"], Some("$ORIGIN/fast.libs"));
    std::fs::write(p.join("fast.cpython-312-x86_64-linux-gnu.so"), module).unwrap();
    std::fs::write(
        p.join("fast.libs/libdep.so.1"),
        elf(&["libdeeper.so"], None),
    )
    .unwrap();
    std::fs::write(p.join("fast.libs/libdeeper.so"), elf(&[], None)).unwrap();
    std::fs::write(p.join("fast.libs/libunused.so"), elf(&[], None)).unwrap();
    let needs = elf::read_needs(&p.join("fast.cpython-312-x86_64-linux-gnu.so")).unwrap();
    assert_eq!(needs.needed, ["libdep.so.1", "libc.so.6"]);
    assert_eq!(needs.search, ["$ORIGIN/fast.libs"]);
    let b = load_dir(p);
    let i = analyze(&b, &["app"]);
    assert_eq!(reach(&b, &i, "fast.libs/libdep.so.1"), Reach::Reached);
    assert_eq!(
        reach(&b, &i, "fast.libs/libdeeper.so"),
        Reach::Reached,
        "found beside the library needing it"
    );
    assert_eq!(reach(&b, &i, "fast.libs/libunused.so"), Reach::Unreached);
}

#[test]
fn compiled_modules_reach_dotted_names_in_their_data_and_their_siblings() {
    let (_d, b) = bundle(&[
        ("app.py", "import pkg.core\n"),
        ("pkg/__init__.py", ""),
        (
            "pkg/core.cpython-312-x86_64-linux-gnu.so",
            "\0pkg.errors\0pkg.sub.helpers\0",
        ),
        ("pkg/errors.py", ""),
        ("pkg/_validation.py", ""),
        ("pkg/sub/__init__.py", ""),
        ("pkg/sub/helpers.py", ""),
        ("pkg/sub/other.py", ""),
    ]);
    let i = analyze(&b, &["app"]);
    assert_eq!(reach(&b, &i, "pkg/errors.py"), Reach::Lazy);
    assert_eq!(reach(&b, &i, "pkg/sub/helpers.py"), Reach::Lazy);
    assert_eq!(
        reach(&b, &i, "pkg/_validation.py"),
        Reach::Lazy,
        "siblings of compiled code"
    );
    assert_eq!(reach(&b, &i, "pkg/sub/other.py"), Reach::Unreached);
}

#[test]
fn the_unreached_preset_names_topmost_unreached_subtrees_only() {
    let (_d, b) = bundle(&[
        ("app.py", "import p\n"),
        ("p/__init__.py", ""),
        ("p/tests/__init__.py", ""),
        ("p/tests/test_a.py", ""),
        ("p/lazy.py", ""),
        ("spare/__init__.py", ""),
        ("spare/x.py", ""),
    ]);
    std::fs::write(
        b.tree.path(b.roots[0].node).join("p/__init__.py"),
        "def f():\n    import p.lazy\n",
    )
    .unwrap();
    let b = load_dir(&b.tree.path(b.roots[0].node));
    let i = analyze(&b, &["app"]);
    let values = |name: &str| -> Vec<String> {
        i.preset_rules(&b, name)
            .into_iter()
            .map(|r| r.value)
            .collect()
    };
    assert_eq!(values("unreached"), ["p/tests", "spare"]);
    assert_eq!(values("unreached-lazy"), ["p/lazy.py", "p/tests", "spare"]);
    let rule = &i.preset_rules(&b, "unreached")[0];
    assert_eq!(rule.preset.as_deref(), Some("unreached"));
    assert_eq!(
        rule.reason,
        "never imported from the entries; dynamic imports can't be proven"
    );
    assert_eq!(rule.root, Some(0));
}

#[test]
fn data_and_metadata_of_lazily_reached_code_are_lazy_with_it() {
    let record = |d: &str, files: &[&str]| {
        let rows: Vec<String> = files.iter().map(|f| format!("{f},,\n")).collect();
        (format!("{d}/RECORD"), rows.concat())
    };
    let (r_rec, r_rows) = record("r-1.0.dist-info", &["r/__init__.py", "r/r.json"]);
    let (l_rec, l_rows) = record("l-1.0.dist-info", &["l/__init__.py", "l/model.bin"]);
    let (_d, b) = bundle(&[
        ("app.py", "import r\ndef handler():\n    import l\n"),
        ("r/__init__.py", ""),
        ("r/r.json", "{}"),
        ("l/__init__.py", ""),
        ("l/model.bin", "weights"),
        ("l/sub/table.csv", "1,2"),
        (
            "r-1.0.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: r\nVersion: 1.0\n",
        ),
        (&r_rec, &r_rows),
        (
            "l-1.0.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: l\nVersion: 1.0\n",
        ),
        (
            "l-1.0.dist-info/entry_points.txt",
            "[console_scripts]\nl = l:main\n",
        ),
        (&l_rec, &l_rows),
    ]);
    let i = analyze(&b, &["app"]);
    assert_eq!(reach(&b, &i, "r/r.json"), Reach::Data);
    assert_eq!(reach(&b, &i, "r-1.0.dist-info/METADATA"), Reach::Data);
    assert_eq!(
        reach(&b, &i, "l/model.bin"),
        Reach::Lazy,
        "data of a package only a function imports is needed only when it runs"
    );
    assert_eq!(reach(&b, &i, "l/sub/table.csv"), Reach::Lazy);
    assert_eq!(reach(&b, &i, "l-1.0.dist-info/METADATA"), Reach::Lazy);
    assert_eq!(
        reach(&b, &i, "l-1.0.dist-info/entry_points.txt"),
        Reach::Data,
        "entry_points() reads every distribution's entry points"
    );
}

#[test]
fn lazy_paths_name_each_lazy_top_level_subtree_and_the_import_that_makes_it_lazy() {
    let (_d, b) = bundle(&[
        ("app.py", "import r\n"),
        (
            "r/__init__.py",
            "import importlib\n\ndef load():\n    return importlib.import_module('heavy')\n",
        ),
        ("heavy/__init__.py", "from . import core\n"),
        ("heavy/core.py", "x = 1\n"),
        ("heavy/weights.bin", "0123456789"),
        ("mixed/__init__.py", ""),
        ("mixed/later.py", ""),
        ("unused/__init__.py", ""),
    ]);
    let i = analyze(&b, &["app"]);
    let lazy = i.lazy_paths(&b);
    let paths: Vec<&str> = lazy.iter().map(|l| l.path.as_str()).collect();
    assert_eq!(
        paths,
        ["heavy"],
        "only subtrees with lazy code and nothing reached"
    );
    let heavy = &lazy[0];
    assert_eq!(heavy.lazy_bytes, 19 + 6 + 10);
    let via = heavy.via.as_ref().unwrap();
    assert_eq!(
        (
            via.module.as_str(),
            via.file.as_str(),
            via.line,
            via.kind.as_str()
        ),
        ("heavy", "r/__init__.py", 4, "dynamic")
    );
}

#[test]
fn the_python_version_chooses_the_abi_tag_of_extension_modules_and_caches() {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in [
        ("app.py", "import fast\n"),
        ("fast.cpython-312-x86_64-linux-gnu.so", "x"),
        ("fast.cpython-311-x86_64-linux-gnu.so", "x"),
        ("__pycache__/app.cpython-312.pyc", "x"),
        ("__pycache__/app.cpython-311.pyc", "x"),
    ] {
        std::fs::create_dir_all(dir.path().join(path).parent().unwrap()).unwrap();
        std::fs::write(dir.path().join(path), text).unwrap();
    }
    let opts = LoadOptions {
        target: Target {
            python: "3.11".into(),
            ..Target::default()
        },
        top_level: None,
    };
    let b = load(&[dir.path().to_path_buf()], &opts, &mut |_| {}).unwrap();
    let i = analyze(&b, &["app"]);
    assert_eq!(
        reach(&b, &i, "fast.cpython-311-x86_64-linux-gnu.so"),
        Reach::Reached
    );
    assert_eq!(
        reach(&b, &i, "fast.cpython-312-x86_64-linux-gnu.so"),
        Reach::Unreached
    );
    assert_eq!(
        reach(&b, &i, "__pycache__/app.cpython-311.pyc"),
        Reach::Reached
    );
    assert_eq!(
        reach(&b, &i, "__pycache__/app.cpython-312.pyc"),
        Reach::Unreached
    );
}

#[test]
fn default_entries_come_from_top_level_txt_when_there_is_one() {
    let (_d, b) = bundle(&[
        ("pkg/__init__.py", ""),
        ("_pkg_native.py", ""),
        (
            "pkg-1.0.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n",
        ),
        ("pkg-1.0.dist-info/top_level.txt", "pkg\n"),
        (
            "pkg-1.0.dist-info/RECORD",
            "pkg/__init__.py,,\n_pkg_native.py,,\npkg-1.0.dist-info/METADATA,,\n",
        ),
    ]);
    let i = analyze(&b, &[]);
    assert!(i.default_entries);
    assert_eq!(i.entries, ["pkg"]);
    assert_eq!(reach(&b, &i, "pkg/__init__.py"), Reach::Reached);
    assert_eq!(reach(&b, &i, "_pkg_native.py"), Reach::Unreached);
}

#[test]
fn a_ten_megabyte_generated_source_is_scanned_to_its_end() {
    let mut big = String::from("TABLE = [\n");
    while big.len() < 10 << 20 {
        big.push_str("    (0x1234, 'import not_a_module', \"from x import y\"),  # import z\n");
    }
    big.push_str("]\nimport tail\n");
    let (_d, b) = bundle(&[("gen.py", &big), ("tail.py", ""), ("z.py", "")]);
    let i = analyze(&b, &["gen"]);
    assert!(i.graph.unparsed.is_empty(), "{:?}", i.graph.unparsed);
    assert_eq!(reach(&b, &i, "tail.py"), Reach::Reached);
    assert_eq!(
        reach(&b, &i, "z.py"),
        Reach::Unreached,
        "strings and comments are no imports"
    );
}

#[test]
fn python2_syntax_errors_bad_bytes_and_encodings_never_stop_the_graph() {
    let dir = tempfile::tempdir().unwrap();
    let files: [(&str, &[u8]); 7] = [
        ("app.py", b"import old, broken, latin, fstr\n"),
        (
            "old.py",
            b"print \"hi\"\nexec code in ns\ntry:\n    import cPickle as pickle\nexcept ImportError, e:\n    import one\n",
        ),
        ("broken.py", b"def f(:\n    return [1, 2\nimport two\n"),
        ("latin.py", b"# -*- coding: latin-1 -*-\ns = '\xe9t\xe9'\nimport three\n"),
        ("fstr.py", b"x = f\"{'import no'}{y!r:>{w}}\"\nimport four\n"),
        ("one.py", b""),
        ("two.py", b""),
    ];
    for (path, bytes) in files {
        std::fs::write(dir.path().join(path), bytes).unwrap();
    }
    for m in ["three", "four", "no"] {
        std::fs::write(dir.path().join(format!("{m}.py")), "").unwrap();
    }
    let b = load_dir(dir.path());
    let i = analyze(&b, &["app"]);
    assert!(i.graph.unparsed.is_empty(), "{:?}", i.graph.unparsed);
    assert_eq!(
        reach(&b, &i, "one.py"),
        Reach::Lazy,
        "Python 2 except clause guards"
    );
    for m in ["two.py", "three.py", "four.py"] {
        assert_eq!(reach(&b, &i, m), Reach::Reached, "{m}");
    }
    assert_eq!(reach(&b, &i, "no.py"), Reach::Unreached);
}
