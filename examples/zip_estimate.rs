//! Estimates what `cd DIR && zip -r -6 out.zip .` would weigh, and how fast.
//!
//! `cargo run --release --example zip_estimate -- DIR [REAL.zip]`
//! With a real zip of the same tree, also prints the estimate's error.
//! `RAYON_NUM_THREADS=1` measures the throughput of a single core.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use rayon::prelude::*;
use walkdir::WalkDir;

use heft::zipsize::{END_OF_CENTRAL_DIRECTORY, deflated_size, entry_overhead};

/// One path under the tree, as `zip -r` would name it.
struct Item {
    path: PathBuf,
    name_len: usize,
    is_dir: bool,
    size: u64,
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: zip_estimate DIR [REAL.zip]");
        return ExitCode::from(2);
    };
    match run(&dir, args.next().map(PathBuf::from).as_deref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("zip_estimate: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(dir: &Path, real: Option<&Path>) -> std::io::Result<()> {
    let items = walk(dir)?;
    let bytes: u64 = items.iter().map(|item| item.size).sum();
    let started = Instant::now();
    let data: u64 = items
        .par_iter()
        .filter(|item| !item.is_dir)
        .map(|item| deflated_size(&item.path))
        .sum::<std::io::Result<u64>>()?;
    let seconds = started.elapsed().as_secs_f64();
    let headers: u64 = items
        .iter()
        .map(|item| entry_overhead(item.name_len, item.is_dir))
        .sum();
    let estimate = data + headers + END_OF_CENTRAL_DIRECTORY;
    let threads = rayon::current_num_threads();
    let rate = bytes as f64 / 1e6 / seconds;
    println!("entries        {}", items.len());
    println!("uncompressed   {bytes}");
    println!("data deflated  {data}");
    println!("headers        {headers}");
    println!("estimate       {estimate}");
    println!(
        "time           {seconds:.3} s on {threads} threads: {rate:.1} MB/s, {:.1} MB/s per thread",
        rate / threads as f64
    );
    if let Some(real) = real {
        let actual = std::fs::metadata(real)?.len();
        let error = (estimate as f64 - actual as f64) / actual as f64 * 100.0;
        println!("real zip       {actual}");
        println!("error          {error:+.3} %");
    }
    Ok(())
}

/// Every path below `dir` (not `dir` itself), following symlinks as `zip -r` does.
fn walk(dir: &Path) -> std::io::Result<Vec<Item>> {
    let mut items = Vec::new();
    for entry in WalkDir::new(dir).follow_links(true).min_depth(1) {
        let entry = entry.map_err(std::io::Error::other)?;
        let relative = entry
            .path()
            .strip_prefix(dir)
            .map_err(std::io::Error::other)?;
        let meta = entry.metadata().map_err(std::io::Error::other)?;
        items.push(Item {
            path: entry.path().to_owned(),
            name_len: relative.as_os_str().len(),
            is_dir: meta.is_dir(),
            size: if meta.is_dir() { 0 } else { meta.len() },
        });
    }
    Ok(items)
}
