//! Steady-state instruction counts on the corpora of `benches/detect.rs` (criterion), for
//! callgrind: the engine is built and warmed up (every lazily compiled validator is built by a
//! first scan) before the measured scans, so one-off start-up work is not counted.
//!
//! Owns: nothing but this driver; the corpora are `benches/support/corpora.rs`.
//! Never: reads files or the network.
//! Called by: developers.
//!
//! ```text
//! cargo build --release --example bench_corpus_profile
//! valgrind --tool=callgrind --toggle-collect='*bench_corpus_profile*measured*' \
//!     target/release/examples/bench_corpus_profile clean all 1   # clean|mixed|tiny, all|pii
//! ```

#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "../benches/support/corpora.rs"]
mod corpora;
#[path = "../tests/accuracy/corpus.rs"]
#[allow(dead_code)]
mod corpus;
#[path = "../tests/accuracy/values.rs"]
mod values;

use std::hint::black_box;

use corpora::{clean_corpus, mixed_corpus};
use promptwall::detect::{Engine, Finding, Scratch};

#[inline(never)]
fn measured(e: &Engine, text: &str, iters: usize, scratch: &mut Scratch, out: &mut Vec<Finding>) {
    for _ in 0..iters {
        e.scan_with(black_box(text), scratch, out);
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "clean".into());
    let family = args.next().unwrap_or_else(|| "all".into());
    let iters: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let text = if which == "mixed" {
        mixed_corpus(4 << 20).0
    } else if which == "tiny" {
        // The per-scan fixed cost (streaming responses are scanned event by event).
        "Hello there, world.".to_string()
    } else {
        clean_corpus(4 << 20)
    };
    if family == "dump" {
        print!("{text}");
        return;
    }
    let engine = if family == "pii" {
        Engine::with_detectors(promptwall::detect::detectors::pii::all()).expect("engine")
    } else {
        Engine::with_detectors(promptwall::detect::detectors::builtin()).expect("engine")
    };
    let mut scratch = engine.scratch();
    let mut out = Vec::new();
    engine.scan_with(&text, &mut scratch, &mut out);
    let warm = out.len();
    let t = std::time::Instant::now();
    measured(&engine, &text, iters, &mut scratch, &mut out);
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{which}/{family}: {} bytes x {iters}: {:.0} MiB/s, {warm} findings",
        text.len(),
        (text.len() * iters) as f64 / secs / (1 << 20) as f64
    );
}
