//! Compares heft's chunked deflate of big files with one zlib stream over the same bytes.
//!
//! `cargo run --release --example chunk_accuracy -- FILE...` prints, per file, the
//! single-stream and chunked deflate-6 sizes, their difference and both times.

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use flate2::{Compress, Compression, FlushCompress};

fn main() -> ExitCode {
    let (mut single_sum, mut chunked_sum) = (0u64, 0u64);
    for path in std::env::args_os().skip(1) {
        let path = Path::new(&path);
        let started = Instant::now();
        let single = match single_stream(path) {
            Ok(size) => size,
            Err(error) => {
                eprintln!("{}: {error}", path.display());
                return ExitCode::FAILURE;
            }
        };
        let single_time = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let Ok(chunked) = heft::zipsize::deflated_size(path) else {
            eprintln!("{}: unreadable", path.display());
            return ExitCode::FAILURE;
        };
        let chunked_time = started.elapsed().as_secs_f64();
        single_sum += single;
        chunked_sum += chunked;
        let diff = chunked as f64 - single as f64;
        println!(
            "{:>11} {:>11} {:+8} ({:+.4}%)  {single_time:.2} s -> {chunked_time:.2} s  {}",
            single,
            chunked,
            chunked.cast_signed() - single.cast_signed(),
            diff / single as f64 * 100.0,
            path.display()
        );
    }
    let diff = chunked_sum as f64 - single_sum as f64;
    println!(
        "{single_sum:>11} {chunked_sum:>11} {:+8} ({:+.4}%)  total",
        chunked_sum.cast_signed() - single_sum.cast_signed(),
        diff / single_sum.max(1) as f64 * 100.0
    );
    ExitCode::SUCCESS
}

/// Deflate-6 size of the whole file as one raw stream (stored size if not smaller).
fn single_stream(path: &Path) -> std::io::Result<u64> {
    let mut file = std::fs::File::open(path)?;
    let mut compress = Compress::new(Compression::new(6), false);
    let (mut input, mut output) = (vec![0u8; 1 << 17], vec![0u8; 1 << 16]);
    let mut size = 0u64;
    loop {
        let read = file.read(&mut input)?;
        size += read as u64;
        let flush = if read == 0 {
            FlushCompress::Finish
        } else {
            FlushCompress::None
        };
        let mut rest = &input[..read];
        loop {
            let before = compress.total_in();
            let status = compress
                .compress(rest, &mut output, flush)
                .map_err(std::io::Error::other)?;
            rest = &rest[(compress.total_in() - before) as usize..];
            let done = match flush {
                FlushCompress::Finish => status == flate2::Status::StreamEnd,
                _ => rest.is_empty(),
            };
            if done {
                break;
            }
        }
        if read == 0 {
            return Ok(compress.total_out().min(size));
        }
    }
}
