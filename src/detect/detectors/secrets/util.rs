//! Small shared helpers for the secret detectors: character classes, bounded windows on char
//! boundaries, entropy, placeholder and reference rejection (DETECTORS.md §3), base64.
//!
//! Never allocates on the common path except for base64 decodes of short, bounded inputs.

use std::borrow::Cow;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine as _};

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

/// Shannon entropy in bits per byte.
pub fn entropy(s: &str) -> f64 {
    let b = s.as_bytes();
    if b.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &c in b {
        if let Some(slot) = counts.get_mut(c as usize) {
            *slot += 1;
        }
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
pub fn is_run_or_sequence(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(&first) = b.first() else {
        return true;
    };
    if b.iter().all(|&c| c == first) {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    let lb = lower.as_bytes();
    let step_up = lb.windows(2).all(|w| w[1] == w[0].wrapping_add(1));
    let step_down = lb.windows(2).all(|w| w[1].wrapping_add(1) == w[0]);
    if (step_up || step_down) && lb.iter().all(|c| c.is_ascii_alphanumeric()) {
        return true;
    }
    const ROWS: [&str; 4] = ["qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890"];
    lb.len() >= 4 && ROWS.iter().any(|r| r.starts_with(lower.as_str()))
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
    let lower = v.to_ascii_lowercase();
    if DUMMIES.contains(&lower.as_str()) {
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
    ) {
        return true;
    }
    if contains_marker(&lower) {
        return true;
    }
    if !include_test_values && DOC_EXAMPLE_MARKERS.iter().any(|m| lower.contains(m)) {
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
    if lower.ends_with("here") && (lower.contains("key") || lower.contains("token")) {
        return true;
    }
    if is_run_or_sequence(v) {
        return true;
    }
    false
}

/// `MARKERS.iter().any(|m| lower.contains(m))` in one automaton pass (one substring search per
/// marker costs ~9k instructions per value).
fn contains_marker(lower: &str) -> bool {
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    match AC.get_or_init(|| AhoCorasick::new(MARKERS).ok()) {
        Some(ac) => ac.is_match(lower),
        None => MARKERS.iter().any(|m| lower.contains(m)),
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
