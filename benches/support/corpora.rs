//! Corpora of the detection benchmarks, shared by `benches/detect.rs` (criterion) and
//! `examples/bench_corpus_profile.rs` (callgrind driver), so both measure the same text.
//!
//! Owns: the clean corpus (prose in 6 languages and application logs without findings) and the
//! mixed corpus (accuracy documents diluted with clean text to ~1 labelled value per KiB).
//! Never: reads files or the network; everything comes from fixed seeds.
//! Called by: the two files above, which include it with `#[path]` next to the accuracy
//! corpus modules `corpus` and `values` it uses.

use super::corpus;
use super::values::{self, Rng};

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

pub fn clean_corpus(bytes: usize) -> String {
    let mut rng = Rng::new(11);
    let mut out = String::with_capacity(bytes + 1024);
    while out.len() < bytes {
        clean_chunk(&mut rng, &mut out);
    }
    out
}

/// Accuracy documents diluted with clean text to ~1 labelled value per KiB.
pub fn mixed_corpus(bytes: usize) -> (String, usize) {
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
