//! Structured personal data: e-mail, phone, payment cards, IBAN, national ids with check
//! digits, IP and MAC addresses, crypto wallets.
//!
//! Owns: the PII detectors (one file per family) and their context-word lists.
//! Never: scans the whole text itself (only windows around engine hits), logs values, or
//! reports values that fail their checksum/structure as validated.
//! Called by: `detect::Engine` through `detectors::builtin()`.
//!
//! Triggers (the engine finds them in one pass):
//! - `@` (e-mail), `bc1` and `0x` (wallets): rare literals.
//! - digit runs: ≥ 12 digits (cards), ≥ 6 (IBAN, NINO, NIR), ≥ 7 (ES NIF, phones),
//!   ≥ 9/10/11 (SSN, PT NIF, NHS, BSN, Steuer-ID), ≥ 2 (codice fiscale), ≥ 1 (IPv4 dotted
//!   quads, IPv6, MAC, base58 wallets — each detector rejects a hit in O(1) unless the bytes
//!   around it have its shape).
//!
//! Scores: validated (checksum/structure) ≥ 0.9; context-dependent 0.6–0.85; signals we would
//! not redact < 0.5 (the engine drops them by default).

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

pub use card::CardDetector;
pub use crypto::CryptoWalletDetector;
pub use email::EmailDetector;
pub use iban::IbanDetector;
pub use national::{
    DeTaxIdDetector, EsNifDetector, FrNirDetector, ItFiscalCodeDetector, NlBsnDetector,
    PtNifDetector, UkNhsDetector, UkNinoDetector, UsSsnDetector,
};
pub use net::{IpDetector, MacDetector};
pub use phone::PhoneDetector;

/// Every PII detector with default settings.
pub fn all() -> Vec<Box<dyn Detector>> {
    phone::warm_up();
    vec![
        Box::new(EmailDetector),
        Box::new(CardDetector),
        Box::new(IbanDetector),
        Box::new(UsSsnDetector),
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

    #[test]
    fn catalogue_builds() {
        let e = Engine::with_detectors(super::all()).unwrap();
        let f = e.scan("mail ana@empresa.pt, IBAN DE89370400440532013000");
        assert_eq!(f.len(), 2);
    }
}
