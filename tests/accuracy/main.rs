//! Accuracy suite: runs the built-in engine over a generated, labelled corpus and gates on
//! recall/precision.
//!
//! Run: `cargo test --test accuracy -- --nocapture` (prints the per-kind table).
//! Dump the corpus: `cargo test --test accuracy dump_corpus -- --ignored`
//! (writes `$ACCURACY_CORPUS_OUT` or `target/accuracy-corpus.jsonl`).
//!
//! # Matching rule
//! Entities are compared by *family*: every secret entity (API_KEY, PRIVATE_KEY, PASSWORD,
//! CONNECTION_STRING, JWT, AUTH_HEADER, GENERIC_SECRET) is one family (which secret type a
//! detector names does not change what gets redacted); every PII entity is its own family.
//! - A label is **found** when findings of its family cover at least 50% of the label's bytes.
//!   Labels mark the sensitive core (for a connection URI: the password), so a detector that
//!   redacts more (the whole URI) still matches.
//! - A finding is a **true positive** when it overlaps a label of its family; otherwise it is a
//!   false positive (reported as `wrong family` when it overlaps a label of another family).
//!
//! # Gates (the contract; do not weaken)
//! - recall >= 99% for every checksum-validated (`V`) and prefixed/structural-token (`P`) kind;
//! - recall >= 95% over all secret labels;
//! - recall >= 90% for person names with a context cue (every `person*` kind);
//! - precision >= 97% over all findings.

mod corpus;
mod values;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use corpus::{Doc, Label, Tier};
use promptwall::detect::{Category, Engine, Entity, Finding};

const SEED: u64 = 0x005E_ED0F_ACC0;
const DOCS: usize = 4200;

fn family(e: &Entity) -> String {
    match e.category() {
        Category::Secret => "SECRET".to_string(),
        Category::Pii => e.name().to_string(),
    }
}

fn overlap(a: (usize, usize), b: (usize, usize)) -> usize {
    a.1.min(b.1).saturating_sub(a.0.max(b.0))
}

fn covered(label: &Label, findings: &[Finding]) -> bool {
    let fam = family(&label.entity);
    let cov: usize = findings
        .iter()
        .filter(|f| family(&f.entity) == fam)
        .map(|f| overlap((f.start, f.end), (label.start, label.end)))
        .sum();
    cov * 2 >= label.end - label.start
}

#[derive(Default)]
struct KindStats {
    tier: Option<Tier>,
    entity: String,
    support: usize,
    found: usize,
    misses: Vec<String>,
}

#[derive(Default)]
struct EntityPrecision {
    findings: usize,
    tp: usize,
    wrong_family: usize,
    fps: Vec<String>,
}

fn snippet(text: &str, start: usize, end: usize) -> String {
    let mut s = start.saturating_sub(40);
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    let mut e = (end + 20).min(text.len());
    while !text.is_char_boundary(e) {
        e += 1;
    }
    format!(
        "{}[[{}]]{}",
        &text[s..start],
        &text[start..end],
        &text[end..e]
    )
    .replace('\n', "\\n")
}

struct Report {
    kinds: BTreeMap<&'static str, KindStats>,
    /// (kind, lang) -> (support, found): where recall is not uniform across languages.
    by_lang: BTreeMap<(&'static str, &'static str), (usize, usize)>,
    precision: BTreeMap<String, EntityPrecision>,
    table: String,
    failures: Vec<String>,
}

fn evaluate(engine: &Engine, docs: &[Doc]) -> Report {
    let mut kinds: BTreeMap<&'static str, KindStats> = BTreeMap::new();
    let mut precision: BTreeMap<String, EntityPrecision> = BTreeMap::new();
    let mut by_lang: BTreeMap<(&'static str, &'static str), (usize, usize)> = BTreeMap::new();
    for doc in docs {
        let findings = engine.scan(&doc.text);
        for l in &doc.labels {
            let k = kinds.entry(l.kind).or_default();
            k.tier = Some(l.tier);
            k.entity = l.entity.name().to_string();
            k.support += 1;
            let bl = by_lang.entry((l.kind, doc.lang)).or_default();
            bl.0 += 1;
            if covered(l, &findings) {
                k.found += 1;
                bl.1 += 1;
            } else if k.misses.len() < 3 {
                let got: Vec<String> = findings
                    .iter()
                    .filter(|f| overlap((f.start, f.end), (l.start, l.end)) > 0)
                    .map(|f| format!("{}@{}..{}", f.entity, f.start, f.end))
                    .collect();
                k.misses.push(format!(
                    "doc {} ({}/{}) label {}..{}: {} | overlapping findings: {:?}",
                    doc.id,
                    doc.format,
                    doc.lang,
                    l.start,
                    l.end,
                    snippet(&doc.text, l.start, l.end),
                    got
                ));
            }
        }
        for f in &findings {
            let p = precision.entry(f.entity.name().to_string()).or_default();
            p.findings += 1;
            let fam = family(&f.entity);
            let mut any = false;
            let mut same = false;
            for l in &doc.labels {
                if overlap((f.start, f.end), (l.start, l.end)) > 0 {
                    any = true;
                    same |= family(&l.entity) == fam;
                }
            }
            if same {
                p.tp += 1;
            } else {
                if any {
                    p.wrong_family += 1;
                }
                if p.fps.len() < 4 {
                    p.fps.push(format!(
                        "doc {} ({}/{}) {} by {} score {:.2}: {}",
                        doc.id,
                        doc.format,
                        doc.lang,
                        f.entity,
                        f.detector,
                        f.score,
                        snippet(&doc.text, f.start, f.end)
                    ));
                }
            }
        }
    }

    let mut table = String::new();
    let mut failures = Vec::new();
    let _ = writeln!(
        table,
        "{:<24} {:<4} {:<18} {:>7} {:>7} {:>8}",
        "kind", "tier", "entity", "support", "found", "recall"
    );
    let (mut sec_support, mut sec_found) = (0usize, 0usize);
    let (mut all_support, mut all_found) = (0usize, 0usize);
    for (kind, k) in &kinds {
        let tier = k.tier.unwrap_or(Tier::Context);
        let recall = k.found as f64 / k.support.max(1) as f64;
        let _ = writeln!(
            table,
            "{:<24} {:<4} {:<18} {:>7} {:>7} {:>7.1}%",
            kind,
            tier.short(),
            k.entity,
            k.support,
            k.found,
            recall * 100.0
        );
        all_support += k.support;
        all_found += k.found;
        if Entity::from_builtin_name(&k.entity).is_some_and(|e| e.category() == Category::Secret) {
            sec_support += k.support;
            sec_found += k.found;
        }
        let gate = match (tier, *kind) {
            (Tier::Validated | Tier::Prefixed, _) => Some(0.99),
            (_, "person" | "person_honorific") => Some(0.90),
            _ => None,
        };
        if let Some(g) = gate {
            if recall < g {
                failures.push(format!(
                    "recall of {kind} ({}) {:.1}% < {:.0}%; misses:\n    {}",
                    tier.short(),
                    recall * 100.0,
                    g * 100.0,
                    k.misses.join("\n    ")
                ));
            }
        }
    }
    let sec_recall = sec_found as f64 / sec_support.max(1) as f64;
    let _ = writeln!(
        table,
        "{:<24} {:<4} {:<18} {:>7} {:>7} {:>7.1}%",
        "ALL SECRETS",
        "",
        "",
        sec_support,
        sec_found,
        sec_recall * 100.0
    );
    let _ = writeln!(
        table,
        "{:<24} {:<4} {:<18} {:>7} {:>7} {:>7.1}%",
        "ALL LABELS",
        "",
        "",
        all_support,
        all_found,
        all_found as f64 / all_support.max(1) as f64 * 100.0
    );
    if sec_recall < 0.95 {
        failures.push(format!(
            "overall secret recall {:.1}% < 95%",
            sec_recall * 100.0
        ));
    }

    let _ = writeln!(
        table,
        "\n{:<18} {:>8} {:>6} {:>6} {:>12} {:>10}",
        "finding entity", "findings", "TP", "FP", "wrong-family", "precision"
    );
    let (mut n, mut tp) = (0usize, 0usize);
    for (e, p) in &precision {
        let _ = writeln!(
            table,
            "{:<18} {:>8} {:>6} {:>6} {:>12} {:>9.1}%",
            e,
            p.findings,
            p.tp,
            p.findings - p.tp,
            p.wrong_family,
            p.tp as f64 / p.findings.max(1) as f64 * 100.0
        );
        n += p.findings;
        tp += p.tp;
    }
    let prec = tp as f64 / n.max(1) as f64;
    let _ = writeln!(
        table,
        "{:<18} {:>8} {:>6} {:>6} {:>12} {:>9.1}%",
        "ALL",
        n,
        tp,
        n - tp,
        "",
        prec * 100.0
    );
    if prec < 0.97 {
        let examples: Vec<String> = precision
            .values()
            .flat_map(|p| p.fps.iter().cloned())
            .collect();
        failures.push(format!(
            "overall precision {:.1}% < 97%; false positives:\n    {}",
            prec * 100.0,
            examples.join("\n    ")
        ));
    }
    Report {
        kinds,
        by_lang,
        precision,
        table,
        failures,
    }
}

#[test]
fn accuracy_meets_the_contract() {
    let engine = Engine::builtin().expect("engine builds");
    let docs = corpus::generate(SEED, DOCS);
    let started = std::time::Instant::now();
    let report = evaluate(&engine, &docs);
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    println!(
        "accuracy corpus: {} documents, {} bytes, {} labels, scanned in {:?}\n",
        docs.len(),
        bytes,
        docs.iter().map(|d| d.labels.len()).sum::<usize>(),
        started.elapsed()
    );
    println!("{}", report.table);
    let fps: Vec<&String> = report
        .precision
        .values()
        .flat_map(|p| p.fps.iter())
        .collect();
    if !fps.is_empty() {
        println!("example false positives:");
        for f in fps.iter().take(30) {
            println!("  {f}");
        }
    }
    let uneven: Vec<String> = report
        .by_lang
        .iter()
        .filter(|(_, (n, f))| f < n)
        .map(|((kind, lang), (n, f))| format!("{kind}/{lang} {f}/{n}"))
        .collect();
    if !uneven.is_empty() {
        println!("recall below 100% per kind/language: {}", uneven.join(", "));
    }
    for (kind, k) in &report.kinds {
        if !k.misses.is_empty() {
            println!("misses of {kind} (first {}):", k.misses.len());
            for m in &k.misses {
                println!("  {m}");
            }
        }
    }
    assert!(
        report.failures.is_empty(),
        "accuracy gates failed:\n  {}",
        report.failures.join("\n  ")
    );
}

/// The generators themselves must be right, or the suite measures nothing.
#[test]
fn corpus_is_well_formed_and_values_validate() {
    let docs = corpus::generate(SEED, DOCS);
    let mut kinds = BTreeMap::new();
    for d in &docs {
        let mut prev_end = 0;
        for l in &d.labels {
            assert!(l.start < l.end && l.end <= d.text.len());
            assert!(d.text.is_char_boundary(l.start) && d.text.is_char_boundary(l.end));
            assert!(l.start >= prev_end, "labels overlap in doc {}", d.id);
            prev_end = l.end;
            let value = &d.text[l.start..l.end];
            match l.kind {
                "credit_card" => assert!(values::luhn_valid(value), "{value}"),
                "iban" => assert!(values::iban_valid(value), "{value}"),
                "github_token" | "npm_token" => {
                    let body = &value[value.find('_').unwrap() + 1..];
                    assert_eq!(body.len(), 36);
                }
                "jwt" => assert!(value.starts_with("eyJ") && value.matches('.').count() == 2),
                _ => {}
            }
            *kinds.entry(l.kind).or_insert(0) += 1;
        }
    }
    // Every kind appears often enough to measure a 99% recall meaningfully.
    for (k, n) in &kinds {
        assert!(*n >= 15, "kind {k} has only {n} labels");
    }
    // Determinism.
    let again = corpus::generate(SEED, 50);
    assert_eq!(again[49].text, docs[49].text);
}

#[test]
fn known_check_digit_vectors() {
    // Independent spot checks of the algorithms the generators use.
    assert!(values::luhn_valid("79927398713"));
    assert!(!values::luhn_valid("79927398710"));
    assert!(values::iban_valid("GB82 WEST 1234 5698 7654 32"));
    assert!(!values::iban_valid("GB82 WEST 1234 5698 7654 33"));
    let mut rng = values::Rng::new(1);
    for _ in 0..50 {
        let eth = values::eth_address(&mut rng);
        assert_eq!(eth.len(), 42);
        let btc = values::btc_address(&mut rng);
        let raw = bs58::decode(&btc).into_vec().unwrap();
        assert_eq!(raw.len(), 25);
    }
}

#[test]
#[ignore = "writes the corpus to a file for inspection"]
fn dump_corpus() {
    use std::io::Write;
    let path = std::env::var("ACCURACY_CORPUS_OUT")
        .unwrap_or_else(|_| "target/accuracy-corpus.jsonl".to_string());
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for d in corpus::generate(SEED, DOCS) {
        let labels: Vec<serde_json::Value> = d
            .labels
            .iter()
            .map(|l| {
                serde_json::json!({
                    "kind": l.kind, "entity": l.entity.name(), "tier": l.tier.short(),
                    "start": l.start, "end": l.end, "value": &d.text[l.start..l.end],
                })
            })
            .collect();
        let line = serde_json::json!({
            "id": d.id, "lang": d.lang, "format": d.format, "text": d.text, "labels": labels,
        });
        writeln!(out, "{line}").unwrap();
    }
    println!("corpus written to {path}");
}

/// The secrets-only engine that scans responses finds exactly the secrets of the full engine,
/// on the whole labelled corpus (secrets, PII, hard negatives) and with custom detectors.
#[test]
fn secrets_engine_equals_full_engine_filtered_to_secrets() {
    let cfg: promptwall::detect::DetectionConfig = toml::from_str(
        r#"
[[custom]]
name = "ticket"
pattern = 'TCK-[0-9]{6}'
keywords = ["TCK-"]
entity = "TICKET_ID"
"#,
    )
    .unwrap();
    let full = Engine::from_config(&cfg).unwrap();
    let secrets = Engine::secrets_from_config(&cfg).unwrap();
    assert!(secrets.detector_count() < full.detector_count());
    let docs = corpus::generate(0x5EC2E75, 1500);
    let mut compared = 0;
    for d in &docs {
        for text in [d.text.clone(), format!("{} TCK-123456", d.text)] {
            let want: Vec<Finding> = full
                .scan(&text)
                .into_iter()
                .filter(|f| f.entity.category() == Category::Secret)
                .collect();
            let got: Vec<Finding> = secrets
                .scan(&text)
                .into_iter()
                .filter(|f| f.entity.category() == Category::Secret)
                .collect();
            assert_eq!(got, want, "doc {} ({})", d.id, d.format);
            compared += want.len();
        }
    }
    assert!(compared > 1000, "{compared}");
}
