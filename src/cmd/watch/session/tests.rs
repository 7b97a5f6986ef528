use std::path::PathBuf;

use heft::load::LoadOptions;
use heft::model::NodeKind;
use heft::scan::{BASE, Shard};
use heft::watch::{BatchKind, Subtree};

use super::*;

fn session() -> Session {
    let limits = ["100KB", "zip:20KB"]
        .iter()
        .map(|l| heft::limits::parse_limit(l).unwrap())
        .collect();
    let mut s = Session::new(limits, Format::Json, Clock::new());
    s.grace = Duration::ZERO;
    s
}

fn batch(seq: u64, kind: BatchKind, files: &[(&str, u64)]) -> Batch {
    let subtrees = files
        .iter()
        .map(|(name, size)| {
            let mut shard = Shard::new(0, Vec::new());
            shard.push(BASE, name.as_bytes(), NodeKind::File, *size, 0, 0);
            Subtree {
                path: name.as_bytes().to_vec(),
                shard,
            }
        })
        .collect();
    Batch {
        seq,
        kind,
        subtrees,
        errors: Vec::new(),
        root_disk: 0,
        last_event: Some(Instant::now()),
    }
}

fn parse(line: &str) -> WatchLine {
    serde_json::from_str(line).unwrap()
}

fn live() -> LiveBundle {
    LiveBundle::new(
        PathBuf::from("/nonexistent/heft-test-root"),
        LoadOptions::default(),
    )
}

/// An empty directory watched, its zipped sizes (none) in.
fn start(s: &mut Session, live: &mut LiveBundle) {
    s.on_batch(live, batch(1, BatchKind::Full, &[]));
    s.on_zipped(
        live,
        ZipSizes {
            seq: 1,
            sizes: vec![],
        },
    );
}

#[test]
fn a_line_waiting_for_zipped_sizes_carries_an_extrapolated_estimate() {
    let mut s = session();
    let mut live = live();
    start(&mut s, &mut live);
    s.poll(&live);
    s.on_batch(&mut live, batch(2, BatchKind::Partial, &[("a.py", 10_000)]));
    s.poll(&live);
    let sizes = vec![(0, 0, 4_000)];
    s.on_zipped(&mut live, ZipSizes { seq: 2, sizes });
    let settled = parse(&s.poll(&live).unwrap());
    assert_eq!(settled.zipped_estimate, None, "exact: nothing to estimate");
    s.on_batch(&mut live, batch(3, BatchKind::Partial, &[("b.py", 30_000)]));
    let pending = parse(&s.poll(&live).unwrap());
    assert!(pending.zipped_pending);
    let z = pending.totals.zipped_bytes;
    assert_eq!(
        pending.zipped_estimate,
        Some(z + 30_000 * z / 10_000),
        "b.py at a.py's ratio"
    );
}

#[test]
fn bytes_are_reported_before_zipped_sizes_and_zip_limits_wait_for_them() {
    let mut s = session();
    let mut live = live();
    start(&mut s, &mut live);
    let first = parse(&s.poll(&live).unwrap());
    assert_eq!(first.totals.bytes, 0);

    s.on_batch(
        &mut live,
        batch(
            2,
            BatchKind::Partial,
            &[("small.py", 1000), ("data.bin", 150_000)],
        ),
    );
    let pending = parse(&s.poll(&live).expect("bytes do not wait for zipped sizes"));
    assert!(pending.zipped_pending);
    assert_eq!(pending.totals.bytes, 151_000);
    assert_eq!(
        pending.crossed,
        ["100KB"],
        "only the bytes limit is judged yet"
    );
    assert_eq!(pending.crossings[0].after, "data.bin");
    assert!(
        s.poll(&live).is_none(),
        "nothing new until zipped sizes arrive"
    );

    let sizes = vec![(0, 0, 900), (1, 0, 60_000)];
    s.on_zipped(&mut live, ZipSizes { seq: 2, sizes });
    let settled = parse(
        &s.poll(&live)
            .expect("zipped sizes settle in a line of their own"),
    );
    assert!(!settled.zipped_pending);
    assert_eq!(settled.totals.zipped_bytes, 22 + 900 + 60_000);
    assert_eq!(settled.delta.bytes, 0);
    assert_eq!(settled.crossed, ["zip:20KB"]);
    assert_eq!(settled.crossings[0].after, "data.bin");
}

#[test]
fn a_batch_whose_zipped_sizes_come_in_time_gives_one_line() {
    let mut s = session();
    s.grace = Duration::from_secs(3600);
    let mut live = live();
    start(&mut s, &mut live);
    s.poll(&live).unwrap();
    s.on_batch(&mut live, batch(2, BatchKind::Partial, &[("a.py", 10)]));
    assert!(
        s.poll(&live).is_none(),
        "waits for zipped sizes within the grace"
    );
    s.on_zipped(
        &mut live,
        ZipSizes {
            seq: 2,
            sizes: vec![(0, 0, 100)],
        },
    );
    let settled = parse(&s.poll(&live).unwrap());
    assert!(!settled.zipped_pending);
    assert_eq!((settled.delta.bytes, settled.delta.zipped_bytes), (10, 100));
    assert!(s.poll(&live).is_none());
}
