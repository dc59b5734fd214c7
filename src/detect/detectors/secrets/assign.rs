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
//! Session 5: 25.7 M → 18.9 M: each key word is looked up once in one hash table of all the
//! lists (no `Vec` of words), the kind's length/class rejects run before the placeholder
//! test, and a collision-entropy lower bound decides most token values without `log2`.

use std::borrow::Cow;

use std::sync::OnceLock;

use super::util::{
    b64_decode, classes, contains_bytes, entropy, finding, is_env_var_name, is_placeholder,
    run_left, WordSet,
};
use crate::detect::checks::pack_word;
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

/// The words of a key: separators `_ - . space :`, camelCase and ACRONYMWord boundaries.
/// An iterator (no allocation per key).
struct Words<'a> {
    key: &'a str,
    start: usize,
    i: usize,
}

impl<'a> Words<'a> {
    fn new(key: &'a str) -> Words<'a> {
        Words {
            key,
            start: 0,
            i: 0,
        }
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let b = self.key.as_bytes();
        while self.i < b.len() {
            let i = self.i;
            self.i += 1;
            let c = b.get(i).copied().unwrap_or(b'_');
            if matches!(c, b'_' | b'-' | b'.' | b' ' | b':') {
                let s = self.start;
                self.start = i + 1;
                if i > s {
                    if let Some(w) = self.key.get(s..i) {
                        return Some(w);
                    }
                }
            } else if i > self.start {
                let prev = b.get(i - 1).copied().unwrap_or(b'_');
                let next = b.get(i + 1).copied().unwrap_or(b'_');
                let boundary = c.is_ascii_uppercase()
                    && (prev.is_ascii_lowercase()
                        || prev.is_ascii_digit()
                        || (prev.is_ascii_uppercase() && next.is_ascii_lowercase()));
                if boundary {
                    let s = self.start;
                    self.start = i;
                    if let Some(w) = self.key.get(s..i) {
                        return Some(w);
                    }
                }
            }
        }
        if self.start < b.len() {
            let s = self.start;
            self.start = b.len();
            return self.key.get(s..);
        }
        None
    }
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

/// Flags of a key word: the lists of [`classify`] it is in.
const EXCL_LAST: u8 = 1;
const EXCL_ANY: u8 = 2;
const PASSWORD: u8 = 4;
const SECRET: u8 = 8;
const QUALIFIER: u8 = 16;
/// `key` or `keys`.
const KEY: u8 = 32;

/// An ASCII word packed by [`pack_word`] (non-ASCII words take the per-list path).
#[inline]
fn pack_ascii(w: &[u8]) -> Option<u128> {
    if w.is_ascii() {
        pack_word(w)
    } else {
        None
    }
}

/// Slots of [`WordFlags`] (a power of two, at least twice the number of words).
const FLAG_SLOTS: usize = 1024;

/// All the word lists of [`classify`] in one open-addressing hash table from packed word to
/// flags: one lookup per key word instead of one binary search per list.
struct WordFlags {
    keys: Vec<u128>,
    flags: Vec<u8>,
}

impl WordFlags {
    fn slot(p: u128) -> usize {
        let h = ((p as u64) ^ ((p >> 64) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .wrapping_mul(0xD6E8_FEB8_6659_FD93);
        (h >> 54) as usize & (FLAG_SLOTS - 1)
    }

    fn build() -> WordFlags {
        let mut t = WordFlags {
            keys: vec![0; FLAG_SLOTS],
            flags: vec![0; FLAG_SLOTS],
        };
        let lists: [(&[&str], u8); 6] = [
            (EXCLUDED_LAST, EXCL_LAST),
            (EXCLUDED_ANY, EXCL_ANY),
            (PASSWORD_WORDS, PASSWORD),
            (SECRET_WORDS, SECRET),
            (KEY_QUALIFIERS, QUALIFIER),
            (&["key", "keys"], KEY),
        ];
        for (list, flag) in lists {
            // Entries that do not pack (non-ASCII, too long) never equal a word that packs;
            // words that do not pack take the slow path of [`word_flags`].
            for p in list.iter().filter_map(|x| pack_ascii(x.as_bytes())) {
                let mut i = Self::slot(p);
                loop {
                    match (t.keys.get(i).copied(), t.flags.get_mut(i)) {
                        (Some(k), Some(f)) if k == p || k == 0 => {
                            if let Some(slot) = t.keys.get_mut(i) {
                                *slot = p;
                            }
                            *f |= flag;
                            break;
                        }
                        (Some(_), Some(_)) => i = (i + 1) & (FLAG_SLOTS - 1),
                        _ => break,
                    }
                }
            }
        }
        t
    }

    /// Flags of the packed word `p` (0 if in no list).
    fn get(&self, p: u128) -> u8 {
        let mut i = Self::slot(p);
        loop {
            match self.keys.get(i).copied() {
                Some(k) if k == p => return self.flags.get(i).copied().unwrap_or(0),
                Some(0) | None => return 0,
                Some(_) => i = (i + 1) & (FLAG_SLOTS - 1),
            }
        }
    }
}

fn word_flag_table() -> &'static WordFlags {
    static T: OnceLock<WordFlags> = OnceLock::new();
    T.get_or_init(WordFlags::build)
}

/// The lists `w` is in, as [`in_list`] and the `key`/`keys` comparison of [`classify`]
/// answer them: a table lookup for a word that packs, else those tests one by one.
fn word_flags(w: &str) -> u8 {
    if let Some(p) = pack_ascii(w.as_bytes()) {
        return word_flag_table().get(p);
    }
    let l = lists();
    let mut f = 0;
    if in_list(w, EXCLUDED_LAST, &l.excluded_last) {
        f |= EXCL_LAST;
    }
    if in_list(w, EXCLUDED_ANY, &l.excluded_any) {
        f |= EXCL_ANY;
    }
    if in_list(w, PASSWORD_WORDS, &l.password) {
        f |= PASSWORD;
    }
    if in_list(w, SECRET_WORDS, &l.secret) {
        f |= SECRET;
    }
    if in_list(w, KEY_QUALIFIERS, &l.key_qualifiers) {
        f |= QUALIFIER;
    }
    if w.eq_ignore_ascii_case("key") || w.eq_ignore_ascii_case("keys") {
        f |= KEY;
    }
    f
}

/// The suffixes of the compound-word test of [`classify`] (`SECRET_WORDS` of >= 6 bytes,
/// `token`, `secret`) without those that end with another one (ending with the longer
/// implies ending with the shorter).
fn secret_suffixes() -> &'static [&'static [u8]] {
    static S: OnceLock<Vec<&'static [u8]>> = OnceLock::new();
    S.get_or_init(|| {
        let all: Vec<&'static [u8]> = SECRET_WORDS
            .iter()
            .filter(|s| s.len() >= 6)
            .map(|s| s.as_bytes())
            .chain([b"token".as_slice(), b"secret".as_slice()])
            .collect();
        let mut min: Vec<&'static [u8]> = all
            .iter()
            .copied()
            .filter(|s| !all.iter().any(|t| t.len() < s.len() && s.ends_with(t)))
            .collect();
        min.sort_unstable();
        min.dedup();
        min
    })
}

/// `compact` ends with a compound secret word (`apikey`, `clientsecret`, `xapikey`).
fn has_secret_suffix(compact: &[u8]) -> bool {
    let Some(&last) = compact.last() else {
        return false;
    };
    secret_suffixes()
        .iter()
        .any(|s| s.last() == Some(&last) && compact.ends_with(s))
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
    // One pass over the words: the lists each is in (pure tests, so computing all of them
    // and deciding below in the original order gives the same answer).
    let mut any = 0u8;
    let mut last = None;
    let mut key_qualified = false;
    for w in Words::new(key) {
        let f = word_flags(w);
        if f & KEY != 0 && last.is_some_and(|p: u8| p & QUALIFIER != 0) {
            key_qualified = true;
        }
        any |= f;
        last = Some(f);
    }
    let last = last?;
    if last & EXCL_LAST != 0 || any & EXCL_ANY != 0 {
        return None;
    }
    if sub.excluded || compact.ends_with(b"keyname") {
        return None;
    }
    if any & PASSWORD != 0 || sub.password {
        return Some(Kind::Password);
    }
    if any & SECRET != 0 {
        return Some(Kind::Secret);
    }
    // `api key`, `AccountKey`: `key` after a qualifier.
    if key_qualified {
        return Some(Kind::Secret);
    }
    // Compound single words: `apikey`, `secretkey`, `clientsecret`, `xapikey`, `dbpassword`.
    if has_secret_suffix(compact) {
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

/// Length of the longest of [`TYPE_NAMES`].
const TYPE_NAME_MAX: usize = 11;

/// Score for `value` under a key of `kind`, or `None` if it is not a secret literal.
///
/// Every test before the final `match` only rejects, so their order does not change the
/// answer: the kind's own length and character-class tests (a few instructions) run first,
/// the placeholder test (~1.4k instructions per value) last.
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
    if v.is_empty() {
        return None;
    }
    let (lo, up, digit, other) = classes(v);
    let number_only = !lo && !up && !other;
    let rejected = match kind {
        Kind::Password => {
            v.chars().count() < 6
                || (number_only && v.len() < 8)
                // "my password is hunter2": only values that look like passwords.
                || (copula && !(digit || other || (lo && up)))
        }
        Kind::DockerAuth => false,
        Kind::AzureKey => v.starts_with("Eby8vdM02xNOcqFl") || v.len() < 40,
        Kind::Secret => {
            let mixed = (lo as u8 + up as u8 + digit as u8 + other as u8) >= 2;
            v.len() < 10
                || number_only
                || !(digit || other || (v.len() >= 20 && mixed))
                // Prose after `token:` ("token: this is ...") has spaces; bare values cannot.
                // Lower-case word lists (`my-secret-name`, `db_credentials`) are object names.
                || v.contains(' ')
                || is_word_list(v)
        }
    };
    if rejected {
        return None;
    }
    // TYPE_NAMES are lower-case: equal ignoring ASCII case is equal after lower-casing (and
    // only possible up to the longest name's length).
    if (v.len() <= TYPE_NAME_MAX && TYPE_NAMES.iter().any(|t| t.eq_ignore_ascii_case(v)))
        || contains_bytes(v.as_bytes(), b"://")
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
    if is_placeholder(v) {
        return None;
    }
    match kind {
        Kind::Password => {
            if copula {
                return Some(0.7);
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
        Kind::AzureKey => Some(0.92),
        Kind::Secret => {
            let high = secret_entropy(v)?;
            if copula {
                return Some(0.6);
            }
            Some(if high { 0.8 } else { 0.7 })
        }
    }
}

/// The entropy tests of a `GenericSecret` value `v` (>= 10 bytes): `None` if
/// `entropy(v) < entropy_floor(v)`, else whether it scores high (`v.len() >= 16 &&
/// entropy(v) >= 3.5`).
///
/// Most token values are decided without the `log2` per distinct byte of [`entropy`], by a
/// lower bound: the collision entropy `-log2(sum p²)` (with byte counts `c` among `n` bytes,
/// `log2(n² / sum c²)`) never exceeds the Shannon entropy (Jensen's inequality). When
/// `n² >= 11.4 sum c²` the entropy is >= log2(11.4) > 3.51: above 3.5 and so above every floor
/// (at most 3.5). For `n < 16` (floor at most 3.0, no high score) `n² >= 8.06 sum c²` gives
/// >= 3.01. The margins (>= 0.01 bit) dwarf the rounding of the computed entropy (~1e-13).
fn secret_entropy(v: &str) -> Option<bool> {
    let b = v.as_bytes();
    let n = b.len();
    if n <= usize::from(u16::MAX) {
        let mut counts = [0u16; 256];
        // Sum of the squared counts: each new occurrence adds 2c - 1.
        let mut sq = 0u64;
        for &c in b {
            if let Some(k) = counts.get_mut(usize::from(c)) {
                *k += 1;
                sq += 2 * u64::from(*k) - 1;
            }
        }
        let n2 = (n as u64) * (n as u64);
        if 10 * n2 >= 114 * sq {
            return Some(n >= 16);
        }
        if n < 16 && 100 * n2 >= 806 * sq {
            return Some(false);
        }
    }
    let h = entropy(v);
    if h < entropy_floor(v) {
        return None;
    }
    Some(n >= 16 && h >= 3.5)
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

    fn words(key: &str) -> Vec<&str> {
        Words::new(key).collect()
    }

    /// The code the fast paths replaced, kept verbatim as the reference of the differential
    /// tests below.
    mod reference {
        use super::super::super::util::{contains_bytes, entropy};
        use super::super::*;

        pub fn words(key: &str) -> Vec<&str> {
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

        pub fn classify(key: &str) -> Option<Kind> {
            let compact: Vec<u8> = if key.is_ascii() {
                key.bytes()
                    .filter(u8::is_ascii_alphanumeric)
                    .map(|c| c.to_ascii_lowercase())
                    .collect()
            } else {
                key.to_lowercase()
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect::<String>()
                    .into_bytes()
            };
            let compact = compact.as_slice();
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

        pub fn secret_suffix(compact: &[u8]) -> bool {
            SECRET_WORDS
                .iter()
                .any(|s| s.len() >= 6 && compact.ends_with(s.as_bytes()))
                || compact.ends_with(b"token")
                || compact.ends_with(b"secret")
        }

        pub fn score_value(
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
            if TYPE_NAMES.iter().any(|t| t.eq_ignore_ascii_case(v))
                || contains_bytes(v.as_bytes(), b"://")
            {
                return None;
            }
            if !quoted
                && (next == Some(b'(')
                    || v.contains('(')
                    || v.contains('[')
                    || v.contains('{')
                    || (prose_like
                        && matches!(v.as_bytes().first(), Some(b'!' | b'|' | b'>' | b'&' | b'*')))
                    || v.starts_with('/')
                    || v.eq_ignore_ascii_case(key)
                    || is_env_var_name(v)
                    || is_member_access(v))
            {
                return None;
            }
            let (lo, up, digit, other) = classes(v);
            let number_only = !lo && !up && !other;
            match kind {
                Kind::Password => {
                    if v.chars().count() < 6 || (number_only && v.len() < 8) {
                        return None;
                    }
                    if copula {
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
    }

    /// Deterministic generator for the differential tests.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
            xs[self.below(xs.len())]
        }
    }

    /// Every word of every list plus near misses, non-ASCII words and fragments.
    fn vocabulary() -> Vec<String> {
        let mut v: Vec<String> = [
            EXCLUDED_LAST,
            EXCLUDED_ANY,
            PASSWORD_WORDS,
            SECRET_WORDS,
            KEY_QUALIFIERS,
            TYPE_NAMES,
        ]
        .iter()
        .flat_map(|l| l.iter().map(|w| w.to_string()))
        .collect();
        for w in [
            "key",
            "keys",
            "KEY",
            "Key",
            "kEyS",
            "data",
            "db",
            "redis",
            "my",
            "x",
            "ID",
            "Id",
            "CONTRASEÑA",
            "Contraseña",
            "contraseña",
            "Passwort",
            "PASSWÖRT",
            "é",
            "ñ",
            "İd",
            "Kennwort",
            "palavra",
            "palavrapasse",
            "motdepasse",
            "publickey",
            "keyid",
            "csrf",
            "xsrf",
            "keyname",
            "privatekeyid",
            "accountkey",
            "sharedaccesskey",
            "authorization",
            "oauth2",
            "passeport",
            "aaaaaaaaaaaaaaaa",
            "secretaccesskeyx",
            "a1",
            "2",
            "",
        ] {
            v.push(w.to_string());
        }
        v
    }

    fn case_variant(r: &mut Rng, w: &str) -> String {
        match r.below(4) {
            0 => w.to_string(),
            1 => w.to_uppercase(),
            2 => {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            }
            _ => w
                .chars()
                .map(|c| {
                    if r.below(2) == 0 {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    }
                })
                .collect(),
        }
    }

    fn random_key(r: &mut Rng, vocab: &[String]) -> String {
        const SEPS: &[&str] = &["_", "-", ".", " ", ":", "", "__", "1", "Q"];
        let n = 1 + r.below(4);
        let mut k = String::new();
        if r.below(8) == 0 {
            k.push_str(r.pick(&["_", "-", ".", "x", "X"]));
        }
        for i in 0..n {
            if i > 0 {
                k.push_str(r.pick(SEPS));
            }
            let w = &vocab[r.below(vocab.len())];
            k.push_str(&case_variant(r, w));
        }
        if r.below(8) == 0 {
            k.push_str(r.pick(&["_", "s", "ID", "Key", "1", "é"]));
        }
        k
    }

    #[test]
    fn words_iterator_agrees_with_reference() {
        let vocab = vocabulary();
        let mut r = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..40_000 {
            let k = random_key(&mut r, &vocab);
            assert_eq!(words(&k), reference::words(&k), "{k:?}");
        }
        for k in [
            "",
            "_",
            "a",
            "A",
            "aB",
            "ABc",
            "HTTPServer",
            "x1Y",
            "a__b",
            "é_É",
            "ñA",
        ] {
            assert_eq!(words(k), reference::words(k), "{k:?}");
        }
    }

    #[test]
    fn word_flags_agree_with_lists() {
        let l = lists();
        let check = |w: &str| {
            let f = word_flags(w);
            let want = [
                (in_list(w, EXCLUDED_LAST, &l.excluded_last), EXCL_LAST),
                (in_list(w, EXCLUDED_ANY, &l.excluded_any), EXCL_ANY),
                (in_list(w, PASSWORD_WORDS, &l.password), PASSWORD),
                (in_list(w, SECRET_WORDS, &l.secret), SECRET),
                (in_list(w, KEY_QUALIFIERS, &l.key_qualifiers), QUALIFIER),
                (
                    w.eq_ignore_ascii_case("key") || w.eq_ignore_ascii_case("keys"),
                    KEY,
                ),
            ]
            .iter()
            .fold(0u8, |a, &(b, bit)| if b { a | bit } else { a });
            assert_eq!(f, want, "{w:?}");
        };
        let vocab = vocabulary();
        let mut r = Rng(42);
        for w in &vocab {
            if w.is_empty() {
                continue;
            }
            check(w);
            check(&w.to_uppercase());
            check(&format!("{w}s"));
            check(&format!("x{w}"));
            check(
                &w.chars()
                    .take(w.chars().count() / 2 + 1)
                    .collect::<String>(),
            );
        }
        for _ in 0..20_000 {
            let n = 1 + r.below(18);
            let w: String = (0..n)
                .map(|_| char::from(b"aeikmnoprstuyKEY_"[r.below(17)]))
                .collect();
            check(&w);
        }
    }

    #[test]
    fn secret_suffix_agrees_with_reference() {
        let vocab = vocabulary();
        let mut r = Rng(7);
        for _ in 0..20_000 {
            let k = random_key(&mut r, &vocab).to_ascii_lowercase();
            let compact: Vec<u8> = k.bytes().filter(u8::is_ascii_alphanumeric).collect();
            assert_eq!(
                has_secret_suffix(&compact),
                reference::secret_suffix(&compact),
                "{k:?}"
            );
        }
        assert!(!has_secret_suffix(b""));
    }

    #[test]
    fn classify_agrees_with_reference() {
        let vocab = vocabulary();
        let mut r = Rng(0xDEAD_BEEF);
        let mut kinds = [0usize; 5];
        for _ in 0..60_000 {
            let k = random_key(&mut r, &vocab);
            let got = classify(&k);
            assert_eq!(got, reference::classify(&k), "{k:?}");
            kinds[got.map_or(4, |k| k as usize)] += 1;
        }
        // Every outcome is exercised.
        assert!(kinds.iter().all(|&n| n > 50), "{kinds:?}");
        let long = "a_".repeat(100) + "password";
        assert_eq!(classify(&long), reference::classify(&long));
    }

    /// Values for the differential test of [`score_value`]: tokens of every alphabet and
    /// length, skewed byte distributions near the entropy thresholds, placeholders, type
    /// names, references, word lists, prose.
    fn random_value(r: &mut Rng) -> String {
        const ALPHABETS: &[&str] = &[
            "0123456789abcdef",
            "0123456789ABCDEF",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=",
            "abcdefghijklmnopqrstuvwxyz0123456789-_",
            "abcdefghijklmnopqrstuvwxyz",
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "0123456789",
            "ab",
            "abc1",
            "aab1!",
            "aaaaaaaab1",
            "xX*#.-_0",
            "!@#$%^&*()[]{}<>/\\|:;,.?~`'\" ",
            "ab-_.",
            "éñü€a1",
        ];
        const SPECIAL: &[&str] = &[
            "${DB_PASSWORD}",
            "changeme",
            "str",
            "Optional",
            "SecretStr",
            "https://x.io/a",
            "a://b",
            "os.environ",
            "config.password",
            "DB_PASSWORD",
            "<your-token>",
            "xxxxxxxxxxxx",
            "my-secret-name",
            "this is a token value 123",
            "dXNlcjpQYXNzd29yZDEyMw==",
            "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8=",
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
            "1234567890",
            "12345678",
            "abcdefghij",
            "qwertyuiop",
            "AKIAIOSFODNN7EXAMPLE",
            "ghp_xxxxxxxxxxxxxxxxxxxx",
            "!Ref abc123def",
            "*anchor12345",
            "/etc/secret1",
            "get_pw(1)",
            "a[0]123456",
            "{x}12345678",
            "hunter2",
            "Hunter22",
            "token_here_key",
        ];
        if r.below(6) == 0 {
            let mut s = r.pick(SPECIAL).to_string();
            if r.below(3) == 0 {
                s.push_str(&r.below(1000).to_string());
            }
            return s;
        }
        let alpha: Vec<char> = r.pick(ALPHABETS).chars().collect();
        let n = match r.below(4) {
            0 => r.below(12),
            1 => 8 + r.below(16),
            2 => 16 + r.below(48),
            _ => r.below(300),
        };
        // Skew: a random prefix of the alphabet is favoured, so counts vary widely.
        let skew = 1 + r.below(alpha.len());
        let mut s: String = (0..n)
            .map(|_| {
                if r.below(3) == 0 {
                    alpha[r.below(skew)]
                } else {
                    alpha[r.below(alpha.len())]
                }
            })
            .collect();
        if r.below(10) == 0 {
            s = format!(" {s} ");
        }
        s
    }

    #[test]
    fn score_value_agrees_with_reference() {
        let mut r = Rng(0x1234_5678_9ABC_DEF1);
        let kinds = [
            Kind::Password,
            Kind::Secret,
            Kind::DockerAuth,
            Kind::AzureKey,
        ];
        let keys = ["password", "api_key", "auth", "AccountKey", "token"];
        let nexts = [None, Some(b'('), Some(b' '), Some(b'"')];
        let mut scored = 0usize;
        for _ in 0..200_000 {
            let v = random_value(&mut r);
            let kind = kinds[r.below(kinds.len())];
            let key = r.pick(&keys);
            let (quoted, prose, copula) = (r.below(2) == 0, r.below(2) == 0, r.below(4) == 0);
            let next = nexts[r.below(nexts.len())];
            let got = score_value(key, kind, &v, quoted, prose, copula, next);
            let want = reference::score_value(key, kind, &v, quoted, prose, copula, next);
            assert_eq!(
                got.map(f32::to_bits),
                want.map(f32::to_bits),
                "{kind:?} {v:?}"
            );
            scored += usize::from(got.is_some());
        }
        assert!(scored > 20_000, "{scored}");
    }

    #[test]
    fn secret_entropy_agrees_with_entropy() {
        let direct = |v: &str| {
            let h = super::super::util::entropy(v);
            (h >= entropy_floor(v)).then_some(v.len() >= 16 && h >= 3.5)
        };
        let mut r = Rng(99);
        let mut shortcut = 0usize;
        for _ in 0..200_000 {
            let v = random_value(&mut r);
            if v.len() < 10 {
                continue;
            }
            assert_eq!(secret_entropy(&v), direct(&v), "{v:?}");
            let n = v.len() as u64;
            let mut c = [0u64; 256];
            v.bytes().for_each(|b| c[usize::from(b)] += 1);
            let sq: u64 = c.iter().map(|x| x * x).sum();
            shortcut += usize::from(10 * n * n >= 114 * sq);
        }
        assert!(shortcut > 10_000, "{shortcut}");
        // Around the thresholds: two symbols, then k distinct symbols with one repeated.
        for n in 10..80 {
            for k in 1..=n {
                let v: String = (0..n)
                    .map(|i| char::from(b'!' + (i % k) as u8 % 90))
                    .collect();
                assert_eq!(secret_entropy(&v), direct(&v), "{v:?}");
                let w: String = (0..n)
                    .map(|i| {
                        if i < k {
                            char::from(b'0' + (i % 70) as u8)
                        } else {
                            'z'
                        }
                    })
                    .collect();
                assert_eq!(secret_entropy(&w), direct(&w), "{w:?}");
            }
        }
    }

    #[test]
    fn type_name_max_is_the_longest() {
        assert_eq!(
            TYPE_NAMES.iter().map(|t| t.len()).max(),
            Some(TYPE_NAME_MAX)
        );
    }

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
