//! National identifiers with check digits or strict structure: US SSN, US ITIN, UK NINO, UK NHS,
//! PT NIF, ES DNI/NIE, IT codice fiscale, NL BSN, FR NIR, DE Steuer-ID.
//!
//! All are anchored on digit runs. A checksum alone is weak on short numbers (1 in 10/11/97
//! random numbers pass), and logs are full of 9–11-digit ids, epochs and byte counts, so every
//! detector combines checksum *and* shape *and*, for bare digit strings, a context word
//! (multilingual, DETECTORS §5.5) on the same line:
//!
//! | entity | without context | with context |
//! |---|---|---|
//! | US SSN `AAA-GG-SSSS` | 0.75 | 0.95 |
//! | US SSN spaced/dotted | 0.4 (not redacted) | 0.9 |
//! | US SSN bare 9 digits | — | 0.85 |
//! | US ITIN (the same shapes and scores as the SSN) | 0.75 / 0.4 / — | 0.95 / 0.9 / 0.85 |
//!
//! US SSN and `include_test_values` (from `[detection]`): numbers that fail only the SSA
//! issuance rules (area 000, 666 or 900–999, group 00, serial 0000, published samples such as
//! `078-05-1120` or `123-45-6789`) are scored exactly like issuable ones (row above), so a
//! dashed `ddd-dd-dddd` is reported even without a context word and the other shapes need
//! one. All-same-digit numbers (`000-00-0000`) stay unreported (masks). A number that is a
//! valid ITIN (area 9xx, group 50–65, 70–88, 90–92, 94–99) is left to the ITIN detector.
//! | UK NINO (suffix A–D) | 0.7 | 0.95 |
//! | UK NHS 3-3-4 space-grouped | 0.9 (0.55 when also a valid non-US national phone number) | 0.95 |
//! | UK NHS 3-3-4 dash-grouped (US phone shape) | — | 0.95 |
//! | UK NHS bare 10 digits | — | 0.9 |
//! | PT NIF | — | 0.9 |
//! | ES DNI | 0.8 (0.45 for `16777216M`-like sizes: letter B/K/M/G/T glued) | 0.95 |
//! | ES NIE | 0.9 | 0.95 |
//! | IT codice fiscale | 0.95 | 0.95 |
//! | NL BSN | — | 0.85 |
//! | FR NIR grouped, or 2A/2B | 0.95 | 0.95 |
//! | FR NIR bare 15 digits (sex 1/2, month 01–12) | 0.8 | 0.95 |
//! | DE Steuer-ID | — | 0.9 |
//!
//! Cost: the grouped detectors (SSN, NHS, PT NIF, BSN, Steuer-ID) first skip runs glued on
//! a side without a space separator (every span inside is glued: `run_all_glued`), then test
//! a compile-time filter of their shapes (`ShapeFilter`: a group of a one-group shape's length,
//! or consecutive groups of a multi-group shape's lengths, one pass), then the run's group
//! lengths and separators (`util::may_hold`), and split the run only when a shape can match;
//! ES NIF looks at the bytes after the run first; NINO tests its two shapes by length. On the
//! criterion clean corpus these nine went from 77.3 M to 35.0 M instructions, then to 27.1 M
//! (callgrind, 4 MiB; BSN 9.7 M → 5.5 M, SSN 4.2 M → 3.1 M, PT NIF 4.2 M → 3.2 M). The
//! codice fiscale (6.1 M) is a few compares per 2-digit run, ~287k runs.

use std::borrow::Cow;

use super::phone::valid_national_phone_outside_nanp;
use super::util::{
    alnum_span, byte_at, byte_before, collect_digits, digit_groups, glued, group_lengths,
    grouped_span, may_hold, Keywords,
};
use crate::detect::checks::{
    de_steuer_id_valid, es_nif_valid, fr_nir_valid, it_cf_valid, nhs_valid, nl_bsn_valid,
    pt_nif_prefix_ok, pt_nif_valid, us_itin_valid, us_ssn_shape_ok, us_ssn_valid,
};
use crate::detect::{Detector, Entity, Finding, Hit, ScanCtx, Trigger};

/// A cheaper necessary condition than `may_hold(group_lengths(..), shapes, ..)`, derived from
/// the same shapes at compile time: some digit group of the run has the length of a
/// one-group shape, or some consecutive groups have the lengths of a multi-group shape
/// (separators ignored). One pass over the run with a shift register of the last four group
/// lengths; most runs of clean text (dates, times, addresses, ids) fail it, and only the runs
/// that pass are measured and split exactly.
struct ShapeFilter {
    /// Bit per length of the one-group shapes.
    singles: u32,
    /// Multi-group shapes: lengths one byte each, the last group lowest, and the mask of
    /// their bytes.
    multi: [(u32, u32); 2],
    n_multi: usize,
}

impl ShapeFilter {
    /// Panics at compile time for shapes it cannot represent (a group of 32 digits or more,
    /// more than four groups, more than two multi-group shapes).
    const fn new(shapes: &[&[usize]]) -> ShapeFilter {
        let mut f = ShapeFilter {
            singles: 0,
            multi: [(0, 0); 2],
            n_multi: 0,
        };
        let mut i = 0;
        while i < shapes.len() {
            let sh = shapes[i];
            if sh.len() == 1 {
                f.singles |= 1 << sh[0];
            } else {
                assert!(sh.len() <= 4);
                let mut pattern = 0u32;
                let mut j = 0;
                while j < sh.len() {
                    assert!(sh[j] > 0 && sh[j] < 256);
                    pattern = pattern << 8 | sh[j] as u32;
                    j += 1;
                }
                let mask = if sh.len() == 4 {
                    u32::MAX
                } else {
                    (1u32 << (8 * sh.len())) - 1
                };
                f.multi[f.n_multi] = (pattern, mask);
                f.n_multi += 1;
            }
            i += 1;
        }
        f
    }

    /// False proves that no shape matches in the run `[start, end)`.
    #[inline]
    fn may_match(&self, b: &[u8], start: usize, end: usize) -> bool {
        let multi = &self.multi[..self.n_multi];
        let group_ends = |len: u32, reg: &mut u32| {
            if len < 32 && self.singles & (1 << len) != 0 {
                return true;
            }
            *reg = *reg << 8 | len.min(255);
            multi.iter().any(|&(p, m)| *reg & m == p)
        };
        let mut reg = 0u32;
        let mut len = 0u32;
        for &c in &b[start..end] {
            if c.is_ascii_digit() {
                len += 1;
            } else {
                if group_ends(len, &mut reg) {
                    return true;
                }
                len = 0;
            }
        }
        group_ends(len, &mut reg)
    }
}

/// True when no span of digit groups inside the run `[start, end)` can be unglued: the run
/// has no space separator and is itself glued (`2025-03-12T…`, `10.0.0.1:8080`, the digits of
/// a UUID). A span that starts after the run's start follows a `-`, `.` or `/` after a digit,
/// and one that ends before the run's end is followed by one of them and a digit: `glued`
/// holds for both. So a detector that drops glued spans can skip the run.
#[inline]
// A plain loop: runs are short, and `contains` pays `memchr`'s set-up per call (measured on the
// clean benchmark corpus: 188.0M -> 184.6M instructions per scan).
#[allow(clippy::manual_contains)]
fn run_all_glued(b: &[u8], start: usize, end: usize) -> bool {
    glued(b, start, end) && !b[start..end].iter().any(|&c| c == b' ')
}

/// Calls `f(start, end, lens)` for every span of the digit runs `hits` that has one of
/// `shapes` (digit groups separated by one of `seps`) and is not glued to a neighbour; runs
/// that are glued throughout or that no shape can match are skipped first (module docs).
fn each_grouped_span(
    b: &[u8],
    hits: &[Hit],
    shapes: &[&[usize]],
    filter: &ShapeFilter,
    seps: &[u8],
    mut f: impl FnMut(usize, usize, &[usize]),
) {
    let mut groups = Vec::new();
    for h in hits {
        if run_all_glued(b, h.start, h.end)
            || !filter.may_match(b, h.start, h.end)
            || !may_hold(group_lengths(b, h.start, h.end), shapes, seps)
        {
            continue;
        }
        digit_groups(b, h.start, h.end, &mut groups);
        for first in 0..groups.len() {
            for &lens in shapes {
                if let Some((s, e)) = grouped_span(b, &groups, first, lens, seps) {
                    if !glued(b, s, e) {
                        f(s, e, lens);
                    }
                }
            }
        }
    }
}

fn push(out: &mut Vec<Finding>, entity: Entity, det: &'static str, s: usize, e: usize, score: f32) {
    out.push(Finding {
        entity,
        start: s,
        end: e,
        score,
        detector: Cow::Borrowed(det),
    });
}

// ---------------------------------------------------------------------------------------------
// US SSN
// ---------------------------------------------------------------------------------------------

const SSN_CONTEXT: Keywords = Keywords(&[
    "ssn",
    "ssns",
    "social security",
    "social sec",
    "ssa",
    "socsec",
]);

/// Digit-group shapes of an SSN (`536-90-2784`, `536902784`).
const SSN_SHAPES: &[&[usize]] = &[&[3, 2, 4], &[9]];
const SSN_FILTER: ShapeFilter = ShapeFilter::new(SSN_SHAPES);

/// US Social Security numbers.
#[derive(Debug, Default, Clone)]
pub struct UsSsnDetector {
    /// Report numbers in never-issued ranges too (see the module docs).
    include_test_values: bool,
}

impl UsSsnDetector {
    /// `include_test_values`: lift the SSA issuance rules (reserved areas, samples).
    pub fn new(include_test_values: bool) -> Self {
        UsSsnDetector {
            include_test_values,
        }
    }
}

impl Detector for UsSsnDetector {
    fn name(&self) -> &'static str {
        "us_ssn"
    }
    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::DigitRun { min_digits: 9 }]
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let ok = if self.include_test_values {
            us_ssn_shape_ok
        } else {
            us_ssn_valid
        };
        // A valid ITIN is left to the ITIN detector.
        let valid = |d: &[u8]| ok(d) && !us_itin_valid(d);
        detect_ssn_shaped(cx, hits, out, valid, &SSN_CONTEXT, Entity::UsSsn, "us_ssn");
    }
}

/// The SSN's shapes (`ddd-dd-dddd`, spaced/dotted, bare 9 digits with context) with the
/// number check `valid` and the context words `context`: the loop of both the SSN and the ITIN
/// detector. Scores: the module table's SSN rows.
fn detect_ssn_shaped(
    cx: &ScanCtx<'_>,
    hits: &[Hit],
    out: &mut Vec<Finding>,
    valid: impl Fn(&[u8]) -> bool,
    context: &Keywords,
    entity: Entity,
    det: &'static str,
) {
    let b = cx.bytes();
    each_grouped_span(b, hits, SSN_SHAPES, &SSN_FILTER, b"- .", |s, e, lens| {
        let mut d = [0u8; 9];
        if collect_digits(b, s, e, &mut d) != Some(9) || !valid(&d) {
            return;
        }
        let score = match (lens.len(), b[s + 3], context.near(cx.text, s, e)) {
            (1, _, true) => 0.85,
            (1, _, false) => return,
            (_, _, true) => 0.95,
            (_, b'-', false) => 0.75,
            _ => 0.4,
        };
        push(out, entity.clone(), det, s, e, score);
    });
}

// ---------------------------------------------------------------------------------------------
// US ITIN
// ---------------------------------------------------------------------------------------------

const ITIN_CONTEXT: Keywords = Keywords(&[
    "itin",
    "itins",
    "taxpayer",
    "tax id",
    "tax identification",
    "tin",
]);

/// US Individual Taxpayer Identification Numbers (`9AA-GG-SSSS`, the SSN's shapes): issued by
/// the IRS to people who cannot get an SSN, so the same kind of personal identifier.
#[derive(Debug, Default, Clone)]
pub struct UsItinDetector;

impl Detector for UsItinDetector {
    fn name(&self) -> &'static str {
        "us_itin"
    }
    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::DigitRun { min_digits: 9 }]
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        detect_ssn_shaped(
            cx,
            hits,
            out,
            us_itin_valid,
            &ITIN_CONTEXT,
            Entity::UsItin,
            "us_itin",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// UK NINO
// ---------------------------------------------------------------------------------------------

const NINO_CONTEXT: Keywords = Keywords(&[
    "national insurance",
    "ni number",
    "ni no",
    "nino",
    "nin",
    "insurance number",
]);

fn nino_prefix_ok(a: u8, b: u8) -> bool {
    if !a.is_ascii_uppercase() || !b.is_ascii_uppercase() {
        return false;
    }
    if b"DFIQUV".contains(&a) || b"DFIOQUV".contains(&b) {
        return false;
    }
    !matches!(
        &[a, b],
        b"BG" | b"GB" | b"KN" | b"NK" | b"NT" | b"TN" | b"ZZ"
    )
}

/// UK National Insurance numbers (`QQ 12 34 56 C`, `AB123456C`).
#[derive(Debug, Default, Clone)]
pub struct UkNinoDetector;

impl UkNinoDetector {
    /// Try the NINO whose six digits span `[ds, de)`: the two prefix letters directly before or
    /// one space before; the `A`–`D` suffix directly after or one space after (optional:
    /// without it the caller needs context). Returns (start, end, has_suffix).
    fn try_at(b: &[u8], ds: usize, de: usize) -> Option<(usize, usize, bool)> {
        let gap = usize::from(byte_before(b, ds) == Some(b' '));
        let ps = ds.checked_sub(2 + gap)?;
        if !nino_prefix_ok(b[ps], b[ps + 1]) {
            return None;
        }
        if byte_before(b, ps).is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_') {
            return None;
        }
        let suffix_at = |i: usize| {
            byte_at(b, i).is_some_and(|c| (b'A'..=b'D').contains(&c))
                && !byte_at(b, i + 1).is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        };
        let (end, suffix) = if suffix_at(de) {
            (de + 1, true)
        } else if byte_at(b, de) == Some(b' ') && suffix_at(de + 1) {
            (de + 2, true)
        } else {
            (de, false)
        };
        if byte_at(b, end).is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_') {
            return None;
        }
        Some((ps, end, suffix))
    }
}

impl Detector for UkNinoDetector {
    fn name(&self) -> &'static str {
        "uk_nino"
    }
    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::DigitRun { min_digits: 6 }]
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        for h in hits {
            // Runs have ≥ 6 digits and single separators between digits: six bytes are one
            // 6-digit group; eight bytes with spaces at 2 and 5 are the groups `12 34 56`.
            let len = h.end - h.start;
            let whole = len == 6;
            let spaced = len == 8 && b[h.start + 2] == b' ' && b[h.start + 5] == b' ';
            let cand = if whole || spaced {
                Self::try_at(b, h.start, h.end)
            } else {
                None
            };
            let Some((s, e, suffix)) = cand else {
                continue;
            };
            let ctx = NINO_CONTEXT.near(cx.text, s, e);
            let score = match (suffix, ctx) {
                (_, true) => 0.95,
                (true, false) => 0.7,
                (false, false) => continue,
            };
            push(out, Entity::UkNino, "uk_nino", s, e, score);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// UK NHS
// ---------------------------------------------------------------------------------------------

const NHS_CONTEXT: Keywords = Keywords(&["nhs", "health", "patient", "nhs number", "nhs no"]);

/// Digit-group shapes of an NHS number (`943 476 5919`, `9434765919`).
const NHS_SHAPES: &[&[usize]] = &[&[3, 3, 4], &[10]];
const NHS_FILTER: ShapeFilter = ShapeFilter::new(NHS_SHAPES);

/// UK NHS numbers (10 digits, mod 11).
#[derive(Debug, Default, Clone)]
pub struct UkNhsDetector;

impl Detector for UkNhsDetector {
    fn name(&self) -> &'static str {
        "uk_nhs"
    }
    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::DigitRun { min_digits: 10 }]
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        let mut groups = Vec::new();
        for h in hits {
            if run_all_glued(b, h.start, h.end)
                || !NHS_FILTER.may_match(b, h.start, h.end)
                || !may_hold(group_lengths(b, h.start, h.end), NHS_SHAPES, b" -")
            {
                continue;
            }
            digit_groups(b, h.start, h.end, &mut groups);
            for first in 0..groups.len() {
                for &lens in NHS_SHAPES {
                    let Some((s, e)) = grouped_span(b, &groups, first, lens, b" -") else {
                        continue;
                    };
                    let mut d = [0u8; 10];
                    if glued(b, s, e)
                        || collect_digits(b, s, e, &mut d) != Some(10)
                        || !nhs_valid(&d)
                        || crate::detect::checks::all_same(&d)
                    {
                        continue;
                    }
                    let ctx = NHS_CONTEXT.near(cx.text, s, e);
                    // Space-grouped 3-3-4 is the NHS print format; dash-grouped 3-3-4 is just as
                    // often a US phone number, so it needs context. Without context, a
                    // space-grouped number that is also a valid national phone number outside
                    // the US (IT mobile `333 049 8587`; 1 in 11 pass mod 11) scores below the
                    // phone detector's grouped national score (0.6), so the phone finding wins.
                    let score = match (lens.len(), ctx) {
                        (_, true) => 0.95,
                        (3, false) if b[s + 3] == b' ' => {
                            if cx
                                .text
                                .get(s..e)
                                .is_some_and(valid_national_phone_outside_nanp)
                            {
                                0.55
                            } else {
                                0.9
                            }
                        }
                        _ => continue,
                    };
                    push(out, Entity::UkNhs, "uk_nhs", s, e, score);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// PT NIF
// ---------------------------------------------------------------------------------------------

const PT_NIF_CONTEXT: Keywords = Keywords(&[
    "nif",
    "nipc",
    "contribuinte",
    "numero fiscal",
    "numero de identificacao fiscal",
    "n contribuinte",
    "identificacao fiscal",
    "vat",
    "nif nipc",
]);

/// Digit-group shapes of a PT NIF (`123 456 789`, `123456789`).
const PT_NIF_SHAPES: &[&[usize]] = &[&[3, 3, 3], &[9]];
const PT_NIF_FILTER: ShapeFilter = ShapeFilter::new(PT_NIF_SHAPES);

/// PT NIF / NIPC (contribuinte): checksum + prefix + context.
#[derive(Debug, Default, Clone)]
pub struct PtNifDetector;

impl Detector for PtNifDetector {
    fn name(&self) -> &'static str {
        "pt_nif"
    }
    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::DigitRun { min_digits: 9 }]
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        let mut groups = Vec::new();
        for h in hits {
            // Glued spans are dropped except the VAT form `PT123456789` (at the run's start).
            let vat_prefix = h.start >= 2 && &b[h.start - 2..h.start] == b"PT";
            if (!vat_prefix && run_all_glued(b, h.start, h.end))
                || !PT_NIF_FILTER.may_match(b, h.start, h.end)
                || !may_hold(group_lengths(b, h.start, h.end), PT_NIF_SHAPES, b" .-")
            {
                continue;
            }
            digit_groups(b, h.start, h.end, &mut groups);
            for first in 0..groups.len() {
                for &lens in PT_NIF_SHAPES {
                    let Some((s, e)) = grouped_span(b, &groups, first, lens, b" .-") else {
                        continue;
                    };
                    let mut d = [0u8; 9];
                    if collect_digits(b, s, e, &mut d) != Some(9)
                        || !pt_nif_prefix_ok(&d)
                        || !pt_nif_valid(&d)
                    {
                        continue;
                    }
                    // `PT123456789` (VAT form) counts as context; otherwise not glued.
                    let vat = s >= 2
                        && &b[s - 2..s] == b"PT"
                        && !byte_before(b, s - 2).is_some_and(|c| c.is_ascii_alphanumeric());
                    let (s, ctx) = if vat {
                        (s - 2, true)
                    } else {
                        if glued(b, s, e) {
                            continue;
                        }
                        (s, PT_NIF_CONTEXT.near(cx.text, s, e))
                    };
                    if ctx && !byte_at(b, e).is_some_and(|c| c.is_ascii_alphanumeric()) {
                        push(out, Entity::PtNif, "pt_nif", s, e, 0.9);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// ES DNI / NIE
// ---------------------------------------------------------------------------------------------

const ES_CONTEXT: Keywords = Keywords(&[
    "dni",
    "nif",
    "nie",
    "documento nacional",
    "documento de identidad",
    "extranjero",
    "identidad",
]);

/// ES DNI (`12345678Z`) and NIE (`X1234567L`), optional `-`/space before the letter.
#[derive(Debug, Default, Clone)]
pub struct EsNifDetector;

impl Detector for EsNifDetector {
    fn name(&self) -> &'static str {
        "es_nif"
    }
    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::DigitRun { min_digits: 7 }]
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        for h in hits {
            // A DNI is an 8-digit group, a NIE a 7-digit one; the check letter follows the digits directly or after one `-`/space. Inside a
            // run a group is followed by a separator and then a digit, so only the run's last
            // group can qualify: look at the bytes after the run before anything else.
            let letter_after = match (byte_at(b, h.end), byte_at(b, h.end + 1)) {
                (Some(c), _) if c.is_ascii_uppercase() => true,
                (Some(b'-' | b' '), Some(c)) => c.is_ascii_uppercase(),
                _ => false,
            };
            if !letter_after {
                continue;
            }
            let last = b[h.start..h.end]
                .iter()
                .rposition(|c| !c.is_ascii_digit())
                .map_or(h.start, |p| h.start + p + 1);
            {
                let (ds, de) = (last, h.end);
                let n = de - ds;
                let nie =
                    n == 7 && byte_before(b, ds).is_some_and(|c| matches!(c, b'X' | b'Y' | b'Z'));
                if n != 8 && !nie {
                    continue;
                }
                let s = if nie { ds - 1 } else { ds };
                if byte_before(b, s).is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_') {
                    continue;
                }
                // Letter directly after, or after one `-`/space.
                let (li, e) = match (byte_at(b, de), byte_at(b, de + 1)) {
                    (Some(c), _) if c.is_ascii_uppercase() => (de, de + 1),
                    (Some(b'-' | b' '), Some(c)) if c.is_ascii_uppercase() => (de + 1, de + 2),
                    _ => continue,
                };
                if byte_at(b, e).is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_') {
                    continue;
                }
                let mut compact = [0u8; 9];
                compact[..de - s].copy_from_slice(&b[s..de]);
                compact[8] = b[li];
                if !es_nif_valid(&compact) {
                    continue;
                }
                let ctx = ES_CONTEXT.near(cx.text, s, e);
                // `16777216B`, `1048576K`: a size with a unit letter looks like a DNI.
                let unit_like = li == de && b"BKMGT".contains(&b[li]);
                let score = match (nie, ctx) {
                    (_, true) => 0.95,
                    (true, false) => 0.9,
                    (false, false) if unit_like => 0.45,
                    (false, false) => 0.8,
                };
                push(out, Entity::EsNif, "es_nif", s, e, score);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// IT codice fiscale
// ---------------------------------------------------------------------------------------------

/// IT codice fiscale (16 chars, check letter, omocodia).
#[derive(Debug, Default, Clone)]
pub struct ItFiscalCodeDetector;

impl Detector for ItFiscalCodeDetector {
    fn name(&self) -> &'static str {
        "it_fiscal_code"
    }
    fn triggers(&self) -> Vec<Trigger> {
        // The year (positions 7–8) is a 2-digit run unless omocodia replaced it.
        vec![Trigger::DigitRun { min_digits: 2 }]
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        let mut covered = 0;
        for h in hits {
            // CF digit groups (year, day, municipality) are 2–3 digits between letters.
            if h.start < covered
                || h.end - h.start > 3
                || !byte_before(b, h.start).is_some_and(|c| c.is_ascii_alphabetic())
                || !byte_at(b, h.end).is_some_and(|c| c.is_ascii_alphabetic())
            {
                continue;
            }
            let (s, e) = alnum_span(b, h.start, h.start + 1);
            covered = e;
            if e - s != 16 || byte_before(b, s) == Some(b'_') || byte_at(b, e) == Some(b'_') {
                continue;
            }
            let w = &b[s..e];
            let upper = w.iter().all(|c| !c.is_ascii_lowercase());
            let lower = w.iter().all(|c| !c.is_ascii_uppercase());
            if !upper && !lower {
                continue;
            }
            let mut u = [0u8; 16];
            u.copy_from_slice(w);
            u.make_ascii_uppercase();
            if it_cf_valid(&u) {
                push(out, Entity::ItFiscalCode, "it_fiscal_code", s, e, 0.95);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// NL BSN
// ---------------------------------------------------------------------------------------------

const BSN_CONTEXT: Keywords = Keywords(&[
    "bsn",
    "burgerservicenummer",
    "sofinummer",
    "sofi",
    "sofi nummer",
    "burger service nummer",
]);

/// Digit-group shapes of a BSN (9 digits, 8 with a dropped leading zero, grouped 4-2-3/3-3-3).
const BSN_SHAPES: &[&[usize]] = &[&[9], &[8], &[4, 2, 3], &[3, 3, 3]];
const BSN_FILTER: ShapeFilter = ShapeFilter::new(BSN_SHAPES);

/// NL BSN (11-proof + context).
#[derive(Debug, Default, Clone)]
pub struct NlBsnDetector;

impl Detector for NlBsnDetector {
    fn name(&self) -> &'static str {
        "nl_bsn"
    }
    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::DigitRun { min_digits: 8 }]
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        let mut groups = Vec::new();
        for h in hits {
            if run_all_glued(b, h.start, h.end)
                || !BSN_FILTER.may_match(b, h.start, h.end)
                || !may_hold(group_lengths(b, h.start, h.end), BSN_SHAPES, b" .-")
            {
                continue;
            }
            digit_groups(b, h.start, h.end, &mut groups);
            for first in 0..groups.len() {
                for &lens in BSN_SHAPES {
                    let Some((s, e)) = grouped_span(b, &groups, first, lens, b" .-") else {
                        continue;
                    };
                    let mut d = [b'0'; 9];
                    let n = lens.iter().sum::<usize>();
                    if glued(b, s, e) || collect_digits(b, s, e, &mut d[9 - n..]) != Some(n) {
                        continue;
                    }
                    if nl_bsn_valid(&d) && BSN_CONTEXT.near(cx.text, s, e) {
                        push(out, Entity::NlBsn, "nl_bsn", s, e, 0.85);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// FR NIR
// ---------------------------------------------------------------------------------------------

const NIR_CONTEXT: Keywords = Keywords(&[
    "nir",
    "insee",
    "securite sociale",
    "secu",
    "numero de secu",
    "carte vitale",
    "numero de securite sociale",
    "ssn",
]);

/// FR NIR / INSEE (sécurité sociale) numbers, compact or grouped `1 85 05 78 006 084 36`.
#[derive(Debug, Default, Clone)]
pub struct FrNirDetector;

impl FrNirDetector {
    /// Read 15 NIR chars from `p`, skipping single spaces; returns (end, compact, spaced).
    fn read(b: &[u8], p: usize) -> Option<(usize, [u8; 15], bool)> {
        let mut c = [0u8; 15];
        let mut n = 0;
        let mut i = p;
        let mut spaced = false;
        while n < 15 {
            let x = *b.get(i)?;
            if x.is_ascii_digit() || (n == 6 && matches!(x, b'A' | b'B') && c[5] == b'2') {
                c[n] = x;
                n += 1;
                i += 1;
            } else if x == b' ' && n > 0 && b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric) {
                spaced = true;
                i += 1;
            } else {
                return None;
            }
        }
        Some((i, c, spaced))
    }
}

impl Detector for FrNirDetector {
    fn name(&self) -> &'static str {
        "fr_nir"
    }
    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::DigitRun { min_digits: 6 }]
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        for h in hits {
            let s = h.start;
            if !matches!(b[s], b'1' | b'2' | b'3' | b'4' | b'7' | b'8') {
                continue;
            }
            let Some((e, c, spaced)) = Self::read(b, s) else {
                continue;
            };
            if glued(b, s, e) || !fr_nir_valid(&c) {
                continue;
            }
            let month = (c[3] - b'0') * 10 + (c[4] - b'0');
            let corsica = c[6].is_ascii_alphabetic();
            let score = if spaced || corsica || NIR_CONTEXT.near(cx.text, s, e) {
                0.95
            } else if matches!(c[0], b'1' | b'2') && (1..=12).contains(&month) {
                0.8
            } else {
                continue;
            };
            push(out, Entity::FrNir, "fr_nir", s, e, score);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// DE Steuer-ID
// ---------------------------------------------------------------------------------------------

const DE_TAX_CONTEXT: Keywords = Keywords(&[
    "steuer id",
    "steuerid",
    "steuer identifikationsnummer",
    "steueridentifikationsnummer",
    "steuerliche identifikationsnummer",
    "identifikationsnummer",
    "idnr",
    "id nr",
    "tin",
    "tax id",
    "steuernummer",
]);

/// Digit-group shapes of a Steuer-ID (`12345678901`, `12 345 678 901`, `123 456 789 01`).
const DE_TAX_SHAPES: &[&[usize]] = &[&[11], &[2, 3, 3, 3], &[3, 3, 3, 2]];
const DE_TAX_FILTER: ShapeFilter = ShapeFilter::new(DE_TAX_SHAPES);

/// DE Steueridentifikationsnummer (11 digits, frequency rule + MOD 11,10, context).
#[derive(Debug, Default, Clone)]
pub struct DeTaxIdDetector;

impl Detector for DeTaxIdDetector {
    fn name(&self) -> &'static str {
        "de_tax_id"
    }
    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::DigitRun { min_digits: 11 }]
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        let mut groups = Vec::new();
        for h in hits {
            if run_all_glued(b, h.start, h.end)
                || !DE_TAX_FILTER.may_match(b, h.start, h.end)
                || !may_hold(group_lengths(b, h.start, h.end), DE_TAX_SHAPES, b" /")
            {
                continue;
            }
            digit_groups(b, h.start, h.end, &mut groups);
            for first in 0..groups.len() {
                for &lens in DE_TAX_SHAPES {
                    let Some((s, e)) = grouped_span(b, &groups, first, lens, b" /") else {
                        continue;
                    };
                    let mut d = [0u8; 11];
                    if glued(b, s, e)
                        || collect_digits(b, s, e, &mut d) != Some(11)
                        || !de_steuer_id_valid(&d)
                    {
                        continue;
                    }
                    if DE_TAX_CONTEXT.near(cx.text, s, e) {
                        push(out, Entity::DeTaxId, "de_tax_id", s, e, 0.9);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{found, scores};
    use super::*;

    #[test]
    fn shape_filter_never_rejects_a_grouped_span() {
        // Pseudo-random digit runs: whenever a detector's shape matches through `grouped_span`,
        // its filter must let the run through.
        type Case = (
            &'static [&'static [usize]],
            &'static ShapeFilter,
            &'static [u8],
        );
        let all: [Case; 5] = [
            (SSN_SHAPES, &SSN_FILTER, b"- ."),
            (NHS_SHAPES, &NHS_FILTER, b" -"),
            (PT_NIF_SHAPES, &PT_NIF_FILTER, b" .-"),
            (BSN_SHAPES, &BSN_FILTER, b" .-"),
            (DE_TAX_SHAPES, &DE_TAX_FILTER, b" /"),
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut groups = Vec::new();
        let mut matched = 0;
        let mut rejected = 0;
        for _ in 0..30_000 {
            let mut t = b"x ".to_vec();
            let n = 1 + next() % 6;
            for g in 0..n {
                if g > 0 {
                    t.push(b" -./"[(next() % 4) as usize]);
                }
                let len = [1, 2, 2, 3, 3, 3, 4, 8, 9, 10, 11, 12][(next() % 12) as usize];
                t.extend((0..len).map(|_| b'0' + (next() % 10) as u8));
            }
            let end = t.len();
            t.extend_from_slice(b" y");
            digit_groups(&t, 2, end, &mut groups);
            for (shapes, filter, seps) in all {
                let any = (0..groups.len()).any(|first| {
                    shapes
                        .iter()
                        .any(|sh| grouped_span(&t, &groups, first, sh, seps).is_some())
                });
                let pass = filter.may_match(&t, 2, end);
                matched += usize::from(any);
                rejected += usize::from(!pass);
                if any {
                    assert!(pass, "{:?}", String::from_utf8_lossy(&t));
                }
            }
        }
        assert!(matched > 1000 && rejected > 10_000, "{matched} {rejected}");
    }
    use crate::detect::checks::{es_dni_letter, iso7064_mod11_10_check, it_cf_check_letter, mod97};

    #[test]
    fn ssn() {
        let d = UsSsnDetector::default();
        assert_eq!(found(&d, "SSN: 536-90-2784"), vec!["536-90-2784"]);
        assert_eq!(scores(&d, "call 536-90-2784"), vec![0.75]);
        assert_eq!(scores(&d, "ssn 536902784"), vec![0.85]);
        assert_eq!(scores(&d, "social security number 536 90 2784"), vec![0.95]);
        // Scored 0.4: below the engine's default minimum, so never redacted.
        assert!(found(&d, "value 536 90 2784").is_empty());
        for t in [
            "id 536902784",
            "ssn 078-05-1120",
            "ssn 123-45-6789",
            "ssn 666-12-3456",
            "ssn 900-12-3456",
            "ssn 536-00-2784",
            "ssn 536-90-0000",
            "ts 1705314153",
            "ssn 536-90-27845",
            "v536-90-2784",
            "ssn 536-90 2784",
        ] {
            assert!(found(&d, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn itin() {
        let d = UsItinDetector;
        assert_eq!(found(&d, "ITIN: 912-70-1234"), vec!["912-70-1234"]);
        assert_eq!(scores(&d, "ITIN: 912-70-1234"), vec![0.95]);
        assert_eq!(scores(&d, "ref 945-88-0101"), vec![0.75]);
        assert_eq!(scores(&d, "taxpayer id 912701234"), vec![0.85]);
        assert_eq!(
            scores(&d, "individual taxpayer number 912 94 1234"),
            vec![0.95]
        );
        // Every valid group range, at both ends.
        for g in ["50", "65", "70", "88", "90", "92", "94", "99"] {
            let t = format!("itin 912-{g}-3456");
            assert_eq!(found(&d, &t), vec![&t[5..]], "{t}");
        }
        for t in [
            "itin 812-70-1234",  // not 9xx
            "itin 912-49-1234",  // group below 50
            "itin 912-66-1234",  // 66-69 are not ITIN groups
            "itin 912-89-1234",  // 89 neither
            "itin 912-93-1234",  // nor 93
            "itin 999-99-9999",  // a mask
            "ref 912701234",     // bare digits need a context word
            "value 912 70 1234", // spaced without context: 0.4, not reported
            "itin 912-70-12345",
            "v912-70-1234",
        ] {
            assert!(found(&d, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn an_itin_is_not_also_reported_as_a_test_value_ssn() {
        let detectors: Vec<Box<dyn Detector>> =
            vec![Box::new(UsSsnDetector::new(true)), Box::new(UsItinDetector)];
        let e = crate::detect::Engine::with_detectors(detectors).unwrap();
        let got: Vec<_> = e
            .scan("ssn 934-27-4315, itin 912-70-1234")
            .into_iter()
            .map(|f| f.entity.name().to_owned())
            .collect();
        assert_eq!(got, vec!["US_SSN", "US_ITIN"]);
    }

    #[test]
    fn ssn_test_values_mode() {
        let strict = UsSsnDetector::new(true);
        let default = UsSsnDetector::default();
        for (t, v, score) in [
            ("SSN: 934-27-4315", "934-27-4315", 0.95),
            ("ssn 078-05-1120", "078-05-1120", 0.95),
            ("ssn 123-45-6789", "123-45-6789", 0.95),
            ("ssn 666-12-3456", "666-12-3456", 0.95),
            ("ssn 000-12-3456", "000-12-3456", 0.95),
            ("ssn 536-00-2784", "536-00-2784", 0.95),
            ("ssn 934274315", "934274315", 0.85),
            // Dashed shape without a context word: scored like an issuable number.
            ("ref 934-27-4315", "934-27-4315", 0.75),
        ] {
            assert_eq!(found(&strict, t), vec![v], "{t}");
            assert_eq!(scores(&strict, t), vec![score], "{t}");
            assert!(found(&default, t).is_empty(), "default mode: {t}");
        }
        // Masks, shapes and weak forms stay unreported.
        for t in [
            "ssn 000-00-0000",
            "ssn 999-99-9999",
            "id 934274315",
            "value 934 27 4315",
            "ssn 934-27-43155",
            "v934-27-4315",
            "ssn XXX-XX-XXXX",
        ] {
            assert!(found(&strict, t).is_empty(), "{t}");
        }
        // Issuable numbers: same result in both modes.
        assert_eq!(
            scores(&strict, "call 536-90-2784"),
            scores(&default, "call 536-90-2784")
        );
    }

    #[test]
    fn nino() {
        let d = UkNinoDetector;
        assert_eq!(found(&d, "NI number: JG 12 34 56 C"), vec!["JG 12 34 56 C"]);
        assert_eq!(found(&d, "nino AB123456C."), vec!["AB123456C"]);
        assert_eq!(found(&d, "NINO: AB 123456 C"), vec!["AB 123456 C"]);
        assert_eq!(scores(&d, "ref AB123456C"), vec![0.7]);
        assert_eq!(found(&d, "National Insurance AB123456"), vec!["AB123456"]);
        for t in [
            "ref AB123456",
            "QQ 12 34 56 C",
            "DA123456C",
            "AO123456C",
            "GB123456C",
            "AB123456E",
            "XAB123456C",
            "AB1234567C",
            "AB123456CD",
        ] {
            assert!(found(&d, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn nhs() {
        let d = UkNhsDetector;
        assert_eq!(found(&d, "patient 943 476 5919"), vec!["943 476 5919"]);
        assert_eq!(scores(&d, "ref 943 476 5919"), vec![0.9]);
        assert_eq!(scores(&d, "NHS no. 943-476-5919"), vec![0.95]);
        assert!(found(&d, "ref 943-476-5919").is_empty());
        assert_eq!(found(&d, "NHS number 9434765919"), vec!["9434765919"]);
        // Also a valid Italian mobile (mod 11 passes): weak without NHS context, so the phone
        // finding wins; with context it is an NHS number again.
        assert_eq!(scores(&d, "Chiamala al 333 049 8587."), vec![0.55]);
        assert_eq!(scores(&d, "NHS number 333 049 8587"), vec![0.95]);
        let p = super::super::PhoneDetector;
        assert_eq!(scores(&p, "Chiamala al 333 049 8587."), vec![0.6]);
        let e = crate::detect::Engine::builtin().unwrap();
        let f = e.scan("Chiamala al 333 049 8587. Ticket 6570 opened");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].entity, Entity::PhoneNumber);
        let f = e.scan("Patient NHS number 333 049 8587");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].entity, Entity::UkNhs);
        for t in [
            "ts 9434765919",
            "nhs 943 476 5918",
            "epoch 1705314153",
            "nhs 0000000000",
        ] {
            assert!(found(&d, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn pt_nif() {
        let d = PtNifDetector;
        assert_eq!(found(&d, "NIF: 123456789"), vec!["123456789"]);
        assert_eq!(
            found(&d, "nº contribuinte 501 964 843"),
            vec!["501 964 843"]
        );
        assert_eq!(found(&d, "VAT PT501964843"), vec!["PT501964843"]);
        assert_eq!(
            found(&d, "Número de Identificação Fiscal 501964843"),
            vec!["501964843"]
        );
        for t in [
            "order 123456789",
            "nif 123456788",
            "nif 401964843",
            "bytes 501964843",
            "nif 5019648430",
        ] {
            assert!(found(&d, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn es_nif() {
        let d = EsNifDetector;
        assert_eq!(found(&d, "DNI 12345678Z"), vec!["12345678Z"]);
        assert_eq!(found(&d, "dni: 12345678-Z"), vec!["12345678-Z"]);
        assert_eq!(scores(&d, "x 12345678Z"), vec![0.8]);
        assert_eq!(scores(&d, "NIE X1234567L"), vec![0.95]);
        let n = 87654321u32;
        let t = format!("ref {n}{}", char::from(es_dni_letter(n)));
        assert_eq!(scores(&d, &t), vec![0.8]);
        for t in [
            "12345678A",
            "12345678Za",
            "x12345678Z",
            "20240115T102233Z",
            "12345678z",
        ] {
            assert!(found(&d, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn it_cf() {
        let d = ItFiscalCodeDetector;
        assert_eq!(found(&d, "CF: RSSMRA85T10A562S."), vec!["RSSMRA85T10A562S"]);
        assert_eq!(found(&d, "cf rssmra85t10a562s"), vec!["rssmra85t10a562s"]);
        let mut omo = *b"RSSMRA85T10A5RNX";
        omo[15] = it_cf_check_letter(&omo[..15]).unwrap();
        let omo = String::from_utf8(omo.to_vec()).unwrap();
        assert_eq!(found(&d, &omo), vec![omo.as_str()]);
        for t in [
            "RSSMRA85T10A562T",
            "XRSSMRA85T10A562S",
            "RSSMRA85T10A562S_x",
            "RssMRA85T10A562S",
            "a1b2c3d4e5f60718",
            "0123456789abcdef",
        ] {
            assert!(found(&d, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn nl_bsn() {
        let d = NlBsnDetector;
        assert_eq!(found(&d, "BSN: 111222333"), vec!["111222333"]);
        assert_eq!(
            found(&d, "burgerservicenummer 1234.56.782"),
            vec!["1234.56.782"]
        );
        for t in ["id 111222333", "bsn 123456789", "bsn 000000000"] {
            assert!(found(&d, t).is_empty(), "{t}");
        }
    }

    fn nir(body13: &str) -> String {
        let sub = body13.replace("2A", "19").replace("2B", "18");
        let key = 97 - mod97(sub.as_bytes()).unwrap();
        format!("{body13}{key:02}")
    }

    #[test]
    fn fr_nir() {
        let d = FrNirDetector;
        let n = nir("1850578006084");
        assert_eq!(scores(&d, &format!("ref {n}")), vec![0.8]);
        assert_eq!(scores(&d, &format!("numéro de sécu {n}")), vec![0.95]);
        let spaced = format!(
            "{} {} {} {} {} {} {}",
            &n[0..1],
            &n[1..3],
            &n[3..5],
            &n[5..7],
            &n[7..10],
            &n[10..13],
            &n[13..15]
        );
        assert_eq!(found(&d, &spaced), vec![spaced.as_str()]);
        let corse = nir("185052A006084");
        assert_eq!(found(&d, &corse), vec![corse.as_str()]);
        let bad_month = nir("1851378006084");
        assert!(found(&d, &bad_month).is_empty());
        let mut wrong = n.clone().into_bytes();
        wrong[14] = if wrong[14] == b'0' { b'1' } else { b'0' };
        assert!(found(&d, std::str::from_utf8(&wrong).unwrap()).is_empty());
        assert!(found(&d, "epoch_us 170531415300000").is_empty());
    }

    #[test]
    fn de_tax_id() {
        let d = DeTaxIdDetector;
        assert_eq!(found(&d, "Steuer-ID: 86095742719"), vec!["86095742719"]);
        assert_eq!(found(&d, "IdNr 86 095 742 719"), vec!["86 095 742 719"]);
        let mut v = b"1123456789".to_vec();
        v.push(b'0' + iso7064_mod11_10_check(&v).unwrap());
        let s = String::from_utf8(v).unwrap();
        assert_eq!(
            found(&d, &format!("steueridentifikationsnummer {s}")),
            vec![s.as_str()]
        );
        for t in [
            "order 86095742719",
            "steuer-id 86095742718",
            "tax id 12345678901",
        ] {
            assert!(found(&d, t).is_empty(), "{t}");
        }
    }
}
