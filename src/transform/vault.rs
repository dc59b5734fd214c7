//! The request-scoped vault: replacement values for detected entities and the
//! `replacement -> original` table used to restore the response.
//!
//! Owns: [`TenantKey`] (per-tenant HMAC key derived from the server secret and the tenant id),
//! [`Vault`] (one per request and tenant: applies [`Action`]s, records restorable
//! replacements, neutralises placeholder look-alikes typed by the user).
//! Never: shares state across requests, tenants or replicas; logs values; records
//! non-restorable replacements (redact, hash, mask) or built-in secrets the policy does not
//! explicitly restore (`EffectivePolicy::restored_secrets`, see `policy`).
//! Called by: the sanitizer's leaf visitor (`server::service`, `cli` scrub), then
//! [`Vault::restorer`] for the response filter.
//!
//! # Wiring (one request)
//!
//! ```text
//! let policy = policy_config.effective(tenant_id, provider_id);      // resolve once, cache
//! let mut vault = Vault::for_policy(TenantKey::derive(server_secret, tenant_id), &policy);
//! for each user-text leaf the walker visits (also leaves without findings: neutralisation):
//!     let findings = engine.scan(leaf);
//!     if let Some(new) = vault.sanitize_text(leaf, &findings, &policy)? { *leaf = new }
//!     // Err(TransformError::Refused) = a `block` entity: refuse the request (403)
//! let restorer = if policy.restore { vault.restorer()? } else { Restorer::empty() };
//! let scanner = EngineScanner { engine, mode: policy.scan_responses, scratch }   // unless Off
//! let filter = response_filter(endpoint, is_sse, FilterOptions::new(restorer).with_scanner(..));
//! ```
//!
//! # Placeholders
//!
//! `<` + entity name (UPPER_SNAKE, `[A-Z][A-Z0-9_]*`) + `_` + 6 to 16 lowercase hex digits +
//! `>`, e.g. `<PERSON_3f9a2c>`. The hex tag is the start of
//! `HMAC-SHA256(tenant key, "pseudonym" | entity | value)`, so the same value of the same
//! tenant gets the same placeholder across requests, turns and replicas (a consistent history
//! for the model and byte-identical prefixes for provider prompt caching), while other tenants
//! get unrelated tags. When two different values of one request collide on a tag, the later
//! one gets a longer tag (8, 10, ... 16 hex); such a lengthened tag is the only case where a
//! value's placeholder depends on the rest of the request.
//!
//! # No restore injection
//!
//! Restoration only ever uses the mapping of the current request. In addition,
//! [`Vault::neutralize`] re-tokenises any placeholder look-alike that the request already
//! contains (typed by the user or pasted from elsewhere) into a placeholder of its own,
//! `<PLACEHOLDER_xxxxxx>`, recorded to restore to the literal look-alike text. So the
//! model never sees the user's `<PERSON_3f9a2c>`; if it writes `<PERSON_3f9a2c>` it copied our
//! placeholder for a value that this request did contain. The user's literal text round-trips.
//!
//! # Surrogates
//!
//! Deterministic (keyed HMAC stream) and restorable. Email: local part keeps its shape
//! (letters -> letters, digits -> digits, separators kept), domain becomes `example.com`,
//! `.net` or `.org` (RFC 2606). Card: same length and separators, first digit kept, Luhn
//! valid. Phone: same length and separators, a leading `+` and the first digit kept. IBAN:
//! same country and length, valid mod-97 check digits. Person: a name from a built-in list
//! (one or two words like the original). Location: a city from a built-in list. IP: IPv4 in
//! the documentation ranges 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24; IPv6 in 2001:db8::/32.
//! Everything else: shape-preserving (digit -> digit, upper -> upper, lower -> lower, the rest
//! kept); national-id checksums are then *not* valid. A surrogate that equals another key of
//! the request is re-drawn.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::policy::{restorable_entity, Action, EffectivePolicy};
use super::restore::Restorer;
use super::TransformError;
use crate::detect::{Entity, Finding};

type HmacSha256 = Hmac<Sha256>;

/// The vault's maps: foldhash, seeded per process, instead of SipHash. Keys are values and
/// replacements of one request (bounded by the body cap, never shared across requests), and
/// hashing them was ~3% of the sanitize stage with SipHash (perf, session 10).
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Room reserved on a map's first insert: the ~10 findings of a typical prompt fit without
/// growing (and rehashing) from empty three times.
const FIRST_RESERVE: usize = 16;

/// Entity name used for re-tokenised placeholder look-alikes.
pub const NEUTRALIZED_ENTITY: &str = "PLACEHOLDER";

const MIN_TAG_HEX: usize = 6;
const MAX_TAG_HEX: usize = 16;
const HASH_HEX: usize = 8;

/// Per-tenant secret key. Never printed.
///
/// Held as the HMAC state with the key already absorbed (the inner and outer padded key
/// blocks): each MAC clones it instead of re-hashing the key, two SHA-256 compressions
/// instead of four for a short message (~10 MACs per request with ~10 findings).
#[derive(Clone)]
pub struct TenantKey(HmacSha256);

impl fmt::Debug for TenantKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TenantKey(..)")
    }
}

impl TenantKey {
    /// `HMAC-SHA256(server_secret, "promptwall/tenant-key/v1" | 0 | tenant_id)`. Every replica
    /// with the same server secret derives the same key; no shared state is needed.
    pub fn derive(server_secret: &[u8], tenant_id: &str) -> Self {
        let key = hmac_parts(
            server_secret,
            &[b"promptwall/tenant-key/v1", tenant_id.as_bytes()],
        );
        // HMAC accepts keys of any length: `new_from_slice` cannot fail for HMAC.
        let mac = match HmacSha256::new_from_slice(&key) {
            Ok(m) => m,
            Err(_) => <HmacSha256 as hmac::digest::KeyInit>::new(&Default::default()),
        };
        TenantKey(mac)
    }

    fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = self.0.clone();
        update_parts(&mut mac, parts);
        mac.finalize().into_bytes().into()
    }
}

/// `<{entity}{sep}{first n hex digits of mac}>`. Only the bytes a tag uses are encoded, on
/// the stack: `hex::encode` of all 32 bytes into a `String` cost more than the MAC itself
/// with SHA-NI (perf, session 10).
fn tagged(entity: &str, sep: &str, mac: &[u8; 32], n: usize) -> String {
    let mut hex = [0u8; MAX_TAG_HEX];
    let bytes = mac.get(..MAX_TAG_HEX / 2).unwrap_or(mac);
    let digits = match hex::encode_to_slice(bytes, &mut hex) {
        Ok(()) => std::str::from_utf8(hex.get(..n).unwrap_or(&hex)).unwrap_or_default(),
        Err(_) => "",
    };
    let mut out = String::with_capacity(entity.len() + sep.len() + digits.len() + 2);
    out.push('<');
    out.push_str(entity);
    out.push_str(sep);
    out.push_str(digits);
    out.push('>');
    out
}

fn update_parts(mac: &mut HmacSha256, parts: &[&[u8]]) {
    for p in parts {
        mac.update(&(p.len() as u64).to_be_bytes());
        mac.update(p);
    }
}

fn hmac_parts(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length: `new_from_slice` cannot fail for HMAC.
    let mut mac = match HmacSha256::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return [0; 32],
    };
    update_parts(&mut mac, parts);
    mac.finalize().into_bytes().into()
}

/// Deterministic byte stream from the tenant key (HMAC in counter mode).
struct KeyedRng<'a> {
    key: &'a TenantKey,
    seed: [u8; 32],
    block: [u8; 32],
    pos: usize,
    counter: u64,
}

impl<'a> KeyedRng<'a> {
    fn new(key: &'a TenantKey, parts: &[&[u8]]) -> Self {
        let seed = key.mac(parts);
        KeyedRng {
            key,
            seed,
            block: seed,
            pos: 0,
            counter: 0,
        }
    }
    fn byte(&mut self) -> u8 {
        if self.pos >= self.block.len() {
            self.counter += 1;
            self.block = self.key.mac(&[&self.seed, &self.counter.to_be_bytes()]);
            self.pos = 0;
        }
        let b = self.block.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }
    /// Roughly uniform in `0..n` (n <= 256; the bias is irrelevant here).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            usize::from(self.byte()) % n
        }
    }
    fn digit(&mut self) -> char {
        char::from(b'0' + self.below(10) as u8)
    }
    fn pick<'s>(&mut self, list: &[&'s str]) -> &'s str {
        list.get(self.below(list.len())).copied().unwrap_or("x")
    }
}

const FIRST_NAMES: &[&str] = &[
    "Alex", "Maria", "James", "Sofia", "Daniel", "Laura", "Martin", "Elena", "Thomas", "Anna",
    "Lucas", "Clara", "Peter", "Julia", "Samuel", "Nora", "David", "Irene", "Oliver", "Marta",
];
const LAST_NAMES: &[&str] = &[
    "Fischer",
    "Moreau",
    "Rossi",
    "Novak",
    "Jensen",
    "Silva",
    "Keller",
    "Duarte",
    "Brennan",
    "Varga",
    "Lindqvist",
    "Marsh",
    "Holt",
    "Romero",
    "Weber",
    "Okafor",
    "Petrov",
    "Castell",
];
const CITIES: &[&str] = &[
    "Springfield",
    "Riverton",
    "Fairview",
    "Lakewood",
    "Greenville",
    "Kingsport",
    "Milford",
    "Ashford",
    "Brookside",
    "Clearwater",
];

/// A request-scoped vault for one tenant.
#[derive(Debug)]
pub struct Vault {
    key: TenantKey,
    mask_keep_last: usize,
    /// original -> `(entity, action, replacement)` for each way it was replaced: a value
    /// repeated in the request gets the same replacement. Keyed by the original alone so a
    /// lookup borrows it (no key allocated per finding); one value rarely has two entries.
    issued: Map<String, Vec<(Entity, Action, String)>>,
    /// Every replacement issued in this request -> its original (restorable or not), for
    /// collision checks.
    taken: Map<String, String>,
    /// Restorable replacements only: replacement -> original.
    restore: Map<String, String>,
    /// Built-in secret entities whose pseudonyms/surrogates are restored (from the policy).
    restored_secrets: BTreeSet<String>,
}

impl Vault {
    /// An empty vault; `mask_keep_last` from the effective policy. Built-in secrets are never
    /// restored (the default policy); use [`Vault::for_policy`] to honour an explicit opt-in.
    pub fn new(key: TenantKey, mask_keep_last: usize) -> Self {
        Vault {
            key,
            mask_keep_last,
            issued: Map::default(),
            taken: Map::default(),
            restore: Map::default(),
            restored_secrets: BTreeSet::new(),
        }
    }

    /// An empty vault configured from the effective policy (`mask_keep_last`, and the
    /// built-in secrets the policy explicitly restores).
    pub fn for_policy(key: TenantKey, policy: &EffectivePolicy) -> Self {
        let mut v = Self::new(key, policy.mask_keep_last);
        v.restored_secrets = policy.restored_secrets.clone();
        v
    }

    /// Number of restorable replacements recorded.
    pub fn restorable_len(&self) -> usize {
        self.restore.len()
    }

    /// Whether nothing restorable was recorded.
    pub fn is_empty(&self) -> bool {
        self.restore.is_empty()
    }

    /// The replacement for one value. `Allow` returns the original; `Block` is an error
    /// (`TransformError::Refused`, naming the entity only).
    pub fn replace(
        &mut self,
        entity: &Entity,
        original: &str,
        action: Action,
    ) -> Result<String, TransformError> {
        match action {
            Action::Allow => return Ok(original.to_owned()),
            Action::Block => {
                return Err(TransformError::Refused(format!(
                    "{} is not allowed",
                    entity.name()
                )))
            }
            _ => {}
        }
        if let Some(r) = self.issued.get(original).and_then(|all| {
            all.iter()
                .find(|(e, a, _)| *a == action && e.name() == entity.name())
        }) {
            return Ok(r.2.clone());
        }
        let replacement = match action {
            Action::Redact => format!("<{}>", entity.name()),
            Action::Hash => {
                let mac = self
                    .key
                    .mac(&[b"hash", entity.name().as_bytes(), original.as_bytes()]);
                tagged(entity.name(), ":sha256:", &mac, HASH_HEX)
            }
            Action::Mask => mask(original, self.mask_keep_last),
            Action::Pseudonymize => self.pseudonym(entity.name(), original),
            Action::Surrogate => self.surrogate(entity, original),
            Action::Allow | Action::Block => original.to_owned(),
        };
        if self.issued.is_empty() {
            self.issued.reserve(FIRST_RESERVE);
            self.taken.reserve(FIRST_RESERVE);
            self.restore.reserve(FIRST_RESERVE);
        }
        if action.is_restorable() {
            self.taken.insert(replacement.clone(), original.to_owned());
            if restorable_entity(entity, &self.restored_secrets) {
                self.restore
                    .insert(replacement.clone(), original.to_owned());
            }
        }
        self.issued.entry(original.to_owned()).or_default().push((
            entity.clone(),
            action,
            replacement.clone(),
        ));
        Ok(replacement)
    }

    /// `<ENTITY_tag>` with the shortest tag (>= 6 hex) not used for another value.
    fn pseudonym(&self, entity: &str, original: &str) -> String {
        let mac = self
            .key
            .mac(&[b"pseudonym", entity.as_bytes(), original.as_bytes()]);
        let mut n = MIN_TAG_HEX;
        while n <= MAX_TAG_HEX {
            let candidate = tagged(entity, "_", &mac, n);
            if self.free(&candidate, original) {
                return candidate;
            }
            n += 2;
        }
        // 64-bit collision inside one request: re-draw with a counter.
        let mut attempt: u64 = 1;
        loop {
            let mac = self.key.mac(&[
                b"pseudonym",
                entity.as_bytes(),
                original.as_bytes(),
                &attempt.to_be_bytes(),
            ]);
            let candidate = tagged(entity, "_", &mac, MAX_TAG_HEX);
            if self.free(&candidate, original) {
                return candidate;
            }
            attempt += 1;
        }
    }

    fn free(&self, candidate: &str, original: &str) -> bool {
        self.taken.get(candidate).is_none_or(|o| o == original)
    }

    fn surrogate(&self, entity: &Entity, original: &str) -> String {
        let mut attempt: u64 = 0;
        loop {
            let mut rng = KeyedRng::new(
                &self.key,
                &[
                    b"surrogate",
                    entity.name().as_bytes(),
                    original.as_bytes(),
                    &attempt.to_be_bytes(),
                ],
            );
            let candidate = make_surrogate(entity, original, &mut rng);
            // Re-draw when the fake equals the original or another value's replacement; after
            // many attempts (tiny shapes such as a 1-digit value) fall back to a placeholder.
            if candidate != original && self.free(&candidate, original) {
                return candidate;
            }
            attempt += 1;
            if attempt > 64 {
                return self.pseudonym(entity.name(), original);
            }
        }
    }

    /// Rewrite every placeholder look-alike in `text` into a `<PLACEHOLDER_tag>` of its own
    /// (restorable to the literal look-alike text). Returns the text unchanged (borrowed) when
    /// it contains none.
    pub fn neutralize<'a>(&mut self, text: &'a str) -> Cow<'a, str> {
        let spans = find_lookalikes(text);
        if spans.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + 8);
        let mut last = 0;
        for (s, e) in spans {
            out.push_str(text.get(last..s).unwrap_or_default());
            let literal = text.get(s..e).unwrap_or_default();
            let token = self.pseudonym(NEUTRALIZED_ENTITY, literal);
            self.taken.insert(token.clone(), literal.to_owned());
            self.restore.insert(token.clone(), literal.to_owned());
            out.push_str(&token);
            last = e;
        }
        out.push_str(text.get(last..).unwrap_or_default());
        Cow::Owned(out)
    }

    /// Sanitize one text leaf: apply the policy action of each finding (sorted,
    /// non-overlapping, char-boundary offsets as the engine returns them) and neutralise
    /// look-alikes in the text between findings. `Ok(None)` when the text is unchanged.
    /// A finding with invalid offsets fails closed (`UnexpectedShape`).
    pub fn sanitize_text(
        &mut self,
        text: &str,
        findings: &[Finding],
        policy: &EffectivePolicy,
    ) -> Result<Option<String>, TransformError> {
        let mut out = String::with_capacity(text.len() + 16);
        let mut last = 0;
        let mut changed = false;
        for f in findings {
            let (Some(between), Some(value)) = (text.get(last..f.start), text.get(f.start..f.end))
            else {
                return Err(TransformError::UnexpectedShape {
                    path: "finding offsets".into(),
                });
            };
            let n = self.neutralize(between);
            changed |= matches!(n, Cow::Owned(_));
            out.push_str(&n);
            let action = policy.action_for(&f.entity);
            let r = self.replace(&f.entity, value, action)?;
            changed |= r != value;
            out.push_str(&r);
            last = f.end;
        }
        let rest = text.get(last..).unwrap_or_default();
        let n = self.neutralize(rest);
        changed |= matches!(n, Cow::Owned(_));
        out.push_str(&n);
        Ok(changed.then_some(out))
    }

    /// Compile the restoration table of this request (once, after sanitizing).
    pub fn restorer(&self) -> Result<Restorer, TransformError> {
        Restorer::new(self.restore.iter().map(|(k, v)| (k.clone(), v.clone())))
    }

    /// The restorable `replacement -> original` pairs (for tests and the scrub CLI).
    pub fn restorable(&self) -> impl Iterator<Item = (&str, &str)> {
        self.restore.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// Spans of `<NAME_hex>` look-alikes: NAME `[A-Z][A-Z0-9_]*`, hex 6..=16 lowercase.
pub fn find_lookalikes(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    for start in memchr::memchr_iter(b'<', bytes) {
        if spans.last().is_some_and(|&(_, e)| start < e) {
            continue;
        }
        let body_start = start + 1;
        let mut i = body_start;
        while bytes.get(i).is_some_and(|c| {
            c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_' || (b'a'..=b'f').contains(c)
        }) {
            i += 1;
            if i - body_start > 128 {
                break;
            }
        }
        if bytes.get(i) != Some(&b'>') {
            continue;
        }
        let Some(body) = text.get(body_start..i) else {
            continue;
        };
        let Some((name, tag)) = body.rsplit_once('_') else {
            continue;
        };
        let tag_ok = (MIN_TAG_HEX..=MAX_TAG_HEX).contains(&tag.len())
            && tag
                .bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c));
        if tag_ok && super::policy::is_entity_name(name) {
            spans.push((start, i + 1));
        }
    }
    spans
}

/// Keep the last `keep_last` alphanumerics, `*` for the other alphanumerics, separators kept.
/// A value with at most `keep_last` alphanumerics is masked entirely.
pub fn mask(value: &str, keep_last: usize) -> String {
    let alnum = value.chars().filter(|c| c.is_alphanumeric()).count();
    let keep_from = if alnum <= keep_last {
        usize::MAX
    } else {
        alnum - keep_last
    };
    let mut seen = 0;
    value
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                seen += 1;
                if seen > keep_from {
                    c
                } else {
                    '*'
                }
            } else {
                c
            }
        })
        .collect()
}

fn make_surrogate(entity: &Entity, original: &str, rng: &mut KeyedRng<'_>) -> String {
    match entity {
        Entity::EmailAddress => surrogate_email(original, rng),
        Entity::CreditCard => surrogate_card(original, rng),
        Entity::PhoneNumber => surrogate_phone(original, rng),
        Entity::IbanCode => surrogate_iban(original, rng),
        Entity::Person => {
            let words = original.split_whitespace().count();
            if words <= 1 {
                rng.pick(FIRST_NAMES).to_owned()
            } else {
                format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES))
            }
        }
        Entity::Location => rng.pick(CITIES).to_owned(),
        Entity::IpAddress => surrogate_ip(original, rng),
        _ => shape_preserving(original, rng),
    }
}

fn shape_preserving(s: &str, rng: &mut KeyedRng<'_>) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                rng.digit()
            } else if c.is_ascii_uppercase() {
                char::from(b'A' + rng.below(26) as u8)
            } else if c.is_ascii_lowercase() {
                char::from(b'a' + rng.below(26) as u8)
            } else {
                c
            }
        })
        .collect()
}

fn surrogate_email(original: &str, rng: &mut KeyedRng<'_>) -> String {
    let local = original.rsplit_once('@').map_or(original, |(l, _)| l);
    let tld = rng.pick(&["com", "net", "org"]);
    format!("{}@example.{tld}", shape_preserving(local, rng))
}

fn luhn_check_digit(digits: &[u8]) -> u8 {
    // `digits` excludes the check digit; double every second digit from the right.
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(*d);
        if i % 2 == 0 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    ((10 - sum % 10) % 10) as u8
}

fn surrogate_card(original: &str, rng: &mut KeyedRng<'_>) -> String {
    let n = original.bytes().filter(u8::is_ascii_digit).count();
    if n < 2 {
        return shape_preserving(original, rng);
    }
    let mut digits: Vec<u8> = Vec::with_capacity(n);
    for (i, b) in original.bytes().filter(u8::is_ascii_digit).enumerate() {
        if i == 0 {
            digits.push(b - b'0');
        } else if i < n - 1 {
            digits.push(rng.below(10) as u8);
        }
    }
    digits.push(luhn_check_digit(&digits));
    refill_digits(original, &digits)
}

/// Write `digits` into the digit positions of `template`, keeping every other char.
fn refill_digits(template: &str, digits: &[u8]) -> String {
    let mut it = digits.iter();
    template
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                it.next().map_or(c, |d| char::from(b'0' + d))
            } else {
                c
            }
        })
        .collect()
}

fn surrogate_phone(original: &str, rng: &mut KeyedRng<'_>) -> String {
    let keep = if original.trim_start().starts_with('+') {
        2
    } else {
        1
    };
    let mut seen = 0;
    original
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen <= keep {
                    c
                } else {
                    rng.digit()
                }
            } else {
                c
            }
        })
        .collect()
}

fn iban_mod97(rearranged: &str) -> u32 {
    let mut r: u32 = 0;
    for c in rearranged.chars() {
        if let Some(d) = c.to_digit(10) {
            r = (r * 10 + d) % 97;
        } else if c.is_ascii_alphabetic() {
            let v = u32::from(c.to_ascii_uppercase() as u8 - b'A') + 10;
            r = (r * 100 + v) % 97;
        }
    }
    r
}

fn surrogate_iban(original: &str, rng: &mut KeyedRng<'_>) -> String {
    let compact: Vec<char> = original
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    if compact.len() < 5 || !compact.iter().take(2).all(char::is_ascii_alphabetic) {
        return shape_preserving(original, rng);
    }
    let country: String = compact
        .iter()
        .take(2)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let bban: String = compact.iter().skip(4).collect::<String>();
    let bban = shape_preserving(&bban, rng);
    let check = 98 - iban_mod97(&format!("{bban}{country}00"));
    let new_compact: Vec<char> = format!("{country}{check:02}{bban}").chars().collect();
    // Re-insert the original's separators.
    let mut it = new_compact.into_iter();
    original
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                it.next().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

fn surrogate_ip(original: &str, rng: &mut KeyedRng<'_>) -> String {
    if original.contains(':') {
        format!(
            "2001:db8::{:x}",
            u16::from(rng.byte()) << 8 | u16::from(rng.byte())
        )
    } else {
        let net = rng.pick(&["192.0.2", "198.51.100", "203.0.113"]);
        format!("{net}.{}", 1 + rng.below(254))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transform::policy::PolicyConfig;

    fn key(t: &str) -> TenantKey {
        TenantKey::derive(b"server-secret", t)
    }

    fn vault(t: &str) -> Vault {
        Vault::new(key(t), 4)
    }

    fn luhn_valid(s: &str) -> bool {
        let d: Vec<u8> = s
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        let (last, rest) = d.split_last().unwrap();
        luhn_check_digit(rest) == *last
    }

    fn iban_valid(s: &str) -> bool {
        let c: String = s.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        let re = format!("{}{}", &c[4..], &c[..4]);
        iban_mod97(&re) == 1
    }

    #[test]
    fn redact_hash_mask_allow_block() {
        let mut v = vault("acme");
        assert_eq!(
            v.replace(&Entity::EmailAddress, "a@b.co", Action::Redact)
                .unwrap(),
            "<EMAIL_ADDRESS>"
        );
        let h = v
            .replace(&Entity::EmailAddress, "a@b.co", Action::Hash)
            .unwrap();
        assert!(h.starts_with("<EMAIL_ADDRESS:sha256:") && h.ends_with('>'));
        assert_eq!(h.len(), "<EMAIL_ADDRESS:sha256:>".len() + 8);
        assert_ne!(
            h,
            vault("other")
                .replace(&Entity::EmailAddress, "a@b.co", Action::Hash)
                .unwrap()
        );
        assert_eq!(
            v.replace(&Entity::CreditCard, "4111 1111 1111 1234", Action::Mask)
                .unwrap(),
            "**** **** **** 1234"
        );
        assert_eq!(mask("abc", 4), "***");
        assert_eq!(mask("10.0.0.17", 2), "**.*.*.17");
        assert_eq!(
            v.replace(&Entity::Person, "Bob", Action::Allow).unwrap(),
            "Bob"
        );
        let err = v
            .replace(&Entity::PrivateKey, "-----BEGIN", Action::Block)
            .unwrap_err();
        assert!(matches!(err, TransformError::Refused(m) if !m.contains("BEGIN")));
        // Nothing above is restorable.
        assert!(v.is_empty());
    }

    #[test]
    fn pseudonyms_are_deterministic_per_tenant() {
        let a1 = vault("acme")
            .replace(&Entity::Person, "Alice Smith", Action::Pseudonymize)
            .unwrap();
        let a2 = vault("acme")
            .replace(&Entity::Person, "Alice Smith", Action::Pseudonymize)
            .unwrap();
        let b = vault("beta")
            .replace(&Entity::Person, "Alice Smith", Action::Pseudonymize)
            .unwrap();
        assert_eq!(a1, a2);
        assert_ne!(a1, b);
        assert!(
            a1.starts_with("<PERSON_") && a1.len() == "<PERSON_>".len() + 6,
            "{a1}"
        );
        assert_eq!(find_lookalikes(&a1), vec![(0, a1.len())]);
        // Another server secret: another tag.
        let c = Vault::new(TenantKey::derive(b"other", "acme"), 4)
            .replace(&Entity::Person, "Alice Smith", Action::Pseudonymize)
            .unwrap();
        assert_ne!(a1, c);
    }

    #[test]
    fn repeated_value_same_placeholder_and_restorable() {
        let mut v = vault("acme");
        let a = v
            .replace(&Entity::EmailAddress, "x@y.com", Action::Pseudonymize)
            .unwrap();
        let b = v
            .replace(&Entity::EmailAddress, "x@y.com", Action::Pseudonymize)
            .unwrap();
        assert_eq!(a, b);
        assert_eq!(v.restorable_len(), 1);
        let r = v.restorer().unwrap();
        assert_eq!(r.restore(&format!("to {a}.")), "to x@y.com.");
    }

    #[test]
    fn collisions_lengthen_the_tag() {
        let mut v = vault("acme");
        // Find two values whose 6-hex tags collide (24-bit space: birthday bound ~ 4k).
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut pair = None;
        for i in 0..20_000u32 {
            let val = format!("user{i}");
            let full = hex::encode(v.key.mac(&[b"pseudonym", b"PERSON", val.as_bytes()]));
            let short = full[..6].to_string();
            if let Some(prev) = seen.insert(short, val.clone()) {
                pair = Some((prev, val));
                break;
            }
        }
        let (x, y) = pair.expect("a 24-bit collision within 20k draws");
        let px = v
            .replace(&Entity::Person, &x, Action::Pseudonymize)
            .unwrap();
        let py = v
            .replace(&Entity::Person, &y, Action::Pseudonymize)
            .unwrap();
        assert_ne!(px, py);
        assert_eq!(px.len(), "<PERSON_>".len() + 6);
        assert_eq!(py.len(), "<PERSON_>".len() + 8);
        let r = v.restorer().unwrap();
        assert_eq!(r.restore(&format!("{px} {py}")), format!("{x} {y}"));
    }

    #[test]
    fn secrets_are_not_restored_by_default() {
        let mut v = vault("acme");
        let p = v
            .replace(&Entity::ApiKey, "sk-abc", Action::Pseudonymize)
            .unwrap();
        assert!(p.starts_with("<API_KEY_"));
        assert!(v.is_empty());
        // The default policy does not opt in either.
        let mut v = Vault::for_policy(key("acme"), &EffectivePolicy::default());
        v.replace(&Entity::ApiKey, "sk-abc", Action::Pseudonymize)
            .unwrap();
        assert!(v.is_empty());
        v.replace(
            &Entity::Custom("EMPLOYEE_ID".into()),
            "E123",
            Action::Pseudonymize,
        )
        .unwrap();
        assert_eq!(v.restorable_len(), 1);
    }

    #[test]
    fn secrets_listed_as_restorable_in_the_policy_are_restored() {
        let cfg: PolicyConfig =
            toml::from_str("[entities]\nAPI_KEY = \"pseudonymize\"\nPASSWORD = \"surrogate\"\n")
                .unwrap();
        let policy = cfg.effective("acme", "openai");
        let mut v = Vault::for_policy(key("acme"), &policy);
        let k = v
            .replace(&Entity::ApiKey, "sk-abc123", Action::Pseudonymize)
            .unwrap();
        let pw = v
            .replace(&Entity::Password, "Hunter2!x", Action::Surrogate)
            .unwrap();
        assert!(k.starts_with("<API_KEY_") && pw != "Hunter2!x");
        // Not listed: still never restored.
        v.replace(
            &Entity::GenericSecret,
            "wJalrXUtnFEMIabc",
            Action::Pseudonymize,
        )
        .unwrap();
        assert_eq!(v.restorable_len(), 2);
        let r = v.restorer().unwrap();
        assert_eq!(
            r.restore(&format!("use {k} and {pw}")),
            "use sk-abc123 and Hunter2!x"
        );
        // Another tenant's vault with the same policy does not hold these values.
        let other = Vault::for_policy(key("globex"), &policy);
        assert!(other.is_empty());
    }

    #[test]
    fn surrogates_are_format_valid_and_restorable() {
        let mut v = vault("acme");
        let card = v
            .replace(
                &Entity::CreditCard,
                "4111-1111-1111-1111",
                Action::Surrogate,
            )
            .unwrap();
        assert_eq!(card.len(), 19);
        assert!(card.starts_with('4') && card.chars().nth(4) == Some('-'));
        assert!(luhn_valid(&card), "{card}");
        assert_ne!(card, "4111-1111-1111-1111");

        let iban = v
            .replace(
                &Entity::IbanCode,
                "DE89 3704 0044 0532 0130 00",
                Action::Surrogate,
            )
            .unwrap();
        assert!(iban.starts_with("DE") && iban.len() == 27, "{iban}");
        assert!(iban_valid(&iban), "{iban}");
        assert!(iban_valid("DE89 3704 0044 0532 0130 00"));

        let email = v
            .replace(
                &Entity::EmailAddress,
                "john.doe42@corp.io",
                Action::Surrogate,
            )
            .unwrap();
        let (local, domain) = email.split_once('@').unwrap();
        assert_eq!(local.len(), "john.doe42".len());
        assert_eq!(local.as_bytes()[4], b'.');
        assert!(local[8..].bytes().all(|b| b.is_ascii_digit()));
        assert!(domain.starts_with("example."));

        let phone = v
            .replace(&Entity::PhoneNumber, "+44 20 7946 0958", Action::Surrogate)
            .unwrap();
        assert_eq!(phone.len(), 16);
        assert!(phone.starts_with("+4"));

        let ip = v
            .replace(&Entity::IpAddress, "10.1.2.3", Action::Surrogate)
            .unwrap();
        assert!(["192.0.2.", "198.51.100.", "203.0.113."]
            .iter()
            .any(|p| ip.starts_with(p)));
        let ip6 = v
            .replace(&Entity::IpAddress, "fe80::1", Action::Surrogate)
            .unwrap();
        assert!(ip6.starts_with("2001:db8::"));

        let person = v
            .replace(&Entity::Person, "Jane Q Public", Action::Surrogate)
            .unwrap();
        assert_eq!(person.split(' ').count(), 2);
        let ssn = v
            .replace(&Entity::UsSsn, "123-45-6789", Action::Surrogate)
            .unwrap();
        assert_eq!(ssn.len(), 11);
        assert_eq!(&ssn[3..4], "-");

        // Deterministic across vaults of the same tenant.
        let again = vault("acme")
            .replace(
                &Entity::CreditCard,
                "4111-1111-1111-1111",
                Action::Surrogate,
            )
            .unwrap();
        assert_eq!(again, card);

        let r = v.restorer().unwrap();
        assert_eq!(
            r.restore(&format!("card {card}, {person}")),
            "card 4111-1111-1111-1111, Jane Q Public"
        );
    }

    #[test]
    fn neutralize_retokenises_lookalikes() {
        let mut v = vault("acme");
        let text = "ping <PERSON_3f9a2c> and <EMAIL_ADDRESS_0123456789abcdef> not <person_3f9a2c> <X_12345>";
        let n = v.neutralize(text).into_owned();
        assert!(!n.contains("<PERSON_3f9a2c>"));
        assert!(!n.contains("<EMAIL_ADDRESS_0123456789abcdef>"));
        assert!(n.contains("<person_3f9a2c> <X_12345>"));
        assert_eq!(n.matches("<PLACEHOLDER_").count(), 2);
        // The literal round-trips; the look-alike itself restores to nothing else.
        let r = v.restorer().unwrap();
        assert_eq!(r.restore(&n), text);
        assert_eq!(r.restore("<PERSON_3f9a2c>"), "<PERSON_3f9a2c>");
        assert!(matches!(
            v.neutralize("plain <b>text</b>"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn user_cannot_restore_a_value_the_request_did_not_contain() {
        // Request 1 of the tenant had Alice; request 2 types Alice's placeholder.
        let alice = vault("acme")
            .replace(&Entity::Person, "Alice", Action::Pseudonymize)
            .unwrap();
        let mut v2 = vault("acme");
        let sanitized = v2.neutralize(&format!("who is {alice}?")).into_owned();
        assert!(!sanitized.contains(&alice));
        let r = v2.restorer().unwrap();
        // Even if the model outputs the real placeholder, nothing maps it to Alice.
        assert_eq!(r.restore(&format!("{alice} is")), format!("{alice} is"));
    }

    #[test]
    fn sanitize_text_applies_policy_and_neutralizes() {
        let policy = PolicyConfig::default().effective("acme", "openai");
        let mut v = Vault::for_policy(key("acme"), &policy);
        let text = "Mail bob@x.io key sk-123 <PERSON_abcdef>";
        let f = |entity, start: usize, end: usize| Finding {
            entity,
            start,
            end,
            score: 0.9,
            detector: "t".into(),
        };
        let findings = vec![f(Entity::EmailAddress, 5, 13), f(Entity::ApiKey, 18, 24)];
        let out = v.sanitize_text(text, &findings, &policy).unwrap().unwrap();
        assert!(out.starts_with("Mail <EMAIL_ADDRESS_"));
        assert!(out.contains(" key <API_KEY> <PLACEHOLDER_"));
        assert_eq!(
            v.restorer().unwrap().restore(&out),
            "Mail bob@x.io key <API_KEY> <PERSON_abcdef>"
        );
        assert_eq!(v.sanitize_text("nothing", &[], &policy).unwrap(), None);
        let bad = vec![f(Entity::EmailAddress, 5, 99)];
        assert!(v.sanitize_text(text, &bad, &policy).is_err());
        let block = vec![f(Entity::PrivateKey, 0, 4)];
        assert!(matches!(
            v.sanitize_text(text, &block, &policy),
            Err(TransformError::Refused(_))
        ));
    }
}
