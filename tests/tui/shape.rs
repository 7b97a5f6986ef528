//! The explorer's module shape: no import circle between the modules of `src/tui`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Words after `prefix` (`crate::tui::app` gives `app`; `super::{a, b}` gives both).
fn names_after(text: &str, prefix: &str, out: &mut BTreeSet<String>) {
    for (i, _) in text.match_indices(prefix) {
        let rest = &text[i + prefix.len()..];
        let group = if let Some(inner) = rest.strip_prefix('{') {
            &inner[..inner.find('}').unwrap_or(0)]
        } else {
            rest
        };
        for part in group.split(',') {
            let word: String = part
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !word.is_empty() {
                out.insert(word);
            }
            if !rest.starts_with('{') {
                break;
            }
        }
    }
}

/// Module -> the sibling modules its files use (test modules left out).
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
    let mut graph = BTreeMap::new();
    for e in fs::read_dir(&root).unwrap() {
        let p = e.unwrap().path();
        let Some(name) = p.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
            continue;
        };
        if p.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let mut list = vec![p.clone()];
        files(&root.join(&name), &mut list);
        let mut used = BTreeSet::new();
        for f in &list {
            let text = fs::read_to_string(f).unwrap();
            let text = text.split("#[cfg(test)]").next().unwrap_or("");
            names_after(text, "crate::tui::", &mut used);
            if f == &p {
                names_after(text, "super::", &mut used);
            }
        }
        used.remove(&name);
        graph.insert(name, used);
    }
    let known: BTreeSet<String> = graph.keys().cloned().collect();
    for used in graph.values_mut() {
        used.retain(|u| known.contains(u));
    }
    graph
}

fn reaches(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(m) = stack.pop() {
        if m == to {
            return true;
        }
        if seen.insert(m.clone()) {
            stack.extend(graph.get(&m).into_iter().flatten().cloned());
        }
    }
    false
}

#[test]
fn no_module_of_the_explorer_imports_one_that_imports_it_back() {
    let graph = imports();
    assert!(graph.contains_key("app") && graph["event"].contains("app"));
    for (m, used) in &graph {
        for u in used {
            assert!(
                !reaches(&graph, u, m),
                "tui::{m} uses tui::{u}, which leads back to it"
            );
        }
    }
}

#[test]
fn the_views_import_no_shell_module_only_leaves_with_shared_types() {
    let graph = imports();
    let views = &graph["views"];
    assert!(views.contains("keymap") && views.contains("layout"));
    for shell in [
        "app", "widgets", "event", "source", "watch", "scanwork", "zipwork",
    ] {
        assert!(
            !reaches(&graph, "views", shell),
            "tui::views leads to the shell module tui::{shell}: {views:?}"
        );
    }
    for leaf in views {
        let used = &graph[leaf];
        assert!(
            used.iter().all(|u| u == "exclusions" || u == "theme"),
            "tui::views uses tui::{leaf}, which is not a leaf: it uses {used:?}"
        );
    }
}
