//! `PASSPORT`: passport numbers next to a passport cue, and machine-readable zones (MRZ).
//!
//! Cue-anchored (`passport`, `Reisepass`, `Pass-Nr`, `passeport`, `pasaporte`, `passaporte`,
//! `passaporto`, `paspoort`): the first digit-bearing token within a few words after the cue is
//! checked against the known national shapes (DE ICAO alphabet, FR, ES, IT, NL, PT, US, UK);
//! a bare alphanumeric without a cue is never flagged (it looks like any order id).
//! MRZ: a `P<` line of 44 chars followed by a second 44-char line whose document-number,
//! birth-date and expiry check digits (ICAO 9303, weights 7-3-1) validate; also TD1 ID cards
//! (`I<`, three 30-char lines) and TD2 documents (two 36-char lines). Span: the number, or the
//! whole MRZ.

use std::borrow::Cow;

use super::text::{boundary_after, boundary_before, line_bounds, prev_char};
use crate::detect::{Detector, Entity, Finding, Hit, ScanCtx, Trigger};

const CUES: &[&str] = &[
    "passport",
    "reisepass",
    "passnummer",
    "pass-nr",
    "pass nr",
    "passeport",
    "pasaporte",
    "passaporte",
    "passaporto",
    "paspoort",
    "paspoortnummer",
];

/// MRZ line openers (upper-case only; checked in code).
const MRZ_TRIGGERS: &[&str] = &["p<", "i<"];

/// Bytes examined after a cue, and max tokens skipped before giving up.
const WINDOW: usize = 64;
const MAX_TOKENS: usize = 6;

use crate::detect::checks::icao_check_digit;

/// True when `check` is the ICAO check digit of `field` (`<` counts as 0 for empty fields).
fn icao_ok(field: &[u8], check: u8) -> bool {
    let c = match check {
        b'0'..=b'9' => check - b'0',
        b'<' => 0,
        _ => return false,
    };
    icao_check_digit(field) == Some(c)
}

fn is_mrz_byte(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'<'
}

/// The passport detector.
pub struct PassportDetector {
    literals: Vec<String>,
    /// trigger index -> Some(cue) or None for MRZ triggers
    mrz_from: usize,
}

impl Default for PassportDetector {
    fn default() -> Self {
        Self::new()
    }
}

impl PassportDetector {
    pub fn new() -> PassportDetector {
        // All cues are ASCII.
        let mut literals: Vec<String> = CUES.iter().map(|c| c.to_ascii_lowercase()).collect();
        let mrz_from = literals.len();
        literals.extend(MRZ_TRIGGERS.iter().map(|s| s.to_string()));
        PassportDetector { literals, mrz_from }
    }
}

/// Score of a candidate token (already upper-case ASCII alphanumeric) by national shape.
fn shape_score(t: &[u8]) -> Option<f32> {
    let n = t.len();
    let digits = t.iter().filter(|b| b.is_ascii_digit()).count();
    if digits == 0 || !(6..=10).contains(&n) {
        return None;
    }
    if t.iter().all(|&b| Some(&b) == t.first()) {
        return None;
    }
    let all =
        |r: std::ops::Range<usize>, f: fn(&u8) -> bool| t.get(r).is_some_and(|s| s.iter().all(f));
    let up = |b: &u8| b.is_ascii_uppercase();
    let dig = |b: &u8| b.is_ascii_digit();
    const ICAO: &[u8] = b"CFGHJKLMNPRTVWXYZ0123456789";
    // DE: 9 chars of the ICAO alphabet starting C F G H J K (+ optional check digit).
    if (n == 9 || n == 10)
        && t.first().is_some_and(|b| b"CFGHJK".contains(b))
        && t.iter().take(9).all(|b| ICAO.contains(b))
    {
        if n == 10 {
            let (body, check) = t.split_at(9);
            if check.first().is_some_and(|&c| icao_ok(body, c)) {
                return Some(0.95);
            }
            return None;
        }
        return Some(0.85);
    }
    if n == 9 && all(0..2, dig) && all(2..4, up) && all(4..9, dig) {
        return Some(0.85); // FR
    }
    if n == 9 && all(0..3, up) && all(3..9, dig) {
        return Some(0.85); // ES
    }
    if n == 9 && all(0..2, up) && all(2..9, dig) {
        return Some(0.85); // IT
    }
    if n == 9
        && all(0..2, |b| b.is_ascii_uppercase() && *b != b'O')
        && all(2..8, |b| {
            (b.is_ascii_uppercase() && *b != b'O') || b.is_ascii_digit()
        })
        && all(8..9, dig)
    {
        return Some(0.85); // NL
    }
    if n == 9 && all(0..9, dig) {
        return Some(0.8); // US / UK
    }
    if n == 9 && all(0..1, up) && all(1..9, dig) {
        return Some(0.8); // US (next generation)
    }
    if n == 7 && all(0..1, up) && all(1..7, dig) {
        return Some(0.8); // PT
    }
    if digits >= 2
        && t.iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Some(0.6);
    }
    None
}

impl PassportDetector {
    fn at_cue(&self, text: &str, hit: &Hit) -> Option<(usize, usize, f32)> {
        if !boundary_before(text, hit.start) {
            return None;
        }
        let b = text.as_bytes();
        let (_, le) = line_bounds(text, hit.end);
        let mut end = le;
        if text.get(hit.end..le).is_some_and(|r| {
            r.trim_matches(|c: char| c.is_whitespace() || c == ':')
                .is_empty()
        }) && le < text.len()
        {
            end = line_bounds(text, le + 1).1;
        }
        let end = end.min(hit.end.saturating_add(WINDOW));
        // Skip the rest of the cue word (`passports`, `passportnummer`).
        let mut p = hit.end;
        while b.get(p).is_some_and(u8::is_ascii_alphabetic) && p < end {
            p += 1;
        }
        let mut tokens = 0;
        while p < end && tokens < MAX_TOKENS {
            // Next alphanumeric token.
            while p < end && !b.get(p).is_some_and(u8::is_ascii_alphanumeric) {
                // A non-ASCII letter (`número`) belongs to a word: skip it whole.
                p += 1;
            }
            let s = p;
            while p < end && b.get(p).is_some_and(u8::is_ascii_alphanumeric) {
                p += 1;
            }
            if s == p {
                break;
            }
            tokens += 1;
            let tok = b.get(s..p)?;
            if !tok.iter().any(u8::is_ascii_digit) {
                continue;
            }
            // The first digit-bearing token decides; must be a whole word.
            if tok.iter().any(u8::is_ascii_lowercase)
                || b.get(p)
                    .is_some_and(|&c| c == b'-' || c == b'.' || c == b'_' || c >= 0x80)
                || (s > 0 && b.get(s - 1).is_some_and(|&c| c >= 0x80))
            {
                return None;
            }
            return shape_score(tok).map(|sc| (s, p, sc));
        }
        None
    }

    /// `P<` / `I<` at a line start: validate a TD3 (2×44) or TD1 (3×30) MRZ.
    fn at_mrz(&self, text: &str, hit: &Hit) -> Option<(usize, usize, f32)> {
        let b = text.as_bytes();
        if !b.get(hit.start).is_some_and(u8::is_ascii_uppercase) {
            return None;
        }
        let (ls, le) = line_bounds(text, hit.start);
        let lead = text.get(ls..hit.start)?;
        if !lead.chars().all(|c| c == ' ' || c == '\t') {
            return None;
        }
        let l1 = b.get(hit.start..le)?;
        if !l1.iter().all(|&c| is_mrz_byte(c)) {
            return None;
        }
        let next = |from: usize| -> Option<(usize, usize)> {
            let s = from + 1;
            let (s2, e2) = line_bounds(text, s);
            let lead = text.get(s2..e2)?;
            let trimmed = lead.trim_start_matches([' ', '\t']);
            Some((e2 - trimmed.len(), e2))
        };
        let (s2, e2) = next(le)?;
        let l2 = b.get(s2..e2)?;
        if !l2.iter().all(|&c| is_mrz_byte(c)) {
            return None;
        }
        let at = |l: &[u8], r: std::ops::Range<usize>| -> Option<Vec<u8>> {
            l.get(r).map(<[u8]>::to_vec)
        };
        match (b.get(hit.start), l1.len(), l2.len()) {
            (Some(b'P'), 44, 44) => {
                let doc = at(l2, 0..9)?;
                let dob = at(l2, 13..19)?;
                let exp = at(l2, 21..27)?;
                let ok = icao_ok(&doc, *l2.get(9)?)
                    && icao_ok(&dob, *l2.get(19)?)
                    && icao_ok(&exp, *l2.get(27)?);
                if !ok {
                    return None;
                }
                let mut comp = at(l2, 0..10)?;
                comp.extend(at(l2, 13..20)?);
                comp.extend(at(l2, 21..43)?);
                let score = if icao_ok(&comp, *l2.get(43)?) {
                    0.98
                } else {
                    0.9
                };
                Some((hit.start, e2, score))
            }
            (Some(b'P' | b'I'), 36, 36) => {
                // TD2: same second-line layout as TD3, 36 chars, composite over 0..10, 13..20,
                // 21..35.
                let ok = icao_ok(&at(l2, 0..9)?, *l2.get(9)?)
                    && icao_ok(&at(l2, 13..19)?, *l2.get(19)?)
                    && icao_ok(&at(l2, 21..27)?, *l2.get(27)?);
                if !ok {
                    return None;
                }
                let mut comp = at(l2, 0..10)?;
                comp.extend(at(l2, 13..20)?);
                comp.extend(at(l2, 21..35)?);
                let score = if icao_ok(&comp, *l2.get(35)?) {
                    0.98
                } else {
                    0.9
                };
                Some((hit.start, e2, score))
            }
            (Some(b'I'), 30, 30) => {
                let (s3, e3) = next(e2)?;
                let l3 = b.get(s3..e3)?;
                if l3.len() != 30 || !l3.iter().all(|&c| is_mrz_byte(c)) {
                    return None;
                }
                let ok = icao_ok(&at(l1, 5..14)?, *l1.get(14)?)
                    && icao_ok(&at(l2, 0..6)?, *l2.get(6)?)
                    && icao_ok(&at(l2, 8..14)?, *l2.get(14)?);
                if !ok {
                    return None;
                }
                let mut comp = at(l1, 5..30)?;
                comp.extend(at(l2, 0..7)?);
                comp.extend(at(l2, 8..15)?);
                comp.extend(at(l2, 18..29)?);
                let score = if icao_ok(&comp, *l2.get(29)?) {
                    0.98
                } else {
                    0.9
                };
                Some((hit.start, e3, score))
            }
            _ => None,
        }
    }
}

impl Detector for PassportDetector {
    fn name(&self) -> &'static str {
        "passport"
    }

    fn triggers(&self) -> Vec<Trigger> {
        self.literals
            .iter()
            .map(|l| Trigger::Literal(Cow::Owned(l.clone())))
            .collect()
    }

    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let text = cx.text;
        let mut last_end = 0usize;
        for hit in hits {
            let found = if hit.trigger >= self.mrz_from {
                self.at_mrz(text, hit).map(|f| (f, "mrz"))
            } else {
                // Cue words end a word unless they continue as a compound (`Passnummer`).
                if prev_char(text, hit.end).is_some_and(char::is_alphabetic)
                    && !boundary_after(text, hit.end)
                    && !text
                        .get(hit.end..)
                        .is_some_and(|r| r.starts_with(['s', 'n', 'N', '-', 'e', 'E']))
                {
                    continue;
                }
                self.at_cue(text, hit).map(|f| (f, "passport"))
            };
            let Some(((start, end, score), det)) = found else {
                continue;
            };
            if start < last_end {
                continue;
            }
            last_end = end;
            out.push(Finding {
                entity: Entity::Passport,
                start,
                end,
                score,
                detector: Cow::Borrowed(det),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icao_check_digits() {
        // ICAO 9303 part 3 specimen: document number L898902C3, check 6; birth 740812, check 2;
        // expiry 120415, check 9.
        assert_eq!(icao_check_digit(b"L898902C3"), Some(6));
        assert_eq!(icao_check_digit(b"740812"), Some(2));
        assert_eq!(icao_check_digit(b"120415"), Some(9));
        assert_eq!(icao_check_digit(b"A-"), None);
    }

    #[test]
    fn shapes() {
        assert_eq!(shape_score(b"C01X00T47"), Some(0.85));
        assert_eq!(shape_score(b"12AB34567"), Some(0.85));
        assert_eq!(shape_score(b"XDA123456"), Some(0.85));
        assert_eq!(shape_score(b"YA1234567"), Some(0.85));
        assert_eq!(shape_score(b"123456789"), Some(0.8));
        assert_eq!(shape_score(b"111111111"), None);
        assert_eq!(shape_score(b"ABCDEFGH"), None);
    }
}
