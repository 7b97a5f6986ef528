use super::*;
use crate::bundle::Target;
use crate::limits::preset;
use crate::synthetic::Synth;

/// app 1.0 requires lib; lib 1.0 has 10,000 bytes; six is unchanged.
pub(crate) fn old() -> Bundle {
    let mut s = Synth::new();
    let app = s.dist("app", "1.0", &["lib", "six"]);
    let lib = s.dist("lib", "1.0", &[]);
    let six = s.dist("six", "1.16", &[]);
    s.file("app/main.py", 5000, Some(app));
    s.file("lib/core.py", 10_000, Some(lib));
    s.file("lib/shared.py", 700, Some(lib));
    s.file("six.py", 3000, Some(six));
    s.file("stray.txt", 50, None);
    s.build(Target::default())
}

/// app 1.0 grows by 100 bytes and now requires heavy (which requires sympy); lib goes to
/// 2.0 and loses shared.py to app; six is identical.
pub(crate) fn new() -> Bundle {
    let mut s = Synth::new();
    let app = s.dist("app", "1.0", &["lib", "six", "heavy"]);
    let lib = s.dist("lib", "2.0", &[]);
    let six = s.dist("six", "1.16", &[]);
    let heavy = s.dist("heavy", "0.1", &["sympy"]);
    let sympy = s.dist("SymPy", "1.13", &[]);
    s.file("app/main.py", 5100, Some(app));
    s.file("lib/core.py", 12_000, Some(lib));
    s.file("lib/shared.py", 700, Some(app));
    s.file("six.py", 3000, Some(six));
    s.file("heavy/x.so", 40_000, Some(heavy));
    s.file("sympy/big.py", 70_000, Some(sympy));
    s.file("stray.txt", 50, None);
    s.build(Target::default())
}

fn change<'a>(d: &'a Diff, key: &str) -> &'a DistChange {
    d.distributions.iter().find(|c| c.key == key).unwrap()
}

#[test]
fn a_build_compared_with_itself_is_empty() {
    let d = compare(&old(), &old(), &[]);
    assert!(d.is_empty(), "{d:#?}");
    assert_eq!(d.unchanged, 3);
}

#[test]
fn added_distributions_carry_the_chain_that_brought_them() {
    let d = compare(&old(), &new(), &[]);
    let sympy = change(&d, "sympy");
    assert_eq!(sympy.change, Change::Added);
    assert_eq!(sympy.name, "SymPy");
    assert_eq!(sympy.before, None);
    assert_eq!(
        sympy.delta_bytes, 70_100,
        "70,000 plus its 100-byte METADATA"
    );
    assert_eq!(
        sympy.via.as_deref(),
        Some(&["app".to_string(), "heavy".into(), "sympy".into()][..])
    );
}

#[test]
fn version_changes_are_upgrades_and_same_versions_grow_or_shrink() {
    let d = compare(&old(), &new(), &[]);
    let lib = change(&d, "lib");
    assert_eq!(lib.change, Change::Upgraded);
    assert_eq!(lib.delta_bytes, 2000 - 700);
    let app = change(&d, "app");
    assert_eq!(app.change, Change::Grown);
    assert_eq!(app.delta_bytes, 100 + 700);
    assert!(
        d.distributions.iter().all(|c| c.key != "six"),
        "identical six is silent"
    );
    assert_eq!(d.unchanged, 1);
    let back = compare(&new(), &old(), &[]);
    assert_eq!(change(&back, "lib").change, Change::Downgraded);
    assert_eq!(change(&back, "app").change, Change::Shrunk);
    assert_eq!(change(&back, "sympy").change, Change::Removed);
    assert_eq!(
        change(&back, "sympy")
            .via_before
            .as_deref()
            .map(<[String]>::len),
        Some(3)
    );
}

#[test]
fn changes_are_sorted_by_impact_and_deltas_add_up_to_the_totals() {
    let (o, n) = (old(), new());
    let d = compare(&o, &n, &[]);
    let order: Vec<&str> = d.distributions.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(order, ["sympy", "heavy", "lib", "app"]);
    let sum: i64 = d.distributions.iter().map(|c| c.delta_bytes).sum();
    assert_eq!(sum, d.delta.bytes, "unowned bytes did not change");
    let zsum: i64 = d.distributions.iter().map(|c| c.delta_zipped_bytes).sum();
    assert_eq!(zsum, d.delta.zipped_bytes);
    assert_eq!(d.totals.after.bytes - d.totals.before.bytes, 112_300);
}

#[test]
fn a_file_that_changes_owner_is_listed_as_moved() {
    let d = compare(&old(), &new(), &[]);
    assert_eq!(d.moved.len(), 1, "{:?}", d.moved);
    let m = &d.moved[0];
    assert_eq!(m.from.dist.as_deref(), Some("lib"));
    assert_eq!(m.to.dist.as_deref(), Some("app"));
    assert_eq!((m.files, m.bytes), (1, 700));
    assert_eq!(m.examples, ["lib/shared.py"]);
}

#[test]
fn limits_are_checked_on_both_sides() {
    let mut small = preset("aws-lambda").unwrap().clone();
    small.bytes = 100_000;
    let d = compare(&old(), &new(), &[small]);
    let l = &d.limits[0];
    assert!(l.before.ok && !l.after.ok);
    assert_eq!(l.delta, d.delta.bytes);
    assert_eq!(d.unowned.before, d.unowned.after);
    assert_eq!(d.unowned.after.bytes, 50);
}

#[test]
fn the_json_has_the_contract_fields() {
    let d = compare(&old(), &new(), &[]);
    let v = serde_json::to_value(&d).unwrap();
    assert_eq!(v["schema"], "heft.diff/1");
    for side in ["before", "after"] {
        for field in ["files", "bytes", "zipped_bytes"] {
            assert!(v["totals"][side][field].is_u64(), "totals.{side}.{field}");
        }
    }
    let sympy = &v["distributions"][0];
    assert_eq!(sympy["change"], "added");
    assert!(sympy["before"].is_null());
    assert!(sympy["after"]["version"].is_string());
    assert!(sympy["delta_zipped_bytes"].is_i64());
    assert!(v["limits"].is_array());
}

#[test]
fn a_distribution_differing_in_zipped_bytes_only_is_summed_not_listed() {
    let o = old();
    let mut n = old();
    let six = n.dist_by_key("six").unwrap();
    n.dists[six.index()].sizes.zipped += 17;
    let top_zipped = n.tree.node(n.top).own.zipped;
    n.tree.set_own_zipped(n.top, top_zipped + 17);
    let d = compare(&o, &n, &[]);
    assert!(d.distributions.is_empty(), "{:?}", d.distributions);
    assert_eq!(d.zipped_only.distributions, 1);
    assert_eq!(d.zipped_only.delta_zipped_bytes, 17);
    assert_eq!(d.delta.zipped_bytes, 17);
}
