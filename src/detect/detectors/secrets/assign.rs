//! Secret assignments: a key from the secret-keyword set bound to a literal value, in
//! `.env`/shell (`KEY=v`, `export`), YAML (`key: v`), JSON (`"key": "v"`, also JSON-escaped),
//! INI/TOML/HCL (`key = "v"`), properties (`a.b.password=v`), XML (`<password>v</password>`,
//! `password="v"`), CLI flags (`--password v`, `--token=v`), ADO.NET/ODBC/JDBC/libpq key-value
//! strings (`Password=v;`, `?password=v&`, `password=v host=`), Docker `auths` (`"auth"`),
//! kubeconfig (`token`, `client-key-data`, `client-secret`, `id-token`, ...).
//!
//! Keys are split into words (camelCase, snake_case, kebab-case, dots) and matched word by
//! word, multilingual (`senha`, `Passwort`, `Kennwort`, `mot_de_passe`, `mdp`, `contraseña`,
//! `clave`, `wachtwoord`). Keys naming metadata (`*_id`, `*_name`, `*_file`, `*_path`, `*_url`,
//! `*_type`, `*_length`, `*_policy`, ...), public keys and CSRF tokens are excluded.
//! `private_key_id` (GCP service accounts) is a secret.
//!
//! The finding covers the value only (quotes excluded); the key stays readable.
//! Scores: password-like keys 0.8 without entropy floor (values of >= 6 chars; a short
//! all-lowercase word after `key: ` in prose scores 0.45, below the default threshold);
//! token/secret/key-like keys (`GenericSecret`) need >= 10 chars, entropy >= 3.0 and a digit or
//! symbol (or >= 20 chars of mixed case): 0.7, or 0.8 with entropy >= 3.5 and >= 16 chars;
//! Docker `auth` decoding to `user:pass` 0.95; Azure `AccountKey=`/`SharedAccessKey=` base64
//! 0.92 (`ApiKey`). Placeholders, references, function calls, member access, type
//! annotations, environment variable names and booleans/numbers are never flagged.
//!
//! Cost (callgrind, 4 MiB mixed corpus of `benches/detect.rs`): 35.4 M → 25.6 M instructions.
//! Key words are looked up in [`WordSet`]s (packed lower-case words, one binary search) instead
//! of a case-insensitive compare per list entry, the compact key is lower-cased on the stack
//! and its substrings found in one pass; a value's entropy is computed once. What remains is
//! mostly the placeholder check (~1.3k instructions per value, the marker automaton the
//! largest part) and the entropy's `log2` per distinct byte.

use std::borrow::Cow;

use std::sync::OnceLock;

use super::util::{
    b64_decode, classes, contains_bytes, entropy, finding, is_env_var_name, is_placeholder,
    run_left, WordSet,
};
use crate::detect::{Detector, Entity, Finding, Hit, ScanCtx, Trigger};

const NAME: &str = "secret_assignment";
const MAX_KEY: usize = 64;
const MAX_VALUE: usize = 1024;

const TRIGGERS: &[&str] = &[
    "pass",
    "pwd",
    "secret",
    "token",
    "key",
    "auth",
    "credential",
    "senha",
    "kennwort",
    "mdp",
    "contrase",
    "clave",
    "wachtwoord",
    "creds",
];

const PASSWORD_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "passcode",
    "senha",
    "passwort",
    "kennwort",
    "mdp",
    "contraseña",
    "contrasena",
    "clave",
    "wachtwoord",
    "passe",
    "motdepasse",
    "dbpass",
    "dbpassword",
    "userpass",
    "adminpass",
    "rootpass",
];

const SECRET_WORDS: &[&str] = &[
    "secret",
    "secrets",
    "token",
    "apikey",
    "credential",
    "credentials",
    "creds",
    "auth",
    "authkey",
    "accesskey",
    "secretkey",
    "privatekey",
    "accountkey",
    "sharedaccesskey",
    "signingkey",
    "masterkey",
    "encryptionkey",
    "clientsecret",
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "sessiontoken",
    "authtoken",
    "bearertoken",
    "apitoken",
    "apisecret",
    "appsecret",
    "webhooksecret",
    "jwtsecret",
    "secretaccesskey",
];

/// Words after which `key` names a secret (`api key`, `access key`, `AccountKey`, ...).
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "access",
    "secret",
    "private",
    "signing",
    "encryption",
    "master",
    "client",
    "account",
    "shared",
    "auth",
    "app",
    "subscription",
    "session",
    "service",
    "admin",
    "webhook",
    "storage",
    "license",
    "licence",
    "sas",
    "hmac",
    "jwt",
    "ssh",
    "gpg",
    "pgp",
    "x",
    "dd",
    "openai",
    "anthropic",
    "gemini",
    "mistral",
    "cohere",
    "groq",
    "deepseek",
    "together",
    "voyage",
    "aws",
    "azure",
    "gcp",
    "google",
    "stripe",
    "twilio",
    "sendgrid",
    "mailgun",
    "datadog",
    "github",
    "gitlab",
    "slack",
    "primary",
    "secondary",
    "root",
    "consumer",
    "developer",
    "write",
    "read",
];

/// Last words that make a key metadata, not a secret.
const EXCLUDED_LAST: &[&str] = &[
    "id",
    "ids",
    "name",
    "names",
    "file",
    "files",
    "path",
    "paths",
    "url",
    "uri",
    "urls",
    "length",
    "len",
    "type",
    "types",
    "policy",
    "size",
    "count",
    "ref",
    "enabled",
    "disabled",
    "field",
    "header",
    "prefix",
    "suffix",
    "format",
    "expiry",
    "expires",
    "expiration",
    "ttl",
    "timeout",
    "dir",
    "mode",
    "version",
    "endpoint",
    "host",
    "user",
    "username",
    "method",
    "env",
    "label",
    "hint",
    "reset",
    "required",
    "rotation",
    "strength",
    "min",
    "max",
    "regex",
    "pattern",
    "algorithm",
    "alg",
    "placeholder",
    "question",
    "changed",
    "updated",
    "at",
    "date",
    "time",
    "validation",
    "manager",
    "provider",
    "store",
    "location",
    "limit",
    "limits",
    "usage",
    "uses",
    "used",
    "index",
    "position",
    "pos",
    "kind",
    "class",
    "option",
    "options",
    "config",
    "error",
    "errors",
    "message",
    "msg",
    "text",
    "label",
    "description",
    "desc",
    "status",
    "state",
    "flag",
    "hash",
    "digest",
    "salt",
    "rounds",
    "iterations",
    "source",
    "ref",
    "var",
    "variable",
    "key_ref",
    "secretkeyref",
    "secretref",
    "selector",
    "name_ref",
];

/// Words anywhere that make a key non-secret.
const EXCLUDED_ANY: &[&str] = &[
    "public",
    "publishable",
    "pub",
    "csrf",
    "xsrf",
    "sri",
    "integrity",
    "checksum",
    "nonce",
    "passport",
    "bypass",
    "compass",
    "keyboard",
    "monkey",
    "foreign",
    "primarykey",
    "sort",
    "partition",
    "cache",
    "idempotency",
    "dedup",
    "lookup",
    "hotkey",
    "keycode",
    "keyframe",
    "keyframes",
    "passenger",
    "passage",
    "tokenizer",
    "tokens",
    "author",
    "authority",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Password,
    Secret,
    /// Docker `auth`: base64 of `user:password`.
    DockerAuth,
    /// Azure `AccountKey` / `SharedAccessKey`.
    AzureKey,
}

pub struct SecretAssignment;

impl Detector for SecretAssignment {
    fn name(&self) -> &'static str {
        NAME
    }
    fn triggers(&self) -> Vec<Trigger> {
        TRIGGERS
            .iter()
            .map(|t| Trigger::Literal(Cow::Borrowed(*t)))
            .collect()
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let mut done = 0usize;
        for h in hits {
            if h.start < done {
                continue;
            }
            if let Some((key_end, f)) = assignment(cx, h) {
                done = key_end;
                if let Some(f) = f {
                    done = done.max(f.end);
                    out.push(f);
                }
            }
        }
    }
}

fn is_key_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.') || c >= 0x80
}

/// Split a key into words: separators `_ - . space`, camelCase and ACRONYMWord boundaries.
fn words(key: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = key.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b.get(i).copied().unwrap_or(b'_');
        if matches!(c, b'_' | b'-' | b'.' | b' ' | b':') {
            if i > start {
                if let Some(w) = key.get(start..i) {
                    out.push(w);
                }
            }
            start = i + 1;
        } else if i > start {
            let prev = b.get(i - 1).copied().unwrap_or(b'_');
            let next = b.get(i + 1).copied().unwrap_or(b'_');
            let boundary = (c.is_ascii_uppercase()
                && (prev.is_ascii_lowercase() || prev.is_ascii_digit()))
                || (c.is_ascii_uppercase()
                    && prev.is_ascii_uppercase()
                    && next.is_ascii_lowercase());
            if boundary {
                if let Some(w) = key.get(start..i) {
                    out.push(w);
                }
                start = i;
            }
        }
        i += 1;
    }
    if start < b.len() {
        if let Some(w) = key.get(start..) {
            out.push(w);
        }
    }
    out
}

/// The word lists of [`classify`] as [`WordSet`]s (built on first use).
struct Lists {
    excluded_last: WordSet,
    excluded_any: WordSet,
    password: WordSet,
    secret: WordSet,
    key_qualifiers: WordSet,
}

fn lists() -> &'static Lists {
    static LISTS: OnceLock<Lists> = OnceLock::new();
    LISTS.get_or_init(|| Lists {
        excluded_last: WordSet::new(EXCLUDED_LAST),
        excluded_any: WordSet::new(EXCLUDED_ANY),
        password: WordSet::new(PASSWORD_WORDS),
        secret: WordSet::new(SECRET_WORDS),
        key_qualifiers: WordSet::new(KEY_QUALIFIERS),
    })
}

/// `w` is in `list` (ASCII case-insensitive; a non-ASCII word also by its Unicode lower
/// case). `set` is `list` as a [`WordSet`], used for ASCII words (nearly all).
fn in_list(w: &str, list: &[&str], set: &WordSet) -> bool {
    if w.is_ascii() {
        return set.contains_ignore_ascii_case(w.as_bytes());
    }
    let lower = w.to_lowercase();
    list.iter()
        .any(|x| x.eq_ignore_ascii_case(w) || lower == *x)
}

/// The substrings [`classify`] looks for in the compact key, found in one pass: at each
/// position only the needles starting with that byte are compared.
struct Substrings {
    /// `publickey`, `keyid`, `csrf` or `xsrf`.
    excluded: bool,
    /// `password`, `passwd`, `motdepasse` or `palavrapasse`.
    password: bool,
}

impl Substrings {
    const EXCLUDED: [&'static [u8]; 4] = [b"publickey", b"keyid", b"csrf", b"xsrf"];
    const PASSWORD: [&'static [u8]; 4] = [b"password", b"passwd", b"motdepasse", b"palavrapasse"];

    fn of(compact: &[u8]) -> Substrings {
        let mut f = Substrings {
            excluded: false,
            password: false,
        };
        for (i, &c) in compact.iter().enumerate() {
            if !matches!(c, b'p' | b'k' | b'c' | b'x' | b'm') {
                continue;
            }
            let rest = compact.get(i..).unwrap_or_default();
            f.excluded |= Self::EXCLUDED.iter().any(|n| rest.starts_with(n));
            f.password |= Self::PASSWORD.iter().any(|n| rest.starts_with(n));
        }
        f
    }
}

/// Longest key lower-cased on the stack by [`classify`] (longer ones use the heap).
const COMPACT_MAX: usize = 2 * MAX_KEY + 32;

/// Classify a key (already stripped of leading dashes/quotes).
fn classify(key: &str) -> Option<Kind> {
    // Lower-cased alphanumerics of the key (an ASCII key, the common case, byte-wise and on
    // the stack).
    let mut buf = [0u8; COMPACT_MAX];
    let heap: String;
    let compact: &[u8] = if key.is_ascii() && key.len() <= COMPACT_MAX {
        let mut n = 0;
        for &c in key.as_bytes() {
            if c.is_ascii_alphanumeric() {
                if let Some(slot) = buf.get_mut(n) {
                    *slot = c.to_ascii_lowercase();
                    n += 1;
                }
            }
        }
        buf.get(..n).unwrap_or_default()
    } else {
        heap = if key.is_ascii() {
            key.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|c| char::from(c.to_ascii_lowercase()))
                .collect()
        } else {
            key.to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect()
        };
        heap.as_bytes()
    };
    let sub = Substrings::of(compact);
    if compact == b"privatekeyid" {
        return Some(Kind::Secret);
    }
    if compact == b"accountkey" || compact == b"sharedaccesskey" {
        return Some(Kind::AzureKey);
    }
    if compact == b"auth" {
        return Some(Kind::DockerAuth);
    }
    let l = lists();
    let ws = words(key);
    let last = ws.last()?;
    if in_list(last, EXCLUDED_LAST, &l.excluded_last)
        || ws.iter().any(|w| in_list(w, EXCLUDED_ANY, &l.excluded_any))
    {
        return None;
    }
    if sub.excluded || compact.ends_with(b"keyname") {
        return None;
    }
    if ws.iter().any(|w| in_list(w, PASSWORD_WORDS, &l.password)) || sub.password {
        return Some(Kind::Password);
    }
    if ws.iter().any(|w| in_list(w, SECRET_WORDS, &l.secret)) {
        return Some(Kind::Secret);
    }
    for (i, w) in ws.iter().enumerate() {
        if w.eq_ignore_ascii_case("key") || w.eq_ignore_ascii_case("keys") {
            if let Some(prev) = i.checked_sub(1).and_then(|p| ws.get(p)) {
                if in_list(prev, KEY_QUALIFIERS, &l.key_qualifiers) {
                    return Some(Kind::Secret);
                }
            }
        }
    }
    // Compound single words: `apikey`, `secretkey`, `clientsecret`, `xapikey`, `dbpassword`.
    if SECRET_WORDS
        .iter()
        .any(|s| s.len() >= 6 && compact.ends_with(s.as_bytes()))
        || compact.ends_with(b"token")
        || compact.ends_with(b"secret")
    {
        return Some(Kind::Secret);
    }
    None
}

/// Parse the assignment around hit `h`. Returns the end of the key (so later hits inside the
/// same key are skipped) and a finding if the value qualifies.
fn assignment(cx: &ScanCtx<'_>, h: &Hit) -> Option<(usize, Option<Finding>)> {
    let b = cx.bytes();
    let text = cx.text;
    let l = run_left(b, h.start, MAX_KEY, is_key_byte);
    let r = super::util::run_right(b, h.end, MAX_KEY, is_key_byte);
    let mut ks = h.start - l;
    let ke = h.end + r;
    // Flags (`--password`) and leading dots.
    while ks < ke && matches!(b.get(ks), Some(b'-' | b'.')) {
        ks += 1;
    }
    let key = text.get(ks..ke)?;
    let flag = ks >= 1 && b.get(ks - 1) == Some(&b'-');
    let xml_open = ks >= 1 && b.get(ks - 1) == Some(&b'<');
    // promptwall's own placeholders (`<PASSWORD_ab12>`) are not XML elements.
    if xml_open && b.get(ke) == Some(&b'>') && is_own_placeholder_name(key) {
        return Some((ke, None));
    }
    // Closing quote of the key (`"key"`, `'key'`, `\"key\"`), then spaces.
    let mut i = ke;
    if b.get(i) == Some(&b'\\') && matches!(b.get(i + 1), Some(b'"' | b'\'')) {
        i += 2;
    } else if matches!(b.get(i), Some(b'"' | b'\'')) {
        i += 1;
    }
    let after_key_ws = skip_spaces(b, i);
    i = after_key_ws;
    // Separator.
    let sep_colon;
    let mut copula = false;
    match (b.get(i).copied(), b.get(i + 1).copied()) {
        (Some(b':'), Some(b'=')) | (Some(b'='), Some(b'>')) => {
            sep_colon = false;
            i += 2;
        }
        // Comparisons (`password == "x"`, `pw =~ /re/`) are not assignments; `KEY==x` in an
        // env file is the value `=x`.
        (Some(b'='), Some(b'=' | b'~'))
            if after_key_ws > ke
                || matches!(b.get(i + 2), Some(b' ' | b'"' | b'\'' | b'/' | b'$')) =>
        {
            return Some((ke, None))
        }
        (Some(b'='), _) => {
            sep_colon = false;
            i += 1;
        }
        (Some(b':'), Some(b':')) => return Some((ke, None)),
        (Some(b':'), _) => {
            sep_colon = true;
            i += 1;
        }
        (Some(b'>'), _) if xml_open => {
            sep_colon = false;
            i += 1;
        }
        _ if flag && after_key_ws > ke => sep_colon = false,
        _ if after_key_ws > ke => match prose_copula(b, i) {
            Some(n) => {
                copula = true;
                sep_colon = false;
                i += n;
            }
            None => return Some((ke, name_value_pair(cx, ks, ke, key))),
        },
        _ => return Some((ke, name_value_pair(cx, ks, ke, key))),
    }
    let sep_end = i;
    // Classify only keys followed by a separator: prose like "the key point" stops above.
    let Some(kind) = classify(key) else {
        return Some((ke, None));
    };
    i = skip_spaces(b, i);
    let spaced = i > sep_end;
    let Some((vs, ve, quoted)) = parse_value(b, i) else {
        return Some((ke, None));
    };
    let value = text.get(vs..ve)?;
    let score = score_value(
        key,
        kind,
        value,
        quoted,
        sep_colon && spaced,
        copula,
        b.get(ve).copied(),
    )?;
    Some((ke, Some(finding(entity_of(kind), vs, ve, score, NAME))))
}

/// Per-alphabet, length-aware entropy floor (bits/char) for token-like values: hex 3.0,
/// base64/base64url 3.5 from 20 chars, anything else 3.0; never above `log2(len) - 0.5`
/// (short strings cannot reach high entropy).
fn entropy_floor(v: &str) -> f64 {
    let b = v.as_bytes();
    let (mut hex, mut b64) = (true, true);
    for &c in b {
        hex &= c.is_ascii_hexdigit();
        b64 &= c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'-' | b'_');
    }
    let base: f64 = if hex {
        3.0
    } else if b.len() >= 20 && b64 {
        3.5
    } else {
        3.0
    };
    base.min((b.len() as f64).log2() - 0.5)
}

/// Prose copulas between a key and its value ("password is X", "Passwort ist X", "senha é X",
/// "mot de passe est X", "contraseña es X"): length including the following space.
fn prose_copula(b: &[u8], i: usize) -> Option<usize> {
    const WORDS: &[&str] = &[
        "is: ", "is ", "ist ", "é ", "est ", "es ", "era ", "è ", "was ", "= ",
    ];
    let rest = b.get(i..)?;
    WORDS
        .iter()
        .find(|w| {
            rest.len() >= w.len()
                && rest
                    .get(..w.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(w.as_bytes()))
        })
        .map(|w| w.len())
}

/// Value at `i`: quoted (also JSON-escaped quotes) or bare. `None` for a quoted value broken
/// by a newline. Returns (start, end, quoted).
fn parse_value(b: &[u8], i: usize) -> Option<(usize, usize, bool)> {
    let r = if b.get(i) == Some(&b'\\') && matches!(b.get(i + 1), Some(b'"' | b'\'')) {
        let q = b.get(i + 1).copied()?;
        let vs = i + 2;
        let mut j = vs;
        while j < b.len() && j - vs < MAX_VALUE {
            if b.get(j) == Some(&b'\\') && b.get(j + 1) == Some(&q) {
                break;
            }
            if b.get(j) == Some(&b'\n') {
                return None;
            }
            j += 1;
        }
        (vs, j, true)
    } else if let Some(&q @ (b'"' | b'\'' | b'`')) = b.get(i) {
        let vs = i + 1;
        let mut j = vs;
        while j < b.len() && j - vs < MAX_VALUE {
            match b.get(j).copied() {
                Some(b'\\') => j += 2,
                Some(c) if c == q => break,
                Some(b'\n') => return None,
                _ => j += 1,
            }
        }
        (vs, j.min(b.len()), true)
    } else {
        let vs = i;
        let mut j = vs;
        while j < b.len() && j - vs < MAX_VALUE {
            let c = b.get(j).copied().unwrap_or(b' ');
            if c.is_ascii_whitespace()
                || matches!(
                    c,
                    b'"' | b'\'' | b'`' | b',' | b';' | b'&' | b'<' | b'>' | b'\\'
                )
            {
                break;
            }
            j += 1;
        }
        // Trailing `)`/`}`/`]` of surrounding code; a trailing `.` ends a sentence.
        while j > vs && matches!(b.get(j - 1), Some(b')' | b'}' | b']' | b'.')) {
            j -= 1;
        }
        (vs, j, false)
    };
    Some(r)
}

/// `name: DB_PASSWORD` followed by `value: ...` (Kubernetes `env:` entries, HAR/JSON
/// `{"name": "password", "value": "..."}`): the value of the pair, scored under the name.
fn name_value_pair(cx: &ScanCtx<'_>, ks: usize, ke: usize, key: &str) -> Option<Finding> {
    let b = cx.bytes();
    let mut j = ks;
    if j > 0 && matches!(b.get(j - 1), Some(b'"' | b'\'')) {
        j -= 1;
    }
    while j > 0 && matches!(b.get(j - 1), Some(b' ' | b'\t')) {
        j -= 1;
    }
    if j == 0 || !matches!(b.get(j - 1), Some(b':' | b'=')) {
        return None;
    }
    j -= 1;
    if j > 0 && matches!(b.get(j - 1), Some(b'"' | b'\'')) {
        j -= 1;
    }
    if j < 4 || !b.get(j - 4..j)?.eq_ignore_ascii_case(b"name") {
        return None;
    }
    if j > 4
        && b.get(j - 5)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    {
        return None;
    }
    let kind = classify(key)?;
    let window = b.get(ke..(ke + 96).min(b.len()))?;
    let off = memchr::memmem::find(window, b"value")?;
    let mut i = ke + off + 5;
    if matches!(b.get(i), Some(b'"' | b'\'')) {
        i += 1;
    }
    i = skip_spaces(b, i);
    if !matches!(b.get(i), Some(b':' | b'=')) {
        return None;
    }
    i = skip_spaces(b, i + 1);
    let (vs, ve, quoted) = parse_value(b, i)?;
    let value = cx.text.get(vs..ve)?;
    let score = score_value(key, kind, value, quoted, false, false, b.get(ve).copied())?;
    Some(finding(entity_of(kind), vs, ve, score, NAME))
}

fn entity_of(kind: Kind) -> Entity {
    match kind {
        Kind::Password | Kind::DockerAuth => Entity::Password,
        Kind::AzureKey => Entity::ApiKey,
        Kind::Secret => Entity::GenericSecret,
    }
}

fn skip_spaces(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    i
}

const TYPE_NAMES: &[&str] = &[
    "str",
    "string",
    "int",
    "bool",
    "boolean",
    "bytes",
    "secretstr",
    "optional",
    "any",
    "object",
    "&str",
    "char",
    "number",
    "integer",
    "float",
    "text",
    "varchar",
    "secretbytes",
    "none",
];

/// Score for `value` under a key of `kind`, or `None` if it is not a secret literal.
fn score_value(
    key: &str,
    kind: Kind,
    value: &str,
    quoted: bool,
    prose_like: bool,
    copula: bool,
    next: Option<u8>,
) -> Option<f32> {
    let v = value.trim();
    if v.is_empty() || is_placeholder(v) {
        return None;
    }
    // TYPE_NAMES are lower-case: equal ignoring ASCII case is equal after lower-casing.
    if TYPE_NAMES.iter().any(|t| t.eq_ignore_ascii_case(v)) || contains_bytes(v.as_bytes(), b"://")
    {
        return None;
    }
    if !quoted {
        // Function calls, member access, indexing, YAML tags/anchors/block scalars, env names.
        if next == Some(b'(')
            || v.contains('(')
            || v.contains('[')
            || v.contains('{')
            // YAML tags, block scalars, anchors and aliases (`key: !Ref x`, `key: *pw`); in
            // `.env`/INI (`KEY=*x!9`) these are ordinary password characters.
            || (prose_like && matches!(v.as_bytes().first(), Some(b'!' | b'|' | b'>' | b'&' | b'*')))
            || v.starts_with('/')
            || v.eq_ignore_ascii_case(key)
            || is_env_var_name(v)
            || is_member_access(v)
        {
            return None;
        }
    }
    let (lo, up, digit, other) = classes(v);
    let number_only = !lo && !up && !other;
    match kind {
        Kind::Password => {
            if v.chars().count() < 6 || (number_only && v.len() < 8) {
                return None;
            }
            if copula {
                // "my password is hunter2": only values that look like passwords.
                return (digit || other || (lo && up)).then_some(0.7);
            }
            if !quoted && prose_like && lo && !up && !digit && !other && v.len() <= 12 {
                return Some(0.45);
            }
            Some(0.8)
        }
        Kind::DockerAuth => {
            let raw = b64_decode(v)?;
            if raw.len() >= 3 && raw.contains(&b':') && std::str::from_utf8(&raw).is_ok() {
                Some(0.95)
            } else {
                None
            }
        }
        Kind::AzureKey => {
            if v.starts_with("Eby8vdM02xNOcqFl") || v.len() < 40 {
                return None;
            }
            Some(0.92)
        }
        Kind::Secret => {
            if v.len() < 10 || number_only {
                return None;
            }
            let h = entropy(v);
            if h < entropy_floor(v) {
                return None;
            }
            let mixed = (lo as u8 + up as u8 + digit as u8 + other as u8) >= 2;
            if !(digit || other || (v.len() >= 20 && mixed)) {
                return None;
            }
            // Prose after `token:` ("token: this is ...") has spaces; bare values cannot.
            // Lower-case word lists (`my-secret-name`, `db_credentials`) are object names.
            if v.contains(' ') || is_word_list(v) {
                return None;
            }
            if copula {
                return Some(0.6);
            }
            if v.len() >= 16 && h >= 3.5 {
                Some(0.8)
            } else {
                Some(0.7)
            }
        }
    }
}

/// `PASSWORD`, `API_KEY_1a2b`: an UPPER_SNAKE entity name with an optional `_` + 4–12 hex.
pub fn is_own_placeholder_name(s: &str) -> bool {
    let (name, tail) = match s.rsplit_once('_') {
        Some((n, t))
            if (4..=12).contains(&t.len())
                && t.bytes().all(|c| c.is_ascii_hexdigit())
                && t.bytes()
                    .any(|c| c.is_ascii_digit() || c.is_ascii_lowercase()) =>
        {
            (n, t)
        }
        _ => (s, ""),
    };
    let _ = tail;
    !name.is_empty()
        && name.bytes().next().is_some_and(|c| c.is_ascii_uppercase())
        && name
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
}

/// Lower-case alphabetic words joined by `-`/`_`/`.` (`my-secret-name`): a name, not a value.
fn is_word_list(v: &str) -> bool {
    // Byte-wise: every piece between separators non-empty and ASCII lower-case (a non-ASCII
    // char has no ASCII bytes, so it fails either way).
    let mut prev_sep = true;
    for c in v.bytes() {
        let sep = matches!(c, b'-' | b'_' | b'.');
        if (sep && prev_sep) || !(sep || c.is_ascii_lowercase()) {
            return false;
        }
        prev_sep = sep;
    }
    !prev_sep
}

/// `a.b`, `self.password`, `settings.DB.password` (identifiers joined by dots).
fn is_member_access(v: &str) -> bool {
    v.contains('.')
        && v.split('.').all(|p| {
            !p.is_empty()
                && p.bytes()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
                && p.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
        })
        && !v.bytes().any(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_list_bytewise_agrees_with_split() {
        let split = |v: &str| {
            v.split(['-', '_', '.'])
                .all(|w| !w.is_empty() && w.bytes().all(|c| c.is_ascii_lowercase()))
        };
        for v in [
            "",
            "a",
            "-",
            "a-b",
            "a--b",
            "-a",
            "a-",
            "my-secret-name",
            "db_credentials",
            "a.b_c-d",
            "aB",
            "a1",
            "é",
            "a-é",
            "abc.",
            ".abc",
            "a_-b",
            "x",
        ] {
            assert_eq!(is_word_list(v), split(v), "{v:?}");
        }
        for t in TYPE_NAMES {
            assert_eq!(*t, t.to_ascii_lowercase(), "{t}");
        }
    }
    use crate::detect::Engine;

    fn vals(text: &str) -> Vec<(String, &str)> {
        let e = Engine::with_detectors(vec![Box::new(SecretAssignment)]).unwrap();
        e.scan(text)
            .into_iter()
            .map(|f| (f.entity.name().to_string(), &text[f.start..f.end]))
            .collect()
    }

    fn one(text: &str) -> &str {
        let v = vals(text);
        assert_eq!(v.len(), 1, "{text}: {v:?}");
        v[0].1
    }

    #[test]
    fn forms() {
        assert_eq!(one("DB_PASSWORD=hunter2x"), "hunter2x");
        assert_eq!(one("export MYSQL_PWD='S3cure!pw'"), "S3cure!pw");
        assert_eq!(one("password: p@55w0rd\n"), "p@55w0rd");
        assert_eq!(one("{\"password\": \"Tr0ub4dor&3\"}"), "Tr0ub4dor&3");
        assert_eq!(one("{\\\"password\\\": \\\"Tr0ub4dor3\\\"}"), "Tr0ub4dor3");
        assert_eq!(one("db.password = \"Kx81!vvq\""), "Kx81!vvq");
        assert_eq!(one("spring.datasource.password=Zq8#mmw2"), "Zq8#mmw2");
        assert_eq!(one("<password>Qw9!xx77</password>"), "Qw9!xx77");
        assert_eq!(one("app --password Qw9!xx77 --verbose"), "Qw9!xx77");
        assert_eq!(
            one("Server=db;User Id=sa;Password=Pa55word!x;"),
            "Pa55word!x"
        );
        assert_eq!(
            one("jdbc:mysql://h/db?user=a&password=Pa55word9&ssl=1"),
            "Pa55word9"
        );
        assert_eq!(one("host=db password=Pa55word9 dbname=x"), "Pa55word9");
        assert_eq!(one("senha: Segredo#2024"), "Segredo#2024");
        assert_eq!(
            one("env:\n- name: DB_PASSWORD\n  value: \"Xk2#pq9w\"\n"),
            "Xk2#pq9w"
        );
        assert_eq!(
            one("{\"name\": \"api_token\", \"value\": \"a1B2c3D4e5F6g7\"}"),
            "a1B2c3D4e5F6g7"
        );
        assert_eq!(one("my password is Hunter2!x, thanks"), "Hunter2!x");
        assert_eq!(one("POSTGRES_PASSWORD=*Zx9%q^k~"), "*Zx9%q^k~");
        assert_eq!(one("DB_PASSWORD=%k9Zq+w=e"), "%k9Zq+w=e");
        assert_eq!(one("POSTGRES_PASSWORD==9AhT*2LRpJt"), "=9AhT*2LRpJt");
        assert_eq!(
            one("POSTGRES_PASSWORD=~bA~2sA=cGFgy!ZTN"),
            "~bA~2sA=cGFgy!ZTN"
        );
        assert_eq!(one("mein Passwort ist Sommer2024 ok"), "Sommer2024");
        assert_eq!(one("a minha senha é Lisboa#77"), "Lisboa#77");
        assert_eq!(one("Kennwort = \"Geheim!789\""), "Geheim!789");
        assert_eq!(one("mot_de_passe=Secret99!"), "Secret99!");
        assert_eq!(one("contraseña: Clave#9876"), "Clave#9876");
        assert_eq!(
            one("client_secret: \"aB3dE5gH7jK9mN1pQ3\""),
            "aB3dE5gH7jK9mN1pQ3"
        );
        assert_eq!(
            one("STRIPE_API_KEY=9f8e7d6c5b4a39281706f5e4"),
            "9f8e7d6c5b4a39281706f5e4"
        );
        assert_eq!(
            one("    token: eyAbc123def456ghi789\n"),
            "eyAbc123def456ghi789"
        );
        assert_eq!(
            one("\"private_key_id\": \"0123456789abcdef0123456789abcdef01234567\""),
            "0123456789abcdef0123456789abcdef01234567"
        );
        assert_eq!(one("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8=;EndpointSuffix=core.windows.net"), "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8=");
        let v = vals("{\"auths\":{\"r.io\":{\"auth\":\"dXNlcjpQYXNzd29yZDEyMw==\"}}}");
        assert_eq!(v, vec![("PASSWORD".into(), "dXNlcjpQYXNzd29yZDEyMw==")]);
    }

    #[test]
    fn non_secrets() {
        for t in [
            "password: ${DB_PASSWORD}",
            "password = os.environ['DB_PASSWORD']",
            "password = get_password()",
            "password: str",
            "password: Optional[str] = None",
            "password = config.password",
            "PASSWORD=$PASSWORD",
            "password: \"\"",
            "password: changeme",
            "password: <your-password>",
            "password_length: 16",
            "password_file=/run/secrets/db",
            "token_type: Bearer",
            "max_tokens=4096",
            "public_key: AAAAB3NzaC1yc2EAAAADAQABAAABgQC",
            "csrf_token: 3f9a8b7c6d5e4f3a2b1c",
            "author: Jane Smith",
            "keyboard: qwerty-layout-123",
            "api_key_id: 1234567890abcdef",
            "secretKeyRef:\n  name: db",
            "if password == \"hunter2x\":",
            "password: {{ .Values.db.password }}",
            "DB_PASSWORD=DATABASE_PASSWORD_VALUE",
            "token: true",
            "the password: secret",
            "a key: value pair",
            "auth: {}",
            "token = 12345678901234",
            "PASSWORD=<PASSWORD_1a2b3c4d>",
            "Your password: required",
            "the password is required for login",
            "your password is correct",
            "the token is valid",
            "if password==\"hunter2x\":",
            "next if $password =~ /^secret99$/;",
            "password: *default_pw",
            "password: !vault |",
            "- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef:\n      name: db",
            "secret: my-secret-name",
            "tokenSecretRef: tls-cert-store",
            "<PASSWORD_ab12cd>hunter2xyz</PASSWORD_ab12cd>",
        ] {
            assert!(vals(t).is_empty(), "{t}: {:?}", vals(t));
        }
    }

    #[test]
    fn key_words() {
        assert_eq!(
            words("awsSecretAccessKey"),
            vec!["aws", "Secret", "Access", "Key"]
        );
        assert_eq!(words("APIKey"), vec!["API", "Key"]);
        assert_eq!(words("client-key-data"), vec!["client", "key", "data"]);
        assert_eq!(classify("client-key-data"), Some(Kind::Secret));
        assert_eq!(classify("client-certificate-data"), None);
        assert_eq!(classify("x-api-key"), Some(Kind::Secret));
        assert_eq!(classify("secret_key_name"), None);
        assert_eq!(classify("identitytoken"), Some(Kind::Secret));
        assert_eq!(classify("csrftoken"), None);
        assert!(is_own_placeholder_name("PASSWORD_ab12cd"));
        assert!(is_own_placeholder_name("API_KEY"));
        assert!(!is_own_placeholder_name("password"));
    }
}
