//! EU VAT identification numbers (DETECTORS §5.6): the country prefix glued to the number,
//! checked with the country's own rule.
//!
//! Owns: [`EuVatDetector`] (entity `EU_VAT`). Never: asks VIES (online) or reports a number
//! whose check fails.
//! Called by: `detect::Engine` through `detectors::pii::all_with`.
//!
//! | prefix | number | check |
//! |---|---|---|
//! | `DE` | 9 digits, first not 0 | ISO 7064 MOD 11,10 over digits 1–8 gives digit 9 |
//! | `FR` | 2-digit key + 9-digit SIREN | key = (12 + 3·(SIREN mod 97)) mod 97, SIREN Luhn-valid |
//! | `IT` | 11 digits (partita IVA) | Luhn |
//! | `NL` | 9 digits + `B` + 2 digits | the 9 digits pass the 11-proof (legacy), or the whole id mod 97 = 1 (2020 sole-proprietor ids, `NL`→2321, `B`→11) |
//! | `PT` | 9 digits (NIF/NIPC) | the NIF rule and first digits |
//! | `BE` | 10 digits, first 0 or 1 | last two = 97 − (first eight mod 97) |
//! | `ES` | DNI (8 digits + letter), NIE (`X`/`Y`/`Z` + 7 digits + letter), or CIF (letter + 7 digits + control digit or letter) | DNI/NIE letter; CIF control from the digit sums (`JABCDEFGHI` for a letter) |
//!
//! Shape: the two-letter prefix (upper case, not preceded by a letter or digit) and the number
//! written together (`DE136695976`, `NL004495445B01`), not followed by a letter or digit. Score
//! 0.9: a country prefix and a passing check, with no context word needed.
//!
//! Written as on invoices, with a space after the prefix and digit groups split by single
//! spaces, dots or dashes (`DE 136 695 976`, `BE 0403.170.701`, `FR 40 303 265 045`,
//! `NL 0044.95.445.B01`), the id is reported only with a VAT word on its line nearby
//! ([`CONTEXT`]: `VAT`, `USt-IdNr`, `TVA`, `IVA`, `BTW`, `NIF`, ...), at score 0.85: a
//! spaced prefix and groups of digits are common in other text, the check passes one in ten to
//! one in a hundred by chance. Spanish ids and the French letter keys are recognised only in
//! the glued form.
//!
//! A VAT id names a business, or a person when the business is a sole proprietor (PT, ES,
//! NL, IT individuals); the default policy treats it as PII (pseudonymized and restored), and
//! `[policy.entities] EU_VAT = "allow"` reports it without changing it.
//!
//! Cost: a digit run is dropped after one byte unless an upper-case letter is glued before it.

use std::borrow::Cow;

use super::util::Keywords;
use crate::detect::checks::{
    es_nif_valid, iso7064_mod11_10_check, luhn_check_digit, luhn_valid, mod97, nl_bsn_valid,
    pt_nif_prefix_ok, pt_nif_valid,
};
use crate::detect::{Detector, Entity, Finding, Hit, ScanCtx, Trigger};

/// Words that make a spaced VAT id count (single words, lower case; see `Keywords`).
const CONTEXT: Keywords = Keywords(&[
    "vat",
    "ust",
    "idnr",
    "umsatzsteuer*",
    "tva",
    "iva",
    "btw",
    "nif",
    "nipc",
    "partita",
    "intracommunautaire",
    "intracomunitario",
    "vies",
]);

/// The most digits a spaced id has (FR, IT: 11).
const MAX_SPACED_DIGITS: usize = 11;

/// Letters that start a Spanish CIF (legal entities).
const CIF_LETTERS: &[u8] = b"ABCDEFGHJNPQRSUVW";

#[derive(Debug, Default, Clone)]
pub struct EuVatDetector;

impl Detector for EuVatDetector {
    fn name(&self) -> &'static str {
        "eu_vat"
    }
    fn triggers(&self) -> Vec<Trigger> {
        // The shortest number is a CIF or NIE: a letter, then 7 digits.
        vec![Trigger::DigitRun { min_digits: 7 }]
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        for h in hits {
            let ds = h.start;
            if ds < 2 {
                continue;
            }
            let glued = if b[ds - 1].is_ascii_uppercase() {
                let de = ds + b[ds..].iter().take_while(|c| c.is_ascii_digit()).count();
                vat_at(b, ds, de).map(|span| (span, 0.9))
            } else {
                None
            };
            let found = glued.or_else(|| {
                spaced_at(b, h)
                    .filter(|&(s, e)| CONTEXT.near(cx.text, s, e))
                    .map(|span| (span, 0.85))
            });
            if let Some(((s, e), score)) = found {
                out.push(Finding {
                    entity: Entity::EuVat,
                    start: s,
                    end: e,
                    score,
                    detector: Cow::Borrowed("eu_vat"),
                });
            }
        }
    }
}

fn alnum_at(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(u8::is_ascii_alphanumeric)
}

/// The span of a VAT id whose first digit group is `ds..de`, if the bytes around it make one.
fn vat_at(b: &[u8], ds: usize, de: usize) -> Option<(usize, usize)> {
    let digits = &b[ds..de];
    // Two letters glued before the digits, or (Spain) two letters and the number's letter.
    let prefixed = |p: usize| -> Option<&[u8]> {
        let start = ds.checked_sub(p)?;
        let ok = start == 0 || !alnum_at(b, start - 1);
        ok.then(|| &b[start..start + 2])
    };
    if prefixed(3) == Some(b"ES") {
        return es_with_letter(b, ds - 3, ds, de);
    }
    let start = ds.checked_sub(2)?;
    let country = prefixed(2)?;
    let end_ok = |e: usize| (!alnum_at(b, e)).then_some((start, e));
    match (country, digits.len()) {
        (b"DE", 9) => {
            let check = iso7064_mod11_10_check(&digits[..8])?;
            (digits[0] != b'0' && digits[8] == b'0' + check).then_some(())?;
            end_ok(de)
        }
        (b"FR", 11) => {
            let (key, siren) = digits.split_at(2);
            let want = (12 + 3 * mod97(siren)?) % 97;
            (mod97(key)? == want && luhn_valid(siren)).then_some(())?;
            end_ok(de)
        }
        (b"IT", 11) => luhn_valid(digits).then_some(()).and_then(|()| end_ok(de)),
        (b"NL", 9) => {
            let suffix = b.get(de..de + 3)?;
            let tail_ok = suffix[0] == b'B' && suffix[1..].iter().all(u8::is_ascii_digit);
            tail_ok.then_some(())?;
            let whole = &b[start..de + 3];
            (nl_bsn_valid(digits) || mod97(whole) == Some(1)).then_some(())?;
            end_ok(de + 3)
        }
        (b"PT", 9) => (pt_nif_valid(digits) && pt_nif_prefix_ok(digits))
            .then_some(())
            .and_then(|()| end_ok(de)),
        (b"BE", 10) => {
            let (head, tail) = digits.split_at(8);
            (matches!(digits[0], b'0' | b'1') && mod97(tail)? == 97 - mod97(head)?).then_some(())?;
            end_ok(de)
        }
        // DNI: 8 digits and the control letter.
        (b"ES", 8) => {
            let id = b.get(ds..de + 1)?;
            es_nif_valid(id).then_some(())?;
            end_ok(de + 1)
        }
        _ => None,
    }
}

/// The span of a VAT id written with separators (a space after the prefix, or separators
/// between digit groups, or before the NL `B` suffix) around the digit run `h`, checked on its
/// digits; `None` for Spain.
fn spaced_at(b: &[u8], h: &Hit) -> Option<(usize, usize)> {
    let (ds, run_end) = (h.start, h.end);
    let spaced_prefix = b[ds - 1] == b' ';
    let start = if spaced_prefix {
        ds.checked_sub(3)?
    } else {
        ds - 2
    };
    let country = b.get(start..start + 2)?;
    let boundary = start == 0 || !alnum_at(b, start - 1);
    if !boundary || !country.iter().all(u8::is_ascii_uppercase) || country == b"ES" {
        return None;
    }
    // A fully glued id is `vat_at`'s (it refused this one already); only NL can still be
    // separated after its digits (`NL004495445 B01`).
    let run = &b[ds..run_end];
    if !spaced_prefix && country != b"NL" && run.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // The id on one normalised buffer: prefix, digits, and for NL the `B` suffix.
    let mut norm = [0u8; 2 + MAX_SPACED_DIGITS + 3];
    norm[..2].copy_from_slice(country);
    let mut n = 2;
    for &c in run.iter().filter(|c| c.is_ascii_digit()) {
        *norm.get_mut(n)? = c;
        n += 1;
    }
    let digits_end = n;
    let mut end = run_end;
    if country == b"NL" {
        // `B01` glued or after one separator: `...445B01`, `...445.B01`, `...445 B01`.
        let at = if matches!(b.get(end), Some(b' ' | b'.')) {
            end + 1
        } else {
            end
        };
        let suffix = b.get(at..at + 3)?;
        norm.get_mut(n..n + 3)?.copy_from_slice(suffix);
        n += 3;
        end = at + 3;
    }
    if alnum_at(b, end) {
        return None;
    }
    let (s, e) = vat_at(&norm[..n], 2, digits_end)?;
    (s == 0 && e == n).then_some((start, end))
}

/// `ES` + a letter + digits: an NIE (`X`/`Y`/`Z` + 7 digits + letter) or a CIF (letter + 7
/// digits + control digit or letter). `start` is the `E` of the prefix.
fn es_with_letter(b: &[u8], start: usize, ds: usize, de: usize) -> Option<(usize, usize)> {
    let lead = b[ds - 1];
    let digits = &b[ds..de];
    let end_ok = |e: usize| (!alnum_at(b, e)).then_some((start, e));
    if matches!(lead, b'X' | b'Y' | b'Z') && digits.len() == 7 {
        let id = b.get(ds - 1..de + 1)?;
        return es_nif_valid(id).then_some(()).and_then(|()| end_ok(de + 1));
    }
    if !CIF_LETTERS.contains(&lead) {
        return None;
    }
    // The CIF control (digits in odd places doubled, digit sums, 10 − total mod 10) is the
    // Luhn check digit of the seven digits.
    let control = luhn_check_digit(digits.get(..7)?)?;
    match digits.len() {
        // The control is a digit.
        8 if digits[7] == control => end_ok(de),
        // The control is a letter.
        7 if b.get(de) == Some(&b"JABCDEFGHI"[usize::from(control - b'0')]) => end_ok(de + 1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::found;
    use super::*;

    #[test]
    fn valid_ids_of_every_country_are_found_whole() {
        let d = EuVatDetector;
        // Published ids of well-known companies (checked against the rules, not VIES).
        for id in [
            "DE136695976",
            "FR40303265045",
            "IT00743110157",
            "NL004495445B01",
            "PT501964843",
            "BE0403170701",
            "ESA28017895",
            "ESB58378431",
            "ES12345678Z",
            "ESX1234567L",
        ] {
            for t in [
                format!("VAT {id}"),
                id.to_string(),
                format!("(USt-IdNr: {id})."),
            ] {
                assert_eq!(found(&d, &t), vec![id], "{t}");
            }
        }
    }

    #[test]
    fn a_2020_dutch_sole_proprietor_id_passes_mod_97() {
        // Build one: the two check digits make NL + 9 digits + B + 2 digits ≡ 1 (mod 97).
        let body = b"NL123456789B";
        let id = (0..100)
            .map(|k| format!("{}{k:02}", std::str::from_utf8(body).unwrap_or_default()))
            .find(|id| mod97(id.as_bytes()) == Some(1) && !nl_bsn_valid(b"123456789"))
            .unwrap_or_default();
        assert!(!id.is_empty());
        assert_eq!(
            found(&EuVatDetector, &format!("btw {id}")),
            vec![id.as_str()]
        );
    }

    #[test]
    fn look_alikes_are_not_reported() {
        let d = EuVatDetector;
        for t in [
            "DE136695975",            // check digit off by one
            "DE036695976",            // leading zero
            "de136695976",            // lower-case prefix
            "XDE136695976",           // glued on a letter
            "DE1366959761",           // one digit too many
            "DE136695976X",           // glued on after
            "DE 136695976",           // spaced, and no VAT word near
            "FR41303265045",          // wrong key
            "IT00743110158",          // Luhn fails
            "NL004495446B01",         // 11-proof and mod 97 fail
            "NL004495445X01",         // no B
            "PT501964842",            // NIF check fails
            "PT401964843",            // not a NIF prefix
            "BE0403170702",           // mod 97 fails
            "BE2403170701",           // first digit 2
            "ESA28017894",            // CIF control fails
            "ESI28017895",            // I does not start a CIF
            "ES12345678A",            // DNI letter fails
            "DE89370400440532013000", // an IBAN
            "ATU13585627",            // a country not covered
        ] {
            assert!(found(&d, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn spaced_ids_are_found_with_a_vat_word() {
        let d = EuVatDetector;
        for (t, want) in [
            ("USt-IdNr.: DE 136 695 976", "DE 136 695 976"),
            ("VAT: DE 136695976.", "DE 136695976"),
            ("VAT DE136 695 976", "DE136 695 976"),
            (
                "N° TVA intracommunautaire : FR 40 303 265 045",
                "FR 40 303 265 045",
            ),
            ("Partita IVA IT 00743110157", "IT 00743110157"),
            ("BTW-nummer: NL 0044.95.445.B01", "NL 0044.95.445.B01"),
            ("btw NL004495445 B01", "NL004495445 B01"),
            ("NIF/NIPC: PT 501 964 843", "PT 501 964 843"),
            ("VAT BE 0403.170.701", "BE 0403.170.701"),
        ] {
            assert_eq!(found(&d, t), vec![want], "{t}");
        }
    }

    #[test]
    fn spaced_look_alikes_are_not_reported() {
        let d = EuVatDetector;
        for t in [
            "Reference DE 136 695 976", // no VAT word
            "VAT: DE 136 695 975",      // check digit off
            "VAT: DE  136 695 976",     // two spaces
            "VAT: DE 136 695 976 1",    // a digit group too many
            "VAT: XDE 136 695 976",     // prefix glued on a letter
            "VAT: de 136 695 976",      // lower-case prefix
            "VAT: NL 0044.95.445.X01",  // no B
            "VAT: BE 0403.170.702",     // mod 97 fails
            "VAT: ES 12345678Z",        // Spain: glued only
            "VAT: AT 1358 5627",        // a country not covered
        ] {
            assert!(found(&d, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn cif_control_letter_form() {
        // Same digits as ESA28017895, the control written as a letter (5 -> E).
        assert_eq!(
            found(&EuVatDetector, "NIF ESP2801789E"),
            vec!["ESP2801789E"]
        );
    }
}
