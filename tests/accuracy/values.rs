//! Deterministic generators of *valid* sensitive values (checksums computed here, at runtime:
//! no real-looking secret literal is ever committed) and of hard negatives.
//!
//! Shared by the accuracy suite, the property tests and the benches (`#[path]` include).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use sha3::Keccak256;

// ---------------------------------------------------------------------------------------------
// PRNG: splitmix64 (tiny, deterministic, no dependency).
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn range(&mut self, lo: usize, hi_inclusive: usize) -> usize {
        lo + self.below(hi_inclusive - lo + 1)
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    pub fn string(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| alphabet[self.below(alphabet.len())] as char)
            .collect()
    }
    pub fn digits(&mut self, n: usize) -> String {
        self.string(DIGITS, n)
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}

pub const DIGITS: &[u8] = b"0123456789";
pub const HEX: &[u8] = b"0123456789abcdef";
pub const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
pub const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
pub const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
pub const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
pub const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
pub const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A string of `n` chars from `alphabet` that mixes classes (upper, lower, digit) so it looks
/// like a real random credential and not a word or a run.
pub fn mixed(rng: &mut Rng, alphabet: &[u8], n: usize) -> String {
    loop {
        let s = rng.string(alphabet, n);
        let up = s.bytes().any(|b| b.is_ascii_uppercase());
        let lo = s.bytes().any(|b| b.is_ascii_lowercase());
        let di = s.bytes().any(|b| b.is_ascii_digit());
        let want = [
            u8::is_ascii_uppercase,
            u8::is_ascii_lowercase,
            u8::is_ascii_digit,
        ]
        .iter()
        .filter(|class| alphabet.iter().any(class))
        .count() as u8;
        if (up as u8 + lo as u8 + di as u8) >= want || n < 8 {
            return s;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens.
// ---------------------------------------------------------------------------------------------

fn base62_fixed(mut v: u32, width: usize) -> String {
    let mut out = vec![b'0'; width];
    for i in (0..width).rev() {
        out[i] = B62[(v % 62) as usize];
        v /= 62;
    }
    String::from_utf8(out).unwrap()
}

/// `prefix` + 30 b62 + 6-char base62 CRC32 of the 30 chars (GitHub / npm scheme).
pub fn crc_token(rng: &mut Rng, prefix: &str) -> String {
    let body = mixed(rng, B62, 30);
    let crc = crc32fast::hash(body.as_bytes());
    format!("{prefix}{body}{}", base62_fixed(crc, 6))
}

pub fn github_token(rng: &mut Rng) -> String {
    let prefix = *rng.pick(&["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]);
    crc_token(rng, prefix)
}

pub fn npm_token(rng: &mut Rng) -> String {
    crc_token(rng, "npm_")
}

/// Same shape as a GitHub token but with a wrong checksum (a negative for strict detectors).
pub fn github_token_bad_crc(rng: &mut Rng) -> String {
    let t = crc_token(rng, "ghp_");
    let mut b = t.into_bytes();
    let last = b.len() - 1;
    b[last] = if b[last] == b'A' { b'B' } else { b'A' };
    String::from_utf8(b).unwrap()
}

pub fn github_fine_grained(rng: &mut Rng) -> String {
    format!("github_pat_{}_{}", mixed(rng, B62, 22), mixed(rng, B62, 59))
}

pub fn aws_access_key_id(rng: &mut Rng) -> String {
    let prefix = *rng.pick(&["AKIA", "AKIA", "ASIA"]);
    loop {
        let body = rng.string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
        if !body.ends_with("EXAMPLE") && body.bytes().any(|b| b.is_ascii_digit()) {
            return format!("{prefix}{body}");
        }
    }
}

pub fn aws_secret_key(rng: &mut Rng) -> String {
    loop {
        let s = mixed(rng, B64, 40);
        if s.contains('/') || s.contains('+') {
            return s;
        }
    }
}

pub fn slack_token(rng: &mut Rng) -> String {
    let p = *rng.pick(&["xoxb", "xoxp"]);
    format!(
        "{p}-{}-{}-{}",
        rng.range(1, 9).to_string() + &rng.digits(10),
        rng.range(1, 9).to_string() + &rng.digits(12),
        mixed(rng, ALNUM, 24)
    )
}

pub fn slack_webhook(rng: &mut Rng) -> String {
    format!(
        "https://hooks.slack.com/services/T{}/B{}/{}",
        rng.string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10),
        rng.string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10),
        mixed(rng, ALNUM, 24)
    )
}

pub fn stripe_key(rng: &mut Rng) -> String {
    let p = *rng.pick(&["sk_live_", "rk_live_", "sk_test_"]);
    let n = *rng.pick(&[24usize, 34, 99]);
    format!("{p}{}", mixed(rng, ALNUM, n))
}

pub fn openai_key(rng: &mut Rng) -> String {
    if rng.chance(0.7) {
        let p = *rng.pick(&["sk-proj-", "sk-svcacct-", "sk-admin-"]);
        format!(
            "{p}{}T3BlbkFJ{}",
            mixed(rng, B64URL, 74),
            mixed(rng, B64URL, 74)
        )
    } else {
        format!(
            "sk-{}T3BlbkFJ{}",
            mixed(rng, ALNUM, 20),
            mixed(rng, ALNUM, 20)
        )
    }
}

pub fn anthropic_key(rng: &mut Rng) -> String {
    format!("sk-ant-api03-{}AA", mixed(rng, B64URL, 93))
}

pub fn google_api_key(rng: &mut Rng) -> String {
    format!("AIza{}", mixed(rng, B64URL, 35))
}

pub fn gitlab_token(rng: &mut Rng) -> String {
    format!("glpat-{}", mixed(rng, B64URL, 20))
}

pub fn sendgrid_key(rng: &mut Rng) -> String {
    format!("SG.{}.{}", mixed(rng, B64URL, 22), mixed(rng, B64URL, 43))
}

pub fn huggingface_token(rng: &mut Rng) -> String {
    format!(
        "hf_{}",
        mixed(
            rng,
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            34
        )
    )
}

pub fn groq_key(rng: &mut Rng) -> String {
    format!("gsk_{}", mixed(rng, B62, 52))
}

pub fn jwt(rng: &mut Rng) -> String {
    let alg = *rng.pick(&["HS256", "RS256", "ES256"]);
    let header = format!("{{\"alg\":\"{alg}\",\"typ\":\"JWT\"}}");
    let payload = format!(
        "{{\"sub\":\"{}\",\"iss\":\"https://auth.{}.io\",\"iat\":{},\"exp\":{},\"scope\":\"read write\"}}",
        rng.digits(8),
        rng.string(LOWER, 6),
        1_700_000_000 + rng.below(50_000_000),
        1_760_000_000 + rng.below(50_000_000)
    );
    let sig_len = if alg == "HS256" { 32 } else { 64 };
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload),
        URL_SAFE_NO_PAD.encode(rng.bytes(sig_len))
    )
}

/// A PEM private-key block (random body: structurally a key, cryptographically nothing).
pub fn pem_private_key(rng: &mut Rng) -> String {
    let label = *rng.pick(&[
        "RSA PRIVATE KEY",
        "PRIVATE KEY",
        "EC PRIVATE KEY",
        "OPENSSH PRIVATE KEY",
    ]);
    let n = match label {
        "EC PRIVATE KEY" => 121,
        "OPENSSH PRIVATE KEY" => 400,
        _ => 600 + rng.below(600),
    };
    let mut der = vec![0x30, 0x82];
    der.extend(rng.bytes(n));
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----"));
    out
}

/// A random password usable inside URIs and assignments (no `@:/?#` or quotes).
pub fn password(rng: &mut Rng) -> String {
    let n = rng.range(12, 24);
    loop {
        let s = mixed(
            rng,
            b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!%^*_-+=~",
            n,
        );
        if s.bytes().any(|b| b"!%^*_-+=~".contains(&b)) {
            return s;
        }
    }
}

pub fn generic_secret(rng: &mut Rng) -> String {
    let n = rng.range(32, 48);
    mixed(rng, ALNUM, n)
}

/// (prefix, password, suffix) of a connection URI; the password is the labelled core.
pub fn connection_uri(rng: &mut Rng) -> (String, String, String) {
    let pw = password(rng);
    let user = *rng.pick(&["app", "svc_orders", "admin_ro", "billing", "etl"]);
    let (pre, post) = match rng.below(6) {
        0 => (
            format!("postgres://{user}:"),
            format!("@db-{}.internal:5432/orders?sslmode=require", rng.below(9)),
        ),
        1 => (
            format!("postgresql://{user}:"),
            "@pg.prod.svc.cluster.local/app".to_string(),
        ),
        2 => (
            format!("mysql://{user}:"),
            "@mysql-primary:3306/shop".to_string(),
        ),
        3 => (
            format!("mongodb+srv://{user}:"),
            format!(
                "@cluster0.{}.mongodb.net/prod?retryWrites=true",
                rng.string(LOWER, 5)
            ),
        ),
        4 => (
            "redis://:".to_string(),
            "@cache.internal:6379/0".to_string(),
        ),
        _ => (
            format!("amqp://{user}:"),
            "@rabbitmq.messaging:5672/vhost".to_string(),
        ),
    };
    (pre, pw, post)
}

// ---------------------------------------------------------------------------------------------
// PII.
// ---------------------------------------------------------------------------------------------

pub fn luhn_complete(prefix_digits: &str, len: usize, rng: &mut Rng) -> String {
    let mut s = prefix_digits.to_string();
    while s.len() < len - 1 {
        s.push((b'0' + rng.below(10) as u8) as char);
    }
    // Compute check digit.
    let mut sum = 0;
    for (i, c) in s.bytes().rev().enumerate() {
        let mut d = (c - b'0') as u32;
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    let check = (10 - sum % 10) % 10;
    s.push((b'0' + check as u8) as char);
    s
}

pub fn luhn_valid(s: &str) -> bool {
    let digits: Vec<u32> = s
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| (b - b'0') as u32)
        .collect();
    let mut sum = 0;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut d = *d;
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

/// A Luhn-valid card number with a real IIN, formatted in its usual grouping.
pub fn credit_card(rng: &mut Rng) -> String {
    let (iin, len): (String, usize) = match rng.below(5) {
        0 | 1 => ("4".into(), 16),
        2 => (format!("5{}", rng.range(1, 5)), 16),
        3 => (rng.pick(&["34", "37"]).to_string(), 15),
        _ => ("6011".into(), 16),
    };
    let pan = loop {
        let p = luhn_complete(&iin, len, rng);
        let same = p.bytes().skip(1).all(|b| b == p.as_bytes()[1]);
        if !same && p != "4111111111111111" && p != "4242424242424242" {
            break p;
        }
    };
    let sep = *rng.pick(&[" ", "-", ""]);
    if len == 15 {
        format!("{}{sep}{}{sep}{}", &pan[..4], &pan[4..10], &pan[10..])
    } else {
        let g: Vec<&str> = (0..4).map(|i| &pan[i * 4..i * 4 + 4]).collect();
        g.join(sep)
    }
}

/// 16 digits with a real IIN that FAIL Luhn (negative).
pub fn card_bad_luhn(rng: &mut Rng) -> String {
    let p = luhn_complete("4", 16, rng);
    let last = p.as_bytes()[15] - b'0';
    format!("{}{}", &p[..15], (last + 1) % 10)
}

fn mod97(s: &str) -> u32 {
    let mut r: u64 = 0;
    for c in s.chars() {
        let v = if c.is_ascii_digit() {
            c as u64 - '0' as u64
        } else {
            c.to_ascii_uppercase() as u64 - 'A' as u64 + 10
        };
        r = if v >= 10 {
            (r * 100 + v) % 97
        } else {
            (r * 10 + v) % 97
        };
    }
    r as u32
}

pub fn iban(rng: &mut Rng) -> String {
    let (cc, bban) = match rng.below(8) {
        0 => ("DE", rng.digits(18)),
        1 => (
            "FR",
            rng.digits(10)
                + &rng.string(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 11)
                + &rng.digits(2),
        ),
        2 => ("ES", rng.digits(20)),
        3 => (
            "IT",
            rng.string(UPPER, 1)
                + &rng.digits(10)
                + &rng.string(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 12),
        ),
        4 => ("NL", rng.string(UPPER, 4) + &rng.digits(10)),
        5 => ("PT", rng.digits(21)),
        6 => ("GB", rng.string(UPPER, 4) + &rng.digits(14)),
        _ => ("BE", rng.digits(12)),
    };
    let check = 98 - mod97(&format!("{bban}{cc}00"));
    let compact = format!("{cc}{check:02}{bban}");
    if rng.chance(0.5) {
        compact
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        compact
    }
}

pub fn iban_valid(s: &str) -> bool {
    let c: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    c.len() > 4 && mod97(&format!("{}{}", &c[4..], &c[..4])) == 1
}

pub fn us_ssn(rng: &mut Rng) -> String {
    loop {
        let area = rng.range(1, 899);
        if area == 666 {
            continue;
        }
        let group = rng.range(1, 99);
        let serial = rng.range(1, 9999);
        let s = format!("{area:03}-{group:02}-{serial:04}");
        if !["078-05-1120", "219-09-9999", "123-45-6789"].contains(&s.as_str()) {
            return s;
        }
    }
}

/// A US ITIN: `9AA-GG-SSSS` with the group in one of the IRS ranges.
pub fn us_itin(rng: &mut Rng) -> String {
    const GROUPS: &[(usize, usize)] = &[(50, 65), (70, 88), (90, 92), (94, 99)];
    let (lo, hi) = GROUPS[rng.below(GROUPS.len())];
    let area = rng.range(0, 99);
    let group = rng.range(lo, hi);
    let serial = rng.range(1, 9999);
    format!("9{area:02}-{group:02}-{serial:04}")
}

/// ISO 7064 MOD 11,10 check digit of `digits` (German VAT ids and tax ids).
fn iso7064_11_10(digits: &str) -> u32 {
    let mut p = 10u32;
    for b in digits.bytes() {
        let mut s = (u32::from(b - b'0') + p) % 10;
        if s == 0 {
            s = 10;
        }
        p = (2 * s) % 11;
    }
    (11 - p) % 10
}

/// An EU VAT id with its country prefix, glued (`DE136695976`), valid under the country's
/// check: `country` one of DE FR IT NL PT BE ES.
pub fn eu_vat(rng: &mut Rng, country: &str) -> String {
    match country {
        "DE" => {
            let d = format!("{}{}", rng.range(1, 9), rng.digits(7));
            let check = iso7064_11_10(&d);
            format!("DE{d}{check}")
        }
        "FR" => {
            let siren = luhn_complete(&rng.range(1, 9).to_string(), 9, rng);
            let n: u64 = siren.parse().unwrap();
            let key = (12 + 3 * (n % 97)) % 97;
            format!("FR{key:02}{siren}")
        }
        "IT" => format!("IT{}", luhn_complete(&rng.digits(7), 11, rng)),
        "NL" => format!("NL{}B{:02}", nl_bsn(rng), rng.range(1, 99)),
        "PT" => format!("PT{}", pt_nif(rng)),
        "BE" => {
            let n = rng.range(0, 19_999_999) as u64;
            format!("BE{n:08}{:02}", 97 - n % 97)
        }
        _ => {
            let id = if rng.chance(0.5) {
                es_dni(rng)
            } else {
                es_nie(rng)
            };
            format!("ES{id}")
        }
    }
}

/// A glued VAT id (not Spanish) written the way invoices print it: `DE 136 695 976`,
/// `FR 40 303 265 045`, `IT 00743110157`, `NL 0044.95.445.B01`, `PT 501 964 843`,
/// `BE 0403.170.701`.
pub fn vat_spaced(id: &str) -> String {
    let (cc, n) = id.split_at(2);
    let groups = |sizes: &[usize], sep: &str| {
        let mut out = Vec::new();
        let mut at = 0;
        for &k in sizes {
            out.push(&n[at..at + k]);
            at += k;
        }
        out.join(sep)
    };
    let body = match cc {
        "DE" | "PT" => groups(&[3, 3, 3], " "),
        "FR" => groups(&[2, 3, 3, 3], " "),
        "NL" => format!("{}.{}", groups(&[4, 2, 3], "."), &n[9..]),
        "BE" => groups(&[4, 3, 3], "."),
        _ => n.to_string(),
    };
    format!("{cc} {body}")
}

pub fn uk_nino(rng: &mut Rng) -> String {
    let first = b"ABCEGHJKLMNOPRSTWXYZ";
    let second = b"ABCEGHJKLMNPRSTWXYZ";
    loop {
        let p = format!(
            "{}{}",
            first[rng.below(first.len())] as char,
            second[rng.below(second.len())] as char
        );
        if ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].contains(&p.as_str()) {
            continue;
        }
        let d = rng.digits(6);
        let suffix = *rng.pick(&['A', 'B', 'C', 'D']);
        return if rng.chance(0.5) {
            format!("{p} {} {} {} {suffix}", &d[..2], &d[2..4], &d[4..])
        } else {
            format!("{p}{d}{suffix}")
        };
    }
}

pub fn uk_nhs(rng: &mut Rng) -> String {
    loop {
        let d = rng.digits(9);
        let sum: u32 = d
            .bytes()
            .enumerate()
            .map(|(i, b)| (b - b'0') as u32 * (10 - i as u32))
            .sum();
        let check = 11 - sum % 11;
        let check = match check {
            11 => 0,
            10 => continue,
            c => c,
        };
        return format!("{} {} {}{check}", &d[..3], &d[3..6], &d[6..]);
    }
}

pub fn pt_nif(rng: &mut Rng) -> String {
    let d = format!("{}{}", rng.range(1, 3), rng.digits(7));
    let sum: u32 = d
        .bytes()
        .enumerate()
        .map(|(i, b)| (b - b'0') as u32 * (9 - i as u32))
        .sum();
    let r = sum % 11;
    let check = if r < 2 { 0 } else { 11 - r };
    format!("{d}{check}")
}

const DNI_LETTERS: &[u8] = b"TRWAGMYFPDXBNJZSQVHLCKE";

pub fn es_dni(rng: &mut Rng) -> String {
    let n: u32 = rng.range(10_000_000, 99_999_999) as u32;
    format!("{n:08}{}", DNI_LETTERS[(n % 23) as usize] as char)
}

pub fn es_nie(rng: &mut Rng) -> String {
    let lead = rng.below(3);
    let body = rng.digits(7);
    let n: u32 = format!("{lead}{body}").parse().unwrap();
    format!(
        "{}{body}{}",
        ['X', 'Y', 'Z'][lead],
        DNI_LETTERS[(n % 23) as usize] as char
    )
}

pub fn it_codice_fiscale(rng: &mut Rng) -> String {
    let consonants = b"BCDFGHJKLMNPQRSTVZ";
    let months = b"ABCDEHLMPRST";
    let mut s = String::new();
    s.push_str(&rng.string(consonants, 3));
    s.push_str(&rng.string(consonants, 3));
    s.push_str(&format!("{:02}", rng.range(40, 99)));
    s.push(months[rng.below(12)] as char);
    let day = rng.range(1, 28) + if rng.chance(0.5) { 40 } else { 0 };
    s.push_str(&format!("{day:02}"));
    s.push(*rng.pick(&['A', 'B', 'C', 'D', 'F', 'G', 'H', 'L', 'M']));
    s.push_str(&format!("{:03}", rng.range(1, 999)));
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    let mut sum = 0;
    for (i, c) in s.bytes().enumerate() {
        let v = if c.is_ascii_digit() {
            (c - b'0') as usize
        } else {
            (c - b'A') as usize
        };
        sum += if i % 2 == 0 { ODD[v] } else { v as u32 };
    }
    s.push((b'A' + (sum % 26) as u8) as char);
    s
}

pub fn nl_bsn(rng: &mut Rng) -> String {
    loop {
        let d = format!("{}{}", rng.range(1, 9), rng.digits(8));
        let b: Vec<i32> = d.bytes().map(|c| (c - b'0') as i32).collect();
        let sum: i32 = (0..8).map(|i| b[i] * (9 - i as i32)).sum::<i32>() - b[8];
        if sum % 11 == 0 {
            return d;
        }
    }
}

pub fn fr_nir(rng: &mut Rng) -> String {
    let dept = loop {
        let d = rng.range(1, 95);
        if d != 20 {
            break d;
        }
    };
    let body = format!(
        "{}{:02}{:02}{dept:02}{:03}{:03}",
        rng.range(1, 2),
        rng.range(40, 99),
        rng.range(1, 12),
        rng.range(1, 999),
        rng.range(1, 999)
    );
    let n: u64 = body.parse().unwrap();
    let key = 97 - n % 97;
    if rng.chance(0.5) {
        format!(
            "{} {} {} {} {} {} {key:02}",
            &body[..1],
            &body[1..3],
            &body[3..5],
            &body[5..7],
            &body[7..10],
            &body[10..13]
        )
    } else {
        format!("{body}{key:02}")
    }
}

pub fn de_steuer_id(rng: &mut Rng) -> String {
    loop {
        // 10 digits: 8 distinct once + 1 digit twice (so exactly one digit repeats, ≥1 absent).
        let mut pool: Vec<u8> = (0..10).collect();
        for i in (1..pool.len()).rev() {
            let j = rng.below(i + 1);
            pool.swap(i, j);
        }
        let mut d: Vec<u8> = pool[..9].to_vec();
        d.push(d[rng.below(9)]);
        for i in (1..d.len()).rev() {
            let j = rng.below(i + 1);
            d.swap(i, j);
        }
        if d[0] == 0 {
            continue;
        }
        let mut out: String = d.iter().map(|x| (b'0' + x) as char).collect();
        let check = iso7064_11_10(&out);
        out.push((b'0' + check as u8) as char);
        return out;
    }
}

/// A globally routable IPv4 address (no private, loopback, link-local, doc or CGNAT ranges).
pub fn public_ipv4(rng: &mut Rng) -> String {
    let first = *rng.pick(&[
        23u8, 31, 45, 52, 62, 78, 81, 89, 94, 109, 142, 151, 176, 185, 212,
    ]);
    format!(
        "{first}.{}.{}.{}",
        rng.range(1, 254),
        rng.range(0, 255),
        rng.range(1, 254)
    )
}

pub fn private_ipv4(rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => format!(
            "10.{}.{}.{}",
            rng.below(256),
            rng.below(256),
            rng.range(1, 254)
        ),
        1 => format!("192.168.{}.{}", rng.below(256), rng.range(1, 254)),
        _ => format!(
            "172.{}.{}.{}",
            rng.range(16, 31),
            rng.below(256),
            rng.range(1, 254)
        ),
    }
}

pub fn mac_address(rng: &mut Rng) -> String {
    let mut b = rng.bytes(6);
    b[0] &= 0xFE; // unicast
    if b[0] == 0 {
        b[0] = 0x02;
    }
    let sep = *rng.pick(&[":", "-"]);
    let upper = rng.chance(0.5);
    b.iter()
        .map(|x| {
            if upper {
                format!("{x:02X}")
            } else {
                format!("{x:02x}")
            }
        })
        .collect::<Vec<_>>()
        .join(sep)
}

pub fn btc_address(rng: &mut Rng) -> String {
    let mut payload = vec![if rng.chance(0.7) { 0x00 } else { 0x05 }];
    payload.extend(rng.bytes(20));
    let check = Sha256::digest(Sha256::digest(&payload));
    payload.extend_from_slice(&check[..4]);
    bs58::encode(payload).into_string()
}

pub fn eth_address(rng: &mut Rng) -> String {
    loop {
        let lower = hex::encode(rng.bytes(20));
        let hash = Keccak256::digest(lower.as_bytes());
        let mut out = String::from("0x");
        let (mut up, mut lo) = (false, false);
        for (i, c) in lower.chars().enumerate() {
            let nibble = (hash[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0xF;
            if c.is_ascii_alphabetic() && nibble >= 8 {
                out.push(c.to_ascii_uppercase());
                up = true;
            } else {
                out.push(c);
                lo |= c.is_ascii_alphabetic();
            }
        }
        if up && lo {
            return out;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Hard negatives.
// ---------------------------------------------------------------------------------------------

pub fn uuid(rng: &mut Rng) -> String {
    let h = rng.string(HEX, 32);
    format!(
        "{}-{}-4{}-{}{}-{}",
        &h[..8],
        &h[8..12],
        &h[13..16],
        *rng.pick(&['8', '9', 'a', 'b']),
        &h[17..20],
        &h[20..]
    )
}

pub fn git_sha(rng: &mut Rng) -> String {
    rng.string(HEX, 40)
}

pub fn sha256_hex(rng: &mut Rng) -> String {
    rng.string(HEX, 64)
}

pub fn semver(rng: &mut Rng) -> String {
    format!("{}.{}.{}", rng.below(5), rng.below(30), rng.below(20))
}

pub fn timestamp(rng: &mut Rng) -> String {
    format!(
        "2025-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        rng.range(1, 12),
        rng.range(1, 28),
        rng.below(24),
        rng.below(60),
        rng.below(60),
        rng.below(1000)
    )
}

pub fn image_ref(rng: &mut Rng) -> String {
    let name = *rng.pick(&[
        "nginx",
        "redis",
        "postgres",
        "ghcr.io/acme/api",
        "busybox",
        "envoyproxy/envoy",
    ]);
    if rng.chance(0.5) {
        format!("{name}:{}", semver(rng))
    } else {
        format!("{name}@sha256:{}", sha256_hex(rng))
    }
}

pub fn k8s_name(rng: &mut Rng) -> String {
    format!(
        "{}-{}-{}",
        rng.pick(&["api", "worker", "orders", "checkout", "ingest"]),
        rng.string(b"bcdfghjklmnpqrstvwxz2456789", 10),
        rng.string(b"bcdfghjklmnpqrstvwxz2456789", 5)
    )
}

pub fn placeholder(rng: &mut Rng) -> &'static str {
    const P: &[&str] = &[
        "${DB_PASSWORD}",
        "<your-api-key>",
        "changeme",
        "****",
        "${{ secrets.API_TOKEN }}",
        "{{ .Values.password }}",
        "YOUR_API_KEY",
        "REDACTED",
        "xxxxxxxxxxxx",
        "$API_KEY",
    ];
    P[rng.below(P.len())]
}

/// Base64 of harmless text (not in a secret context).
pub fn harmless_b64(rng: &mut Rng) -> String {
    let s = format!(
        "{{\"theme\":\"{}\",\"items\":{}}}",
        rng.pick(&["dark", "light"]),
        rng.below(100)
    );
    STANDARD.encode(s)
}

pub fn b64(s: &str) -> String {
    STANDARD.encode(s)
}
