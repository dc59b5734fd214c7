//! Steady-state instruction counts on the corpora of `benches/detect.rs` (criterion), for
//! callgrind: the engine is built and warmed up (every lazily compiled validator is built by a
//! first scan) before the measured scans, so one-off start-up work is not counted.
//!
//! Owns: nothing but this driver; the corpus generators mirror `benches/detect.rs`.
//! Never: reads files or the network.
//! Called by: developers.
//!
//! ```text
//! cargo build --release --example bench_corpus_profile
//! valgrind --tool=callgrind --toggle-collect='*bench_corpus_profile*measured*' \
//!     target/release/examples/bench_corpus_profile clean all 1   # clean|mixed, all|pii
//! ```

#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "../tests/accuracy/corpus.rs"]
#[allow(dead_code)]
mod corpus;
#[path = "../tests/accuracy/values.rs"]
mod values;

use std::hint::black_box;

use promptwall::detect::{Engine, Finding, Scratch};
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

fn mixed_corpus(bytes: usize) -> String {
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
    out
}

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
        mixed_corpus(4 << 20)
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
