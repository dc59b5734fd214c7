//! Small shared helpers for the secret detectors: character classes, bounded windows on char
//! boundaries, entropy, placeholder and reference rejection (DETECTORS.md §3), base64.
//!
//! Never allocates on the common path except for base64 decodes of short, bounded inputs
//! (placeholder checks lower-case values up to 128 bytes on the stack; word lists are
//! [`WordSet`]s, one binary search per lookup). Entropy visits only the bytes present.

use std::borrow::Cow;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine as _};

use crate::detect::checks::pack_word;
use crate::detect::{Entity, Finding};

/// Standard alphabet, padding optional.
const B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);
/// URL-safe alphabet, padding optional.
const B64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

pub fn b64_decode(s: &str) -> Option<Vec<u8>> {
    B64.decode(s.trim_end_matches('=')).ok()
}

pub fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    B64URL.decode(s.trim_end_matches('=')).ok()
}

pub fn is_b62(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}
pub fn is_b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}
pub fn is_b64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}
pub fn is_hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

/// Largest char boundary `<= i` (clamped to the text).
pub fn floor_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Smallest char boundary `>= i` (clamped to the text).
pub fn ceil_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Length of the run of bytes satisfying `f` starting at `from`, at most `max`.
pub fn run_right(bytes: &[u8], from: usize, max: usize, f: impl Fn(u8) -> bool) -> usize {
    bytes
        .get(from..)
        .unwrap_or(&[])
        .iter()
        .take(max)
        .take_while(|&&b| f(b))
        .count()
}

/// Length of the run of bytes satisfying `f` ending just before `to`, at most `max`.
pub fn run_left(bytes: &[u8], to: usize, max: usize, f: impl Fn(u8) -> bool) -> usize {
    bytes
        .get(..to)
        .unwrap_or(&[])
        .iter()
        .rev()
        .take(max)
        .take_while(|&&b| f(b))
        .count()
}

/// Shannon entropy in bits per byte of `s` ([`crate::detect::checks::shannon_entropy`]).
#[inline]
pub fn entropy(s: &str) -> f64 {
    crate::detect::checks::shannon_entropy(s.as_bytes())
}

/// True if `needle` (non-empty) occurs in `hay`: a plain scan, cheaper than a substring
/// searcher's set-up on the short keys and values the secret detectors look at.
pub fn contains_bytes(hay: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    if hay.len() < needle.len() {
        return false;
    }
    (0..=hay.len() - needle.len()).any(|i| hay[i] == first && hay[i + 1..].starts_with(rest))
}

/// A word list for case-insensitive membership tests: one binary search over packed words
/// instead of one comparison per entry. Same answers as comparing every entry with
/// `eq_ignore_ascii_case`.
pub struct WordSet {
    packed: Vec<u128>,
    /// Entries that do not pack (too long, or not ASCII): compared one by one.
    rest: Vec<&'static str>,
}

impl WordSet {
    pub fn new(list: &[&'static str]) -> WordSet {
        let mut packed = Vec::new();
        let mut rest = Vec::new();
        for &x in list {
            match pack_word(x.as_bytes()).filter(|_| x.is_ascii()) {
                Some(p) => packed.push(p),
                None => rest.push(x),
            }
        }
        packed.sort_unstable();
        packed.dedup();
        WordSet { packed, rest }
    }

    /// `list.iter().any(|x| x.as_bytes().eq_ignore_ascii_case(w))` for the list it was
    /// built from.
    pub fn contains_ignore_ascii_case(&self, w: &[u8]) -> bool {
        // An ASCII entry equals `w` ignoring ASCII case only with the same length, so a
        // word that does not pack matches none of the packed entries.
        pack_word(w).is_some_and(|p| self.packed.binary_search(&p).is_ok())
            || self
                .rest
                .iter()
                .any(|x| x.as_bytes().eq_ignore_ascii_case(w))
    }
}

/// Character classes present: (lower, upper, digit, other).
pub fn classes(s: &str) -> (bool, bool, bool, bool) {
    let mut c = (false, false, false, false);
    for b in s.bytes() {
        if b.is_ascii_lowercase() {
            c.0 = true;
        } else if b.is_ascii_uppercase() {
            c.1 = true;
        } else if b.is_ascii_digit() {
            c.2 = true;
        } else {
            c.3 = true;
        }
    }
    c
}

/// One repeated char, or an ascending/descending run of digits or letters (`123456`,
/// `abcdef`), or a keyboard row.
///
/// `lb` is `b` lower-cased (ASCII), which the caller already has.
fn run_or_sequence_lower(b: &[u8], lb: &[u8]) -> bool {
    let Some(&first) = b.first() else {
        return true;
    };
    if b.iter().all(|&c| c == first) {
        return true;
    }
    let step_up = lb.windows(2).all(|w| w[1] == w[0].wrapping_add(1));
    let step_down = lb.windows(2).all(|w| w[1].wrapping_add(1) == w[0]);
    if (step_up || step_down) && lb.iter().all(|c| c.is_ascii_alphanumeric()) {
        return true;
    }
    const ROWS: [&str; 4] = ["qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890"];
    lb.len() >= 4 && ROWS.iter().any(|r| r.as_bytes().starts_with(lb))
}

/// Words that are never secrets on their own (§3 dummy values), compared lower-case.
const DUMMIES: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "password",
    "passw0rd",
    "passwd",
    "secret",
    "test",
    "testing",
    "test123",
    "example",
    "sample",
    "dummy",
    "fake",
    "foo",
    "bar",
    "foobar",
    "baz",
    "none",
    "null",
    "nil",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "admin",
    "todo",
    "tbd",
    "n/a",
    "na",
    "hidden",
    "masked",
    "redacted",
    "filtered",
    "undefined",
    "empty",
    "default",
    "value",
    "string",
    "str",
    "int",
    "bool",
    "boolean",
    "bytes",
    "secretstr",
    "optional",
    "any",
    "object",
    "required",
    "optional[str]",
    "text",
    "token",
    "mytoken",
    "mypassword",
    "yourpassword",
    "your_password",
    "secretkey",
    "apikey",
    "api_key",
    "api-key",
    "xxx",
    "pass",
    "pwd",
    "placeholder",
    "notasecret",
    "not-a-secret",
    "sensitive",
    "secure",
    "unknown",
    "void",
    "char",
    "number",
    "integer",
    "float",
    "list",
    "dict",
    "map",
];

/// Substrings that mark a template, a reference or an already-masked value.
const MARKERS: &[&str] = &[
    "${",
    "{{",
    "}}",
    "<%",
    "#{",
    "$(",
    "your_",
    "your-",
    "yourapi",
    "yourtoken",
    "yoursecret",
    "insert_",
    "insert-",
    "replace_me",
    "replace-me",
    "replaceme",
    "placeholder",
    "redacted",
    "[filtered]",
    "changeme",
    "change_me",
    "secretkeyref",
    "secretname",
    "os.environ",
    "process.env",
    "getenv",
    "env(",
    "env[",
    "vault:",
    "op://",
    "!ref",
    "***",
    "•••",
    "...",
    "…",
];

/// Substrings that mark a vendor's documentation example (`AKIAIOSFODNN7EXAMPLE`,
/// `ghp_EXAMPLE…`): exempt by default, reported with `include_test_values`.
const DOC_EXAMPLE_MARKERS: &[&str] = &["example"];

/// Whether what a pair of delimiters (`%…%`, `<…>`, `[…]`, ...) wraps reads as a random
/// string rather than a variable name: a lower-case letter followed by an upper-case one, with
/// digits somewhere (`%bfJGQ3y49R4Q%`), or a password symbol that no placeholder name uses
/// (`[2=TrPUTz8QXo]`). `%APPDATA%`, `%UserProfile%`, `<your-api-key>`, `{{ token }}`,
/// `[REDACTED]`, `<YOUR_KEY_1>` and the proxy's own `<PASSWORD_1a2b3c>` are names.
fn random_inside_delimiters(v: &str) -> bool {
    let inner = v.trim_matches(|c: char| "%@<>[]{}() ".contains(c));
    let (mut hump, mut digit) = (false, false);
    let mut prev = b' ';
    for c in inner.bytes() {
        match c {
            b'A'..=b'Z' if prev.is_ascii_lowercase() => hump = true,
            b'0'..=b'9' => digit = true,
            // Password symbols that no placeholder name uses (names may hold spaces, `-_.:/`,
            // commas, apostrophes, `*` masks, accented letters).
            b'=' | b'&' | b'!' | b'^' | b'~' | b'+' | b'\\' | b'`' => return true,
            _ => {}
        }
        prev = c;
    }
    hump && digit
}

/// True for placeholders, references, masks, dummy values (DETECTORS.md §3) and
/// documentation examples, including promptwall's own replacement tokens (`<ENTITY>` /
/// `<ENTITY_ab12>`).
pub fn is_placeholder(value: &str) -> bool {
    is_placeholder_in(value, false)
}

/// [`is_placeholder`], except that with `include_test_values` documentation examples
/// (values containing `example`) are not exempt. Templates, references, masks, dummy words
/// and sequences are placeholders in both modes.
pub fn is_placeholder_in(value: &str, include_test_values: bool) -> bool {
    let v = value
        .trim()
        .trim_matches(|c| c == '"' || c == '\'' || c == '`');
    if v.len() < 3 {
        return true;
    }
    // `v` lower-cased (ASCII), on the stack for the common short value.
    let mut buf = [0u8; LOWER_MAX];
    let heap: Vec<u8>;
    let lower: &[u8] = match buf.get_mut(..v.len()) {
        Some(slot) => {
            slot.copy_from_slice(v.as_bytes());
            slot.make_ascii_lowercase();
            slot
        }
        None => {
            heap = v.as_bytes().to_ascii_lowercase();
            &heap
        }
    };
    if is_dummy(lower) {
        return true;
    }
    let first = v.as_bytes().first().copied().unwrap_or(b' ');
    let last = v.as_bytes().last().copied().unwrap_or(b' ');
    // $VAR, ${VAR}, $(cmd); %VAR%, @VAR@; <...>, [...], {...}
    if first == b'$' {
        return true;
    }
    if matches!(
        (first, last),
        (b'%', b'%') | (b'@', b'@') | (b'<', b'>') | (b'[', b']') | (b'{', b'}') | (b'(', b')')
    ) && !random_inside_delimiters(v)
    {
        return true;
    }
    if contains_marker(lower) {
        return true;
    }
    if !include_test_values
        && DOC_EXAMPLE_MARKERS
            .iter()
            .any(|m| contains_bytes(lower, m.as_bytes()))
    {
        return true;
    }
    // Masks: only x/X/*/#/•/-/_/. (at least 3 of them).
    if v.chars()
        .all(|c| matches!(c, 'x' | 'X' | '*' | '#' | '•' | '-' | '_' | '.' | '0'))
    {
        return true;
    }
    // A long run of x/X/* inside (`ghp_xxxxxxxx...`, `sk-****`).
    if contains_mask_run(v) {
        return true;
    }
    if lower.ends_with(b"here")
        && (contains_bytes(lower, b"key") || contains_bytes(lower, b"token"))
    {
        return true;
    }
    if run_or_sequence_lower(v.as_bytes(), lower) {
        return true;
    }
    false
}

/// `DUMMIES.contains(&lower)` for an ASCII-lower-cased value (the entries are lower-case, so
/// equality ignoring ASCII case is equality).
fn is_dummy(lower: &[u8]) -> bool {
    static SET: OnceLock<WordSet> = OnceLock::new();
    SET.get_or_init(|| WordSet::new(DUMMIES))
        .contains_ignore_ascii_case(lower)
}

/// Values up to this length are lower-cased on the stack by [`is_placeholder_in`].
const LOWER_MAX: usize = 128;

/// `MARKERS.iter().any(|m| lower.contains(m))` in one automaton pass (one substring search per
/// marker costs ~9k instructions per value).
fn contains_marker(lower: &[u8]) -> bool {
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    match AC.get_or_init(|| AhoCorasick::new(MARKERS).ok()) {
        Some(ac) => ac.is_match(lower),
        None => MARKERS.iter().any(|m| contains_bytes(lower, m.as_bytes())),
    }
}

fn contains_mask_run(v: &str) -> bool {
    let mut run = 0;
    let mut prev = 0u8;
    for b in v.bytes() {
        if matches!(b, b'x' | b'X' | b'*') && (run == 0 || b == prev) {
            run += 1;
            if run >= 6 {
                return true;
            }
        } else if matches!(b, b'x' | b'X' | b'*') {
            run = 1;
        } else {
            run = 0;
        }
        prev = b;
    }
    false
}

/// An UPPER_SNAKE identifier with at least one `_` (an environment variable name).
pub fn is_env_var_name(v: &str) -> bool {
    v.contains('_')
        && v.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// Build a finding.
pub fn finding(entity: Entity, start: usize, end: usize, score: f32, det: &'static str) -> Finding {
    Finding {
        entity,
        start,
        end,
        score,
        detector: Cow::Borrowed(det),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The full scan over all 256 counters, ascending: the reference the bit-set walk of
    /// `checks::shannon_entropy` must equal bit for bit.
    fn entropy_all_counters(s: &str) -> f64 {
        let b = s.as_bytes();
        if b.is_empty() {
            return 0.0;
        }
        let mut counts = [0u32; 256];
        for &c in b {
            counts[usize::from(c)] += 1;
        }
        let n = b.len() as f64;
        counts
            .iter()
            .filter(|&&c| c > 0)
            .map(|&c| {
                let p = f64::from(c) / n;
                -p * p.log2()
            })
            .sum()
    }

    #[test]
    fn entropy_bit_identical_to_full_scan() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for i in 0..3000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = i % 70;
            let s: String = (0..len)
                .map(|k| {
                    let v = (x >> (k % 57)) as u32 ^ (k as u32).wrapping_mul(2654435761);
                    char::from_u32(32 + v % (if i % 3 == 0 { 200 } else { 95 })).unwrap_or('x')
                })
                .collect();
            assert_eq!(
                entropy(&s).to_bits(),
                entropy_all_counters(&s).to_bits(),
                "{s:?}"
            );
        }
        assert_eq!(
            entropy("é\u{ff}\u{100}").to_bits(),
            entropy_all_counters("é\u{ff}\u{100}").to_bits()
        );
    }

    #[test]
    fn contains_bytes_is_substring_search() {
        for (h, n) in [
            ("abc", "b"),
            ("abc", "abc"),
            ("abc", "abcd"),
            ("abc", "c"),
            ("aab", "ab"),
            ("", "a"),
            ("x://y", "://"),
            ("exampl", "example"),
            ("an example", "example"),
            ("a", ""),
        ] {
            assert_eq!(
                contains_bytes(h.as_bytes(), n.as_bytes()),
                h.contains(n),
                "{h} {n}"
            );
        }
    }

    #[test]
    fn word_set_agrees_with_linear_compare() {
        let list: &[&'static str] = &[
            "id",
            "name",
            "contraseña",
            "secretaccesskey",
            "averyveryverylongword",
            "a",
            "n/a",
            "optional[str]",
        ];
        let set = WordSet::new(list);
        for w in [
            "ID",
            "Id",
            "id",
            "i",
            "ids",
            "NAME",
            "nam",
            "contraseña",
            "CONTRASEÑA",
            "contrasena",
            "SecretAccessKey",
            "secretaccesskeys",
            "AveryVeryVeryLongWord",
            "averyveryverylongwor",
            "",
            "A",
            "b",
            "N/A",
            "Optional[STR]",
            "é",
        ] {
            let linear = list
                .iter()
                .any(|x| x.as_bytes().eq_ignore_ascii_case(w.as_bytes()));
            assert_eq!(set.contains_ignore_ascii_case(w.as_bytes()), linear, "{w}");
        }
        // `is_dummy` relies on lower-case entries.
        for d in DUMMIES {
            assert_eq!(*d, d.to_ascii_lowercase(), "{d}");
        }
    }

    #[test]
    fn placeholders() {
        for p in [
            "${DB_PASSWORD}",
            "$TOKEN",
            "<your-api-key>",
            "<PASSWORD_1a2b>",
            "<API_KEY>",
            "{{ .Values.password }}",
            "${{ secrets.X }}",
            "changeme",
            "****",
            "xxxxxxxx",
            "REDACTED",
            "[REDACTED]",
            "YOUR_API_KEY",
            "your-token-here",
            "%PASSWORD%",
            "%UserProfile%",
            "<YOUR_KEY_1>",
            "<votre-clé-api>",
            "<your key, here>",
            "123456",
            "aaaaaaa",
            "qwerty",
            "ghp_xxxxxxxxxxxxxxxxxxxxxx",
            "os.environ['X']",
            "AKIAIOSFODNN7EXAMPLE",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for s in [
            "hunter2!x",
            "p@55w0rd",
            "Zx9#kq2LmT",
            "correct horse battery",
            // Random strings that happen to start and end like a placeholder.
            "%bfJGQ3y49R4Q%",
            "%2=TrPUTz8QXo%",
            "<Tr0ub4dor&3>",
            "[aB3dE5fG7h]",
        ] {
            assert!(!is_placeholder(s), "{s}");
        }
    }

    #[test]
    fn entropy_reference_values() {
        assert!((entropy("changeme") - 2.75).abs() < 0.01);
        assert!(entropy("aaaa") < 0.01);
        assert!(entropy("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") > 4.5);
    }

    #[test]
    fn boundaries() {
        let t = "aé";
        assert_eq!(floor_boundary(t, 2), 1);
        assert_eq!(ceil_boundary(t, 2), 3);
    }

    #[test]
    fn env_names() {
        assert!(is_env_var_name("DB_PASSWORD"));
        assert!(!is_env_var_name("Hunter_2"));
    }
}
