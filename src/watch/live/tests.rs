use std::fmt::Write as _;
use std::fs;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crossbeam_channel::unbounded;

use super::*;
use crate::load::load;
use crate::watch::WatchEvent;
use crate::watch::dirty::DirtySet;
use crate::watch::rescan;
use crate::watch::summary::Snapshot;
use crate::watch::zip::{ZipJob, run};
use crate::zipjob::estimate_blocking;
use crate::zipsize::ZipCache;

/// Installs a distribution with `files` of the given sizes and a RECORD listing them.
fn install(site: &Path, name: &str, files: &[(&str, usize)]) {
    let info = site.join(format!("{name}-1.0.dist-info"));
    fs::create_dir_all(&info).unwrap();
    let mut record = String::new();
    for (rel, size) in files {
        let path = site.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &"x = 1\n".repeat(size / 6 + 1).as_bytes()[..*size]).unwrap();
        let _ = writeln!(record, "{rel},,{size}");
    }
    fs::write(
        info.join("METADATA"),
        format!("Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n"),
    )
    .unwrap();
    let _ = writeln!(record, "{name}-1.0.dist-info/METADATA,,");
    let _ = writeln!(record, "{name}-1.0.dist-info/RECORD,,");
    fs::write(info.join("RECORD"), record).unwrap();
}

/// Applies a batch and its zipped sizes, as a consumer would.
fn settle(live: &mut LiveBundle, root: &Path, batch: Batch, cache: &ZipCache) -> Applied {
    let job = ZipJob::for_batch(root, &batch);
    let applied = live.apply(batch);
    let (jobs_tx, jobs_rx) = unbounded();
    let (events_tx, events_rx) = unbounded();
    jobs_tx.send(job).unwrap();
    drop(jobs_tx);
    run(
        root,
        &jobs_rx,
        &events_tx,
        cache,
        &AtomicBool::new(false),
        true,
    );
    drop(events_tx);
    for event in events_rx {
        if let WatchEvent::Zipped(sizes) = event {
            live.apply_zipped(sizes);
        }
    }
    applied
}

fn partial(root: &Path, seq: u64, paths: &[&str]) -> Batch {
    let mut dirty = DirtySet::new();
    for p in paths {
        dirty.add(Path::new(p));
    }
    let dev = std::os::unix::fs::MetadataExt::dev(&fs::metadata(root).unwrap());
    rescan::partial(root, seq, dev, &dirty.coalesce())
}

/// A fresh load with zipped estimates: what the live bundle must equal.
fn fresh(root: &Path, cache: &Arc<ZipCache>) -> Snapshot {
    let mut bundle = load(&[root.to_path_buf()], &LoadOptions::default(), &mut |_| {}).unwrap();
    estimate_blocking(&mut bundle, cache);
    Snapshot::of(&bundle)
}

#[test]
fn incremental_batches_end_equal_to_a_fresh_scan() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let cache = Arc::new(ZipCache::new());
    install(
        root,
        "alpha",
        &[("alpha/__init__.py", 100), ("alpha/core.py", 5000)],
    );
    let mut live = LiveBundle::new(root.to_path_buf(), LoadOptions::default());
    settle(&mut live, root, rescan::full(root, 1), &cache);
    assert_eq!(Snapshot::of(live.bundle()), fresh(root, &cache));

    install(root, "beta", &[("beta/b.py", 3000), ("beta/sub/c.py", 700)]);
    fs::remove_dir_all(root.join("alpha")).unwrap();
    fs::write(root.join("loose.py"), "print(1)\n").unwrap();
    let applied = settle(
        &mut live,
        root,
        partial(
            root,
            2,
            &[
                "beta/sub/c.py",
                "beta",
                "beta-1.0.dist-info",
                "alpha",
                "loose.py",
            ],
        ),
        &cache,
    );
    assert_eq!(Snapshot::of(live.bundle()), fresh(root, &cache));
    assert_eq!(applied.arrivals[0].owner.as_deref(), Some("beta"));
    assert_eq!(
        applied.arrivals[2].owner.as_deref(),
        Some("alpha"),
        "removed: owner before"
    );
    assert!(!applied.needs_rescan);
}

#[test]
fn arrival_deltas_add_up_to_the_change_in_totals() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let cache = Arc::new(ZipCache::new());
    install(root, "alpha", &[("alpha/a.py", 1000)]);
    let mut live = LiveBundle::new(root.to_path_buf(), LoadOptions::default());
    settle(&mut live, root, rescan::full(root, 1), &cache);
    let before = live.bundle().totals();
    install(root, "gamma", &[("gamma/g.py", 4000)]);
    fs::write(root.join("alpha/a.py"), "y = 2\n".repeat(10)).unwrap();
    let batch = partial(root, 2, &["gamma", "gamma-1.0.dist-info", "alpha/a.py"]);
    let job = ZipJob::for_batch(root, &batch);
    let applied = live.apply(batch);
    let (jobs_tx, jobs_rx) = unbounded();
    let (events_tx, events_rx) = unbounded();
    jobs_tx.send(job).unwrap();
    drop(jobs_tx);
    run(
        root,
        &jobs_rx,
        &events_tx,
        &cache,
        &AtomicBool::new(false),
        true,
    );
    let Ok(WatchEvent::Zipped(sizes)) = events_rx.try_recv() else {
        panic!("the zip thread answers every job");
    };
    let zipped = live.apply_zipped(sizes);
    let after = live.bundle().totals();
    let bytes: i64 = applied.arrivals.iter().map(|a| a.bytes).sum();
    let zip: i64 =
        applied.arrivals.iter().map(|a| a.zipped).sum::<i64>() + zipped.zipped.iter().sum::<i64>();
    assert_eq!(bytes, delta(after.bytes, before.bytes));
    assert_eq!(zip, delta(after.zipped, before.zipped));
}

#[test]
fn a_missing_root_empties_the_bundle_and_a_full_batch_restores_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("build");
    fs::create_dir(&root).unwrap();
    let cache = Arc::new(ZipCache::new());
    install(&root, "alpha", &[("alpha/a.py", 1000)]);
    let mut live = LiveBundle::new(root.clone(), LoadOptions::default());
    settle(&mut live, &root, rescan::full(&root, 1), &cache);
    let missing = Batch {
        seq: 2,
        kind: BatchKind::Missing,
        subtrees: Vec::new(),
        errors: Vec::new(),
        root_disk: 0,
        last_event: None,
    };
    live.apply(missing);
    assert!(live.is_missing());
    assert_eq!(live.bundle().totals(), Sizes::default());
    assert!(live.bundle().dists.is_empty());
    settle(&mut live, &root, rescan::full(&root, 3), &cache);
    assert_eq!(Snapshot::of(live.bundle()), fresh(&root, &cache));
}

#[test]
fn a_subtree_whose_parent_is_unknown_asks_for_a_full_rescan() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let cache = Arc::new(ZipCache::new());
    let mut live = LiveBundle::new(root.to_path_buf(), LoadOptions::default());
    settle(&mut live, root, rescan::full(root, 1), &cache);
    fs::create_dir_all(root.join("a/b")).unwrap();
    fs::write(root.join("a/b/c.py"), "c").unwrap();
    let applied = live.apply(partial(root, 2, &["a/b/c.py"]));
    assert!(applied.needs_rescan);
}

#[test]
fn metadata_is_read_again_only_when_it_changed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let cache = Arc::new(ZipCache::new());
    install(root, "alpha", &[("alpha/a.py", 1000)]);
    let mut live = LiveBundle::new(root.to_path_buf(), LoadOptions::default());
    settle(&mut live, root, rescan::full(root, 1), &cache);
    assert_eq!(live.source.len(), 2, "METADATA and RECORD");
    fs::remove_dir_all(root.join("alpha-1.0.dist-info")).unwrap();
    settle(
        &mut live,
        root,
        partial(root, 2, &["alpha-1.0.dist-info"]),
        &cache,
    );
    assert_eq!(
        live.source.len(),
        0,
        "a removed distribution's files are forgotten"
    );
    assert!(live.bundle().dists.is_empty());
}

/// Dates every file under `dir` back a minute, as if pip had finished writing them.
fn age_all(dir: &Path) {
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if entry.file_type().is_file() {
            let file = fs::File::options().write(true).open(entry.path()).unwrap();
            file.set_modified(past).unwrap();
        }
    }
}

#[test]
fn files_deflated_while_staged_arrive_in_batches_as_cache_hits_and_sum_to_a_one_shot_estimate() {
    use crate::watch::stage::Stager;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let tmp = dir.path().join("tmp");
    let staging = tmp.join("pip-target-abc/lib/python");
    fs::create_dir_all(&root).unwrap();
    fs::create_dir_all(&staging).unwrap();
    let cache = Arc::new(ZipCache::new());
    let mut stager = Stager::new(tmp.clone(), Arc::clone(&cache));
    let mut live = LiveBundle::new(root.clone(), LoadOptions::default());
    settle(&mut live, &root, rescan::full(&root, 1), &cache);
    let batches: [(&str, &[(&str, usize)]); 3] = [
        (
            "alpha",
            &[("alpha/__init__.py", 100), ("alpha/core.py", 5000)],
        ),
        ("beta", &[("beta/b.py", 3000), ("beta/sub/c.py", 700)]),
        ("gamma", &[("gamma/g.py", 9000)]),
    ];
    let mut deflated = 0;
    for (seq, (name, files)) in (2..).zip(batches) {
        install(&staging, name, files);
        age_all(&staging);
        stager.adopt(&tmp.join("pip-target-abc"), &mut |_| {});
        stager.on_tick();
        // The files, METADATA and RECORD, each deflated once while staged.
        deflated += files.len() as u64 + 2;
        assert_eq!(cache.deflations(), deflated, "batch {name}: staged files");
        let info = format!("{name}-1.0.dist-info");
        for item in [name, info.as_str()] {
            fs::rename(staging.join(item), root.join(item)).unwrap();
        }
        settle(
            &mut live,
            &root,
            partial(&root, seq, &[name, &info]),
            &cache,
        );
        assert_eq!(
            cache.deflations(),
            deflated,
            "batch {name}: moved-in files are cache hits, never deflated again"
        );
    }
    assert_eq!(live.zip_pending(), 0);
    let one_shot = fresh(&root, &Arc::new(ZipCache::new()));
    assert_eq!(Snapshot::of(live.bundle()), one_shot);
}
