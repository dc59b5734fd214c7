//! The built-in catalogue. Each submodule owns one family and exposes `all()`.
//!
//! - `secrets`: credentials, tokens, keys, connection strings, secret assignments.
//! - `pii`: structured personal data (email, phone, cards, IBAN, national ids, IP, MAC, wallets).
//! - `natural`: context-driven personal data in prose (person names, addresses, dates of birth,
//!   passport numbers).

use super::Detector;

pub mod natural;
pub mod pii;
pub mod secrets;

/// Every built-in detector, in a fixed order (the order breaks ties deterministically).
pub fn builtin() -> Vec<Box<dyn Detector>> {
    let mut all = secrets::all();
    all.extend(pii::all());
    all.extend(natural::all());
    all
}
