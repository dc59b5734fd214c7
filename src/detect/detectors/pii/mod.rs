//! Structured personal data: e-mail, phone, payment cards, IBAN, national ids with check
//! digits, EU VAT ids, IP and MAC addresses, crypto wallets.
//!
//! Owns: the PII detectors (one file per family) and their context-word lists.
//! Never: scans the whole text itself (only windows around engine hits), logs values, or
//! reports values that fail their checksum/structure as validated.
//! Called by: `detect::Engine` through `detectors::builtin()`.
//!
//! Triggers (the engine finds them in one pass):
//! - the literal `@` (e-mail) — the only literal: `0x`/`bc1` wallet prefixes and `::` would
//!   fire constantly on code, so wallets and IPv6 ride on digit runs instead;
//! - digit runs: ≥ 12 digits (cards), ≥ 6 (IBAN, NINO, NIR), ≥ 7 (ES NIF, EU VAT), ≥ 5 (phones),
//!   ≥ 9 (SSN, ITIN, PT NIF), ≥ 10 (NHS), ≥ 11 (Steuer-ID), ≥ 8 (BSN), ≥ 2 (codice fiscale), ≥ 1
//!   (IPv4/IPv6, MAC, wallets). Every detector drops a hit after looking at a few bytes
//!   unless its shape is there, and skips later hits inside a span it already examined, so
//!   the work per text stays linear.
//!
//! Cost model (measured with callgrind, instructions in the detectors' `detect` incl. callees,
//! one steady-state scan of the 4 MiB criterion corpus of `benches/detect.rs`, command in
//! `examples/bench_corpus_profile.rs`): the PII family costs 28.6 instructions/byte on clean
//! text (33.5 before the IP/MAC fast paths, 53.2 before the exact digit-run prefilters) and
//! 31.6 on the mixed corpus (37.3, 55.1); the whole catalogue 50.0 (clean) and 73.1 (mixed) at
//! the end of session 3, 44.8 and 65.9 after session 4, engine included (see `engine.rs`). The clean corpus has ~0.07 digit runs per byte, so the
//! `min_digits: 1` detectors dominate: IP 32.4 M instructions (~113 per run; was 40.8 M), MAC
//! 21.8 M (~76; was 28.6 M), crypto wallets 18.8 M (~66; was 20.7 M), then BSN 9.7 M, phone
//! 8.6 M; every other PII detector is below 7 M. Per-run work is the rejection itself: a
//! prefilter must be exact (reject only runs the full check rejects, including what a skipped
//! run would have "covered"), so the fingerprint of `examples/detect_perf.rs` stays identical.
//!
//! Scores: validated (checksum/structure) ≥ 0.9; context-dependent 0.6–0.85; signals we would
//! not redact < 0.5 (the engine drops them by default).

use super::CatalogueOptions;
use crate::detect::Detector;

mod card;
mod crypto;
mod email;
mod iban;
mod national;
mod net;
mod phone;
mod tlds;
mod util;
mod vat;

pub use card::CardDetector;
pub use crypto::CryptoWalletDetector;
pub use email::EmailDetector;
pub use iban::IbanDetector;
pub use national::{
    DeTaxIdDetector, EsNifDetector, FrNirDetector, ItFiscalCodeDetector, NlBsnDetector,
    PtNifDetector, UkNhsDetector, UkNinoDetector, UsItinDetector, UsSsnDetector,
};
pub use net::{IpDetector, MacDetector};
pub use phone::{warm_up as warm_up_phone_metadata, PhoneDetector};
pub use vat::EuVatDetector;

/// Every PII detector with default settings.
pub fn all() -> Vec<Box<dyn Detector>> {
    all_with(CatalogueOptions::default())
}

/// Every PII detector with `opts` (`include_test_values` reaches the e-mail and US SSN
/// detectors: reserved domains and never-issued SSN ranges).
pub fn all_with(opts: CatalogueOptions) -> Vec<Box<dyn Detector>> {
    vec![
        Box::new(EmailDetector::new(opts.include_test_values)),
        Box::new(CardDetector),
        Box::new(IbanDetector),
        Box::new(UsSsnDetector::new(opts.include_test_values)),
        Box::new(UsItinDetector),
        Box::new(EuVatDetector),
        Box::new(UkNinoDetector),
        Box::new(UkNhsDetector),
        Box::new(PtNifDetector),
        Box::new(EsNifDetector),
        Box::new(ItFiscalCodeDetector),
        Box::new(NlBsnDetector),
        Box::new(FrNirDetector),
        Box::new(DeTaxIdDetector),
        Box::new(PhoneDetector),
        Box::new(IpDetector::new()),
        Box::new(MacDetector),
        Box::new(CryptoWalletDetector),
    ]
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::detect::{Detector, Engine, Finding};

    /// Run one detector through a real engine (so its triggers are exercised).
    pub(crate) fn run<D: Detector + Clone + 'static>(d: &D, text: &str) -> Vec<Finding> {
        let engine = Engine::with_detectors(vec![Box::new(d.clone())]).unwrap();
        let out = engine.scan(text);
        for f in &out {
            assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        }
        out
    }

    /// Values the detector would redact (score >= 0.5).
    pub(crate) fn found<'t, D: Detector + Clone + 'static>(d: &D, text: &'t str) -> Vec<&'t str> {
        run(d, text)
            .into_iter()
            .filter(|f| f.score >= 0.5)
            .map(|f| &text[f.start..f.end])
            .collect()
    }

    pub(crate) fn spans<D: Detector + Clone + 'static>(d: &D, text: &str) -> Vec<(usize, usize)> {
        run(d, text).into_iter().map(|f| (f.start, f.end)).collect()
    }

    pub(crate) fn scores<D: Detector + Clone + 'static>(d: &D, text: &str) -> Vec<f32> {
        run(d, text).into_iter().map(|f| f.score).collect()
    }

    /// Clean DevOps / code text: the whole PII catalogue must stay silent.
    pub(crate) const CLEAN: &str = r#"2024-01-15T10:22:33Z INFO request_id=3f2c9a1e-8b7d-4c6e-9f10-2a3b4c5d6e7f took 1532ms
2024-01-15 10:22:33.123 [main] GET /api/v1/orders/123456789 200 5123 bytes in 12.5 ms
commit 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b (HEAD -> main) Author: CI
image: nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
"integrity": "sha512-9F2kq3Lr0Zb8mXw1yT7uE4oP6aS5dG3hJ2kL1zX0cV9bN8mQ7wE6rT5yU4iO3pA2sD1fG0hJ9kL8zX7cV6bN5m=="
pod/web-7d9f8c6b5-x2kq9 Running 0 3d2h; svc web:8080 -> 10.244.1.17:8080 (ClusterIP 172.20.0.10)
listening on 0.0.0.0:8443, metrics on 127.0.0.1:9090, upstream http://localhost:3000/health
epoch_ms=1705314153123 epoch=1705314153 nanos=1705314153123456789 pid 48213 port 51234
semver 1.22.3-rc.1, version 10.0.19041.1, python==3.11.4, node v18.19.0, go1.21.5 linux/amd64
trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 uid=1000 gid=1000
resourceVersion: "48213377", uid: 7c9e6679-7425-40de-944b-e07fc1f90ae7, replicas: 3, cpu: 250m
order 100234 shipped; invoice INV-2024-000123; ticket JIRA-4521; total 1234.56 EUR; qty 12
fn main() { let x: u32 = 0xFF; std::process::exit(0x01); } // i += 1; a[12] = b[3] * 1024;
mem 16777216 bytes, disk 512000000 bytes, 3.14159 2.71828, 1e-9, 255.255.255.0/24 mask
SELECT * FROM users WHERE id = 12345 AND created_at > '2024-01-15 10:22:33' LIMIT 100;
icon@2x.png logo@3x.webp npm i @angular/core@17.1.0 git@github.com:org/repo.git @Component
user@example.com admin@localhost 192.168.1.1 fe80::1 ::1 00:00:00:00:00:00 ff:ff:ff:ff:ff:ff
2001:db8::1 169.254.169.254 8.8.8.8 line 42 col 7 (12:34:56) at 10:22 on 15/01/2024 [1/3]
"#;

    #[test]
    fn clean_text_is_silent() {
        let e = Engine::with_detectors(super::all()).unwrap();
        let f = e.scan(CLEAN);
        let vals: Vec<(&str, &str)> = f
            .iter()
            .filter(|f| f.score >= 0.5)
            .map(|f| (f.entity.name(), &CLEAN[f.start..f.end]))
            .collect();
        assert!(vals.is_empty(), "{vals:?}");
    }

    /// `cargo test --release -- --ignored pii_throughput --nocapture`
    #[test]
    #[ignore]
    fn pii_throughput() {
        let e = Engine::with_detectors(super::all()).unwrap();
        let prose = "The quick brown fox jumps over the lazy dog while the team reviews the \
                     quarterly report and discusses the roadmap for next year in detail. ";
        // Deterministic base64-like blob (xorshift), the worst case for digit-run triggers.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let blob: String = (0..4096)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(alphabet[(x % 64) as usize])
            })
            .collect();
        for (name, unit) in [
            ("prose", prose.to_string()),
            ("logs", CLEAN.to_string()),
            ("mixed", format!("{prose}{prose}{CLEAN}")),
            ("base64", blob),
        ] {
            let mut text = String::new();
            while text.len() < 8 << 20 {
                text.push_str(&unit);
            }
            let t = std::time::Instant::now();
            let mut n = 0;
            for _ in 0..3 {
                n += e.scan(&text).len();
            }
            let mbps = (3 * text.len()) as f64 / t.elapsed().as_secs_f64() / 1e6;
            // Prompt-sized texts (16 KiB): the realistic case, no giant hit vectors.
            let t = std::time::Instant::now();
            let mut m = 0;
            let mut out = Vec::new();
            for _ in 0..3 {
                let mut i = 0;
                while i < text.len() {
                    let mut j = (i + (16 << 10)).min(text.len());
                    while !text.is_char_boundary(j) {
                        j += 1;
                    }
                    e.scan_into(&text[i..j], &mut out);
                    m += out.len();
                    i = j;
                }
            }
            let chunked = (3 * text.len()) as f64 / t.elapsed().as_secs_f64() / 1e6;
            println!(
                "pii catalogue, {name}: {mbps:.0} MB/s one 8 MiB text, \
                 {chunked:.0} MB/s in 16 KiB texts ({n}/{m} findings)"
            );
        }
        let mut text = String::new();
        while text.len() < 4 << 20 {
            text.push_str(CLEAN);
        }
        // Engine overhead alone: no-op detectors with exactly our triggers.
        struct Mirror(Vec<crate::detect::Trigger>);
        impl Detector for Mirror {
            fn name(&self) -> &'static str {
                "mirror"
            }
            fn triggers(&self) -> Vec<crate::detect::Trigger> {
                self.0.clone()
            }
            fn detect(
                &self,
                _: &crate::detect::ScanCtx<'_>,
                _: &[crate::detect::Hit],
                _: &mut Vec<Finding>,
            ) {
            }
        }
        let mirrors: Vec<Box<dyn Detector>> = super::all()
            .iter()
            .map(|d| Box::new(Mirror(d.triggers())) as Box<dyn Detector>)
            .collect();
        let empty = Engine::with_detectors(mirrors).unwrap();
        let t = std::time::Instant::now();
        let mut out = Vec::new();
        for chunk in text.as_bytes().chunks(16 << 10) {
            let c = std::str::from_utf8(chunk).unwrap_or("");
            empty.scan_into(c, &mut out);
        }
        println!(
            "engine only (no-op detectors, same triggers), logs in 16 KiB texts: {:.0} MB/s",
            text.len() as f64 / t.elapsed().as_secs_f64() / 1e6
        );
        for d in super::all() {
            let name = d.name();
            let e = Engine::with_detectors(vec![d]).unwrap();
            let t = std::time::Instant::now();
            e.scan(&text);
            let mbps = text.len() as f64 / t.elapsed().as_secs_f64() / 1e6;
            println!("{name}, logs: {mbps:.0} MB/s");
        }
    }

    #[test]
    fn mixed_prompt_finds_each_entity_once() {
        let e = Engine::with_detectors(super::all()).unwrap();
        let t = "Olá, sou o João, NIF 123456789, telemóvel 912 345 678, email joao@empresa.pt, \
                 IBAN PT50 0002 0123 1234 5678 9015 4. Card 4111 1111 1111 1111. \
                 DNI 12345678Z, CF RSSMRA85T10A562S, NHS 943 476 5919, SSN 536-90-2784, \
                 from 81.2.69.142 mac 00:1a:2b:3c:4d:5e btc 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa \
                 call +44 20 7946 0958";
        let found = e.scan(t);
        let got: Vec<(&str, &str)> = found
            .iter()
            .filter(|f| f.score >= 0.5)
            .map(|f| (f.entity.name(), &t[f.start..f.end]))
            .collect();
        assert_eq!(
            got,
            vec![
                ("PT_NIF", "123456789"),
                ("PHONE_NUMBER", "912 345 678"),
                ("EMAIL_ADDRESS", "joao@empresa.pt"),
                ("IBAN_CODE", "PT50 0002 0123 1234 5678 9015 4"),
                ("CREDIT_CARD", "4111 1111 1111 1111"),
                ("ES_NIF", "12345678Z"),
                ("IT_FISCAL_CODE", "RSSMRA85T10A562S"),
                ("UK_NHS", "943 476 5919"),
                ("US_SSN", "536-90-2784"),
                ("IP_ADDRESS", "81.2.69.142"),
                ("MAC_ADDRESS", "00:1a:2b:3c:4d:5e"),
                ("CRYPTO", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
                ("PHONE_NUMBER", "+44 20 7946 0958"),
            ]
        );
    }

    proptest::proptest! {
        /// No input makes a PII detector panic or report a span off char boundaries.
        #[test]
        fn never_panics(s in "[0-9a-fA-FxXbcpq@:. /()+€é_-]{0,80}") {
            let e = Engine::with_detectors(super::all()).unwrap();
            for f in e.scan(&s) {
                proptest::prop_assert!(s.is_char_boundary(f.start) && s.is_char_boundary(f.end));
            }
        }
    }

    #[test]
    fn catalogue_builds() {
        let e = Engine::with_detectors(super::all()).unwrap();
        let f = e.scan("mail ana@empresa.pt, IBAN DE89370400440532013000");
        assert_eq!(f.len(), 2);
    }
}
