//! Loading a bundle: classifies each input, runs the scanners on a background thread and
//! merges their events, then attributes files and builds the dependency graph.

use std::path::{Path, PathBuf};
use std::thread;

use crossbeam_channel::{Receiver, bounded};

use crate::bundle::{Builder, Bundle, RootKind, Target};
use crate::deps::{DepGraph, TopLevel};
use crate::ownership::attribute;
use crate::scan::archive::{is_wheel, scan_wheels, scan_zip, wheel_files};
use crate::scan::dir::{Counters, scan_dir};
use crate::scan::{Progress, ScanEvent};
use crate::scanfile::is_scan_file;

/// How to load.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Marker environment.
    pub target: Target,
    /// Top-level requirements (from `--requirements`), replacing "required by nothing".
    pub top_level: Option<Vec<TopLevel>>,
}

/// An input that cannot be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The path does not exist or cannot be read.
    #[error("{}: {source}", path.display())]
    Unreadable {
        /// The input path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// No inputs were given.
    #[error("no input paths")]
    Empty,
    /// A saved scan given with other inputs (it is a whole bundle on its own).
    #[error("{} is a saved scan: open it on its own, not with other inputs", path.display())]
    SavedScanAmongInputs {
        /// The saved scan.
        path: PathBuf,
    },
    /// A lone saved scan that cannot be read back.
    #[error(transparent)]
    SavedScan(#[from] crate::scanfile::ScanFileError),
}

/// One classified input.
#[derive(Clone, Debug)]
pub struct Input {
    /// As given.
    pub path: PathBuf,
    /// What it is.
    pub kind: RootKind,
    /// Disk blocks of the input itself (a directory's own blocks, as du counts them).
    pub own_disk: u64,
}

/// Classifies inputs by looking at them (directories are site-packages-like roots).
pub fn classify(paths: &[PathBuf]) -> Result<Vec<Input>, LoadError> {
    if paths.is_empty() {
        return Err(LoadError::Empty);
    }
    if paths.len() > 1
        && let Some(saved) = paths.iter().find(|p| is_scan_file(p))
    {
        return Err(LoadError::SavedScanAmongInputs {
            path: saved.clone(),
        });
    }
    paths
        .iter()
        .map(|p| {
            let meta = std::fs::metadata(p).map_err(|source| LoadError::Unreadable {
                path: p.clone(),
                source,
            })?;
            // A directory is read as a directory whatever its name (`foo.whl/` too).
            let kind = if (!meta.is_dir() && is_wheel(p))
                || (meta.is_dir() && !has_dist_info(p) && !wheel_files(p).is_empty())
            {
                RootKind::Wheels
            } else if meta.is_dir() {
                RootKind::SitePackages
            } else {
                RootKind::Zip
            };
            Ok(Input {
                path: p.clone(),
                kind,
                own_disk: own_disk(&meta),
            })
        })
        .collect()
}

/// Whether a directory directly holds installed distributions (then wheels in it are cargo).
fn has_dist_info(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|r| {
        r.filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().ends_with(".dist-info"))
    })
}

#[cfg(unix)]
fn own_disk(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::blocks(meta) * 512
}

#[cfg(not(unix))]
fn own_disk(_meta: &std::fs::Metadata) -> u64 {
    0
}

/// Starts scanning every input on a background thread; events arrive on the receiver,
/// which closes when all inputs are done.
pub fn spawn_scan(inputs: &[Input]) -> Receiver<ScanEvent> {
    // Bounded so shards cannot pile up in memory faster than the consumer merges them.
    let (tx, rx) = bounded(16);
    let jobs: Vec<(usize, PathBuf, RootKind)> = inputs
        .iter()
        .enumerate()
        .map(|(i, inp)| (i, inp.path.clone(), inp.kind))
        .collect();
    let first = inputs.first().map(|i| i.path.clone()).unwrap_or_default();
    let error_tx = tx.clone();
    let spawned = thread::Builder::new()
        .name("heft-scan".into())
        .spawn(move || {
            let counters = Counters::default();
            for (root, path, kind) in jobs {
                scan_input(root, &path, kind, &counters, &tx);
                if tx.send(ScanEvent::RootDone(root)).is_err() {
                    return;
                }
            }
        });
    if let Err(e) = spawned {
        // The channel is bounded: this one event fits, then the receiver closes.
        let message = format!("could not start the scanner thread: {e}");
        let error = crate::scan::ScanError {
            path: first,
            message,
        };
        let _ = error_tx.send(ScanEvent::Error { root: 0, error });
    }
    drop(error_tx);
    rx
}

fn scan_input(
    root: usize,
    path: &Path,
    kind: RootKind,
    counters: &Counters,
    tx: &crossbeam_channel::Sender<ScanEvent>,
) {
    match kind {
        RootKind::SitePackages => scan_dir(root, path, counters, tx),
        RootKind::Wheels => scan_wheels(root, path, tx),
        RootKind::Zip => scan_zip(root, path, tx),
    }
}

/// Loads a bundle to the end, calling `on_progress` as the scan goes. A lone saved scan
/// (recognised by content, whatever its name) is read back instead of scanned.
pub fn load(
    paths: &[PathBuf],
    opts: &LoadOptions,
    on_progress: &mut dyn FnMut(Progress),
) -> Result<Bundle, LoadError> {
    load_keeping(paths, opts, Keep::Stamps, on_progress)
}

/// What a load keeps beyond the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// Each walked file's identity ([`Bundle::stamps`], 16 bytes a node), which the
    /// zipped-size cache needs.
    Stamps,
    /// Nothing: no zipped sizes will be looked up.
    TreeOnly,
}

/// [`load`], keeping the walk's stamps only when `keep` says so.
pub fn load_keeping(
    paths: &[PathBuf],
    opts: &LoadOptions,
    keep: Keep,
    on_progress: &mut dyn FnMut(Progress),
) -> Result<Bundle, LoadError> {
    if let Some(saved) = lone_saved_scan(paths) {
        return Ok(crate::scanfile::open(saved)?);
    }
    let inputs = classify(paths)?;
    let mut builder = Builder::new(opts.target.clone());
    if keep == Keep::TreeOnly {
        builder.drop_stamps();
    }
    for input in &inputs {
        builder.add_root(input.path.clone(), input.kind, input.own_disk);
    }
    for event in spawn_scan(&inputs) {
        if let ScanEvent::Progress(p) = &event {
            on_progress(*p);
        }
        builder.apply(event);
    }
    Ok(finish(builder, opts))
}

/// The one input when it is a saved scan.
pub fn lone_saved_scan(paths: &[PathBuf]) -> Option<&Path> {
    match paths {
        [one] if is_scan_file(one) => Some(one),
        _ => None,
    }
}

/// Rolls up a fully merged builder and runs the Python pass.
pub fn finish(builder: Builder, opts: &LoadOptions) -> Bundle {
    let (mut bundle, source) = builder.finish_tree();
    attribute(&mut bundle, &source);
    bundle.graph = DepGraph::build(
        &bundle.dists,
        &bundle.target.env(),
        opts.top_level.as_deref(),
    );
    bundle
}
