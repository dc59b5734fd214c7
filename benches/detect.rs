//! Detection throughput (whole built-in catalogue) and engine build time.
//!
//! `cargo bench --bench detect`. Corpora:
//! - `mixed`: the accuracy corpus (prompts, tickets, logs, manifests, configs in 7 languages)
//!   diluted with clean prose and logs to about one labelled value per KiB;
//! - `clean`: prose and application logs with no sensitive values (the common case).
//!
//! Targets: >= 300 MB/s/core clean, >= 100 MB/s/core mixed (one thread here).

#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "support/corpora.rs"]
mod corpora;
#[path = "../tests/accuracy/corpus.rs"]
#[allow(dead_code)]
mod corpus;
#[path = "../tests/accuracy/values.rs"]
mod values;

use std::hint::black_box;
use std::time::Duration;

use corpora::{clean_corpus, mixed_corpus};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use promptwall::detect::Engine;

fn scan(c: &mut Criterion) {
    let engine = Engine::builtin().expect("engine builds");
    let clean = clean_corpus(4 << 20);
    let (mixed, labels) = mixed_corpus(4 << 20);
    let clean_findings = engine.scan(&clean).len();
    let mixed_findings = engine.scan(&mixed).len();
    eprintln!(
        "clean: {} bytes, {clean_findings} findings; mixed: {} bytes, {labels} labels, {mixed_findings} findings",
        clean.len(),
        mixed.len()
    );
    let mut g = c.benchmark_group("scan");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.throughput(Throughput::Bytes(clean.len() as u64));
    g.bench_function("clean", |b| b.iter(|| engine.scan(black_box(&clean))));
    g.throughput(Throughput::Bytes(mixed.len() as u64));
    g.bench_function("mixed", |b| b.iter(|| engine.scan(black_box(&mixed))));
    g.finish();

    // The way the proxy scans: one scratch and output vector per worker, reused across scans
    // (`Engine::scan` above allocates both per call, which for a 4 MiB text means growing
    // hit lists of ~300k hits in fresh memory every iteration).
    let mut g = c.benchmark_group("scan_reused");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    let mut scratch = engine.scratch();
    let mut out = Vec::new();
    g.throughput(Throughput::Bytes(clean.len() as u64));
    g.bench_function("clean", |b| {
        b.iter(|| engine.scan_with(black_box(&clean), &mut scratch, &mut out))
    });
    g.throughput(Throughput::Bytes(mixed.len() as u64));
    g.bench_function("mixed", |b| {
        b.iter(|| engine.scan_with(black_box(&mixed), &mut scratch, &mut out))
    });
    g.finish();
}

type Family = fn() -> Vec<Box<dyn promptwall::detect::Detector>>;

/// Clean-text throughput per detector family, to show where the time goes.
fn by_family(c: &mut Criterion) {
    use promptwall::detect::detectors::{natural, pii, secrets};
    let clean = clean_corpus(2 << 20);
    let mut g = c.benchmark_group("clean_by_family");
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    g.throughput(Throughput::Bytes(clean.len() as u64));
    let families: [(&str, Family); 4] = [
        ("none", Vec::new),
        ("secrets", secrets::all),
        ("pii", pii::all),
        ("natural", natural::all),
    ];
    for (name, all) in families {
        let engine = Engine::with_detectors(all()).expect("engine builds");
        g.bench_function(name, |b| b.iter(|| engine.scan(black_box(&clean))));
    }
    g.finish();
}

fn build(c: &mut Criterion) {
    let mut g = c.benchmark_group("engine");
    g.sample_size(10);
    g.bench_function("build", |b| {
        b.iter(|| Engine::builtin().expect("engine builds"))
    });
    g.finish();
}

criterion_group!(benches, scan, by_family, build);
criterion_main!(benches);
