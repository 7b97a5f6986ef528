use super::*;
use crate::bundle::{Bundle, Distribution, Target};
use crate::deps::TopLevel;
use crate::python::requirement::Requirement;

/// A bundle of distributions `(name, bytes, requires)`, no file tree.
fn bundle(spec: &[(&str, u64, &[&str])]) -> Bundle {
    bundle_with(spec, None)
}

fn bundle_with(spec: &[(&str, u64, &[&str])], top: Option<&[TopLevel]>) -> Bundle {
    let dists: Vec<Distribution> = spec
        .iter()
        .map(|(name, bytes, reqs)| Distribution {
            name: (*name).to_string(),
            key: crate::python::name::normalize(name),
            version: "1.0".into(),
            requires: reqs
                .iter()
                .map(|r| Requirement::parse(r).unwrap())
                .collect(),
            sizes: Sizes {
                files: 1,
                bytes: *bytes,
                disk: *bytes,
                zipped: *bytes / 2,
            },
            ..Distribution::default()
        })
        .collect();
    let target = Target::default();
    let graph = DepGraph::build(&dists, &target.env(), top);
    Bundle {
        dists,
        target,
        graph,
        ..Bundle::default()
    }
}

fn id(b: &Bundle, key: &str) -> DistId {
    b.dist_by_key(key).unwrap()
}

fn retained_by_brute_force(b: &Bundle, d: DistId) -> u64 {
    orphaned_by(&b.graph, &[d])
        .iter()
        .map(|x| b.dist(*x).sizes.bytes)
        .sum()
}

fn insight(b: &Bundle) -> Insight {
    Insight::compute(b, &InsightOptions::default())
}

#[test]
fn a_diamond_keeps_the_shared_bottom_out_of_both_sides() {
    let b = bundle(&[
        ("app", 1, &["left", "right"]),
        ("left", 10, &["bottom"]),
        ("right", 100, &["bottom"]),
        ("bottom", 1000, &[]),
    ]);
    let ins = insight(&b);
    assert_eq!(ins.get(id(&b, "left")).retained.bytes, 10);
    assert_eq!(ins.get(id(&b, "right")).retained.bytes, 100);
    assert_eq!(ins.get(id(&b, "app")).retained.bytes, 1111);
    assert_eq!(ins.get(id(&b, "bottom")).dominator, Some(id(&b, "app")));
    assert_eq!(
        ins.get(id(&b, "left")).shared.bytes,
        1000,
        "bottom is also needed via right"
    );
}

#[test]
fn a_dependency_of_two_roots_is_shared_and_retained_by_neither() {
    let b = bundle(&[
        ("a", 5, &["numpy"]),
        ("b", 7, &["numpy"]),
        ("numpy", 50, &[]),
    ]);
    let ins = insight(&b);
    let (a, numpy) = (id(&b, "a"), id(&b, "numpy"));
    assert_eq!(ins.get(a).retained.bytes, 5);
    assert_eq!(ins.get(a).shared.bytes, 50);
    assert_eq!(ins.get(numpy).dominator, None);
    assert_eq!(ins.get(numpy).depth, Some(1));
    assert_eq!(ins.get(a).depth, Some(0));
}

#[test]
fn a_cycle_is_counted_once_and_dropping_its_entry_frees_all_of_it() {
    let b = bundle(&[
        ("root", 1, &["x"]),
        ("x", 10, &["y"]),
        ("y", 100, &["z"]),
        ("z", 1000, &["x"]),
    ]);
    let ins = insight(&b);
    assert_eq!(ins.get(id(&b, "x")).retained.bytes, 1110);
    assert_eq!(ins.get(id(&b, "y")).retained.bytes, 1100);
    assert_eq!(ins.get(id(&b, "root")).retained.bytes, 1111);
    assert_eq!(ins.get(id(&b, "root")).shared.bytes, 0);
    assert_eq!(
        ins.get(id(&b, "z")).shared.bytes,
        110,
        "z reaches x and y, which root needs anyway"
    );
    for d in 0..4 {
        let d = DistId(d);
        assert_eq!(ins.get(d).retained.bytes, retained_by_brute_force(&b, d));
    }
}

#[test]
fn a_cycle_nobody_enters_gets_a_root_and_still_adds_up() {
    let b = bundle(&[("p", 3, &["q"]), ("q", 4, &["p"])]);
    let ins = insight(&b);
    let total: u64 = (0..2)
        .map(|i| ins.per_dist[i].retained.bytes)
        .max()
        .unwrap();
    assert_eq!(total, 7, "the cycle's root retains the whole cycle");
}

#[test]
fn exclusive_set_is_the_dominated_subtree() {
    let b = bundle(&[
        ("app", 1, &["onnx", "numpy"]),
        ("onnx", 10, &["sympy", "numpy"]),
        ("sympy", 100, &["mpmath"]),
        ("mpmath", 5, &[]),
        ("numpy", 50, &[]),
    ]);
    let ins = insight(&b);
    let mut set: Vec<&str> = ins
        .exclusive_set(id(&b, "onnx"))
        .iter()
        .map(|d| b.dist(*d).key.as_str())
        .collect();
    set.sort_unstable();
    assert_eq!(set, ["mpmath", "onnx", "sympy"]);
}

#[test]
fn extras_only_add_edges_someone_asked_for() {
    let b = bundle(&[
        ("app", 1, &["lib[fast]"]),
        (
            "lib",
            10,
            &["speedup; extra == \"fast\"", "docs; extra == \"docs\""],
        ),
        ("speedup", 100, &[]),
        ("docs", 1000, &[]),
    ]);
    let ins = insight(&b);
    assert_eq!(ins.get(id(&b, "lib")).retained.bytes, 110);
    assert_eq!(
        ins.get(id(&b, "docs")).depth,
        Some(0),
        "docs is unrequired, so a root"
    );
    let why = why_paths(&b, id(&b, "speedup"), 10);
    let note = edge_note(&b, why.paths[0].edges[1]);
    assert_eq!(note.extras, ["fast"]);
    assert_eq!(note.requirement, "speedup; extra == \"fast\"");
}

#[test]
fn heavy_chains_follow_the_shortest_path_and_name_the_dominator() {
    let b = bundle(&[
        ("chromadb", 10, &["onnxruntime", "tiny"]),
        ("onnxruntime", 300, &["sympy"]),
        ("sympy", 700, &[]),
        ("tiny", 1, &[]),
    ]);
    let ins = insight(&b);
    let keys = |p: &[DistId]| p.iter().map(|d| b.dist(*d).key.clone()).collect::<Vec<_>>();
    let sympy = ins
        .chains
        .iter()
        .find(|c| c.target == id(&b, "sympy"))
        .unwrap();
    assert_eq!(keys(&sympy.path), ["chromadb", "onnxruntime", "sympy"]);
    assert_eq!(sympy.only_via, Some(id(&b, "onnxruntime")));
    let order: Vec<u64> = ins.chains.iter().map(|c| c.retained.bytes).collect();
    assert_eq!(order, [1011, 1000, 700], "heaviest first; tiny is under 2%");
}

#[test]
fn why_lists_every_path_shortest_first_and_counts_the_rest() {
    let b = bundle(&[
        ("a", 1, &["b", "c", "t"]),
        ("b", 1, &["c", "t"]),
        ("c", 1, &["t"]),
        ("t", 1, &[]),
    ]);
    let t = id(&b, "t");
    let all = why_paths(&b, t, 100);
    let lens: Vec<usize> = all.paths.iter().map(|p| p.dists.len()).collect();
    assert_eq!(lens, [2, 3, 3, 4]);
    assert_eq!(all.total_count, 4);
    assert!(all.complete);
    let capped = why_paths(&b, t, 2);
    assert_eq!(capped.paths.len(), 2);
    assert_eq!(capped.total_count, 4);
    assert_eq!(
        capped.paths[0].dists.len(),
        2,
        "the shortest survives the cap"
    );
}

#[test]
fn why_terminates_on_cycles_and_never_repeats_a_node() {
    let b = bundle(&[
        ("r", 1, &["a"]),
        ("a", 1, &["b", "t"]),
        ("b", 1, &["a", "t"]),
        ("t", 1, &["a"]),
    ]);
    let why = why_paths(&b, id(&b, "t"), 100);
    assert_eq!(why.total_count, 2, "r-a-t and r-a-b-t");
    for p in &why.paths {
        let mut seen = p.dists.clone();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), p.dists.len());
    }
}

#[test]
fn why_stops_at_its_budget_and_says_the_count_is_a_lower_bound() {
    // A ladder of 30 diamonds has 2^30 paths.
    let names: Vec<String> = (0..=60).map(|i| format!("n{i}")).collect();
    let mut spec: Vec<(String, Vec<String>)> = Vec::new();
    for i in (0..60).step_by(2) {
        spec.push((
            names[i].clone(),
            vec![names[i + 1].clone(), names[i + 2].clone()],
        ));
        spec.push((names[i + 1].clone(), vec![names[i + 2].clone()]));
    }
    spec.push((names[60].clone(), vec![]));
    let owned: Vec<(&str, u64, Vec<&str>)> = spec
        .iter()
        .map(|(n, r)| (n.as_str(), 1, r.iter().map(String::as_str).collect()))
        .collect();
    let flat: Vec<(&str, u64, &[&str])> = owned
        .iter()
        .map(|(n, s, r)| (*n, *s, r.as_slice()))
        .collect();
    let b = bundle(&flat);
    let why = why::search(&b.graph, id(&b, "n60"), 5, 10_000);
    assert!(!why.complete);
    assert_eq!(why.paths.len(), 5);
    assert!(why.total_count >= 5);
    assert_eq!(
        why.paths[0].dists.len(),
        31,
        "the shortest path skips every rung"
    );
}

#[test]
fn runtime_provided_distributions_are_marked_with_what_excluding_them_frees() {
    let b = bundle(&[
        ("app", 1, &["boto3", "requests"]),
        ("boto3", 10, &["botocore", "s3transfer", "jmespath"]),
        ("botocore", 100, &["jmespath", "urllib3", "python-dateutil"]),
        ("s3transfer", 5, &["botocore"]),
        ("jmespath", 2, &[]),
        ("python-dateutil", 3, &["six"]),
        ("six", 1, &[]),
        ("requests", 7, &["urllib3"]),
        ("urllib3", 20, &[]),
    ]);
    let ins = insight(&b);
    let rt = ins.runtime.as_ref().unwrap();
    assert_eq!(rt.runtime, "python3.12");
    assert_eq!(rt.provided.len(), 7);
    assert_eq!(rt.frees.bytes, 10 + 100 + 5 + 2 + 3 + 1 + 20);
    let boto3 = ins.get(id(&b, "boto3")).runtime_provided.as_ref().unwrap();
    assert_eq!(
        boto3.frees.bytes,
        10 + 100 + 5 + 2 + 3 + 1,
        "urllib3 stays for requests"
    );
    assert!(boto3.note.contains("1.38.36"), "{}", boto3.note);
    assert!(ins.get(id(&b, "requests")).runtime_provided.is_none());
}

#[test]
fn an_unknown_runtime_marks_nothing() {
    let b = bundle(&[("boto3", 10, &[])]);
    let opts = InsightOptions {
        runtime: Some("python2.7".into()),
        ..InsightOptions::default()
    };
    let ins = Insight::compute(&b, &opts);
    assert!(ins.runtime.is_none());
    assert!(ins.per_dist[0].runtime_provided.is_none());
}

#[test]
fn named_top_level_requirements_are_the_roots_retained_sizes_start_from() {
    let top = [TopLevel {
        key: "web".into(),
        extras: vec![],
    }];
    let b = bundle_with(
        &[
            ("web", 1, &["core"]),
            ("cli", 2, &["core"]),
            ("core", 40, &[]),
        ],
        Some(&top),
    );
    let ins = insight(&b);
    // cli is unrequired and unnamed, so it becomes an extra root; core is shared.
    assert_eq!(ins.get(id(&b, "web")).retained.bytes, 1);
    assert_eq!(ins.get(id(&b, "core")).dominator, None);
}

#[test]
fn suggestions_find_near_names() {
    let b = bundle(&[
        ("onnxruntime", 1, &[]),
        ("sympy", 1, &[]),
        ("numpy", 1, &[]),
    ]);
    assert_eq!(suggest(&b, "simpy")[0], "sympy", "closest first");
    assert_eq!(suggest(&b, "onnx"), ["onnxruntime"]);
    assert!(suggest(&b, "kubernetes").is_empty());
}

/// Random graphs with cycles: every measure equals its brute-force definition.
#[test]
fn measures_match_brute_force_on_random_graphs_with_cycles() {
    let mut seed: u64 = 42;
    let mut next = |m: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % m
    };
    for round in 0..60 {
        let n = 3 + next(12) as usize;
        let names: Vec<String> = (0..n).map(|i| format!("d{i}")).collect();
        let reqs: Vec<Vec<String>> = (0..n)
            .map(|_| {
                (0..next(4))
                    .map(|_| names[next(n as u64) as usize].clone())
                    .collect()
            })
            .collect();
        let owned: Vec<(&str, u64, Vec<&str>)> = (0..n)
            .map(|i| {
                (
                    names[i].as_str(),
                    1 + next(1000),
                    reqs[i].iter().map(String::as_str).collect(),
                )
            })
            .collect();
        let flat: Vec<(&str, u64, &[&str])> = owned
            .iter()
            .map(|(a, s, r)| (*a, *s, r.as_slice()))
            .collect();
        let b = bundle(&flat);
        check_against_brute_force(&b, round);
    }
}

fn check_against_brute_force(b: &Bundle, round: usize) {
    let ins = insight(b);
    let n = b.dists.len();
    for i in 0..n {
        let d = DistId(i as u32);
        let retained = retained_by_brute_force(b, d);
        assert_eq!(
            ins.get(d).retained.bytes,
            retained,
            "round {round}, {}",
            b.dist(d).key
        );
        let closure: u64 = b
            .graph
            .reachable(&[d], None)
            .iter()
            .enumerate()
            .filter(|(_, r)| **r)
            .map(|(j, _)| b.dists[j].sizes.bytes)
            .sum();
        assert_eq!(ins.get(d).shared.bytes, closure - retained, "round {round}");
        let mut exclusive = ins.exclusive_set(d);
        exclusive.sort_unstable();
        assert_eq!(exclusive, orphaned_by(&b.graph, &[d]), "round {round}");
        let why = why_paths(b, d, usize::MAX);
        assert_eq!(why.total_count, brute_paths(&b.graph, d), "round {round}");
        let lens: Vec<usize> = why.paths.iter().map(|p| p.dists.len()).collect();
        assert!(
            lens.windows(2).all(|w| w[0] <= w[1]),
            "round {round}: shortest first"
        );
        assert_eq!(lens.first().map(|l| *l as u32 - 1), ins.get(d).depth);
    }
}

/// Counts simple paths from any root to `t` by plain exhaustive search.
fn brute_paths(g: &DepGraph, t: DistId) -> usize {
    fn go(g: &DepGraph, at: DistId, t: DistId, on: &mut Vec<bool>) -> usize {
        if at == t {
            return 1;
        }
        let mut count = 0;
        for to in g.requires(at) {
            if !on[to.index()] {
                on[to.index()] = true;
                count += go(g, to, t, on);
                on[to.index()] = false;
            }
        }
        count
    }
    g.roots
        .iter()
        .map(|r| {
            let mut on = vec![false; g.out.len()];
            on[r.index()] = true;
            go(g, *r, t, &mut on)
        })
        .sum()
}
