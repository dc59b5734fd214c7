//! Phone numbers, validated with libphonenumber metadata (crate `phonenumber`, `is_valid`).
//!
//! Trigger: digit runs of ≥ 5 digits. Around each run the detector takes the phone-shaped
//! span (digits, spaces, `-./()`, a leading `+`), 7–15 digits, and rejects cheaply before any
//! parsing: glued to words/ids, unbalanced parentheses, dates (`2024-01-15`, `15/01/2024`),
//! dotted quads, currency amounts and units, values after `port`, `pid`, `id`, `order`, …,
//! and access-log `status bytes` pairs (`HTTP/1.1" 304 180158 "-"`).
//! Then:
//! - `+…` / `00…`: parsed as international, with the prefix rules of the calling code's main
//!   region (as libphonenumber's reference parser does; [`valid_international`]); valid → 0.9
//!   (0.95 with a phone context word; `00` without grouping or context 0.7).
//! - national format: only with typical grouping (separators) or a context word; valid in one
//!   of the default regions PT, DE, FR, ES, IT, NL, GB, US, BR → 0.85 with context, 0.6
//!   grouped without context. Bare digit strings without context are never parsed.
//!
//! Parsing is comparatively slow, so it runs only on candidates that passed every cheap check,
//! at most twice per candidate (whole span, then without a trailing group). Validity is
//! `phonenumber::is_valid` computed with our own compiled copies of the metadata regexes
//! (compiled per calling code on first use; the crate's shared LRU takes a lock and hashes
//! each pattern per use), after an exact length pre-check; the context lookup only runs when
//! it changes the outcome or the score.
//!
//! Cost (callgrind, `bench_corpus_profile`, inclusive per scan): clean 3.7 M → 1.9 M
//! instructions, mixed 18.7 M → 12.5 M. A run glued to a word on either side (`2025-03-12T`,
//! hex digits of a UUID, `:8080`) is rejected before its span is built (`run_glued`, exact),
//! a span of fewer than 7 digits (`build=1.22.33`) before the neighbour checks. National
//! candidates try the default regions most likely to validate them first (one parse for most
//! valid numbers), the context lookup is skipped when no keyword's last word can start a word
//! of either window, and the reject-word lists are binary-searched. On the mixed corpus most of
//! what remains is `phonenumber::parse` (~20k instructions per call) and the context-word
//! lookup of windows that do hold a keyword (~14k per call, `pii/util.rs`).
//! International candidates of a calling code shared by several regions used to be the
//! costliest (native, one scan of a one-sentence text: `+44 20 7946 0958` 12.5 µs, `+1 415 555
//! 2671` 7.8 µs, `+351 912 345 678` 3.7 µs): the crate searched the number's region through its
//! locked, SipHash-keyed regex cache. With the region given: 3.2, 2.9 and 3.1 µs.

use std::borrow::Cow;

use phonenumber::country::Id;

use super::util::{
    byte_at, byte_before, context_window, glued, is_word, prev_word, Keywords, CONTEXT_AFTER,
    CONTEXT_BEFORE,
};
use crate::detect::checks::pack_word;
use crate::detect::{Detector, Entity, Finding, Hit, ScanCtx, Trigger};

const CONTEXT: Keywords = Keywords(&[
    "phone*",
    "tel",
    "telephone*",
    "telefone*",
    "telefono*",
    "mobile",
    "mob",
    "cell*",
    "call",
    "whatsapp",
    "fax",
    "sms",
    "contact*",
    "telefon*",
    "handy*",
    "rufnummer",
    "mobil*",
    "portable",
    "movil",
    "celular",
    "telemovel",
    "tlm",
    "tlf",
    "fone",
    "cellulare",
    "telefoon*",
    "mobiel*",
    "gsm",
    "numero de telefone",
    "ligue",
    "llame",
    "chiama",
    "appelez",
    "anrufen",
    "bellen",
]);

/// `CONTEXT.near(text, s, e)`, skipped (false) when neither context window can hold a keyword.
///
/// A keyword matches only where a word of the window (lower-cased, accent-folded, split at
/// camelCase) equals its last word or, for `*` entries, starts with it; either way that last
/// word starts at a word start of the window. [`may_hold_context`] looks for the last words
/// (reduced to those without a shorter one as prefix) at every position that can start a word,
/// with a non-ASCII char matching any letter (folding maps a char to at most one letter), so
/// it is true whenever the full match is. Most windows of numbers in prose hold none of them
/// and cost a pass over their bytes instead of the keyword matcher (~14k instructions).
fn context_near(text: &str, s: usize, e: usize) -> bool {
    let (before, after) = context_window(text, s, e, CONTEXT_BEFORE, CONTEXT_AFTER);
    (may_hold_context(before.as_bytes()) || may_hold_context(after.as_bytes()))
        && CONTEXT.near(text, s, e)
}

/// Last words of the [`CONTEXT`] keywords (`*` dropped), without those that have another one
/// as a prefix, by initial letter (`a`..`z`).
fn context_needles() -> &'static [Vec<&'static [u8]>; 26] {
    static TABLE: std::sync::OnceLock<[Vec<&'static [u8]>; 26]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let last: Vec<&'static [u8]> = CONTEXT
            .0
            .iter()
            .map(|kw| {
                let kw = kw.strip_suffix('*').unwrap_or(kw);
                kw.rsplit(' ').next().unwrap_or(kw).as_bytes()
            })
            .collect();
        let mut table: [Vec<&'static [u8]>; 26] = Default::default();
        for (i, &w) in last.iter().enumerate() {
            let shadowed = last
                .iter()
                .enumerate()
                .any(|(j, &o)| w.starts_with(o) && (o.len() < w.len() || j < i));
            match w.first() {
                Some(&c) if c.is_ascii_lowercase() => {
                    if !shadowed {
                        table[usize::from(c - b'a')].push(w);
                    }
                }
                // Not a plain lower-case word: every window may hold it.
                _ => table.iter_mut().for_each(|t| t.push(w)),
            }
        }
        table
    })
}

/// Longest window (in chars) [`may_hold_context`] scans; longer ones may hold anything.
const NEEDLE_WINDOW: usize = 96;

/// False only when no word of `w` can start with a keyword's last word (see [`context_near`]).
fn may_hold_context(w: &[u8]) -> bool {
    // One symbol per char: ASCII bytes as they are, 0xFF for a non-ASCII char (its lead byte;
    // continuation bytes are dropped).
    let mut sym = [0u8; NEEDLE_WINDOW];
    let mut n = 0;
    for &c in w {
        if (0x80..0xC0).contains(&c) {
            continue;
        }
        let Some(slot) = sym.get_mut(n) else {
            return true;
        };
        *slot = if c < 0x80 { c } else { 0xFF };
        n += 1;
    }
    let sym = &sym[..n];
    let needles = context_needles();
    for i in 0..n {
        let c = sym[i];
        if c != 0xFF && !c.is_ascii_alphabetic() {
            continue;
        }
        // Inside a word: an ASCII letter after an ASCII alphanumeric, unless it is an
        // upper-case letter after a lower-case letter or digit (camelCase). A non-ASCII char
        // or one after it may start a word.
        if i > 0 {
            let p = sym[i - 1];
            if c != 0xFF
                && p.is_ascii_alphanumeric()
                && !(c.is_ascii_uppercase() && (p.is_ascii_lowercase() || p.is_ascii_digit()))
            {
                continue;
            }
        }
        let fits = |needle: &&[u8]| {
            sym.len() - i >= needle.len()
                && needle
                    .iter()
                    .zip(&sym[i..])
                    .all(|(&k, &c)| c == 0xFF || c.to_ascii_lowercase() == k)
        };
        if c == 0xFF {
            if needles.iter().flatten().any(fits) {
                return true;
            }
        } else if needles[usize::from(c.to_ascii_lowercase() - b'a')]
            .iter()
            .any(fits)
        {
            return true;
        }
    }
    false
}

/// Words right before a number that make it something else.
const REJECT_PREV: &[&str] = &[
    "port",
    "pid",
    "id",
    "uid",
    "gid",
    "ppid",
    "tid",
    "order",
    "invoice",
    "ref",
    "ticket",
    "build",
    "version",
    "ver",
    "serial",
    "sn",
    "pin",
    "zip",
    "postcode",
    "code",
    "txn",
    "job",
    "run",
    "pr",
    "issue",
    "bytes",
    "size",
    "len",
    "length",
    "count",
    "total",
    "nif",
    "nipc",
    "dni",
    "ssn",
    "bsn",
    "iban",
    "account",
    "acct",
    "card",
    "cvv",
    "epoch",
    "ts",
    "timestamp",
];

/// Words right after a number that make it a quantity.
const REJECT_NEXT: &[&str] = &[
    "ms", "s", "sec", "secs", "seconds", "bytes", "b", "kb", "mb", "gb", "tb", "kib", "mib", "gib",
    "eur", "usd", "gbp", "brl", "euros", "dollars", "reais", "km", "m", "kg", "items", "rows",
    "records", "tokens", "users", "ns", "us",
];

/// The entries of `list` packed with [`pack_word`] and sorted (at compile time; an entry of
/// more than 15 bytes fails the build).
const fn packed_words<const N: usize>(list: &[&str]) -> [u128; N] {
    let mut out = [0u128; N];
    let mut i = 0;
    while i < N {
        out[i] = match pack_word(list[i].as_bytes()) {
            Some(p) => p,
            None => panic!("word list entries must be at most 15 bytes"),
        };
        // Insertion sort.
        let mut j = i;
        while j > 0 && out[j - 1] > out[j] {
            let t = out[j - 1];
            out[j - 1] = out[j];
            out[j] = t;
            j -= 1;
        }
        i += 1;
    }
    out
}

static REJECT_PREV_PACKED: [u128; REJECT_PREV.len()] = packed_words(REJECT_PREV);
static REJECT_NEXT_PACKED: [u128; REJECT_NEXT.len()] = packed_words(REJECT_NEXT);

/// `util::word_in(w, list)` (ASCII case-insensitive equality with an entry) for a list packed
/// with [`packed_words`]: one binary search instead of a comparison with every entry. Equal
/// ignoring case means the same length and the same lower-cased bytes, i.e. the same packed
/// integer (a word of more than 15 bytes equals no entry).
fn packed_word_in(w: &[u8], packed: &[u128]) -> bool {
    pack_word(w).is_some_and(|p| packed.binary_search(&p).is_ok())
}

/// The default regions (the orders of [`region_order`] are permutations of this list).
#[cfg(test)]
const REGIONS: &[Id] = &[
    Id::PT,
    Id::DE,
    Id::FR,
    Id::ES,
    Id::IT,
    Id::NL,
    Id::GB,
    Id::US,
    Id::BR,
];

/// True when `cand` (digits with separators, no `+`) is a valid national phone number in one of
/// the default regions outside the North American plan (US numbers are 3-3-4 like NHS numbers
/// and cover most of that space, but are written with dashes or parentheses). For detectors
/// whose digit shapes collide with national phone formats (UK NHS `333 049 8587`, an IT
/// mobile); slow (libphonenumber parse), so call it only on checksum-valid candidates.
pub(crate) fn valid_national_phone_outside_nanp(cand: &str) -> bool {
    valid_national(cand, |r| r != Id::US)
}

/// The default regions (PT, DE, FR, ES, IT, NL, GB, US, BR) in the order to try them for a national number starting with `first` (or with
/// a parenthesised area code): the region that most often validates such a number first, so
/// a valid number usually costs one parse instead of two to four. Every order is a
/// permutation of the same nine regions, and the result is an `any` over them, so it does not depend on
/// the order.
fn region_order(first: Option<u8>, paren: bool) -> &'static [Id; 9] {
    use Id::{BR, DE, ES, FR, GB, IT, NL, PT, US};
    if paren {
        return &[US, BR, PT, DE, FR, ES, IT, NL, GB];
    }
    match first {
        Some(b'0') => &[DE, FR, NL, GB, IT, BR, PT, ES, US],
        Some(b'2' | b'9') => &[PT, ES, IT, US, BR, DE, FR, NL, GB],
        Some(b'6' | b'7' | b'8') => &[ES, PT, IT, US, BR, DE, FR, NL, GB],
        Some(b'3') => &[IT, PT, ES, US, BR, DE, FR, NL, GB],
        _ => &[US, IT, PT, ES, BR, DE, FR, NL, GB],
    }
}

/// National parse in the default regions accepted by `keep`.
fn valid_national(cand: &str, keep: impl Fn(Id) -> bool) -> bool {
    // Where national numbers are always written with the trunk prefix `0`, a number
    // without it is not a national phone number (FR `123 456 789` would otherwise parse).
    let first = cand.bytes().find(u8::is_ascii_digit);
    let paren = cand.starts_with('(');
    region_order(first, paren)
        .iter()
        .filter(|&&r| keep(r))
        .any(|&r| {
            let trunk_ok = match r {
                Id::DE | Id::FR | Id::NL | Id::GB => first == Some(b'0'),
                Id::BR => first == Some(b'0') || paren,
                _ => true,
            };
            trunk_ok && own_national(r, cand).unwrap_or_else(|| crate_national(r, cand))
        })
}

/// `phonenumber::parse(Some(region), ..)`, then [`is_valid`].
fn crate_national(region: Id, cand: &str) -> bool {
    phonenumber::parse(Some(region), cand)
        .map(|n| is_valid(&n))
        .unwrap_or(false)
}

fn phone_char(c: u8) -> bool {
    c.is_ascii_digit() || matches!(c, b' ' | b'-' | b'.' | b'(' | b')' | b'/')
}

/// Phone numbers.
#[derive(Debug, Default, Clone)]
pub struct PhoneDetector;

/// Load the libphonenumber metadata now (start-up) rather than on the first request.
///
/// Also widens the crate's shared regex LRU (100 entries by default): validating a national
/// candidate in the default regions (and `+1` numbers, which walk every NANPA region) touches
/// a few hundred metadata regexes, so the default size evicts and recompiles them on nearly
/// every candidate. Results are unchanged; only recompilation is avoided.
///
/// Runs once per process (later calls return at once, or wait while another thread runs it):
/// the phone detector calls it on its first candidate, and `serve` runs it on a background
/// thread as soon as it listens, so the engine's own build stays fast (loading the metadata
/// is ~600M instructions, ~90 ms, most of a fresh process's first engine build otherwise).
pub fn warm_up() {
    static WARM: std::sync::Once = std::sync::Once::new();
    WARM.call_once(warm_up_now);
}

fn warm_up_now() {
    if let Ok(mut cache) = phonenumber::metadata::DATABASE.cache().lock() {
        if cache.capacity() < REGEX_CACHE {
            cache.set_capacity(REGEX_CACHE);
        }
    }
    let _ = lengths_by_code();
    let _ = regions_by_code();
    // Compile the per-code validators of the default regions now: compiled lazily, they cost
    // the first request that meets a candidate of that code a few hundred million
    // instructions (NANPA's `+1` alone walks ~25 regions). Other calling codes still compile
    // on first use (once per process).
    for code in WARM_CODES {
        if let Some(cell) = validators().get(code) {
            let _ = cell.get_or_init(|| CodeCheck::build(code));
        }
    }
    let _ = phonenumber::parse(None, "+351912345678").map(|n| phonenumber::is_valid(&n));
}

/// Calling codes of the default regions (US/NANPA, NL, FR, ES, IT, GB, DE, BR, PT).
const WARM_CODES: [usize; 9] = [1, 31, 33, 34, 39, 44, 49, 55, 351];

/// `phonenumber::is_valid`, with an exact length pre-check first. A number is valid only if
/// the general descriptor of the region chosen for it matches, and that descriptor first
/// requires the national number's length to be one of its possible lengths. That region is
/// always one of the regions of the country calling code, so when no region of the code
/// allows the length, `is_valid` is false without running any metadata regex (the costly
/// part: `+1`/US candidates otherwise walk the leading-digit patterns of every NANPA region).
fn is_valid(n: &phonenumber::PhoneNumber) -> bool {
    let code = usize::from(n.country().code());
    let national = n.national();
    let mut len = u32::from(national.zeros()) + 1;
    let mut v = national.value();
    while v >= 10 {
        v /= 10;
        len += 1;
    }
    if !length_possible(code, len) {
        return false;
    }
    match own_validator(code) {
        Some(check) => check.is_valid(&national.to_string()),
        None => phonenumber::is_valid(n),
    }
}

/// The length pre-check of [`is_valid`]: false when no region of `code` allows a national
/// number of `len` digits.
fn length_possible(code: usize, len: u32) -> bool {
    let mask = lengths_by_code().get(code).copied().unwrap_or(u32::MAX);
    len >= 32 || mask & (1 << len) != 0
}

/// The compiled validator of `code` (`None`: the crate's `is_valid` decides).
fn own_validator(code: usize) -> Option<&'static CodeCheck> {
    validators()
        .get(code)
        .and_then(|c| c.get_or_init(|| CodeCheck::build(code)).as_ref())
}

/// Whether an international candidate (`+` and its digits) is a valid number.
///
/// `phonenumber::parse(None, ..)` finds the region of the number before it strips a national
/// prefix: for a calling code shared by several regions (`+1`: ~25 NANPA regions, `+44`: GB,
/// GG, IM, JE, `+7`, `+61`, ...) it classifies the number against each region's descriptors
/// through the crate's regex LRU, keyed by the pattern text and hashed with SipHash: ~60 % of a
/// `+44` candidate's cost (native profile). That region is only used for the national-prefix
/// rules, which every region of one calling code shares, and validity is decided afterwards
/// per calling code ([`is_valid`]). So the candidate is parsed with the first region of its
/// calling code given as the default instead (the crate then takes the code from the `+`
/// digits and that region's prefix rules, with no classification). Calling codes without a
/// geographic region (`+800`, `+979`, ...) and candidates whose code cannot be read take
/// the crate's own path. A test compares both paths on every example number of the metadata,
/// with and without trunk prefixes, and on their near misses.
///
/// The parse itself is done by [`own_international`] where it can be (every candidate the
/// detector builds: `+`, digits and the separators ` -./()`); the crate's `parse` (its
/// grammar, extension patterns and regex LRU) only takes what that leaves.
fn valid_international(cand: &str) -> bool {
    if let Some(valid) = own_international(cand) {
        return valid;
    }
    crate_international(cand)
}

/// `phonenumber::parse` with the calling code's first region, then [`is_valid`].
fn crate_international(cand: &str) -> bool {
    let region = international_region(cand);
    phonenumber::parse(region, cand)
        .map(|n| is_valid(&n))
        .unwrap_or(false)
}

/// Most digits an international candidate can carry here (the detector allows 15).
const MAX_INTL_DIGITS: usize = 24;

/// What `phonenumber::parse(region, cand)` followed by [`is_valid`] answers, for `+` and
/// the digits and separators ` -./()` (`None` for anything else, for a calling code without
/// a region of its own, or one whose rules or validator did not compile: the caller then
/// takes the crate's path). `region` is [`international_region`]'s, as on the crate's path.
///
/// The crate's steps, in its order, on what they do to such a candidate:
/// 1. the separators are valid punctuation, so the text is viable with 3 digits or more, and
///    normalising keeps the digits only;
/// 2. the region's international (IDD) prefix is dropped from the front when the next digit
///    is not `0`; fewer than 3 digits left, or a leading `0`, fail; the calling code is the
///    first 1–3 digits that form an assigned code;
/// 3. the region's national prefix for parsing is stripped (or rewritten by its transform
///    rule, unless that turns a number the general descriptor accepts into one it does not),
///    then the plain national prefix, and the result is kept unless it is too short for the
///    general descriptor;
/// 4. the national number must have 2–17 digits and, without its leading zeros, fit in 56
///    bits; then validity is decided per calling code as in [`is_valid`].
///
/// A test compares this with the crate on every example number of the metadata and on
/// variants and near misses of each.
fn own_international(cand: &str) -> Option<bool> {
    let rest = cand.strip_prefix('+')?;
    if !rest.bytes().all(phone_char) {
        return None;
    }
    let (lead, region) = international_lead(cand)?;
    let rules = parse_rules(lead, region)?;
    let mut buf = [0u8; MAX_INTL_DIGITS];
    let digits = digits_of(rest, &mut buf)?;
    if digits.len() < 3 {
        return Some(false);
    }
    let sep = |c: u8| matches!(c, b'-' | b'.' | b'(' | b')');
    // 1. Without a space, the crate first reads the text as an RFC 3966 global number: the
    //    calling code is everything up to the first of `-.()`, and the rest must be digits
    //    and those separators.
    let rfc = match rest.bytes().position(sep) {
        Some(p) if p > 0 && !rest.contains(' ') => rest
            .get(p..)
            .filter(|tail| tail.bytes().all(|c| c.is_ascii_digit() || sep(c)))
            .map(|tail| (&rest[..p], tail)),
        _ => None,
    };
    let (code, national) = match rfc {
        Some((prefix, tail)) => {
            let code = match prefix.parse::<u16>() {
                Ok(c) if prefix.bytes().all(|c| c.is_ascii_digit()) => usize::from(c),
                _ => return Some(false),
            };
            if matches!(
                regions_by_code().get(code),
                None | Some(CodeRegion::Unassigned)
            ) {
                return Some(false);
            }
            let national =
                &digits[digits.len() - tail.bytes().filter(u8::is_ascii_digit).count()..];
            if national.len() <= 2 {
                return Some(false);
            }
            (code, national)
        }
        None => {
            // 2. IDD after the `+`, then the calling code.
            let national = rules.strip_idd(digits).unwrap_or(digits);
            match split_calling_code(national) {
                Some(split) => split,
                None => return Some(false),
            }
        }
    };
    national_valid(rules, code, national)
}

/// What `phonenumber::parse(Some(region), cand)` followed by [`is_valid`] answers for a
/// candidate without `+` made of digits and ` -./()` (`None`: take the crate's path). The
/// crate's steps for such a text: viable with 3 digits or more; an IDD prefix of the region
/// at the front (next digit not `0`) makes it international (calling code from the digits
/// after it); otherwise the region's calling code is taken, and dropped from the front of the
/// digits only when they start with it and the whole is not a possible number of the region;
/// then the steps 3 and 4 of [`own_international`] with the region's rules.
fn own_national(region: Id, cand: &str) -> Option<bool> {
    if !cand.bytes().all(phone_char) {
        return None;
    }
    let rules = parse_rules(region_code(region)?, region)?;
    let mut buf = [0u8; MAX_INTL_DIGITS];
    let digits = digits_of(cand, &mut buf)?;
    if digits.len() < 3 {
        return Some(false);
    }
    let (code, national) = match rules.strip_idd(digits) {
        Some(rest) => match split_calling_code(rest) {
            Some(split) => split,
            None => return Some(false),
        },
        None => {
            let national = match digits.strip_prefix(rules.code_digits.as_str()) {
                Some(rest)
                    if !rules.general.is_match(digits)
                        || !matches!(
                            rules.length(digits.len()),
                            Length::Possible | Length::LocalOnly
                        ) =>
                {
                    rest
                }
                _ => digits,
            };
            (usize::from(rules.code), national)
        }
    };
    national_valid(rules, code, national)
}

/// The calling code of the nine default regions (see [`region_order`]).
fn region_code(region: Id) -> Option<usize> {
    Some(match region {
        Id::US => 1,
        Id::NL => 31,
        Id::FR => 33,
        Id::ES => 34,
        Id::IT => 39,
        Id::GB => 44,
        Id::DE => 49,
        Id::BR => 55,
        Id::PT => 351,
        _ => return None,
    })
}

/// After an IDD: fewer than 3 digits or a leading `0` fail (`None`); the calling code is the
/// first 1–3 digits that form an assigned code. Returns the code and the digits after it.
fn split_calling_code(national: &str) -> Option<(usize, &str)> {
    if national.len() <= 2 || national.starts_with('0') {
        return None;
    }
    let mut code = 0usize;
    for (i, c) in national.bytes().take(3).enumerate() {
        code = code * 10 + usize::from(c - b'0');
        if !matches!(
            regions_by_code().get(code),
            None | Some(CodeRegion::Unassigned)
        ) {
            return Some((code, national.get(i + 1..)?));
        }
    }
    None
}

/// Steps 3 and 4 of [`own_international`]: the national prefixes by `rules`, the length
/// bounds, then validity for calling code `code` (`None`: no compiled validator for it).
fn national_valid(rules: &ParseRules, code: usize, national: &str) -> Option<bool> {
    // 3. National prefixes, by the rules' region.
    let potential = rules.strip_national_prefix(national);
    let national = if rules.too_short(&potential) {
        std::borrow::Cow::Borrowed(national)
    } else {
        potential
    };
    // 4. Lengths, the 56-bit national number, validity.
    if !(2..=17).contains(&national.len()) {
        return Some(false);
    }
    let zeros = national.bytes().take_while(|&c| c == b'0').count();
    match national[zeros..].parse::<u64>() {
        Ok(v) if v < 1 << 56 => {}
        _ => return Some(false),
    }
    let len = u32::try_from(national.len()).ok()?;
    if !length_possible(code, len) {
        return Some(false);
    }
    Some(own_validator(code)?.is_valid(&national))
}

/// The parsing rules of one region, compiled from its metadata the way the crate compiles
/// them (`ignore_whitespace`), without the crate's shared regex LRU.
struct ParseRules {
    /// The region's calling code, and its digits.
    code: u16,
    code_digits: String,
    idd: Option<regex::Regex>,
    for_parsing: Option<regex::Regex>,
    transform: Option<String>,
    national_prefix: Option<String>,
    general: Desc,
    /// The general descriptor's possible lengths and local-only lengths.
    possible: Vec<u16>,
    local: Vec<u16>,
}

impl ParseRules {
    fn new(m: &phonenumber::metadata::Metadata) -> Option<ParseRules> {
        let general = m.descriptors().general();
        Some(ParseRules {
            code: m.country_code(),
            code_digits: m.country_code().to_string(),
            idd: match m.international_prefix() {
                Some(re) => Some(compile(re.as_str())?),
                None => None,
            },
            for_parsing: match m.national_prefix_for_parsing() {
                Some(re) => Some(compile(re.as_str())?),
                None => None,
            },
            transform: m.national_prefix_transform_rule().map(str::to_string),
            national_prefix: m.national_prefix().map(str::to_string),
            general: Desc::new(general)?,
            possible: general.possible_length().to_vec(),
            local: general.possible_local_length().to_vec(),
        })
    }

    /// The crate's `helper::national_number`, then its plain national-prefix strip.
    fn strip_national_prefix<'a>(&self, national: &'a str) -> std::borrow::Cow<'a, str> {
        use std::borrow::Cow;
        let stripped: Cow<'a, str> = match &self.for_parsing {
            None => Cow::Borrowed(self.strip_plain(national)),
            Some(re) => match re.find(national) {
                Some(m) if m.start() == 0 => match &self.transform {
                    // Capture groups only matter with a transform rule (its last group must
                    // have taken part), so only then are they asked for.
                    Some(rule)
                        if re
                            .captures(national)
                            .is_some_and(|c| c.get(c.len() - 1).is_some()) =>
                    {
                        let transformed = re.replace(national, rule.as_str()).into_owned();
                        if self.general.is_match(national) && !self.general.is_match(&transformed) {
                            Cow::Borrowed(national)
                        } else {
                            Cow::Owned(transformed)
                        }
                    }
                    // The crate compares the general descriptor on the number before and from
                    // the match start (0) on: the same text, so it always strips.
                    _ => Cow::Borrowed(national.get(m.end()..).unwrap_or_default()),
                },
                _ => Cow::Borrowed(national),
            },
        };
        match stripped {
            Cow::Borrowed(b) => Cow::Borrowed(self.strip_plain(b)),
            Cow::Owned(o) => Cow::Owned(self.strip_plain(&o).to_string()),
        }
    }

    fn strip_plain<'a>(&self, national: &'a str) -> &'a str {
        match &self.national_prefix {
            Some(p) if !p.is_empty() => national.strip_prefix(p.as_str()).unwrap_or(national),
            _ => national,
        }
    }

    /// `validator::length(meta, number, Unknown) == TooShort`.
    fn too_short(&self, national: &str) -> bool {
        self.length(national.len()) == Length::TooShort
    }

    /// `validator::length(meta, number, Unknown)` for a national number of `len` digits.
    fn length(&self, len: usize) -> Length {
        let (Some(&min), Some(&max)) = (self.possible.first(), self.possible.last()) else {
            return Length::Invalid;
        };
        let is = |l: &u16| usize::from(*l) == len;
        if self.local.iter().any(is) {
            Length::LocalOnly
        } else if len == usize::from(min) {
            Length::Possible
        } else if len < usize::from(min) {
            Length::TooShort
        } else if len > usize::from(max) {
            Length::TooLong
        } else if self.possible.iter().any(is) {
            Length::Possible
        } else {
            Length::Invalid
        }
    }

    /// The digits after the region's IDD when they start with it and the next digit is not
    /// `0` (the crate's `helper::international_prefix`).
    fn strip_idd<'a>(&self, digits: &'a str) -> Option<&'a str> {
        let m = self.idd.as_ref()?.find(digits)?;
        let rest = digits.get(m.end()..)?;
        (m.start() == 0 && !rest.starts_with('0')).then_some(rest)
    }
}

/// The ASCII digits of `text`, in `buf` (`None`: more than fit).
fn digits_of<'b>(text: &str, buf: &'b mut [u8; MAX_INTL_DIGITS]) -> Option<&'b str> {
    let mut n = 0;
    for c in text.bytes().filter(u8::is_ascii_digit) {
        *buf.get_mut(n)? = c;
        n += 1;
    }
    std::str::from_utf8(buf.get(..n)?).ok()
}

/// `phonenumber::validator::Validation` as `validator::length` answers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Length {
    Possible,
    LocalOnly,
    TooShort,
    TooLong,
    Invalid,
}

/// [`ParseRules`] of the first region of each calling code, compiled on first use (`None`:
/// the crate's path).
fn parse_rules(code: usize, region: Id) -> Option<&'static ParseRules> {
    static TABLE: std::sync::OnceLock<Vec<std::sync::OnceLock<Option<ParseRules>>>> =
        std::sync::OnceLock::new();
    TABLE
        .get_or_init(|| (0..1000).map(|_| std::sync::OnceLock::new()).collect())
        .get(code)?
        .get_or_init(|| {
            let db = &*phonenumber::metadata::DATABASE;
            db.by_id(region.as_ref()).and_then(ParseRules::new)
        })
        .as_ref()
        .filter(
            |_| matches!(regions_by_code().get(code), Some(CodeRegion::Region(r)) if *r == region),
        )
}

/// The region to parse `+CC...` with: the first region the metadata lists for the calling code
/// (calling codes are prefix-free, so the first one to three digits that form an assigned code
/// are the code). `None`: let the crate find it.
fn international_region(cand: &str) -> Option<Id> {
    international_lead(cand).map(|(_, id)| id)
}

/// [`international_region`] with the calling code it was read from.
fn international_lead(cand: &str) -> Option<(usize, Id)> {
    let digits = cand.strip_prefix('+')?.as_bytes();
    let mut code = 0usize;
    for &b in digits.iter().take(3) {
        if !b.is_ascii_digit() {
            return None;
        }
        code = code * 10 + usize::from(b - b'0');
        match regions_by_code().get(code) {
            Some(CodeRegion::Region(id)) => return Some((code, *id)),
            Some(CodeRegion::Other) => return None,
            _ => {}
        }
    }
    None
}

/// What a calling code is, for [`international_region`].
#[derive(Debug, Clone, Copy)]
enum CodeRegion {
    /// Not an assigned calling code.
    Unassigned,
    /// Assigned, with this first region.
    Region(Id),
    /// Assigned, without a region this crate can name (non-geographic `001`).
    Other,
}

fn regions_by_code() -> &'static [CodeRegion] {
    static TABLE: std::sync::OnceLock<Vec<CodeRegion>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let db = &*phonenumber::metadata::DATABASE;
        (0..1000u16)
            .map(|code| match db.region(&code) {
                None => CodeRegion::Unassigned,
                Some(regions) => match regions.first().map(|r| r.parse::<Id>()) {
                    Some(Ok(id)) => CodeRegion::Region(id),
                    _ => CodeRegion::Other,
                },
            })
            .collect()
    })
}

/// One metadata descriptor with its own compiled regex (the crate's `Descriptor::is_match`
/// without its shared, locked LRU: same pattern, same options, same length list).
struct Desc {
    re: regex::Regex,
    lens: Vec<u16>,
}

impl Desc {
    fn new(d: &phonenumber::metadata::Descriptor) -> Option<Desc> {
        Some(Desc {
            re: compile(d.national_number().as_str())?,
            lens: d.possible_length().to_vec(),
        })
    }

    fn is_match(&self, v: &str) -> bool {
        (self.lens.is_empty() || self.lens.contains(&(v.len() as u16)))
            && self.re.find(v).is_some_and(|m| m.start() == 0)
    }
}

/// The crate compiles metadata patterns with `ignore_whitespace` and otherwise default options.
fn compile(src: &str) -> Option<regex::Regex> {
    regex::RegexBuilder::new(src)
        .ignore_whitespace(true)
        .build()
        .ok()
}

/// `validator::number_type(meta, v) != Unknown` for one region's metadata.
struct RegionCheck {
    general: Desc,
    /// Every specific type: one must match. Mobile and fixed line first (the types of nearly
    /// every valid candidate, so the `any` usually stops at the first regex); the result of
    /// the `any` does not depend on the order.
    types: Vec<Desc>,
    leading: Option<regex::Regex>,
}

impl RegionCheck {
    fn new(m: &phonenumber::metadata::Metadata) -> Option<RegionCheck> {
        let d = m.descriptors();
        let mut types = Vec::new();
        for t in [
            d.mobile(),
            d.fixed_line(),
            d.premium_rate(),
            d.toll_free(),
            d.shared_cost(),
            d.voip(),
            d.personal_number(),
            d.pager(),
            d.uan(),
            d.voicemail(),
        ]
        .into_iter()
        .flatten()
        {
            types.push(Desc::new(t)?);
        }
        let leading = match m.leading_digits() {
            Some(l) => Some(compile(l.as_str())?),
            None => None,
        };
        Some(RegionCheck {
            general: Desc::new(d.general())?,
            types,
            leading,
        })
    }

    fn known_type(&self, v: &str) -> bool {
        self.general.is_match(v) && self.types.iter().any(|t| t.is_match(v))
    }
}

/// `phonenumber::is_valid` for one calling code, replicating `validator::source_for`: a
/// single region is used directly; otherwise the first region whose leading digits match
/// (or, without leading digits, whose types accept the number) decides.
enum CodeCheck {
    Single(RegionCheck),
    Many(Vec<RegionCheck>),
}

impl CodeCheck {
    fn build(code: usize) -> Option<CodeCheck> {
        let db = &*phonenumber::metadata::DATABASE;
        let code = u16::try_from(code).ok()?;
        let regions = db.region(&code)?;
        if let [only] = regions.as_slice() {
            let meta = if *only == "001" {
                db.by_code(&code)?.into_iter().next()?
            } else {
                only.parse::<Id>().ok()?;
                db.by_id(*only)?
            };
            return Some(CodeCheck::Single(RegionCheck::new(meta)?));
        }
        let mut all = Vec::new();
        for r in regions {
            // `source_for` unwraps these; without them keep the crate's own path.
            r.parse::<Id>().ok()?;
            all.push(RegionCheck::new(db.by_id(r)?)?);
        }
        Some(CodeCheck::Many(all))
    }

    fn is_valid(&self, national: &str) -> bool {
        match self {
            CodeCheck::Single(r) => r.known_type(national),
            CodeCheck::Many(all) => {
                for r in all {
                    match &r.leading {
                        Some(l) => {
                            if l.find(national).is_some_and(|m| m.start() == 0) {
                                return r.known_type(national);
                            }
                        }
                        None => {
                            if r.known_type(national) {
                                return true;
                            }
                        }
                    }
                }
                false
            }
        }
    }
}

/// Per calling code, its validator, compiled on first use (`None`: use the crate's path).
fn validators() -> &'static [std::sync::OnceLock<Option<CodeCheck>>] {
    static TABLE: std::sync::OnceLock<Vec<std::sync::OnceLock<Option<CodeCheck>>>> =
        std::sync::OnceLock::new();
    TABLE.get_or_init(|| (0..1000).map(|_| std::sync::OnceLock::new()).collect())
}

/// For each country calling code (index), a bit per national-number length that the general
/// descriptor of at least one of its regions allows; `u32::MAX` (no shortcut) when a region
/// has no length list, a length does not fit the mask, or the code is unknown.
fn lengths_by_code() -> &'static [u32] {
    static TABLE: std::sync::OnceLock<Vec<u32>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let db = &*phonenumber::metadata::DATABASE;
        (0..1000u16)
            .map(|code| {
                let mut metas = db.by_code(&code).unwrap_or_default();
                for r in db.region(&code).unwrap_or_default() {
                    metas.extend(db.by_id(r));
                }
                if metas.is_empty() {
                    return u32::MAX;
                }
                let mut mask = 0u32;
                for m in metas {
                    let lens = m.descriptors().general().possible_length();
                    if lens.is_empty() || lens.iter().any(|&l| l >= 32) {
                        return u32::MAX;
                    }
                    for &l in lens {
                        mask |= 1 << l;
                    }
                }
                mask
            })
            .collect()
    })
}

/// Compiled metadata regexes kept by `phonenumber` (every region we parse in, with room for
/// international numbers of other countries).
const REGEX_CACHE: usize = 2048;

/// Digit groups of the candidate: (len, separator-before).
fn group_shape(t: &[u8], out: &mut Vec<(usize, u8)>) {
    out.clear();
    let mut i = 0;
    let mut sep = 0u8;
    while i < t.len() {
        if t[i].is_ascii_digit() {
            let s = i;
            while i < t.len() && t[i].is_ascii_digit() {
                i += 1;
            }
            out.push((i - s, sep));
            sep = 0;
        } else {
            if sep == 0 || sep == b' ' {
                sep = t[i];
            }
            i += 1;
        }
    }
}

fn looks_like_date_or_ip(shape: &[(usize, u8)]) -> bool {
    // Dotted quad.
    if shape.len() == 4 && shape.iter().all(|g| g.0 <= 3) && shape[1..].iter().all(|g| g.1 == b'.')
    {
        return true;
    }
    // Dates: 4-2-2, 2-2-4, 1/2-1/2-4 with '-', '/', '.' (also as a prefix of the candidate).
    for w in shape.windows(3) {
        let (a, b, c) = (w[0].0, w[1].0, w[2].0);
        let s1 = w[1].1;
        let s2 = w[2].1;
        if s1 == s2 && matches!(s1, b'-' | b'/' | b'.') {
            if a == 4 && b <= 2 && c <= 2 {
                return true;
            }
            if a <= 2 && b <= 2 && c == 4 {
                return true;
            }
            if shape.len() == 3 && a <= 2 && b <= 2 && c == 2 && s1 != b'-' {
                return true;
            }
        }
    }
    false
}

/// Decimal numbers and dotted versions: `.` mixed with other separators (`3.14 2.71`), or
/// up to four dotted groups that are all ≤ 255 (`255.255.255`, `10.20.30`).
fn decimal_or_version(t: &[u8], shape: &[(usize, u8)]) -> bool {
    let dots = shape.iter().skip(1).filter(|g| g.1 == b'.').count();
    if dots == 0 {
        return false;
    }
    if dots != shape.len() - 1 {
        return true;
    }
    if shape.len() > 4 {
        // `06.12.34.56.78`: French dotted grouping.
        return false;
    }
    let mut small = true;
    let mut v = 0u32;
    let mut len = 0;
    for &c in t.iter().chain(std::iter::once(&b'.')) {
        if c.is_ascii_digit() {
            v = v.saturating_mul(10).saturating_add(u32::from(c - b'0'));
            len += 1;
        } else if c == b'.' {
            small &= len <= 3 && v <= 255;
            v = 0;
            len = 0;
        }
    }
    small
}

/// Cheap pre-filter for national numbers in the default regions, before any context check
/// or parsing: trunk `0` (DE, FR, NL, GB, IT landlines, BR), PT/ES 9 digits, IT mobiles
/// `3…`, US 10 digits (`1` + 10), parenthesised area codes (US, BR).
fn national_plausible(t: &[u8], digits: usize) -> bool {
    let first = t.iter().copied().find(u8::is_ascii_digit).unwrap_or(b'x');
    first == b'0'
        || (digits == 9 && matches!(first, b'2' | b'6' | b'7' | b'8' | b'9'))
        || (first == b'3' && (9..=10).contains(&digits))
        || (digits == 10 && (b'2'..=b'9').contains(&first))
        || (digits == 11 && first == b'1')
        || (t[0] == b'(' && (10..=11).contains(&digits))
}

/// An access-log `status bytes` pair (`HTTP/1.1" 304 180158 "-"`): a 3-digit HTTP status
/// (1xx–5xx) and one more digit group, right after a closing quote or followed by a quote, a
/// `-` placeholder or another number. No default region writes a national number as
/// three digits and one block in such a position.
fn http_status_and_bytes(b: &[u8], s: usize, e: usize, shape: &[(usize, u8)]) -> bool {
    let [(3, _), (_, b' ')] = shape else {
        return false;
    };
    if !b.get(s).is_some_and(|c| (b'1'..=b'5').contains(c)) {
        return false;
    }
    let before = &b[s.saturating_sub(2)..s];
    let after = &b[e..(e + 2).min(b.len())];
    before == b"\" " || matches!(after, [b' ', c] if *c == b'"' || *c == b'-' || c.is_ascii_digit())
}

impl PhoneDetector {
    /// The phone-shaped span around a digit run.
    fn span(b: &[u8], h: &Hit) -> (usize, usize) {
        let mut s = h.start;
        while s > 0 && h.start - s < 14 {
            let c = b[s - 1];
            if c == b'+' {
                s -= 1;
                break;
            }
            if !phone_char(c) || (c == b' ' && byte_before(b, s - 1) == Some(b' ')) {
                break;
            }
            s -= 1;
        }
        while s < h.start && !(b[s].is_ascii_digit() || b[s] == b'+' || b[s] == b'(') {
            s += 1;
        }
        let mut e = h.end;
        while e < b.len() && e - h.end < 14 {
            let c = b[e];
            if !phone_char(c) || (c == b' ' && byte_at(b, e + 1) == Some(b' ')) {
                break;
            }
            e += 1;
        }
        while e > h.end && !b[e - 1].is_ascii_digit() {
            e -= 1;
        }
        (s, e)
    }

    fn parse_valid(cand: &str, intl: bool) -> bool {
        if intl {
            let normalised: Cow<'_, str> = match cand.strip_prefix("00") {
                Some(rest) => Cow::Owned(format!("+{rest}")),
                None => Cow::Borrowed(cand),
            };
            return valid_international(normalised.as_ref());
        }
        valid_national(cand, |_| true)
    }

    fn check(cx: &ScanCtx<'_>, s: usize, e: usize, shape: &mut Vec<(usize, u8)>) -> Option<f32> {
        let b = cx.bytes();
        let t = &b[s..e];
        let digits = t.iter().filter(|c| c.is_ascii_digit()).count();
        if !(7..=15).contains(&digits) {
            return None;
        }
        let opens = t.iter().filter(|&&c| c == b'(').count();
        let closes = t.iter().filter(|&&c| c == b')').count();
        if opens != closes || opens > 1 {
            return None;
        }
        group_shape(t, shape);
        let intl = t[0] == b'+' || (t.starts_with(b"00") && t.get(2) != Some(&b'0'));
        if looks_like_date_or_ip(shape)
            || shape.iter().skip(2).any(|g| g.0 == 1)
            || (!intl && shape.get(1).is_some_and(|g| g.0 == 1 && g.1 != b')'))
            || decimal_or_version(t, shape)
        {
            return None;
        }
        let grouped = shape.len() > 1;
        if !intl && (!national_plausible(t, digits) || http_status_and_bytes(b, s, e, shape)) {
            return None;
        }
        // Bare national digit strings are only worth parsing with context. Otherwise the
        // context only sets the score: look it up after parsing, for valid numbers only.
        let bare = !intl && !grouped;
        let ctx_first = bare && context_near(cx.text, s, e);
        if bare && !ctx_first {
            return None;
        }
        let cand = cx.text.get(s..e)?;
        if !Self::parse_valid(cand, intl) {
            return None;
        }
        let ctx = ctx_first || (!bare && context_near(cx.text, s, e));
        Some(match (intl, t[0] == b'+', grouped, ctx) {
            (true, _, _, true) => 0.95,
            (true, true, _, false) => 0.9,
            (true, false, true, false) => 0.85,
            (true, false, false, false) => 0.7,
            (false, _, _, true) => 0.85,
            (false, _, _, false) => 0.6,
        })
    }

    /// A run glued to a word on one side (`T` of `2024-01-15T10`, `-e89b` of a UUID, `:port`):
    /// rejected before its span is built. Exactly the runs where [`Self::span`] stops at the
    /// run on that side (the byte there is no phone character, or a `.`/`-`/`/` followed by a
    /// letter, trimmed back off) and [`Self::rejected_by_neighbours`] then rejects on it:
    /// `glued` (a word byte, or one of its separators followed by an alphanumeric) or the
    /// `$`/`\`/`@` before, `%`/`@` after.
    #[inline]
    fn run_glued(b: &[u8], h: &Hit) -> bool {
        let word = |c: u8| c.is_ascii_alphabetic() || c == b'_';
        let left = match byte_before(b, h.start) {
            Some(c) if word(c) => true,
            Some(b'$' | b'\\' | b'@') => true,
            Some(b'.' | b'-' | b'/') => {
                h.start >= 2 && byte_before(b, h.start - 1).is_some_and(|c| c.is_ascii_alphabetic())
            }
            _ => false,
        };
        left || match byte_at(b, h.end) {
            Some(c) if word(c) => true,
            Some(b'%' | b'@') => true,
            Some(b':') => byte_at(b, h.end + 1).is_some_and(|c| c.is_ascii_alphanumeric()),
            Some(b'.' | b'-' | b'/') => {
                byte_at(b, h.end + 1).is_some_and(|c| c.is_ascii_alphabetic())
            }
            _ => false,
        }
    }

    /// Fewer than 7 digits in the span: [`Self::check`] rejects it on its digit count, and so
    /// it rejects the retry without a trailing group (a sub-span, no more digits). Exact, and
    /// cheaper than [`Self::rejected_by_neighbours`], which it therefore precedes
    /// (`build=1.22.33`, short version numbers and counters are most of a log's candidates).
    #[inline]
    fn too_few_digits(t: &[u8]) -> bool {
        t.iter().filter(|c| c.is_ascii_digit()).count() < 7
    }

    fn rejected_by_neighbours(b: &[u8], s: usize, e: usize) -> bool {
        // Glued to an identifier, a path, a version or a word.
        if glued(b, s, e) {
            return true;
        }
        if byte_before(b, s).is_some_and(|c| matches!(c, b'$' | b'.' | b'/' | b'\\' | b'@'))
            || byte_at(b, e).is_some_and(|c| c == b'%' || c == b'@')
        {
            return true;
        }
        // Currency symbols right before (`€ 250 000 000`, `$1 234 567`).
        let before = &b[s.saturating_sub(4)..s];
        let cur = ["€".as_bytes(), "£".as_bytes(), b"$", "R$".as_bytes()];
        let trimmed = before.strip_suffix(b" ").unwrap_or(before);
        if cur.iter().any(|c| trimmed.ends_with(c)) {
            return true;
        }
        if prev_word(b, s).is_some_and(|w| packed_word_in(w, &REJECT_PREV_PACKED)) {
            return true;
        }
        // Unit or currency right after.
        let mut i = e;
        if byte_at(b, i) == Some(b' ') {
            i += 1;
        }
        let ws = i;
        while i < b.len() && b[i].is_ascii_alphabetic() && i - ws < 10 {
            i += 1;
        }
        if i > ws
            && !byte_at(b, i).is_some_and(is_word)
            && packed_word_in(&b[ws..i], &REJECT_NEXT_PACKED)
        {
            return true;
        }
        if b[e..].starts_with("€".as_bytes()) || b[e..].starts_with(b" \xe2\x82\xac") {
            return true;
        }
        false
    }
}

impl Detector for PhoneDetector {
    fn name(&self) -> &'static str {
        "phone_number"
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::DigitRun { min_digits: 5 }]
    }

    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        warm_up();
        let b = cx.bytes();
        let mut shape = Vec::new();
        let mut covered = 0;
        for h in hits {
            if h.start < covered || Self::run_glued(b, h) {
                continue;
            }
            let (s, e) = Self::span(b, h);
            if e <= s || Self::too_few_digits(&b[s..e]) || Self::rejected_by_neighbours(b, s, e) {
                continue;
            }
            let mut found = Self::check(cx, s, e, &mut shape).map(|sc| (e, sc));
            if found.is_none() {
                // Retry without a trailing group (`call 912 345 678 2 times`).
                if let Some(cut) = b[s..e].iter().rposition(|&c| !c.is_ascii_digit()) {
                    let e2 = s + cut;
                    let e2 = (s + 1..=e2)
                        .rev()
                        .find(|&i| b[i - 1].is_ascii_digit())
                        .unwrap_or(s);
                    if e2 > s {
                        found = Self::check(cx, s, e2, &mut shape).map(|sc| (e2, sc));
                    }
                }
            }
            if let Some((end, score)) = found {
                covered = end;
                out.push(Finding {
                    entity: Entity::PhoneNumber,
                    start: s,
                    end,
                    score,
                    detector: Cow::Borrowed("phone_number"),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{found, scores};
    use super::*;

    /// The region-free parse that `valid_international` replaces.
    fn crate_path(cand: &str) -> bool {
        phonenumber::parse(None, cand)
            .map(|n| is_valid(&n))
            .unwrap_or(false)
    }

    /// Deterministic xorshift64: `rnd(n)` in `0..n`.
    fn xorshift(mut seed: u64) -> impl FnMut(u64) -> u64 {
        move |n| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        }
    }

    /// The example numbers of every number type of one region's metadata.
    fn examples(meta: &phonenumber::metadata::Metadata) -> Vec<&str> {
        let d = meta.descriptors();
        [
            Some(d.general()),
            d.fixed_line(),
            d.mobile(),
            d.toll_free(),
            d.premium_rate(),
            d.shared_cost(),
            d.personal_number(),
            d.voip(),
            d.pager(),
            d.uan(),
            d.voicemail(),
        ]
        .into_iter()
        .flatten()
        .filter_map(|x| x.example())
        .collect()
    }

    /// [`own_national`] against `phonenumber::parse(Some(region))` and [`is_valid`] in each of
    /// the nine default regions: the example numbers of those regions written in many ways
    /// (trunk prefix, calling code in front, IDD and code, separators, near misses), those of
    /// every other region plain and with a trunk prefix, and random digit strings.
    #[test]
    fn own_national_parse_agrees_with_the_crate() {
        warm_up();
        let db = &*phonenumber::metadata::DATABASE;
        let regions = REGIONS;
        let mut cands: Vec<String> = Vec::new();
        for meta in db.iter() {
            let code = meta.country_code();
            let trunk = meta.national_prefix().unwrap_or("0");
            let home = regions
                .iter()
                .any(|r| region_code(*r) == Some(usize::from(code)));
            for ex in examples(meta) {
                cands.push(ex.to_string());
                cands.push(format!("{trunk}{ex}"));
                if !home {
                    continue;
                }
                let third = ex.len() / 3;
                let mid = ex.len() / 2;
                cands.extend([
                    format!("({trunk}{}) {}", &ex[..third], &ex[third..]),
                    format!("{}-{}-{}", &ex[..third], &ex[third..mid], &ex[mid..]),
                    format!("{}.{}", &ex[..mid], &ex[mid..]),
                    format!("{code}{ex}"),
                    format!("{code} {ex}"),
                    format!("00{code}{ex}"),
                    format!("011 {code} {ex}"),
                    format!("{trunk}{code}{ex}"),
                    ex[..ex.len() - 1].to_string(),
                    format!("{ex}1"),
                ]);
            }
        }
        let mut rnd = xorshift(0x2545_f491_4f6c_dd1d);
        for _ in 0..1500 {
            let len = 7 + rnd(9);
            let mut c = String::new();
            for i in 0..len {
                if i > 0 && rnd(4) == 0 {
                    c.push([' ', '-', '.', '/'][rnd(4) as usize]);
                }
                c.push(char::from(b'0' + rnd(10) as u8));
            }
            cands.push(c);
        }
        let (mut checked, mut valid, mut skipped) = (0usize, 0usize, 0usize);
        for &r in regions {
            for cand in &cands {
                let want = crate_national(r, cand);
                match own_national(r, cand) {
                    Some(got) => {
                        assert_eq!(got, want, "{r:?} {cand}");
                        checked += 1;
                        valid += usize::from(got);
                    }
                    None => skipped += 1,
                }
            }
        }
        println!("{checked} candidates agree ({valid} valid), {skipped} left to the crate");
        assert!(
            checked > 50_000 && valid > 10_000 && skipped == 0,
            "{checked} checked, {valid} valid, {skipped} skipped"
        );
    }

    /// [`own_international`] against `phonenumber::parse` (with the same region) and
    /// [`is_valid`] on every example number of the metadata written in many ways (separators,
    /// parentheses, trunk and IDD prefixes, near misses) and on random digit strings after
    /// every assigned calling code: the same answer on every candidate it takes, and it takes
    /// nearly all of them.
    #[test]
    fn own_international_parse_agrees_with_the_crate() {
        warm_up();
        let db = &*phonenumber::metadata::DATABASE;
        let (mut checked, mut valid, mut skipped) = (0usize, 0usize, 0usize);
        let mut check = |cand: &str| {
            let want = crate_international(cand);
            match own_international(cand) {
                Some(got) => {
                    assert_eq!(got, want, "{cand}");
                    checked += 1;
                    valid += usize::from(got);
                }
                None => skipped += 1,
            }
        };
        let mut rnd = xorshift(0x9e37_79b9_7f4a_7c15);
        for meta in db.iter() {
            let code = meta.country_code();
            let trunk = meta.national_prefix().unwrap_or("0");
            for ex in examples(meta) {
                let mid = ex.len() / 2;
                let third = ex.len() / 3;
                let variants = [
                    ex.to_string(),
                    format!("{}-{}", &ex[..mid], &ex[mid..]),
                    format!("({}) {}", &ex[..third], &ex[third..]),
                    format!("{}.{}.{}", &ex[..third], &ex[third..mid], &ex[mid..]),
                    format!("{}/{}", &ex[..third], &ex[third..]),
                    format!("{trunk}{ex}"),
                    format!("({trunk}) {ex}"),
                    format!("{trunk}{trunk}{ex}"),
                    format!("00{ex}"),
                    format!("011{ex}"),
                    format!("810{ex}"),
                    format!("{code}{ex}"),
                    ex[..ex.len() - 1].to_string(),
                    ex[1..].to_string(),
                    format!("{ex}7"),
                    format!("{ex}00"),
                ];
                for v in &variants {
                    check(&format!("+{code}{v}"));
                    check(&format!("+{code} {v}"));
                    check(&format!("+{code}-{v}"));
                }
            }
        }
        for code in 0..1000u16 {
            if db.region(&code).is_none() {
                continue;
            }
            for _ in 0..12 {
                let len = 3 + rnd(12);
                let digits: String = (0..len).map(|_| char::from(b'0' + rnd(10) as u8)).collect();
                check(&format!("+{code} {digits}"));
            }
        }
        for cand in [
            "+",
            "+1",
            "+12",
            "+123",
            "+0044 20 7946 0958",
            "+999 123 456",
            "+1 (",
            "+44 (0) 20 7946 0958",
        ] {
            check(cand);
        }
        println!("{checked} candidates agree ({valid} valid), {skipped} left to the crate");
        assert!(
            checked > 40_000 && valid > 10_000 && skipped * 50 < checked,
            "{checked} checked, {valid} valid, {skipped} skipped"
        );
    }

    /// `valid_international` against the crate's own region search on every example number
    /// of every region and number type in the metadata (NANPA, `+44`'s crown dependencies,
    /// `+7`, `+61`, ... included), written plain, grouped, with the region's trunk prefix (plain
    /// and in parentheses), and as near misses (last digit changed, one dropped, one added,
    /// first digit changed). Every number the crate's path accepts is accepted. The only
    /// numbers accepted in addition are written with the calling code's trunk prefix after the
    /// code (`+1 1 869 ...`, `+7 8 912 ...`), which the crate's search leaves unstripped when
    /// the digits with the prefix fit no region, and libphonenumber's reference parser strips
    /// (it too takes the prefix rules of the code's main region).
    #[test]
    fn international_fast_path_keeps_every_number_of_the_crates_region_search() {
        warm_up();
        let db = &*phonenumber::metadata::DATABASE;
        let (mut checked, mut valid, mut added) = (0usize, 0usize, 0usize);
        for meta in db.iter() {
            let code = meta.country_code();
            let trunk = meta.national_prefix().unwrap_or("0");
            // The prefix rules the fast path applies: the code's first region's.
            let main_trunk = international_region(&format!("+{code}"))
                .and_then(|id| db.by_id(id.as_ref()))
                .and_then(|m| m.national_prefix().map(str::to_string));
            for ex in examples(meta) {
                let b = ex.as_bytes();
                let flip = |i: usize| {
                    let mut v = b.to_vec();
                    v[i] = b'0' + (v[i] - b'0' + 3) % 10;
                    String::from_utf8(v).unwrap()
                };
                let mid = ex.len() / 2;
                let variants = [
                    ex.to_string(),
                    format!("{} {}", &ex[..mid], &ex[mid..]),
                    format!("{trunk}{ex}"),
                    format!("({trunk}) {ex}"),
                    flip(b.len() - 1),
                    flip(0),
                    ex[..ex.len() - 1].to_string(),
                    format!("{ex}7"),
                ];
                for v in &variants {
                    for cand in [format!("+{code}{v}"), format!("+{code} {v}")] {
                        let (old, new) = (crate_path(&cand), valid_international(&cand));
                        assert!(new || !old, "lost: {cand}");
                        if new && !old {
                            let digits: String = v.chars().filter(char::is_ascii_digit).collect();
                            let p = main_trunk.as_deref().unwrap_or("-");
                            assert!(
                                digits.starts_with(p),
                                "added without a trunk prefix: {cand}"
                            );
                            added += 1;
                        }
                        checked += 1;
                        valid += usize::from(old);
                    }
                }
            }
        }
        println!("{checked} candidates, {valid} valid on the crate's path, {added} added");
        assert!(
            checked > 15_000 && valid > 5_000,
            "{checked} checked, {valid} valid"
        );
    }

    #[test]
    fn own_validation_agrees_with_phonenumber() {
        // Pseudo-random digit strings of every length, parsed nationally in every default
        // region and internationally: the pre-checked validation must agree exactly.
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut checked = 0;
        let mut valid = 0;
        for i in 0..2500 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = 4 + (i % 13);
            let digits: String = (0..len)
                .map(|k| char::from(b'0' + ((x >> (k * 4 % 60)) % 10) as u8))
                .collect();
            let mut cands = vec![format!("+{digits}")];
            for &r in REGIONS {
                if let Ok(n) = phonenumber::parse(Some(r), &digits) {
                    assert_eq!(is_valid(&n), phonenumber::is_valid(&n), "{r:?} {digits}");
                    checked += 1;
                    valid += usize::from(phonenumber::is_valid(&n));
                }
            }
            for c in cands.drain(..) {
                if let Ok(n) = phonenumber::parse(None, &c) {
                    assert_eq!(is_valid(&n), phonenumber::is_valid(&n), "{c}");
                    checked += 1;
                    valid += usize::from(phonenumber::is_valid(&n));
                }
            }
        }
        // Calling codes shared by several regions (leading-digit selection) and non-geographic.
        for c in [
            "+1 268 464 1234",
            "+1 650 253 0000",
            "+1 416 555 0123",
            "+1 809 555 1234",
            "+1 253 0000",
            "+44 1481 256789",
            "+44 7700 900123",
            "+44 1624 612345",
            "+39 06 6981 2345",
            "+39 06 698 12345",
            "+7 701 123 4567",
            "+7 912 345 6789",
            "+800 1234 5678",
            "+979 123456789",
            "+262 262 123456",
            "+599 9 123 4567",
        ] {
            let n = phonenumber::parse(None, c).unwrap();
            assert_eq!(is_valid(&n), phonenumber::is_valid(&n), "{c}");
        }
        assert!(checked > 4_000 && valid > 30, "{checked} {valid}");
    }

    /// The original national validation: every default region in the fixed order.
    fn valid_national_fixed_order(cand: &str, keep: impl Fn(Id) -> bool) -> bool {
        let first = cand.bytes().find(u8::is_ascii_digit);
        let paren = cand.starts_with('(');
        REGIONS.iter().filter(|&&r| keep(r)).any(|&r| {
            let trunk_ok = match r {
                Id::DE | Id::FR | Id::NL | Id::GB => first == Some(b'0'),
                Id::BR => first == Some(b'0') || paren,
                _ => true,
            };
            trunk_ok
                && phonenumber::parse(Some(r), cand)
                    .map(|n| phonenumber::is_valid(&n))
                    .unwrap_or(false)
        })
    }

    #[test]
    fn region_order_is_a_permutation_and_agrees() {
        let mut firsts: Vec<Option<u8>> = (b'0'..=b'9').map(Some).collect();
        firsts.push(None);
        for first in firsts {
            for paren in [false, true] {
                let mut order = region_order(first, paren).to_vec();
                order.sort_by_key(|r| REGIONS.iter().position(|x| x == r));
                assert_eq!(order, REGIONS, "{first:?} {paren}");
            }
        }
        // Generated national candidates of every first digit, length and grouping (valid and
        // invalid ones): the reordered validation agrees with the fixed order.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let (mut n, mut valid) = (0, 0);
        for i in 0..3000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = 7 + (i % 9);
            let mut d: Vec<u8> = (0..len)
                .map(|k| b'0' + ((x >> (k * 4 % 60)) % 10) as u8)
                .collect();
            // Bias towards realistic prefixes so that many candidates are valid somewhere.
            match i % 5 {
                0 => d[0] = b'0',
                1 => d[0] = b'9',
                2 => d[0] = b'3',
                _ => {}
            }
            let digits = String::from_utf8(d).unwrap();
            let cands = [
                digits.clone(),
                format!("{} {} {}", &digits[..3], &digits[3..6], &digits[6..]),
                format!("({}) {}-{}", &digits[..3], &digits[3..6], &digits[6..]),
                format!("{}-{}", &digits[..2], &digits[2..]),
            ];
            for c in &cands {
                let want = valid_national_fixed_order(c, |_| true);
                assert_eq!(valid_national(c, |_| true), want, "{c}");
                assert_eq!(
                    valid_national_phone_outside_nanp(c),
                    valid_national_fixed_order(c, |r| r != Id::US),
                    "{c}"
                );
                n += 1;
                valid += usize::from(want);
            }
        }
        assert!(n == 12_000 && valid > 300, "{n} {valid}");
    }

    #[test]
    fn international() {
        let d = PhoneDetector;
        for p in [
            "+351 912 345 678",
            "+351912345678",
            "+44 20 7946 0958",
            "+49 30 12345678",
            "+33 6 12 34 56 78",
            "+1 (415) 555-2671",
            "+34 612 34 56 78",
            "+39 06 6982 1234",
            "+31 6 12345678",
            "+55 11 98765-4321",
        ] {
            assert_eq!(found(&d, &format!("x {p}.")), vec![p], "{p}");
        }
        assert_eq!(scores(&d, "Telefone: +351 912 345 678"), vec![0.95]);
        assert_eq!(found(&d, "00351 912 345 678"), vec!["00351 912 345 678"]);
    }

    #[test]
    fn national_needs_grouping_or_context() {
        let d = PhoneDetector;
        assert_eq!(scores(&d, "ring 912 345 678 today"), vec![0.6]);
        assert_eq!(scores(&d, "telemóvel 912345678"), vec![0.85]);
        assert_eq!(found(&d, "Tel. 06 12 34 56 78"), vec!["06 12 34 56 78"]);
        assert_eq!(found(&d, "tél. 06.12.34.56.78"), vec!["06.12.34.56.78"]);
        assert_eq!(found(&d, "telefone 912.345.678"), vec!["912.345.678"]);
        assert_eq!(
            found(&d, "Handynummer 0151 23456789"),
            vec!["0151 23456789"]
        );
        assert_eq!(found(&d, "phone (415) 555-2671"), vec!["(415) 555-2671"]);
        assert_eq!(found(&d, "call 020 7946 0958"), vec!["020 7946 0958"]);
        assert!(found(&d, "912345678").is_empty());
        assert!(found(&d, "telemetry 912345678").is_empty());
        assert_eq!(found(&d, "téléphone: 0612345678"), vec!["0612345678"]);
        assert!(found(&d, "ref 4155552671 ok").is_empty());
    }

    #[test]
    fn glued_runs_rejected_early_as_before() {
        // Each text puts a 5+ digit run next to a byte `run_glued` looks at; the early reject
        // must agree with the full span and neighbour checks.
        let mut cases = 0;
        for l in [
            "", " ", "a", "_", "$", "\\", "@", ".", "-", "/", "a.", "a-", "a/", "1-", "+", "(", "é",
        ] {
            for r in [
                "", " ", "a", "_", "%", "@", ":", ":1", ":a", ".", ".a", "-a", "/a", ".1", " a",
            ] {
                for run in ["912345678", "912 345 678", "0612345678"] {
                    let t = format!("tel {l}{run}{r} x");
                    let b = t.as_bytes();
                    let start = 4 + l.len();
                    let h = Hit {
                        start,
                        end: start + run.len(),
                        trigger: 0,
                    };
                    if PhoneDetector::run_glued(b, &h) {
                        cases += 1;
                        let (s, e) = PhoneDetector::span(b, &h);
                        assert!(
                            e <= s || PhoneDetector::rejected_by_neighbours(b, s, e),
                            "{t}"
                        );
                    }
                }
            }
        }
        assert!(cases > 300, "{cases}");
    }

    #[test]
    fn too_few_digits_rejected_early_as_before() {
        // Runs of 5-6 digits with phone characters and digits around them (so spans reach
        // past the run): when the early reject fires, the full check of the span and of every
        // shorter span (the retry without a trailing group) finds nothing either.
        let mut cases = 0;
        for l in [
            "", "tel ", "tel +", "tel (1", "tel 1 ", "tel 12-", "tel 0 ", "call +3",
        ] {
            for run in [
                "12345", "1.22.33", "123 456", "91 234", "0612 34", "912-345",
            ] {
                for r in ["", " ", ")", " 1", " 12", "-1", "/2", ". 3", "  45", " (9)"] {
                    let t = format!("{l}{run}{r} x");
                    let b = t.as_bytes();
                    let h = Hit {
                        start: l.len(),
                        end: l.len() + run.len(),
                        trigger: 0,
                    };
                    if PhoneDetector::run_glued(b, &h) {
                        continue;
                    }
                    let (s, e) = PhoneDetector::span(b, &h);
                    if e <= s || !PhoneDetector::too_few_digits(&b[s..e]) {
                        continue;
                    }
                    cases += 1;
                    let cx = ScanCtx { text: &t };
                    let mut shape = Vec::new();
                    for e2 in s + 1..=e {
                        assert!(
                            PhoneDetector::check(&cx, s, e2, &mut shape).is_none(),
                            "{t:?} {s}..{e2}"
                        );
                    }
                }
            }
        }
        assert!(cases > 150, "{cases}");
    }

    #[test]
    fn context_prefilter_agrees_with_keyword_match() {
        // Generated lines around a number: keywords, near misses, accents (also on the first
        // letter), camelCase, case-mapping oddities (Kelvin sign, dotted I), other scripts,
        // line breaks and long words. The pre-filtered lookup must agree with `near`.
        let parts = [
            "phone", "Phone", "PHONE", "tel", "Tel.", "TÉL", "téléphone", "Telefon", "telefonnummer",
            "Teléfono", "telemóvel", "Telemóvel", "mobile", "Mobil", "cell", "Cellulare", "call",
            "whatsapp", "fax", "sms", "contact", "contacto", "handy", "Rufnummer", "portable",
            "móvil", "celular", "tlm", "tlf", "fone", "telefoon", "mobiel", "gsm", "número",
            "de", "ligue", "llame", "chiama", "appelez", "anrufen", "bellen", "Åppelez", "Çall",
            "\u{212a}", "İ", "telemetry", "hotel", "cellar", "callback", "phones", "smartphone",
            "customerPhone", "userTEL", "xPhone", "myCELL", "tel_no", "mob-nr", "excellent",
            "recall", "the", "a", "report", "ticket", "Olá", "Grüße", "ß", "ø", "日本", "Ω",
            "—", " ", " ", " ", "  ", "-", "_", ".", ":", ",", "\n", "(", "+", "0", "12",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "telephoneeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
        ];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as usize
        };
        let (mut hits, mut misses, mut skipped) = (0, 0, 0);
        for _ in 0..20_000 {
            let mut before = String::new();
            for _ in 0..next(8) {
                // Half of the words from the list, half plain filler.
                before.push_str(if next(2) == 0 {
                    parts[next(parts.len())]
                } else {
                    ["the ", "report ", "é", "Dr. ", "x", "\n", "Ünïcode "][next(7)]
                });
                if next(3) == 0 {
                    before.push(' ');
                }
            }
            let mut after = String::new();
            for _ in 0..next(5) {
                after.push_str(parts[next(parts.len())]);
            }
            let num = "912 345 678";
            let t = format!("{before}{num}{after}");
            let (s, e) = (before.len(), before.len() + num.len());
            let want = CONTEXT.near(&t, s, e);
            assert_eq!(context_near(&t, s, e), want, "{t:?}");
            let (wb, wa) = context_window(&t, s, e, CONTEXT_BEFORE, CONTEXT_AFTER);
            if !may_hold_context(wb.as_bytes()) && !may_hold_context(wa.as_bytes()) {
                skipped += 1;
            }
            if want {
                hits += 1;
            } else {
                misses += 1;
            }
        }
        assert!(
            hits > 5000 && misses > 5000 && skipped > 3000,
            "{hits} {misses} {skipped}"
        );
        // The needles: last words, none with another as prefix.
        let all: Vec<&[u8]> = context_needles().iter().flatten().copied().collect();
        assert!(all.contains(&&b"tel"[..]) && all.contains(&&b"appelez"[..]));
        assert!(!all.contains(&&b"telephone"[..]) && !all.contains(&&b"numero"[..]));
    }

    #[test]
    fn packed_word_lists_agree_with_word_in() {
        use super::super::util::word_in;
        // Every entry in mixed case, its prefixes and extensions, and pseudo-random letter
        // strings of 0..=17 bytes.
        let mut words: Vec<Vec<u8>> = Vec::new();
        for w in REJECT_PREV.iter().chain(REJECT_NEXT) {
            let b = w.as_bytes();
            words.push(b.to_vec());
            words.push(b.to_ascii_uppercase());
            words.push(
                b.iter()
                    .enumerate()
                    .map(|(i, c)| {
                        if i % 2 == 0 {
                            c.to_ascii_uppercase()
                        } else {
                            *c
                        }
                    })
                    .collect(),
            );
            for k in 0..b.len() {
                words.push(b[..k].to_vec());
            }
            words.push([b, b"s"].concat());
            words.push([b"x", b].concat());
        }
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for i in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = i % 18;
            words.push(
                (0..len)
                    .map(|k| b"abcdeiklmnoprstuvxyzABEIPST"[((x >> (k * 3)) % 27) as usize])
                    .collect(),
            );
        }
        let mut found = 0;
        for w in &words {
            let prev = word_in(w, REJECT_PREV);
            assert_eq!(packed_word_in(w, &REJECT_PREV_PACKED), prev, "{w:?}");
            let next = word_in(w, REJECT_NEXT);
            assert_eq!(packed_word_in(w, &REJECT_NEXT_PACKED), next, "{w:?}");
            found += usize::from(prev) + usize::from(next);
        }
        assert!(found > 200, "{found}");
    }

    #[test]
    fn hard_negatives() {
        let d = PhoneDetector;
        for t in [
            "2024-01-15T10:22:33Z",
            "on 15/01/2024 at 10:22",
            "2024-01-15 10:22:33",
            "epoch 1705314153123",
            "ts=1705314153",
            "listening on :8080",
            "port 51234",
            "pid 4155552671",
            "id: 912 345 678",
            "order 912 345 678",
            "81.2.69.142",
            "version 1.22.333.4444",
            "123e4567-e89b-12d3-a456-426614174000",
            "sha 4155552671abc",
            "cost € 250 000 000",
            "took 912 345 678 ms",
            "size 912 345 678 bytes",
            "pod web-7d9f8c6b5-x2kq9",
            "/var/log/912345678",
            "v912.345.678",
            "+1 (415 555-2671",
            "phone 123 456 789",
            "3.14159 2.71828",
            "14159 2.71828",
            "mask 255.255.255",
            "ver 10.200.30",
        ] {
            assert!(found(&d, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn access_log_status_and_bytes() {
        let d = PhoneDetector;
        for t in [
            r#"10.1.2.3 - - [12/Mar/2024:10:22:33 +0000] "GET /healthz HTTP/1.1" 304 180158 "-" "curl/8.4.0""#,
            r#""GET / HTTP/1.1" 200 113214 "-""#,
            r#""POST /api HTTP/2.0" 201 9876543 "https://example.com/""#,
            r#"upstream: 304 180158 -"#,
            r#"GET /x 200 113214 0.012"#,
            r#""GET /x HTTP/1.1" 200 1234567"#,
        ] {
            assert!(found(&d, t).is_empty(), "{t}");
        }
        // The same digits without the log shape, or grouped like a phone, stay numbers.
        assert_eq!(scores(&d, "ring 304 180158 today"), vec![0.6]);
        assert_eq!(scores(&d, "ring 912 345 678 \"-\""), vec![0.6]);
        assert_eq!(found(&d, r#"tel "320 1234567""#), vec!["320 1234567"]);
    }
}
