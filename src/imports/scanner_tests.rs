use super::*;

fn imports(src: &str) -> Vec<(String, EdgeKind, u32)> {
    scan(src.as_bytes())
        .imports
        .into_iter()
        .map(|i| {
            let mut m = ".".repeat(i.level as usize) + &i.module;
            if !i.names.is_empty() {
                m = format!("{m}:{}", i.names.join(","));
            }
            if i.prefix {
                m.push('*');
            }
            (m, i.kind, i.line)
        })
        .collect()
}

fn one(src: &str) -> (String, EdgeKind) {
    let all = imports(src);
    assert_eq!(all.len(), 1, "{all:?}");
    (all[0].0.clone(), all[0].1)
}

#[test]
fn module_scope_imports_are_top_with_their_lines() {
    let got = imports("'''doc'''\nimport a.b as c, d\nfrom e.f import (g as h,\n  i)\n");
    assert_eq!(
        got,
        [
            ("a.b".to_string(), EdgeKind::Top, 2),
            ("d".to_string(), EdgeKind::Top, 2),
            ("e.f:g,i".to_string(), EdgeKind::Top, 3),
        ]
    );
}

#[test]
fn relative_imports_keep_their_level() {
    assert_eq!(one("from . import x"), (".:x".into(), EdgeKind::Top));
    assert_eq!(one("from ..y import z"), ("..y:z".into(), EdgeKind::Top));
    assert_eq!(
        one("from ...a.b import *"),
        ("...a.b".into(), EdgeKind::Top)
    );
}

#[test]
fn imports_inside_functions_are_deferred() {
    let src = "import a\ndef f():\n    import b\n    class C:\n        import c\nimport d\n";
    let kinds: Vec<EdgeKind> = imports(src).into_iter().map(|i| i.1).collect();
    assert_eq!(
        kinds,
        [
            EdgeKind::Top,
            EdgeKind::Deferred,
            EdgeKind::Deferred,
            EdgeKind::Top
        ]
    );
}

#[test]
fn class_bodies_run_at_import() {
    assert_eq!(one("class A:\n    import x\n").1, EdgeKind::Top);
}

#[test]
fn try_blocks_catching_import_errors_guard_both_branches() {
    let src = "try:\n    import ujson as json\nexcept ImportError:\n    import json\n";
    let kinds: Vec<EdgeKind> = imports(src).into_iter().map(|i| i.1).collect();
    assert_eq!(kinds, [EdgeKind::Guarded, EdgeKind::Guarded]);
    for handler in [
        "except (ModuleNotFoundError, OSError):",
        "except Exception as e:",
        "except:",
    ] {
        let src = format!("try:\n    import a\n{handler}\n    pass\n");
        assert_eq!(one(&src).1, EdgeKind::Guarded, "{handler}");
    }
}

#[test]
fn try_blocks_catching_other_errors_stay_top() {
    let src = "try:\n    import a\nexcept KeyError:\n    pass\nfinally:\n    import b\n";
    let kinds: Vec<EdgeKind> = imports(src).into_iter().map(|i| i.1).collect();
    assert_eq!(kinds, [EdgeKind::Top, EdgeKind::Top]);
}

#[test]
fn suppress_import_error_guards() {
    let src = "with contextlib.suppress(ImportError):\n    import a\n";
    assert_eq!(one(src).1, EdgeKind::Guarded);
}

#[test]
fn type_checking_blocks_are_type_only_but_their_else_runs() {
    let src =
        "if TYPE_CHECKING:\n    import a\nelse:\n    import b\nif typing.TYPE_CHECKING: import c\n";
    let kinds: Vec<EdgeKind> = imports(src).into_iter().map(|i| i.1).collect();
    assert_eq!(
        kinds,
        [EdgeKind::TypeOnly, EdgeKind::Top, EdgeKind::TypeOnly]
    );
    assert_eq!(
        one("if not TYPE_CHECKING:\n    import a\n").1,
        EdgeKind::Top
    );
}

#[test]
fn a_literal_import_call_at_module_scope_runs_at_import_like_a_statement() {
    assert_eq!(
        one("importlib.import_module('onnxruntime')"),
        ("onnxruntime".into(), EdgeKind::Top)
    );
    assert_eq!(
        one("class C:\n    m = __import__('x.y')\n"),
        ("x.y".into(), EdgeKind::Top),
        "a class body runs at import"
    );
    assert_eq!(
        one("if sys.platform == 'linux':\n    m = import_module('.b', 'pkg.a')\n"),
        ("pkg.a.b".into(), EdgeKind::Top)
    );
    let kinds = |src: &str| -> Vec<EdgeKind> { imports(src).into_iter().map(|i| i.1).collect() };
    assert_eq!(
        kinds("try:\n    m = import_module('a')\nexcept ImportError:\n    m = __import__('b')\n"),
        [EdgeKind::Dynamic, EdgeKind::Dynamic],
        "optional at start-up: a guarded call and its fallback stay dynamic"
    );
    assert_eq!(
        kinds("if TYPE_CHECKING:\n    import_module('a')\n"),
        [EdgeKind::TypeOnly]
    );
}

#[test]
fn literal_import_calls_in_functions_or_with_computed_names_are_dynamic() {
    assert_eq!(
        one("def f():\n    return __import__(\"x.y\")\n"),
        ("x.y".into(), EdgeKind::Dynamic)
    );
    assert_eq!(
        one("m = import_module(f\".{name}\", __package__)"),
        (".*".into(), EdgeKind::Dynamic)
    );
    assert_eq!(
        one("m = import_module('.' + name, __name__)"),
        (".*".into(), EdgeKind::Dynamic)
    );
    assert_eq!(
        one("def f():\n    m = import_module('.b', 'pkg.a')\n"),
        ("pkg.a.b".into(), EdgeKind::Dynamic)
    );
    assert_eq!(
        one("m = import_module(f'langchain.llms.{x}')"),
        ("langchain.llms.*".into(), EdgeKind::Dynamic)
    );
}

#[test]
fn computed_import_calls_are_not_edges() {
    assert!(imports("importlib.import_module(name)").is_empty());
    assert!(imports("import_module(f'{a}.{b}')").is_empty());
}

#[test]
fn lazy_modules_offer_their_module_strings() {
    let src = "_lookup = {'FAISS': 'langchain_community.vectorstores.faiss', 'x': 'not a module'}\n\
               def __getattr__(name):\n    return importlib.import_module(_lookup[name])\n";
    let s = scan(src.as_bytes());
    let lits: Vec<&str> = s.literals.iter().map(|l| l.0.as_str()).collect();
    assert_eq!(
        lits,
        ["FAISS", "langchain_community.vectorstores.faiss", "x"]
    );
    assert_eq!(s.literals[1].1, 1);
    assert!(
        scan(b"X = 'a.b'\n").literals.is_empty(),
        "no lazy pattern, no literals"
    );
    let relative =
        scan(b"_d = {'v': (__spec__.parent, '.deprecated.cv')}\ndef __getattr__(n): pass\n");
    assert_eq!(
        relative.literals[1].0, ".deprecated.cv",
        "relative names count too"
    );
}

#[test]
fn imports_in_strings_comments_and_fstrings_are_ignored() {
    let src = "s = \"import a\"  # import b\nt = '''\nfrom c import d\n'''\nu = f\"{'import e'}\"\nv = b'import f'\n";
    assert!(imports(src).is_empty(), "{:?}", imports(src));
}

#[test]
fn semicolons_and_one_line_blocks_split_statements() {
    let src = "import a; import b\nif x: import c\ndef f(): import d\nimport e\n";
    let got: Vec<(String, EdgeKind)> = imports(src).into_iter().map(|i| (i.0, i.1)).collect();
    assert_eq!(
        got,
        [
            ("a".into(), EdgeKind::Top),
            ("b".into(), EdgeKind::Top),
            ("c".into(), EdgeKind::Top),
            ("d".into(), EdgeKind::Deferred),
            ("e".into(), EdgeKind::Top),
        ]
    );
}

#[test]
fn python2_files_and_bad_bytes_still_yield_imports() {
    let src = b"# -*- coding: latin-1 -*-\nimport os, \xe9t\xe9\nprint \"hi\"\nexec code in ns\ntry:\n    import cPickle as pickle\nexcept ImportError, e:\n    import pickle\nfrom foo import (bar\nimport baz\n";
    let got: Vec<String> = scan(src).imports.into_iter().map(|i| i.module).collect();
    assert_eq!(
        got,
        ["os", "\u{e9}t\u{e9}", "cPickle", "pickle", "foo", "baz"]
    );
}

#[test]
fn deep_nesting_and_huge_lines_do_not_stop_the_scan() {
    let mut src = "x = ".to_string() + &"(".repeat(100_000) + &")".repeat(100_000) + "\n";
    src.push_str(&"[1, 2, 3],\n".repeat(10_000));
    src.push_str("import after\n");
    let got = imports(&src);
    assert_eq!(got.last().map(|i| i.0.as_str()), Some("after"));
}

#[test]
fn line_continuations_keep_the_statement_whole() {
    assert_eq!(
        one("from a \\\n  import b\n"),
        ("a:b".into(), EdgeKind::Top)
    );
}

#[test]
fn a_try_inside_a_function_ends_with_the_function() {
    let src =
        "def f():\n    try:\n        import a\n    except ImportError:\n        pass\nimport b\n";
    let kinds: Vec<EdgeKind> = imports(src).into_iter().map(|i| i.1).collect();
    assert_eq!(kinds, [EdgeKind::Deferred, EdgeKind::Top]);
}

#[test]
fn a_pep_263_latin_1_source_names_its_modules_in_latin_1() {
    let src = b"#!/usr/bin/env python\n# -*- coding: latin-1 -*-\nimport \xe9t\xe9\nfrom caf\xe9 import x\n";
    let got: Vec<String> = scan(src).imports.into_iter().map(|i| i.module).collect();
    assert_eq!(got, ["\u{e9}t\u{e9}", "caf\u{e9}"]);
    let third_line = b"\n\n# -*- coding: latin-1 -*-\nimport \xe9t\xe9\n";
    let got: Vec<String> = scan(third_line)
        .imports
        .into_iter()
        .map(|i| i.module)
        .collect();
    assert_eq!(
        got,
        ["\u{fffd}t\u{fffd}"],
        "only the first two lines declare"
    );
}
