//! Detection throughput (whole built-in catalogue) and engine build time.
//!
//! `cargo bench --bench detect`. Corpora:
//! - `mixed`: the accuracy corpus (prompts, tickets, logs, manifests, configs in 7 languages)
//!   diluted with clean prose and logs to about one labelled value per KiB;
//! - `clean`: prose and application logs with no sensitive values (the common case).
//!
//! Targets: >= 300 MB/s/core clean, >= 100 MB/s/core mixed (one thread here).

#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "../tests/accuracy/corpus.rs"]
#[allow(dead_code)]
mod corpus;
#[path = "../tests/accuracy/values.rs"]
mod values;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use promptwall::detect::Engine;
use values::Rng;

const PROSE: &[&str] = &[
    "The deployment rolled out to the staging cluster without errors, but the readiness probe took longer than expected. ",
    "We should raise the memory limit of the worker pods and check whether the cache warm-up is blocking the event loop. ",
    "O serviço de faturação respondeu com atraso durante a janela de manutenção; os pedidos foram repetidos automaticamente. ",
    "Die Warteschlange wurde geleert, nachdem der Verbraucher neu gestartet wurde, und die Latenz ist wieder normal. ",
    "La migration de la base de données s'est terminée en douze minutes et aucun verrou n'a été observé. ",
    "El balanceador de carga marcó dos instancias como no saludables y las reemplazó en menos de un minuto. ",
    "Il job notturno ha elaborato tutti i file, ma la compressione ha richiesto più tempo del previsto. ",
    "De nieuwe versie van de API gebruikt paginering, dus de client moet de volgende pagina zelf ophalen. ",
    "Please summarise the incident timeline and list the follow-up actions for the platform team. ",
];

fn clean_chunk(rng: &mut Rng, out: &mut String) {
    if rng.chance(0.5) {
        for _ in 0..3 {
            out.push_str(PROSE[rng.below(PROSE.len())]);
        }
        out.push('\n');
    } else {
        for _ in 0..4 {
            out.push_str(&format!(
                "{} INFO  request_id={} method=GET path=/api/v2/items status=200 latency_ms={} upstream={}:8080 build={}\n",
                values::timestamp(rng),
                values::uuid(rng),
                rng.range(1, 900),
                values::private_ipv4(rng),
                values::semver(rng)
            ));
        }
    }
}

fn clean_corpus(bytes: usize) -> String {
    let mut rng = Rng::new(11);
    let mut out = String::with_capacity(bytes + 1024);
    while out.len() < bytes {
        clean_chunk(&mut rng, &mut out);
    }
    out
}

/// Accuracy documents diluted with clean text to ~1 labelled value per KiB.
fn mixed_corpus(bytes: usize) -> (String, usize) {
    let mut rng = Rng::new(12);
    let docs = corpus::generate(0xBE7C, 4000);
    let mut out = String::with_capacity(bytes + 4096);
    let mut labels = 0;
    for d in docs {
        if out.len() >= bytes {
            break;
        }
        out.push_str(&d.text);
        out.push_str("\n\n");
        labels += d.labels.len();
        while out.len() < labels * 1024 {
            clean_chunk(&mut rng, &mut out);
        }
    }
    (out, labels)
}

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
