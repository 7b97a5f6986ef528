//! The planner against exhaustive search: on small bundles every subset of cuts is tried and
//! the best by the stated order (least safe cut, fewest cuts, fewest bytes beyond need) must
//! be what the planner returns.

use super::search::next_combination;
use super::*;
use crate::bundle::Target;
use crate::limits::parse_limit;
use crate::synthetic::Synth;

/// A bundle of `n` directories `d0/`..`d{n-1}/` of pseudo-random sizes, overlapping cuts
/// (each glob names one directory; two name a file set that overlaps another's).
fn fixture(seed: u64, n: usize) -> (Bundle, Vec<Cut>) {
    let mut s = Synth::new();
    let a = s.dist("a", "1", &[]);
    let mut x = seed;
    let mut cuts = Vec::new();
    for i in 0..n {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let size = 1000 + (x >> 33) % 50_000;
        s.file(&format!("a/d{i}/big.bin"), size, Some(a));
        s.file(&format!("a/d{i}/small.txt"), size / 7 + 1, Some(a));
        let safety = match (x >> 20) % 3 {
            0 => Safety::Safe,
            1 => Safety::Caution,
            _ => Safety::Breaks,
        };
        cuts.push(Cut {
            label: format!("cut d{i}"),
            rules: vec![Rule::glob(&format!("a/d{i}/"))],
            safety,
        });
    }
    s.file("a/keep.bin", 30_000, Some(a));
    // Overlaps every directory's text file: its saving depends on what else is chosen.
    cuts.push(Cut {
        label: "cut txt".into(),
        rules: vec![Rule::glob("*.txt")],
        safety: Safety::Safe,
    });
    (s.build(Target::default()), cuts)
}

fn bounds(bundle: &Bundle, unzipped_fraction: u64, zipped_fraction: u64) -> Vec<Bound> {
    let t = bundle.totals();
    let u = parse_limit(&format!("{}", t.bytes * unzipped_fraction / 100)).unwrap();
    let z = parse_limit(&format!("zip:{}", t.zipped * zipped_fraction / 100)).unwrap();
    vec![Bound::whole(&u, 0), Bound::whole(&z, 0)]
}

/// The best fitting subset by brute force, as (safety, size, beyond need).
fn brute_force(planner: &mut Planner, allow_breaks: bool) -> Option<(Safety, usize, u64)> {
    let n = planner.cuts().len();
    let mut best = None;
    for mask in 0u32..(1 << n) {
        let set: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
        if !allow_breaks
            && set
                .iter()
                .any(|i| planner.cuts()[*i].safety == Safety::Breaks)
        {
            continue;
        }
        let plan = planner.evaluate(&set);
        if !plan.fits {
            continue;
        }
        let key = (plan.safety(planner.cuts()), set.len(), plan.beyond_need());
        if best.is_none_or(|b| key < b) {
            best = Some(key);
        }
    }
    best
}

/// The planner's plan and its key in the stated order (None when nothing fits).
fn planned(planner: &mut Planner, allow_breaks: bool) -> (Plan, Option<(Safety, usize, u64)>) {
    let plan = planner.plan(allow_breaks);
    let key = plan.fits.then(|| {
        (
            plan.safety(planner.cuts()),
            plan.chosen.len(),
            plan.beyond_need(),
        )
    });
    (plan, key)
}

#[test]
fn the_plan_is_the_best_of_every_subset_in_the_stated_order() {
    let mut checked = 0;
    for seed in 0..12 {
        let (bundle, cuts) = fixture(seed, 6);
        for (u, z) in [(90, 100), (60, 100), (100, 70), (45, 55), (20, 100)] {
            for allow_breaks in [false, true] {
                let ex = Exclusion::new(&bundle);
                let mut planner =
                    Planner::new(&bundle, ex, cuts.clone(), bounds(&bundle, u, z)).unwrap();
                let expected = brute_force(&mut planner, allow_breaks);
                let (_, got) = planned(&mut planner, allow_breaks);
                assert_eq!(
                    got, expected,
                    "seed {seed}, limits {u}%/{z}%, breaks {allow_breaks}"
                );
                checked += usize::from(expected.is_some());
            }
        }
    }
    assert!(checked > 40, "most cases have a plan ({checked})");
}

#[test]
fn a_plan_leaves_its_cuts_applied_and_its_totals_match_a_fresh_evaluation() {
    let (bundle, cuts) = fixture(3, 6);
    let b = bounds(&bundle, 60, 100);
    let mut planner = Planner::new(&bundle, Exclusion::new(&bundle), cuts.clone(), b).unwrap();
    let plan = planner.plan(true);
    assert!(plan.fits);
    let rules: Vec<Rule> = plan
        .chosen
        .iter()
        .flat_map(|c| cuts[c.cut].rules.clone())
        .collect();
    let fresh = Exclusion::with_rules(&bundle, rules).unwrap();
    assert_eq!(fresh.totals(&bundle), planner.exclusion().totals(&bundle));
    assert_eq!(plan.bounds[0].after, fresh.totals(&bundle).after.bytes);
    let freed: u64 = plan.chosen.iter().map(|c| c.frees.bytes).sum();
    assert_eq!(
        freed,
        fresh.totals(&bundle).excluded.bytes,
        "credits add up"
    );
}

#[test]
fn nothing_fitting_gives_the_floor_with_every_allowed_cut() {
    let (bundle, cuts) = fixture(1, 4);
    let b = bounds(&bundle, 5, 100);
    let mut planner = Planner::new(&bundle, Exclusion::new(&bundle), cuts, b).unwrap();
    let plan = planner.plan(false);
    assert!(!plan.fits);
    let allowed = planner
        .cuts()
        .iter()
        .filter(|c| c.safety != Safety::Breaks)
        .count();
    assert_eq!(plan.chosen.len(), allowed);
    assert!(plan.bounds[0].over() > 0);
    let needed = needed_dists(&bundle, planner.exclusion(), 3);
    assert_eq!(needed[0].name, "a");
    assert!(needed[0].why.starts_with("top level"));
}

#[test]
fn breaking_cuts_are_used_only_when_allowed() {
    let mut s = Synth::new();
    let a = s.dist("a", "1", &[]);
    s.file("a/x.bin", 10_000, Some(a))
        .file("a/y.bin", 1_000, Some(a));
    let bundle = s.build(Target::default());
    let cuts = vec![
        Cut {
            label: "safe y".into(),
            rules: vec![Rule::glob("a/y.bin")],
            safety: Safety::Safe,
        },
        Cut {
            label: "breaks x".into(),
            rules: vec![Rule::glob("a/x.bin")],
            safety: Safety::Breaks,
        },
    ];
    let b = vec![Bound::whole(&parse_limit("5000").unwrap(), 0)];
    let mut planner = Planner::new(&bundle, Exclusion::new(&bundle), cuts, b).unwrap();
    assert!(!planner.plan(false).fits);
    let plan = planner.plan(true);
    assert!(plan.fits);
    assert_eq!(plan.chosen.len(), 1, "one breaking cut is enough");
    assert_eq!(plan.safety(planner.cuts()), Safety::Breaks);
}

#[test]
fn a_bundle_already_within_every_limit_needs_no_cut() {
    let (bundle, cuts) = fixture(2, 3);
    let b = bounds(&bundle, 200, 200);
    let mut planner = Planner::new(&bundle, Exclusion::new(&bundle), cuts, b).unwrap();
    let plan = planner.plan(false);
    assert!(plan.fits && plan.chosen.is_empty());
}

#[test]
fn combinations_are_enumerated_in_order() {
    let mut idx = vec![0, 1];
    let mut seen = vec![idx.clone()];
    while next_combination(&mut idx, 4) {
        seen.push(idx.clone());
    }
    assert_eq!(seen, [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
    assert!(!next_combination(&mut [], 3));
}

/// Two functions as members: each its own code (`a/` or `b/`, pseudo-random directories)
/// plus the same layer `l/` (one directory per shared cut); every cut is one glob, so a cut
/// that names the layer frees bytes in both.
fn joint_fixture(seed: u64) -> (Vec<Bundle>, Vec<Cut>) {
    let mut x = seed;
    let mut next = || {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        x >> 33
    };
    let sizes: Vec<u64> = (0..6).map(|_| 1000 + next() % 40_000).collect();
    let safeties: Vec<Safety> = (0..6)
        .map(|_| match next() % 3 {
            0 => Safety::Safe,
            1 => Safety::Caution,
            _ => Safety::Breaks,
        })
        .collect();
    let mut bundles = Vec::new();
    for own in ["a", "b"] {
        let mut s = Synth::new();
        let d = s.dist(own, "1", &[]);
        s.file(&format!("{own}/keep.bin"), 20_000, Some(d));
        for (i, size) in sizes.iter().enumerate() {
            // Cuts 0-2 name the shared layer; 3-5 each function's own directory of that index.
            let dir = if i < 3 {
                "l".to_string()
            } else {
                own.to_string()
            };
            let bytes = if own == "b" && i >= 3 {
                size / 2
            } else {
                *size
            };
            s.file(&format!("{dir}/d{i}/x.bin"), bytes, Some(d));
        }
        bundles.push(s.build(Target::default()));
    }
    let cuts = (0..6)
        .map(|i| Cut {
            label: format!("cut d{i}"),
            rules: vec![Rule::glob(&format!("d{i}/"))],
            safety: safeties[i],
        })
        .collect();
    (bundles, cuts)
}

fn members<'a>(bundles: &'a [Bundle], cuts: &[Cut], fractions: [u64; 2]) -> Vec<Member<'a>> {
    bundles
        .iter()
        .zip(fractions)
        .enumerate()
        .map(|(i, (b, f))| Member {
            name: format!("fn{i}"),
            bundle: b,
            base: Exclusion::new(b),
            rules: cuts.iter().map(|c| c.rules.clone()).collect(),
            bounds: bounds(b, f, f.max(100)),
        })
        .collect()
}

#[test]
fn a_joint_plan_is_the_best_of_every_subset_over_all_functions_at_once() {
    let mut checked = 0;
    for seed in 0..10 {
        let (bundles, cuts) = joint_fixture(seed);
        for fractions in [[90, 100], [100, 75], [70, 60], [50, 95], [20, 20]] {
            for allow_breaks in [false, true] {
                let m = members(&bundles, &cuts, fractions);
                let mut planner = Planner::joint(m, cuts.clone()).unwrap();
                let expected = brute_force(&mut planner, allow_breaks);
                let (plan, got) = planned(&mut planner, allow_breaks);
                assert_eq!(got, expected, "seed {seed}, {fractions:?}, {allow_breaks}");
                if plan.fits {
                    assert!(
                        plan.bounds.iter().all(BoundResult::ok),
                        "every function holds"
                    );
                }
                checked += usize::from(expected.is_some());
            }
        }
    }
    assert!(checked > 30, "most cases have a plan ({checked})");
}

#[test]
fn a_cut_in_the_shared_layer_counts_for_each_function_and_names_both() {
    let (bundles, cuts) = joint_fixture(4);
    let mut planner = Planner::joint(members(&bundles, &cuts, [100, 100]), cuts).unwrap();
    let plan = planner.evaluate(&[0, 3]);
    let layer = &plan.chosen[0];
    assert_eq!(
        layer.by_member[0], layer.by_member[1],
        "the same layer bytes"
    );
    assert_eq!(layer.affects().collect::<Vec<_>>(), [0, 1]);
    assert_eq!(layer.frees.bytes, 2 * layer.by_member[0].bytes);
    let own = &plan.chosen[1];
    assert!(own.by_member[0].bytes > own.by_member[1].bytes && own.by_member[1].bytes > 0);
    assert_eq!(
        planner.plan_rules(&plan, 1),
        vec![Rule::glob("d0/"), Rule::glob("d3/")]
    );
}

#[test]
fn one_function_over_and_one_under_gets_a_plan_that_keeps_both_within() {
    let (bundles, cuts) = joint_fixture(7);
    let mut planner = Planner::joint(members(&bundles, &cuts, [60, 200]), cuts).unwrap();
    let plan = planner.plan(true);
    assert!(plan.fits);
    assert!(!plan.chosen.is_empty(), "fn0 needed a cut");
    let second: Vec<&BoundResult> = plan.bounds.iter().filter(|b| b.member == 1).collect();
    assert!(second.iter().all(|b| b.ok() && b.before < b.bound.limit));
}

#[test]
fn an_import_cut_in_a_shared_layer_keeps_only_the_paths_every_user_cuts() {
    let mut s = Synth::new();
    s.file("p/a.py", 10, None).file("p/b.py", 10, None);
    let (one, two) = (s.build(Target::default()), s.build(Target::default()));
    let path = |v: &str| {
        let mut r = Rule::new(crate::rules::RuleKind::Path, v, Safety::Caution, "");
        r.root = Some(0);
        r
    };
    let member = |b, rules| Member {
        name: String::new(),
        bundle: b,
        base: Exclusion::new(b),
        rules: vec![rules],
        bounds: Vec::new(),
    };
    // Both roots are `/synth`: one layer. The first never imports `p`; the second imports
    // `p.a` only, so only `p/b.py` may go, and the first's `p` (above it) is dropped.
    let mut m = vec![
        member(&one, vec![path("p")]),
        member(&two, vec![path("p/b.py"), path("q")]),
    ];
    agree_on_shared(&mut m, 0);
    assert!(m[0].rules[0].is_empty(), "{:?}", m[0].rules[0]);
    assert_eq!(m[1].rules[0], vec![path("p/b.py")]);
}

/// `a/` with 40,000 bytes of tests, 2,000 of stubs and 30,000 of code.
fn tested_bundle() -> Bundle {
    let mut s = Synth::new();
    let a = s.dist("a", "1", &[]);
    s.file("a/core.py", 30_000, Some(a))
        .file("a/tests/test_core.py", 40_000, Some(a))
        .file("a/core.pyi", 2_000, Some(a));
    s.build(Target::default())
}

#[test]
fn fit_rules_are_the_plans_cuts_and_adding_them_gives_the_predicted_totals() {
    let bundle = tested_bundle();
    let base = Exclusion::with_rules(&bundle, vec![Rule::glob("*.pyi")]).unwrap();
    let limits = [parse_limit("60KB").unwrap()];
    let fitted = fit_rules(&bundle, &base, &limits, 0, false).unwrap();
    assert!(fitted.plan.fits);
    assert!(
        fitted
            .rules
            .iter()
            .all(|r| r.preset.as_deref() == Some("tests-dirs")),
        "{:?}",
        fitted.rules
    );
    let mut all: Vec<Rule> = base.rules().cloned().collect();
    all.extend(fitted.rules.clone());
    let after = Exclusion::with_rules(&bundle, all)
        .unwrap()
        .totals(&bundle)
        .after;
    assert_eq!(after.bytes, fitted.plan.bounds[0].after);
    assert!(
        fitted.summary().starts_with("fit: added preset tests-dirs"),
        "{}",
        fitted.summary()
    );
}

#[test]
fn fit_rules_add_nothing_and_say_the_floor_when_nothing_fits() {
    let bundle = tested_bundle();
    let limits = [parse_limit("10KB").unwrap()];
    let fitted = fit_rules(&bundle, &Exclusion::new(&bundle), &limits, 0, false).unwrap();
    assert!(!fitted.plan.fits && fitted.rules.is_empty());
    let b = &fitted.plan.bounds[0];
    assert_eq!(
        fitted.summary(),
        format!(
            "nothing fits: floor {} on 10KB, over by {}",
            crate::limits::human(b.after),
            crate::limits::human(b.over())
        )
    );
}
