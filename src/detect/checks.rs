//! Shared validators: check-digit and structure algorithms, implemented once.
//!
//! Owns: pure functions over ASCII bytes / `&str` (Luhn, ISO 7064, weighted mod 11, national-id
//! check letters, ICAO 9303, base58check, bech32/bech32m, EIP-55, CRC32+base62, entropy).
//! Never: allocates on success paths where avoidable, panics, logs or keeps values around.
//! Called by: the detectors under `detect::detectors` (PII and secrets alike).
//!
//! Conventions: functions taking `&[u8]` expect ASCII; any unexpected byte makes them return
//! `false`/`None` rather than panic.

use sha2::{Digest, Sha256};
use sha3::Keccak256;

/// Value of an ASCII decimal digit.
#[inline]
fn dig(b: u8) -> Option<u32> {
    b.is_ascii_digit().then(|| u32::from(b - b'0'))
}

/// True when every byte is an ASCII digit (and there is at least one).
pub fn all_digits(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(u8::is_ascii_digit)
}

/// True when all bytes are the same (empty counts as false).
pub fn all_same(s: &[u8]) -> bool {
    match s.first() {
        Some(&f) => s.iter().all(|&b| b == f),
        None => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Luhn (mod 10)
// ---------------------------------------------------------------------------------------------

/// Luhn sum of `digits` where the rightmost digit is in the "not doubled" position.
fn luhn_sum(digits: &[u8], rightmost_doubled: bool) -> Option<u32> {
    let mut sum = 0u32;
    let mut double = rightmost_doubled;
    for &b in digits.iter().rev() {
        let mut d = dig(b)?;
        if double {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
        double = !double;
    }
    Some(sum)
}

/// Luhn (mod 10) over ASCII digits, check digit last. Used by payment cards, FR SIREN, IMEI.
pub fn luhn_valid(digits: &[u8]) -> bool {
    digits.len() >= 2 && luhn_sum(digits, false).is_some_and(|s| s % 10 == 0)
}

/// The Luhn check digit (ASCII) to append to `body`.
pub fn luhn_check_digit(body: &[u8]) -> Option<u8> {
    let s = luhn_sum(body, true)?;
    Some(b'0' + ((10 - s % 10) % 10) as u8)
}

// ---------------------------------------------------------------------------------------------
// ISO 7064 MOD 97-10 (IBAN)
// ---------------------------------------------------------------------------------------------

/// Remainder mod 97 of the number formed by `chars`, where letters expand to two digits
/// (`A`=10 … `Z`=35, case-insensitive). Computed piecewise, so any length works.
pub fn mod97(chars: &[u8]) -> Option<u32> {
    let mut r: u32 = 0;
    for &c in chars {
        if c.is_ascii_digit() {
            r = (r * 10 + u32::from(c - b'0')) % 97;
        } else if c.is_ascii_alphabetic() {
            let v = u32::from(c.to_ascii_uppercase() - b'A') + 10;
            r = (r * 100 + v) % 97;
        } else {
            return None;
        }
    }
    Some(r)
}

/// IBAN check (ISO 13616 / ISO 7064 MOD 97-10) of a compact IBAN (no spaces): the first four
/// characters move to the end, letters expand, and the number mod 97 must be 1.
/// Country length is the caller's business (see the IBAN detector's table).
pub fn iban_mod97_valid(compact: &[u8]) -> bool {
    if compact.len() < 5 || !compact.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (head, tail) = compact.split_at(4);
    let r1 = match mod97(tail) {
        Some(r) => r,
        None => return false,
    };
    // Continue the piecewise computation over the head.
    let mut r = r1;
    for &c in head {
        if c.is_ascii_digit() {
            r = (r * 10 + u32::from(c - b'0')) % 97;
        } else {
            let v = u32::from(c.to_ascii_uppercase() - b'A') + 10;
            r = (r * 100 + v) % 97;
        }
    }
    r == 1
}

// ---------------------------------------------------------------------------------------------
// ISO 7064 MOD 11,10
// ---------------------------------------------------------------------------------------------

/// ISO 7064 MOD 11,10 check digit (0–9) over ASCII digits `body` (DE Steuer-ID digits 1–10,
/// DE VAT digits 1–8).
pub fn iso7064_mod11_10_check(body: &[u8]) -> Option<u8> {
    let mut p: u32 = 10;
    for &b in body {
        let d = dig(b)?;
        let mut s = (d + p) % 10;
        if s == 0 {
            s = 10;
        }
        p = (2 * s) % 11;
    }
    let c = (11 - p) % 10;
    Some(c as u8)
}

// ---------------------------------------------------------------------------------------------
// Weighted mod 11 family
// ---------------------------------------------------------------------------------------------

/// Σ weightᵢ·digitᵢ mod 11 over ASCII digits (`weights.len()` must equal `digits.len()`).
pub fn weighted_mod11(digits: &[u8], weights: &[u32]) -> Option<u32> {
    if digits.len() != weights.len() {
        return None;
    }
    let mut s = 0u32;
    for (&b, &w) in digits.iter().zip(weights) {
        s += dig(b)? * w;
    }
    Some(s % 11)
}

/// UK NHS number (10 digits): weights 10..2 on digits 1–9, check = 11 − r (11 → 0, 10 → invalid).
pub fn nhs_valid(d: &[u8]) -> bool {
    if d.len() != 10 {
        return false;
    }
    let Some(r) = weighted_mod11(&d[..9], &[10, 9, 8, 7, 6, 5, 4, 3, 2]) else {
        return false;
    };
    let check = match 11 - r {
        11 => 0,
        10 => return false,
        c => c,
    };
    dig(d[9]) == Some(check)
}

/// PT NIF / NIPC (9 digits): weights 9..2 on digits 1–8, check = 0 if r < 2 else 11 − r.
/// Checksum only; the first-digit rule is [`pt_nif_prefix_ok`].
pub fn pt_nif_valid(d: &[u8]) -> bool {
    if d.len() != 9 {
        return false;
    }
    let Some(r) = weighted_mod11(&d[..8], &[9, 8, 7, 6, 5, 4, 3, 2]) else {
        return false;
    };
    let check = if r < 2 { 0 } else { 11 - r };
    dig(d[8]) == Some(check)
}

/// PT NIF leading digits: 1/2/3 (people), 5 (companies), 6 (public bodies), 8, 9 (the 45, 7x,
/// 9x prefixes are covered by the first digit 4/7/9 with a second-digit rule).
pub fn pt_nif_prefix_ok(d: &[u8]) -> bool {
    matches!(
        (d.first(), d.get(1)),
        (Some(b'1' | b'2' | b'3' | b'5' | b'6' | b'8'), _)
            | (Some(b'4'), Some(b'5'))
            | (Some(b'7'), Some(_))
            | (Some(b'9'), Some(b'0' | b'1' | b'8' | b'9'))
    )
}

/// NL BSN 11-proof (9 digits; pass 8-digit legacy numbers left-padded with `0`):
/// 9·d1 + … + 2·d8 − d9 ≡ 0 (mod 11), not all zeros.
pub fn nl_bsn_valid(d: &[u8]) -> bool {
    if d.len() != 9 || !all_digits(d) || d.iter().all(|&b| b == b'0') {
        return false;
    }
    let mut s: i32 = 0;
    for (i, &b) in d.iter().enumerate() {
        let v = i32::from(b - b'0');
        s += if i == 8 { -v } else { (9 - i as i32) * v };
    }
    s.rem_euclid(11) == 0
}

// ---------------------------------------------------------------------------------------------
// ES DNI / NIE
// ---------------------------------------------------------------------------------------------

const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// DNI control letter for the number `n`.
pub fn es_dni_letter(n: u32) -> u8 {
    DNI_LETTERS[(n % 23) as usize]
}

/// ES DNI (`12345678Z`) or NIE (`X1234567L`), compact, upper-case letters.
pub fn es_nif_valid(s: &[u8]) -> bool {
    if s.len() != 9 {
        return false;
    }
    let (lead, rest) = match s[0] {
        b'X' => (0u32, &s[1..8]),
        b'Y' => (1, &s[1..8]),
        b'Z' => (2, &s[1..8]),
        b'0'..=b'9' => (0, &s[..8]),
        _ => return false,
    };
    if !all_digits(rest) {
        return false;
    }
    let mut n = if s[0].is_ascii_digit() { 0 } else { lead };
    for &b in rest {
        n = n * 10 + u32::from(b - b'0');
    }
    es_dni_letter(n) == s[8]
}

// ---------------------------------------------------------------------------------------------
// IT codice fiscale
// ---------------------------------------------------------------------------------------------

/// Odd-position (1-based) values for `0-9` then `A-Z`.
const CF_ODD_DIGITS: [u32; 10] = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21];
const CF_ODD_LETTERS: [u32; 26] = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

/// Check letter (`A`–`Z`) over the first 15 upper-case alphanumeric characters of a codice
/// fiscale. Works unchanged for omocodic codes (letters in digit positions).
pub fn it_cf_check_letter(first15: &[u8]) -> Option<u8> {
    if first15.len() != 15 {
        return None;
    }
    let mut sum = 0u32;
    for (i, &c) in first15.iter().enumerate() {
        let odd = i % 2 == 0; // 1-based odd
        let v = match c {
            b'0'..=b'9' => {
                let d = usize::from(c - b'0');
                if odd {
                    CF_ODD_DIGITS[d]
                } else {
                    d as u32
                }
            }
            b'A'..=b'Z' => {
                let l = usize::from(c - b'A');
                if odd {
                    CF_ODD_LETTERS[l]
                } else {
                    l as u32
                }
            }
            _ => return None,
        };
        sum += v;
    }
    Some(b'A' + (sum % 26) as u8)
}

/// Omocodia letters standing for digits 0–9.
const CF_OMOCODIA: &[u8; 10] = b"LMNPQRSTUV";

/// The digit a codice-fiscale digit position holds: a digit, or an omocodia letter.
fn cf_digit(c: u8) -> Option<u8> {
    if c.is_ascii_digit() {
        Some(c - b'0')
    } else {
        CF_OMOCODIA.iter().position(|&l| l == c).map(|p| p as u8)
    }
}

/// Full structural + check-letter validation of a 16-char upper-case codice fiscale:
/// `AAA` `AAA` `YY` month-letter `DD` (1–31 or 41–71) `A999` check, omocodia allowed in the
/// digit positions 7,8,10,11,13,14,15 (1-based).
pub fn it_cf_valid(s: &[u8]) -> bool {
    if s.len() != 16 {
        return false;
    }
    if !s[..6].iter().all(u8::is_ascii_uppercase) {
        return false;
    }
    if cf_digit(s[6]).is_none() || cf_digit(s[7]).is_none() {
        return false;
    }
    if !b"ABCDEHLMPRST".contains(&s[8]) {
        return false;
    }
    let (Some(d1), Some(d2)) = (cf_digit(s[9]), cf_digit(s[10])) else {
        return false;
    };
    let day = d1 * 10 + d2;
    if !((1..=31).contains(&day) || (41..=71).contains(&day)) {
        return false;
    }
    if !s[11].is_ascii_uppercase() || !s[12..15].iter().all(|&c| cf_digit(c).is_some()) {
        return false;
    }
    it_cf_check_letter(&s[..15]) == Some(s[15])
}

// ---------------------------------------------------------------------------------------------
// FR NIR
// ---------------------------------------------------------------------------------------------

/// FR NIR / INSEE number: 15 chars compact (13 + 2-digit key); `2A`/`2B` department allowed at
/// positions 6–7. Key = 97 − (N mod 97) with `2A`→`19`, `2B`→`18` substituted first.
pub fn fr_nir_valid(s: &[u8]) -> bool {
    if s.len() != 15 {
        return false;
    }
    let mut body = [0u8; 13];
    body.copy_from_slice(&s[..13]);
    match (body[5], body[6]) {
        (b'2', b'A') | (b'2', b'a') => {
            body[5] = b'1';
            body[6] = b'9';
        }
        (b'2', b'B') | (b'2', b'b') => {
            body[5] = b'1';
            body[6] = b'8';
        }
        _ => {}
    }
    if !all_digits(&body) || !all_digits(&s[13..]) {
        return false;
    }
    let Some(r) = mod97(&body) else {
        return false;
    };
    let key = 97 - r;
    let given = u32::from(s[13] - b'0') * 10 + u32::from(s[14] - b'0');
    key == given
}

// ---------------------------------------------------------------------------------------------
// DE Steuer-ID
// ---------------------------------------------------------------------------------------------

/// DE Steueridentifikationsnummer (11 digits): first digit ≠ 0; among digits 1–10 exactly one
/// digit occurs twice or three times (all others at most once, so at least one digit is
/// absent); digit 11 is the ISO 7064 MOD 11,10 check over digits 1–10.
pub fn de_steuer_id_valid(d: &[u8]) -> bool {
    if d.len() != 11 || !all_digits(d) || d[0] == b'0' {
        return false;
    }
    let mut counts = [0u8; 10];
    for &b in &d[..10] {
        counts[usize::from(b - b'0')] += 1;
    }
    let repeated = counts.iter().filter(|&&c| c >= 2).count();
    if repeated != 1 || counts.iter().any(|&c| c > 3) {
        return false;
    }
    iso7064_mod11_10_check(&d[..10]) == Some(d[10] - b'0')
}

// ---------------------------------------------------------------------------------------------
// ICAO 9303
// ---------------------------------------------------------------------------------------------

/// ICAO 9303 check digit (0–9) over an MRZ field: `0-9`→0–9, `A-Z`→10–35, `<`→0, weights 7,3,1.
pub fn icao_check_digit(field: &[u8]) -> Option<u8> {
    const W: [u32; 3] = [7, 3, 1];
    let mut s = 0u32;
    for (i, &c) in field.iter().enumerate() {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            b'a'..=b'z' => u32::from(c - b'a') + 10,
            b'<' => 0,
            _ => return None,
        };
        s += v * W[i % 3];
    }
    Some((s % 10) as u8)
}

// ---------------------------------------------------------------------------------------------
// US SSN
// ---------------------------------------------------------------------------------------------

/// Well-known SSNs that are published samples or advertising numbers, never real people.
const SSN_SAMPLES: &[&[u8; 9]] = &[b"078051120", b"219099999", b"123456789", b"457555462"];

/// US SSN rules over the 9 digits (no delimiters): area ≠ 000, 666, 900–999; group ≠ 00;
/// serial ≠ 0000; not all the same digit; not a known sample.
pub fn us_ssn_valid(d: &[u8]) -> bool {
    if d.len() != 9 || !all_digits(d) || all_same(d) {
        return false;
    }
    let area = &d[..3];
    if area == b"000" || area == b"666" || area[0] == b'9' {
        return false;
    }
    if &d[3..5] == b"00" || &d[5..] == b"0000" {
        return false;
    }
    !SSN_SAMPLES.iter().any(|s| &s[..] == d)
}

/// The SSN shape without the issuance rules (for `include_test_values`): 9 digits, not all
/// the same digit (`000-00-0000`, `999-99-9999` are masks, not test data). Reserved areas
/// (000, 666, 900–999), group 00, serial 0000 and the published samples pass.
pub fn us_ssn_shape_ok(d: &[u8]) -> bool {
    d.len() == 9 && all_digits(d) && !all_same(d)
}

/// US ITIN (IRS Individual Taxpayer Identification Number): 9 digits, the first `9`, the
/// middle group (digits 4–5) in 50–65, 70–88, 90–92 or 94–99; not all the same digit.
pub fn us_itin_valid(d: &[u8]) -> bool {
    if d.len() != 9 || !all_digits(d) || all_same(d) || d[0] != b'9' {
        return false;
    }
    let group = (d[3] - b'0') * 10 + (d[4] - b'0');
    matches!(group, 50..=65 | 70..=88 | 90..=92 | 94..=99)
}

// ---------------------------------------------------------------------------------------------
// base58check, bech32, EIP-55
// ---------------------------------------------------------------------------------------------

/// Double SHA-256 checksum (first 4 bytes).
fn sha256d4(data: &[u8]) -> [u8; 4] {
    let h = Sha256::digest(Sha256::digest(data));
    [h[0], h[1], h[2], h[3]]
}

/// Decode a base58check string: returns the payload (version byte + data) when the last four
/// bytes equal the double-SHA-256 checksum of the rest.
pub fn base58check_decode(s: &str) -> Option<Vec<u8>> {
    let raw = bs58::decode(s).into_vec().ok()?;
    if raw.len() < 5 {
        return None;
    }
    let (payload, check) = raw.split_at(raw.len() - 4);
    (sha256d4(payload) == check).then(|| payload.to_vec())
}

/// Encode `payload` (version + data) as base58check (for tests and tools).
pub fn base58check_encode(payload: &[u8]) -> String {
    let mut v = payload.to_vec();
    v.extend_from_slice(&sha256d4(payload));
    bs58::encode(v).into_string()
}

/// Bitcoin mainnet legacy address: base58check, 25 bytes, version 0x00 (P2PKH) or 0x05 (P2SH).
pub fn btc_base58_address_valid(s: &str) -> bool {
    if !(25..=35).contains(&s.len()) {
        return false;
    }
    matches!(base58check_decode(s), Some(p) if p.len() == 21 && (p[0] == 0x00 || p[0] == 0x05))
}

/// Which bech32 checksum constant a string satisfies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bech32Variant {
    /// BIP-173 (constant 1): witness v0.
    Bech32,
    /// BIP-350 (constant 0x2bc830a3): witness v1+.
    Bech32m,
}

const BECH32_CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const BECH32M_CONST: u32 = 0x2bc8_30a3;

fn bech32_polymod(values: impl Iterator<Item = u8>) -> u32 {
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

/// A decoded bech32 string: human-readable part (lower-case), 5-bit data values without the
/// 6-value checksum, and the checksum variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bech32 {
    pub hrp: String,
    pub data: Vec<u8>,
    pub variant: Bech32Variant,
}

/// Decode and verify a bech32/bech32m string (BIP-173/350): not mixed case, ≤ 90 chars,
/// HRP 1–83 printable chars, separator `1` (the last one), ≥ 6 data chars, checksum valid.
pub fn bech32_decode(s: &str) -> Option<Bech32> {
    let b = s.as_bytes();
    if b.len() < 8 || b.len() > 90 {
        return None;
    }
    let has_lower = b.iter().any(u8::is_ascii_lowercase);
    let has_upper = b.iter().any(u8::is_ascii_uppercase);
    if has_lower && has_upper {
        return None;
    }
    let sep = b.iter().rposition(|&c| c == b'1')?;
    if sep == 0 || sep + 7 > b.len() {
        return None;
    }
    let hrp: Vec<u8> = b[..sep].iter().map(u8::to_ascii_lowercase).collect();
    if !hrp.iter().all(|&c| (33..=126).contains(&c)) {
        return None;
    }
    let mut data = Vec::with_capacity(b.len() - sep - 1);
    for &c in &b[sep + 1..] {
        let c = c.to_ascii_lowercase();
        let v = BECH32_CHARSET.iter().position(|&x| x == c)?;
        data.push(v as u8);
    }
    let values = hrp
        .iter()
        .map(|&c| c >> 5)
        .chain(std::iter::once(0))
        .chain(hrp.iter().map(|&c| c & 31))
        .chain(data.iter().copied());
    let variant = match bech32_polymod(values) {
        1 => Bech32Variant::Bech32,
        BECH32M_CONST => Bech32Variant::Bech32m,
        _ => return None,
    };
    data.truncate(data.len() - 6);
    Some(Bech32 {
        hrp: String::from_utf8(hrp).ok()?,
        data,
        variant,
    })
}

/// Encode `hrp` + 5-bit `data` with the given checksum variant (for tests and tools).
pub fn bech32_encode(hrp: &str, data: &[u8], variant: Bech32Variant) -> Option<String> {
    let hrp_b = hrp.as_bytes();
    if data.iter().any(|&v| v > 31) {
        return None;
    }
    let values = hrp_b
        .iter()
        .map(|&c| c >> 5)
        .chain(std::iter::once(0))
        .chain(hrp_b.iter().map(|&c| c & 31))
        .chain(data.iter().copied())
        .chain([0u8; 6]);
    let k = match variant {
        Bech32Variant::Bech32 => 1,
        Bech32Variant::Bech32m => BECH32M_CONST,
    };
    let pm = bech32_polymod(values) ^ k;
    let mut out = String::with_capacity(hrp.len() + 1 + data.len() + 6);
    out.push_str(hrp);
    out.push('1');
    for &v in data {
        out.push(char::from(BECH32_CHARSET[usize::from(v)]));
    }
    for i in 0..6 {
        let v = (pm >> (5 * (5 - i))) & 31;
        out.push(char::from(BECH32_CHARSET[v as usize]));
    }
    Some(out)
}

/// Bitcoin mainnet SegWit address (`bc1…`): bech32 for witness v0 with a 20- or 32-byte
/// program (42 / 62 chars), bech32m for v1–16 (taproot v1: 32 bytes, 62 chars).
pub fn btc_segwit_address_valid(s: &str) -> bool {
    let Some(d) = bech32_decode(s) else {
        return false;
    };
    if d.hrp != "bc" {
        return false;
    }
    let Some((&ver, prog5)) = d.data.split_first() else {
        return false;
    };
    // 5-bit groups -> bytes (padding must be < 5 zero bits).
    let bits = prog5.len() * 5;
    if bits % 8 >= 5 {
        return false;
    }
    let prog_len = bits / 8;
    match (ver, d.variant) {
        (0, Bech32Variant::Bech32) => prog_len == 20 || prog_len == 32,
        (1..=16, Bech32Variant::Bech32m) => (2..=40).contains(&prog_len),
        _ => false,
    }
}

/// EIP-55 checksum of a 40-hex-digit Ethereum address (without `0x`): true iff every hex
/// letter is upper-case exactly when the matching nibble of Keccak-256(lower-case hex) ≥ 8.
/// A single-case address carries no checksum: this returns true only for the one casing
/// that matches, so callers should treat all-lower/all-upper separately.
pub fn eip55_valid(hex40: &[u8]) -> bool {
    if hex40.len() != 40 || !hex40.iter().all(u8::is_ascii_hexdigit) {
        return false;
    }
    let lower: Vec<u8> = hex40.iter().map(u8::to_ascii_lowercase).collect();
    let hash = Keccak256::digest(&lower);
    for (i, &c) in hex40.iter().enumerate() {
        if c.is_ascii_digit() {
            continue;
        }
        let byte = hash[i / 2];
        let nibble = if i % 2 == 0 { byte >> 4 } else { byte & 0x0f };
        if (nibble >= 8) != c.is_ascii_uppercase() {
            return false;
        }
    }
    true
}

/// Apply EIP-55 casing to a lower-case 40-hex address (for tests and tools).
pub fn eip55_encode(hex40_lower: &[u8]) -> Option<String> {
    if hex40_lower.len() != 40 || !hex40_lower.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let lower: Vec<u8> = hex40_lower.iter().map(u8::to_ascii_lowercase).collect();
    let hash = Keccak256::digest(&lower);
    let out = lower
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let byte = hash[i / 2];
            let nibble = if i % 2 == 0 { byte >> 4 } else { byte & 0x0f };
            if c.is_ascii_alphabetic() && nibble >= 8 {
                char::from(c.to_ascii_uppercase())
            } else {
                char::from(c)
            }
        })
        .collect();
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// Entropy, CRC32 + base62
// ---------------------------------------------------------------------------------------------

/// Shannon entropy in bits per byte: H = −Σ p·log2 p over the byte histogram. 0 for empty.
/// Use only as a floor inside an anchored detector, never alone.
///
/// The terms are summed in ascending byte order, as a scan over all 256 counters would; a bit
/// set of the bytes present visits only those (a value has a few dozen distinct bytes).
pub fn shannon_entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    let mut present = [0u64; 4];
    for &c in s {
        counts[usize::from(c)] += 1;
        present[usize::from(c >> 6)] |= 1 << (c & 63);
    }
    let n = s.len() as f64;
    let counts = &counts;
    present
        .iter()
        .enumerate()
        .flat_map(|(w, &bits)| BitIter(bits).map(move |i| w * 64 + i))
        .map(|i| {
            let p = f64::from(counts[i]) / n;
            -p * p.log2()
        })
        .sum()
}

/// Set bits of a word, lowest first.
struct BitIter(u64);

impl Iterator for BitIter {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        if self.0 == 0 {
            return None;
        }
        let i = self.0.trailing_zeros() as usize;
        self.0 &= self.0 - 1;
        Some(i)
    }
}

/// Longest word [`pack_word`] packs.
pub const PACKED_WORD_MAX: usize = 15;

/// `w` lower-cased (ASCII) and packed into one integer with its length (bytes little-endian,
/// the length in the top byte); `None` when empty or longer than [`PACKED_WORD_MAX`]. Two words
/// of at most that length pack equal exactly when they are equal ignoring ASCII case (bytes
/// >= 0x80 are kept as they are). `const`, so word lists can be packed at compile time.
pub const fn pack_word(w: &[u8]) -> Option<u128> {
    if w.is_empty() || w.len() > PACKED_WORD_MAX {
        return None;
    }
    let mut bytes = [0u8; 16];
    let mut i = 0;
    while i < w.len() {
        bytes[i] = w[i].to_ascii_lowercase();
        i += 1;
    }
    bytes[15] = w.len() as u8;
    Some(u128::from_le_bytes(bytes))
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// CRC-32 (IEEE, zlib) of `body`, base62-encoded (`0-9A-Za-z`), most significant digit
/// first, left-padded with `0` to 6 chars: the GitHub / npm token checksum.
pub fn crc32_base62(body: &[u8]) -> [u8; 6] {
    let mut v = crc32fast::hash(body);
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(v % 62) as usize];
        v /= 62;
    }
    out
}

/// GitHub (`ghp_` …) / npm (`npm_`) token check: `token_tail` is the 36 chars after the
/// prefix; the last 6 must be the CRC32+base62 of the first 30.
pub fn github_token_checksum_valid(token_tail: &[u8]) -> bool {
    if token_tail.len() != 36 || !token_tail.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    crc32_base62(&token_tail[..30])[..] == token_tail[30..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_vectors() {
        assert!(luhn_valid(b"4111111111111111"));
        assert!(luhn_valid(b"378282246310005"));
        assert!(luhn_valid(b"79927398713"));
        assert!(!luhn_valid(b"79927398710"));
        assert!(!luhn_valid(b"4111111111111112"));
        assert!(!luhn_valid(b"4111a11111111111"));
        assert_eq!(luhn_check_digit(b"7992739871"), Some(b'3'));
        assert_eq!(luhn_check_digit(b"411111111111111"), Some(b'1'));
        for body in [&b"123456789012345"[..], b"55555555555544"] {
            let mut v = body.to_vec();
            v.push(luhn_check_digit(body).unwrap());
            assert!(luhn_valid(&v));
        }
    }

    #[test]
    fn iban_vectors() {
        assert!(iban_mod97_valid(b"GB82WEST12345698765432"));
        assert!(iban_mod97_valid(b"DE89370400440532013000"));
        assert!(iban_mod97_valid(b"PT50000201231234567890154"));
        assert!(iban_mod97_valid(b"NL91ABNA0417164300"));
        assert!(!iban_mod97_valid(b"GB82WEST12345698765433"));
        assert!(!iban_mod97_valid(b"DE89370400440532013001"));
        assert!(!iban_mod97_valid(b"DE89 3704"));
        assert_eq!(mod97(b"98"), Some(1));
    }

    #[test]
    fn mod11_10_vectors() {
        // DE VAT 136695976: check over 13669597 is 6.
        assert_eq!(iso7064_mod11_10_check(b"13669597"), Some(6));
        assert_ne!(iso7064_mod11_10_check(b"13669597"), Some(5));
        assert_eq!(iso7064_mod11_10_check(b"1x"), None);
    }

    #[test]
    fn mod11_family_vectors() {
        assert!(nhs_valid(b"9434765919"));
        assert!(!nhs_valid(b"9434765918"));
        assert!(pt_nif_valid(b"123456789"));
        assert!(pt_nif_valid(b"501964843"));
        assert!(!pt_nif_valid(b"123456788"));
        assert!(pt_nif_prefix_ok(b"501964843"));
        assert!(!pt_nif_prefix_ok(b"401964843"));
        assert!(nl_bsn_valid(b"111222333"));
        assert!(nl_bsn_valid(b"123456782"));
        assert!(!nl_bsn_valid(b"123456789"));
        assert!(!nl_bsn_valid(b"000000000"));
    }

    #[test]
    fn es_vectors() {
        assert!(es_nif_valid(b"12345678Z"));
        assert!(es_nif_valid(b"X1234567L"));
        assert!(es_nif_valid(b"Y1234567X"));
        assert!(!es_nif_valid(b"12345678A"));
        assert!(!es_nif_valid(b"X1234567A"));
        assert!(!es_nif_valid(b"A1234567L"));
        assert_eq!(es_dni_letter(0), b'T');
    }

    #[test]
    fn it_cf_vectors() {
        assert!(it_cf_valid(b"RSSMRA85T10A562S"));
        assert!(it_cf_valid(b"MRTMTT91D08F205J"));
        assert!(!it_cf_valid(b"RSSMRA85T10A562T"));
        assert!(!it_cf_valid(b"RSSMRA85Z10A562S"));
        // Omocodia: replace the last digit 2 with N (=2) and recompute the check letter.
        let mut omo = *b"RSSMRA85T10A56NS";
        omo[15] = it_cf_check_letter(&omo[..15]).unwrap();
        assert!(it_cf_valid(&omo));
    }

    #[test]
    fn fr_nir_vectors() {
        // Build valid keys from the rule and check both directions.
        let mut n = *b"185057800608400";
        let key = 97 - mod97(&n[..13]).unwrap();
        n[13] = b'0' + (key / 10) as u8;
        n[14] = b'0' + (key % 10) as u8;
        assert!(fr_nir_valid(&n));
        n[14] = if n[14] == b'9' { b'0' } else { n[14] + 1 };
        assert!(!fr_nir_valid(&n));
        // Corsica: 2A -> 19.
        let mut c = *b"185052A00608400";
        let mut subst = c;
        subst[5] = b'1';
        subst[6] = b'9';
        let key = 97 - mod97(&subst[..13]).unwrap();
        c[5] = b'2';
        c[6] = b'A';
        c[13] = b'0' + (key / 10) as u8;
        c[14] = b'0' + (key % 10) as u8;
        assert!(fr_nir_valid(&c));
        assert!(!fr_nir_valid(b"18505780060840"));
    }

    #[test]
    fn de_steuer_id_vectors() {
        assert!(de_steuer_id_valid(b"86095742719"));
        assert!(de_steuer_id_valid(b"65929970489"));
        assert!(!de_steuer_id_valid(b"86095742718"));
        assert!(!de_steuer_id_valid(b"06095742719"));
        // No repeated digit among the first ten: frequency rule fails.
        let mut d = b"1234567890".to_vec();
        d.push(b'0' + iso7064_mod11_10_check(&d).unwrap());
        assert!(!de_steuer_id_valid(&d));
    }

    #[test]
    fn icao_vectors() {
        // ICAO 9303 specimen: document number L898902C3 check 6, birth 740812 check 2.
        assert_eq!(icao_check_digit(b"L898902C3"), Some(6));
        assert_eq!(icao_check_digit(b"740812"), Some(2));
        assert_eq!(icao_check_digit(b"120415"), Some(9));
        assert_eq!(icao_check_digit(b"AB<"), Some(3));
        assert_eq!(icao_check_digit(b"a-b"), None);
    }

    #[test]
    fn ssn_vectors() {
        assert!(us_ssn_valid(b"536902784"));
        assert!(!us_ssn_valid(b"000123456"));
        assert!(!us_ssn_valid(b"666123456"));
        assert!(!us_ssn_valid(b"912345678"));
        assert!(!us_ssn_valid(b"536002784"));
        assert!(!us_ssn_valid(b"536900000"));
        assert!(!us_ssn_valid(b"078051120"));
        assert!(!us_ssn_valid(b"123456789"));
        assert!(!us_ssn_valid(b"111111111"));
        for d in [
            b"934274315",
            b"078051120",
            b"666123456",
            b"000123456",
            b"536000000",
        ] {
            assert!(us_ssn_shape_ok(d), "{d:?}");
        }
        assert!(!us_ssn_shape_ok(b"000000000"));
        assert!(!us_ssn_shape_ok(b"99999999"));
        assert!(!us_ssn_shape_ok(b"93427431x"));
    }

    #[test]
    fn base58check_vectors() {
        assert!(btc_base58_address_valid(
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
        ));
        assert!(btc_base58_address_valid(
            "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
        ));
        assert!(!btc_base58_address_valid(
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"
        ));
        assert!(!btc_base58_address_valid(
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7Divf0a"
        ));
        let enc = base58check_encode(&[0x05; 21]);
        assert!(btc_base58_address_valid(&enc));
        assert_eq!(base58check_decode(&enc).unwrap(), vec![0x05; 21]);
    }

    #[test]
    fn bech32_vectors() {
        // BIP-173 / BIP-350 test vectors.
        assert!(btc_segwit_address_valid(
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
        ));
        assert!(btc_segwit_address_valid(
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"
        ));
        assert!(btc_segwit_address_valid(
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"
        ));
        // Wrong checksum, mixed case, v0 with bech32m.
        assert!(!btc_segwit_address_valid(
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"
        ));
        assert!(!btc_segwit_address_valid(
            "bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
        ));
        assert!(!btc_segwit_address_valid(
            "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"
        ));
        let d = bech32_decode("a12uel5l").unwrap();
        assert_eq!(d.variant, Bech32Variant::Bech32);
        let e = bech32_encode("bc", &[1; 53], Bech32Variant::Bech32m).unwrap();
        assert_eq!(bech32_decode(&e).unwrap().variant, Bech32Variant::Bech32m);
    }

    #[test]
    fn eip55_vectors() {
        assert!(eip55_valid(b"5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
        assert!(eip55_valid(b"fB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"));
        assert!(!eip55_valid(b"5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"));
        assert_eq!(
            eip55_encode(b"5aaeb6053f3e94c9b9a09f33669435e7ef1beaed").unwrap(),
            "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
        );
    }

    #[test]
    fn entropy_vectors() {
        assert_eq!(shannon_entropy(b""), 0.0);
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"ab") - 1.0).abs() < 1e-9);
        assert!((shannon_entropy(b"changeme") - 2.75).abs() < 0.01);
    }

    #[test]
    fn crc32_base62_vectors() {
        // crc32("") = 0 -> "000000"; crc32 of "123456789" = 0xCBF43926 = 3421780262.
        assert_eq!(&crc32_base62(b""), b"000000");
        let mut v: u64 = 3_421_780_262;
        let mut want = [b'0'; 6];
        for slot in want.iter_mut().rev() {
            *slot = BASE62[(v % 62) as usize];
            v /= 62;
        }
        assert_eq!(crc32_base62(b"123456789"), want);
        let body = b"abcdefghijABCDEFGHIJ0123456789";
        let mut tok = body.to_vec();
        tok.extend_from_slice(&crc32_base62(body));
        assert!(github_token_checksum_valid(&tok));
        tok[35] = if tok[35] == b'a' { b'b' } else { b'a' };
        assert!(!github_token_checksum_valid(&tok));
    }
}
