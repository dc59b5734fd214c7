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

/// Switches of the built-in catalogue (from the `[detection]` section). The default is the
/// production behaviour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CatalogueOptions {
    /// `include_test_values`: lift the documentation/test/reserved-example exemptions
    /// (reserved e-mail domains, vendor `EXAMPLE` tokens and checksum-failing GitHub/npm
    /// tokens, SSNs in never-issued ranges). Placeholders (`${VAR}`, `<your-key>`, `changeme`,
    /// masks) stay exempt. See `detect::config` for the details.
    pub include_test_values: bool,
}

/// Every built-in detector with the default options, in a fixed order (the order breaks ties
/// deterministically).
pub fn builtin() -> Vec<Box<dyn Detector>> {
    builtin_with(CatalogueOptions::default())
}

/// Every built-in detector with `opts`, in the same order as [`builtin`].
pub fn builtin_with(opts: CatalogueOptions) -> Vec<Box<dyn Detector>> {
    let mut all = secrets::all_with(opts);
    all.extend(pii::all_with(opts));
    all.extend(natural::all());
    all
}
