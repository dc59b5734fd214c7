//! Vendor tokens with a known prefix or signature (DETECTORS.md §1.1–§1.5), table-driven.
//!
//! Each [`Spec`] names a detector, its case-sensitive prefixes (the engine matches them
//! case-insensitively; the exact case is checked here), the body alphabet and length, a score
//! and an optional structural check (GitHub/npm CRC32, OpenAI marker, Anthropic tail, regex).
//! The token span is the prefix plus the maximal body run; the byte before the prefix must not
//! be alphanumeric and the run must end where the alphabet ends (no partial matches inside
//! longer strings).
//!
//! Scores: checksum-validated 0.99; unique prefix with exact shape 0.9–0.95; shape-only with a
//! short or common prefix 0.8–0.85; a well-formed GitHub/npm token failing its checksum
//! [`BAD_CHECKSUM_SCORE`] 0.4 (DETECTORS.md §1.2: documentation examples fail the checksum), below
//! the engine's default 0.5 threshold, so not redacted by default.
//!
//! `include_test_values` (from `[detection]`, passed to [`all`]): vendor documentation
//! examples (`AKIAIOSFODNN7EXAMPLE`, `ghp_EXAMPLE…`, `xoxb-…-EXAMPLE…`, the AWS example secret
//! key) are reported at the spec's score instead of being skipped, and a well-formed GitHub/npm
//! token failing its checksum scores [`UNVERIFIED_TEST_SCORE`] instead. Placeholders
//! (`${VAR}`, `<your-key>`, `xoxb-your-token-here`, `ghp_XXXX…`) stay unreported.

use std::borrow::Cow;

use regex::Regex;

use super::util::{
    finding, is_b62, is_b64, is_b64url, is_hex, is_placeholder_in, run_left, run_right,
};
use crate::detect::{Detector, Entity, Finding, Hit, ScanCtx, Trigger};

/// Score of a well-formed GitHub/npm token failing its checksum when test values are included
/// (a unique prefix with the exact shape; 0.6 otherwise).
pub const UNVERIFIED_TEST_SCORE: f32 = 0.9;

/// Body alphabet.
#[derive(Debug, Clone, Copy)]
enum Class {
    B62,
    B62Underscore,
    B64Url,
    B64UrlDot,
    B64,
    Hex,
    UpperDigit,
    LowerDigit,
    Bech32Upper,
    /// URL path characters (webhook URLs).
    Path,
}

impl Class {
    fn has(self, b: u8) -> bool {
        match self {
            Class::B62 => is_b62(b),
            Class::B62Underscore => is_b62(b) || b == b'_',
            Class::B64Url => is_b64url(b),
            Class::B64UrlDot => is_b64url(b) || b == b'.',
            Class::B64 => is_b64(b) || b == b'=',
            Class::Hex => is_hex(b),
            Class::UpperDigit => b.is_ascii_uppercase() || b.is_ascii_digit(),
            Class::LowerDigit => b.is_ascii_lowercase() || b.is_ascii_digit(),
            Class::Bech32Upper => {
                b.is_ascii_uppercase() && !matches!(b, b'B' | b'I' | b'O')
                    || b.is_ascii_digit() && b != b'1'
            }
            Class::Path => is_b64url(b) || matches!(b, b'/' | b'@' | b'.' | b'%' | b'=' | b'+'),
        }
    }
}

/// Structural check on the whole token (prefix + body).
#[derive(Debug, Clone, Copy)]
enum Check {
    None,
    /// GitHub / npm CRC32 + base62 over the 36 chars after `_`.
    Crc32B62,
    /// OpenAI project/service/admin keys: the `T3BlbkFJ` marker raises the score.
    OpenAiMarker,
    /// Anthropic: `sk-ant-api03-`/`sk-ant-admin01-` keys are 108+ chars ending `AA`.
    AnthropicTail,
    /// AWS key id: body must be base32 (`A-Z2-7`) for the modern prefixes.
    AwsKeyId,
    /// Regex over the whole token (anchored).
    Re(&'static str),
}

struct Spec {
    name: &'static str,
    entity: Entity,
    prefixes: &'static [&'static str],
    class: Class,
    min: usize,
    max: usize,
    score: f32,
    check: Check,
    /// Characters allowed before the prefix besides non-alphanumerics (e.g. `-` is always ok).
    left_ok_alnum: bool,
}

const fn spec(
    name: &'static str,
    prefixes: &'static [&'static str],
    class: Class,
    min: usize,
    max: usize,
    score: f32,
    check: Check,
) -> Spec {
    Spec {
        name,
        entity: Entity::ApiKey,
        prefixes,
        class,
        min,
        max,
        score,
        check,
        left_ok_alnum: false,
    }
}

fn specs() -> Vec<Spec> {
    use Check as K;
    use Class as C;
    let mut v = vec![
        // --- AWS ---
        spec(
            "aws_access_key_id",
            &["AKIA", "ASIA", "ABIA", "ACCA"],
            C::UpperDigit,
            16,
            16,
            0.9,
            K::AwsKeyId,
        ),
        spec(
            "aws_access_key_id",
            &["A3T"],
            C::UpperDigit,
            17,
            17,
            0.85,
            K::None,
        ),
        spec("aws_bedrock_key", &["ABSK"], C::B64, 100, 300, 0.9, K::None),
        spec(
            "aws_session_token",
            &["IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE"],
            C::B64,
            80,
            4000,
            0.9,
            K::None,
        ),
        // --- Google ---
        spec("gcp_api_key", &["AIza"], C::B64Url, 35, 35, 0.9, K::None),
        spec(
            "google_oauth_client_secret",
            &["GOCSPX-"],
            C::B64Url,
            24,
            40,
            0.92,
            K::None,
        ),
        spec(
            "google_oauth_access_token",
            &["ya29."],
            C::B64UrlDot,
            30,
            2048,
            0.9,
            K::None,
        ),
        spec(
            "google_oauth_refresh_token",
            &["1//0"],
            C::B64Url,
            30,
            512,
            0.85,
            K::None,
        ),
        // --- Azure ---
        spec(
            "azure_entra_client_secret",
            &["Q~"],
            C::B64UrlDot,
            0,
            0,
            0.85,
            K::Re(r"^[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}$"),
        ),
        // --- GitHub / GitLab ---
        spec(
            "github_token",
            &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
            C::B62,
            36,
            36,
            0.99,
            K::Crc32B62,
        ),
        spec(
            "github_fine_grained_pat",
            &["github_pat_"],
            C::B62Underscore,
            70,
            120,
            0.95,
            K::None,
        ),
        spec(
            "gitlab_token",
            &[
                "glpat-", "gldt-", "glrt-", "glcbt-", "glptt-", "glft-", "glimt-", "glagent-",
                "gloas-", "glsoat-", "glffct-",
            ],
            C::B64UrlDot,
            20,
            300,
            0.9,
            K::None,
        ),
        spec(
            "gitlab_runner_registration",
            &["GR1348941"],
            C::B64Url,
            20,
            40,
            0.9,
            K::None,
        ),
        // --- chat, payments, messaging, observability ---
        spec(
            "slack_token",
            &[
                "xoxb-",
                "xoxp-",
                "xoxa-",
                "xoxr-",
                "xoxs-",
                "xoxo-",
                "xoxe-",
                "xoxe.xoxp-",
                "xapp-",
            ],
            C::B64UrlDot,
            20,
            300,
            0.9,
            K::Re(
                r"^(?:xox[abprsoe]|xoxe\.xoxp|xapp)-(?:[A-Za-z0-9]+-)*[0-9]+-[A-Za-z0-9-]*[A-Za-z0-9]{8,}$",
            ),
        ),
        spec(
            "slack_webhook",
            &["hooks.slack.com/"],
            C::Path,
            30,
            300,
            0.95,
            K::Re(
                r"^hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]+/[A-Za-z0-9]+/[A-Za-z0-9/]{16,}$",
            ),
        ),
        spec(
            "discord_webhook",
            &["discord.com/api/webhooks/", "discordapp.com/api/webhooks/"],
            C::Path,
            60,
            200,
            0.95,
            K::Re(r"^discord(?:app)?\.com/api/webhooks/[0-9]{15,22}/[A-Za-z0-9_-]{60,80}$"),
        ),
        spec(
            "teams_webhook",
            &["webhook.office.com/webhookb2/"],
            C::Path,
            40,
            400,
            0.9,
            K::None,
        ),
        spec(
            "stripe_secret_key",
            &["sk_live_", "rk_live_"],
            C::B62,
            20,
            247,
            0.95,
            K::None,
        ),
        spec(
            "stripe_test_key",
            &["sk_test_", "rk_test_"],
            C::B62,
            20,
            247,
            0.85,
            K::None,
        ),
        spec(
            "stripe_webhook_secret",
            &["whsec_"],
            C::B64,
            32,
            100,
            0.9,
            K::None,
        ),
        spec(
            "sendgrid_api_key",
            &["SG."],
            C::B64UrlDot,
            60,
            70,
            0.95,
            K::Re(r"^SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$"),
        ),
        spec("mailgun_api_key", &["key-"], C::Hex, 32, 32, 0.8, K::None),
        spec(
            "sentry_token",
            &["sntrys_eyJ"],
            C::B64,
            60,
            400,
            0.95,
            K::None,
        ),
        spec(
            "sentry_user_token",
            &["sntryu_"],
            C::Hex,
            64,
            64,
            0.95,
            K::None,
        ),
        spec(
            "newrelic_key",
            &["NRAK-"],
            C::UpperDigit,
            27,
            27,
            0.9,
            K::None,
        ),
        spec("newrelic_key", &["NRII-"], C::B64Url, 32, 32, 0.9, K::None),
        spec("newrelic_key", &["NRJS-"], C::Hex, 19, 19, 0.9, K::None),
        // --- LLM providers ---
        spec(
            "openai_api_key",
            &["sk-proj-", "sk-svcacct-", "sk-admin-", "sk-None-"],
            C::B64Url,
            40,
            300,
            0.9,
            K::OpenAiMarker,
        ),
        spec(
            "anthropic_api_key",
            &["sk-ant-"],
            C::B64Url,
            32,
            300,
            0.95,
            K::AnthropicTail,
        ),
        spec("groq_api_key", &["gsk_"], C::B62, 48, 60, 0.95, K::None),
        spec(
            "xai_api_key",
            &["xai-"],
            C::B62Underscore,
            70,
            100,
            0.92,
            K::None,
        ),
        spec("huggingface_token", &["hf_"], C::B62, 30, 40, 0.9, K::None),
        spec(
            "huggingface_org_token",
            &["api_org_"],
            C::B62,
            30,
            40,
            0.9,
            K::None,
        ),
        spec("replicate_token", &["r8_"], C::B62, 35, 40, 0.9, K::None),
        spec(
            "openrouter_api_key",
            &["sk-or-v1-"],
            C::Hex,
            64,
            64,
            0.95,
            K::None,
        ),
        spec(
            "perplexity_api_key",
            &["pplx-"],
            C::B62,
            40,
            60,
            0.92,
            K::None,
        ),
        spec(
            "elevenlabs_api_key",
            &["sk_"],
            C::Hex,
            48,
            48,
            0.85,
            K::None,
        ),
        spec(
            "langsmith_api_key",
            &["lsv2_pt_", "lsv2_sk_"],
            C::B62Underscore,
            40,
            50,
            0.95,
            K::Re(r"^lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}$"),
        ),
        spec(
            "langfuse_secret_key",
            &["sk-lf-"],
            C::B64Url,
            36,
            36,
            0.9,
            K::None,
        ),
        // --- registries, infra, containers ---
        spec("npm_token", &["npm_"], C::B62, 36, 36, 0.99, K::Crc32B62),
        spec(
            "pypi_token",
            &["pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"],
            C::B64Url,
            50,
            1200,
            0.95,
            K::None,
        ),
        spec(
            "rubygems_api_key",
            &["rubygems_"],
            C::Hex,
            48,
            48,
            0.95,
            K::None,
        ),
        spec(
            "nuget_api_key",
            &["oy2"],
            C::LowerDigit,
            43,
            43,
            0.85,
            K::None,
        ),
        spec("crates_io_token", &["cio"], C::B62, 32, 32, 0.8, K::None),
        spec(
            "docker_hub_pat",
            &["dckr_pat_"],
            C::B64Url,
            27,
            40,
            0.95,
            K::None,
        ),
        spec(
            "docker_hub_oat",
            &["dckr_oat_"],
            C::B64Url,
            32,
            40,
            0.95,
            K::None,
        ),
        spec("vault_token", &["hvs."], C::B64Url, 90, 130, 0.92, K::None),
        spec("vault_token", &["hvb."], C::B64Url, 130, 300, 0.92, K::None),
        spec("vault_token", &["hvr."], C::B64Url, 20, 130, 0.85, K::None),
        spec(
            "terraform_cloud_token",
            &[".atlasv1."],
            C::B64Url,
            0,
            0,
            0.92,
            K::Re(r"^[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}$"),
        ),
        spec("pulumi_token", &["pul-"], C::Hex, 40, 40, 0.92, K::None),
        spec(
            "doppler_token",
            &["dp.pt.", "dp.st.", "dp.sa.", "dp.ct."],
            C::B62,
            40,
            44,
            0.92,
            K::None,
        ),
        spec(
            "digitalocean_token",
            &["dop_v1_", "doo_v1_", "dor_v1_"],
            C::Hex,
            64,
            64,
            0.95,
            K::None,
        ),
        spec("databricks_token", &["dapi"], C::Hex, 32, 32, 0.85, K::None),
        spec(
            "linear_api_key",
            &["lin_api_"],
            C::B62,
            40,
            40,
            0.92,
            K::None,
        ),
        spec(
            "shopify_token",
            &["shpat_", "shpss_", "shpca_", "shppa_"],
            C::Hex,
            32,
            32,
            0.92,
            K::None,
        ),
        spec(
            "grafana_token",
            &["glsa_"],
            C::B62Underscore,
            40,
            41,
            0.92,
            K::Re(r"^glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}$"),
        ),
        spec(
            "grafana_token",
            &["glc_eyJ"],
            C::B64,
            30,
            400,
            0.92,
            K::None,
        ),
        spec(
            "onepassword_service_token",
            &["ops_eyJ"],
            C::B64,
            100,
            2000,
            0.92,
            K::None,
        ),
    ];
    let mut age = spec(
        "age_secret_key",
        &["AGE-SECRET-KEY-1"],
        C::Bech32Upper,
        58,
        58,
        0.95,
        K::None,
    );
    age.entity = Entity::PrivateKey;
    v.push(age);
    // `<org>-glpat-...` instance prefixes: any character may precede GitLab prefixes.
    for s in v.iter_mut() {
        if s.name == "gitlab_token" {
            s.left_ok_alnum = true;
        }
    }
    v
}

/// The detector for one [`Spec`].
struct TokenDetector {
    spec: Spec,
    re: Option<Regex>,
    /// The regex failed to compile: never match (the catalogue test catches this).
    broken: bool,
    /// Report documentation examples and checksum-failing tokens at full strength.
    include_test_values: bool,
}

/// Every vendor-token detector; `include_test_values` lifts the documentation-example
/// exemptions (see the module docs).
pub fn all(include_test_values: bool) -> Vec<Box<dyn Detector>> {
    let mut out: Vec<Box<dyn Detector>> = Vec::new();
    for spec in specs() {
        let (re, broken) = match spec.check {
            Check::Re(p) => match Regex::new(p) {
                Ok(r) => (Some(r), false),
                Err(_) => (None, true),
            },
            _ => (None, false),
        };
        out.push(Box::new(TokenDetector {
            spec,
            re,
            broken,
            include_test_values,
        }));
    }
    out.push(Box::new(OpenAiLegacy));
    out.push(Box::new(AzureIdentifiableKey));
    out.push(Box::new(TelegramBotToken));
    out.push(Box::new(AwsSecretPair {
        include_test_values,
    }));
    out.push(Box::new(AzureSasSignature));
    out
}

impl Detector for TokenDetector {
    fn name(&self) -> &'static str {
        self.spec.name
    }

    fn triggers(&self) -> Vec<Trigger> {
        self.spec
            .prefixes
            .iter()
            .map(|p| Trigger::Literal(Cow::Borrowed(*p)))
            .collect()
    }

    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        if self.broken {
            return;
        }
        let text = cx.text;
        let bytes = cx.bytes();
        let mut done = 0usize;
        for h in hits {
            if h.start < done {
                continue;
            }
            let Some(prefix) = self.spec.prefixes.get(h.trigger) else {
                continue;
            };
            if bytes.get(h.start..h.end) != Some(prefix.as_bytes()) {
                continue;
            }
            let span = match self.spec.check {
                Check::Re(_) if self.spec.min == 0 => self.regex_span(bytes, h, &mut done),
                _ => self.run_span(bytes, h, &mut done),
            };
            let Some((start, end, score)) = span else {
                continue;
            };
            let Some(value) = text.get(start..end) else {
                continue;
            };
            let tv = self.include_test_values;
            if is_placeholder_in(value, tv)
                || (!tv && (value.ends_with("EXAMPLE") || value.ends_with("EXAMPLEKEY")))
            {
                continue;
            }
            done = end;
            out.push(finding(
                self.spec.entity.clone(),
                start,
                end,
                score,
                self.spec.name,
            ));
        }
    }
}

impl TokenDetector {
    /// Prefix + maximal body run of the spec's class.
    /// Over-long runs set `skip` to their scanned end: later prefixes inside the same run are
    /// not standalone tokens, and skipping them keeps the work linear.
    fn run_span(&self, bytes: &[u8], h: &Hit, skip: &mut usize) -> Option<(usize, usize, f32)> {
        let s = &self.spec;
        if !s.left_ok_alnum
            && h.start > 0
            && bytes
                .get(h.start - 1)
                .is_some_and(|b| b.is_ascii_alphanumeric())
        {
            return None;
        }
        let class = s.class;
        let n = run_right(bytes, h.end, s.max + 1, |b| class.has(b));
        if n > s.max {
            *skip = (*skip).max(h.end + n);
        }
        // Trailing dots are sentence punctuation, not token characters.
        let mut end = h.end + n;
        if matches!(class, Class::B64UrlDot | Class::Path) {
            while end > h.end && bytes.get(end - 1) == Some(&b'.') {
                end -= 1;
            }
        }
        let n = end - h.end;
        if n < s.min || n > s.max {
            return None;
        }
        // Inside a base64 blob (`.../cio<32 b62>+...`): not a standalone token.
        let b64_neighbour = |c: Option<&u8>| matches!(c, Some(b'+' | b'/'));
        if !matches!(class, Class::B64 | Class::B64UrlDot | Class::Path)
            && (b64_neighbour(h.start.checked_sub(1).and_then(|p| bytes.get(p)))
                || b64_neighbour(bytes.get(end))
                || bytes.get(end) == Some(&b'='))
        {
            return None;
        }
        let token = std::str::from_utf8(bytes.get(h.start..end)?).ok()?;
        let score = match s.check {
            Check::None => s.score,
            Check::Crc32B62 => {
                let body = token.split_once('_').map(|(_, b)| b)?;
                if crc32_b62_valid(body) {
                    s.score
                } else if self.include_test_values {
                    UNVERIFIED_TEST_SCORE
                } else {
                    BAD_CHECKSUM_SCORE
                }
            }
            Check::OpenAiMarker => {
                if token.contains("T3BlbkFJ") {
                    0.97
                } else {
                    s.score
                }
            }
            Check::AnthropicTail => {
                if (token.starts_with("sk-ant-api03-") || token.starts_with("sk-ant-admin01-"))
                    && token.ends_with("AA")
                    && token.len() >= 100
                {
                    0.99
                } else {
                    s.score
                }
            }
            Check::AwsKeyId => {
                let body = token.get(4..)?;
                if body
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
                {
                    s.score
                } else {
                    return None;
                }
            }
            Check::Re(_) => {
                if self.re.as_ref().is_some_and(|r| r.is_match(token)) {
                    s.score
                } else {
                    return None;
                }
            }
        };
        Some((h.start, end, score))
    }

    /// Signature in the middle of the token (`Q~`, `.atlasv1.`): expand both ways over the
    /// token alphabet, then check the regex.
    fn regex_span(&self, bytes: &[u8], h: &Hit, skip: &mut usize) -> Option<(usize, usize, f32)> {
        let tok = |b: u8| is_b64url(b) || b == b'~' || b == b'.';
        let l = run_left(bytes, h.start, 64, tok);
        let r = run_right(bytes, h.end, 128, tok);
        let start = h.start - l;
        let mut end = h.end + r;
        *skip = (*skip).max(end);
        while end > h.end && bytes.get(end - 1) == Some(&b'.') {
            end -= 1;
        }
        let token = std::str::from_utf8(bytes.get(start..end)?).ok()?;
        self.re
            .as_ref()
            .filter(|re| re.is_match(token))
            .map(|_| (start, end, self.spec.score))
    }
}

/// Score of a well-formed GitHub/npm token whose CRC32 checksum fails: a documentation
/// example or a typo, not a live credential. Below the engine's default threshold (0.5).
pub const BAD_CHECKSUM_SCORE: f32 = 0.4;

/// GitHub / npm checksum (DETECTORS.md §2.1): CRC32 of the first 30 chars, base62, 6 digits.
pub fn crc32_b62_valid(body: &str) -> bool {
    if body.len() != 36 || !body.is_ascii() {
        return false;
    }
    let (data, check) = body.split_at(30);
    let crc = crc32fast::hash(data.as_bytes());
    let mut buf = [b'0'; 6];
    encode_b62(crc, &mut buf);
    buf == check.as_bytes()
}

/// Base62 (`0-9A-Za-z`), most significant first, zero-padded to `buf.len()`.
pub fn encode_b62(mut v: u32, buf: &mut [u8; 6]) {
    const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    for slot in buf.iter_mut().rev() {
        *slot = DIGITS.get((v % 62) as usize).copied().unwrap_or(b'0');
        v /= 62;
    }
}

/// OpenAI legacy keys: `sk-` + 20 alnum + `T3BlbkFJ` + 20 alnum, anchored on the marker.
struct OpenAiLegacy;

impl Detector for OpenAiLegacy {
    fn name(&self) -> &'static str {
        "openai_api_key"
    }
    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Literal(Cow::Borrowed("T3BlbkFJ"))]
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        let mut done = 0usize;
        for h in hits {
            if h.start < done || b.get(h.start..h.end) != Some(b"T3BlbkFJ".as_slice()) {
                continue;
            }
            let l = run_left(b, h.start, 400, is_b64url);
            let r = run_right(b, h.end, 400, is_b64url);
            let start = h.start - l;
            let end = h.end + r;
            done = end;
            let Some(tok) = cx.text.get(start..end) else {
                continue;
            };
            if !tok.starts_with("sk-") || tok.len() < 40 {
                continue;
            }
            if start > 0 && b.get(start - 1).is_some_and(|c| c.is_ascii_alphanumeric()) {
                continue;
            }
            out.push(finding(Entity::ApiKey, start, end, 0.97, "openai_api_key"));
        }
    }
}

/// Azure identifiable keys: 4-char service signature near the end of a 44- or 88-char base64
/// key (`AzFu` Functions, `ACDb` Cosmos, `+ACR` ACR, `AzSe` Search, `APIM`, `+ASb` Service
/// Bus, `+AEh` Event Hub, `AzCa` Redis, `AIoT` IoT, `+ASt` Storage).
struct AzureIdentifiableKey;

const AZURE_SIGS: &[&str] = &[
    "AzFu", "ACDb", "+ACR", "AzSe", "APIM", "+ASb", "+AEh", "AzCa", "AIoT", "+ASt",
];

impl Detector for AzureIdentifiableKey {
    fn name(&self) -> &'static str {
        "azure_identifiable_key"
    }
    fn triggers(&self) -> Vec<Trigger> {
        AZURE_SIGS
            .iter()
            .map(|s| Trigger::Literal(Cow::Borrowed(*s)))
            .collect()
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        let mut done = 0;
        for h in hits {
            if h.start < done {
                continue;
            }
            let Some(sig) = AZURE_SIGS.get(h.trigger) else {
                continue;
            };
            if b.get(h.start..h.end) != Some(sig.as_bytes()) {
                continue;
            }
            let l = run_left(b, h.start, 100, is_b64);
            let r = run_right(b, h.end, 100, is_b64);
            let start = h.start - l;
            let mut end = h.end + r;
            let pad = run_right(b, end, 2, |c| c == b'=');
            end += pad;
            let len = end - start;
            // 32-byte keys: 44 chars with one `=`; 64-byte keys: 88 chars with `==`.
            let shaped = (len == 44 && pad == 1) || (len == 88 && pad == 2);
            // The signature sits in the last 12 characters.
            if !shaped || end - h.end > 12 {
                continue;
            }
            if start > 0 && b.get(start - 1).is_some_and(|c| is_b64(*c)) {
                continue;
            }
            done = end;
            out.push(finding(
                Entity::ApiKey,
                start,
                end,
                0.88,
                "azure_identifiable_key",
            ));
        }
    }
}

/// Telegram bot tokens: `<5–16 digits>:AA` + 33 b64url, anchored on `:AA`.
struct TelegramBotToken;

impl Detector for TelegramBotToken {
    fn name(&self) -> &'static str {
        "telegram_bot_token"
    }
    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Literal(Cow::Borrowed(":AA"))]
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        for h in hits {
            if b.get(h.start..h.end) != Some(b":AA".as_slice()) {
                continue;
            }
            let d = run_left(b, h.start, 17, |c| c.is_ascii_digit());
            if !(5..=16).contains(&d) {
                continue;
            }
            let start = h.start - d;
            if start > 0 && b.get(start - 1).is_some_and(|c| c.is_ascii_alphanumeric()) {
                continue;
            }
            // `:A` + 34 b64url chars after the colon.
            let r = run_right(b, h.start + 2, 40, is_b64url);
            if r != 34 {
                continue;
            }
            let end = h.start + 2 + r;
            out.push(finding(
                Entity::ApiKey,
                start,
                end,
                0.85,
                "telegram_bot_token",
            ));
        }
    }
}

/// AWS secret access key next to an access key id (pairing, DETECTORS.md §1.1): a 40-char
/// `[A-Za-z0-9/+]` run within 256 bytes after `AKIA…`/`ASIA…`, entropy >= 4.25, mixed case.
/// Keyed forms (`aws_secret_access_key = …`) are caught by the assignment detector.
struct AwsSecretPair {
    include_test_values: bool,
}

const AWS_PAIR_WINDOW: usize = 256;

impl Detector for AwsSecretPair {
    fn name(&self) -> &'static str {
        "aws_secret_access_key"
    }
    fn triggers(&self) -> Vec<Trigger> {
        vec![
            Trigger::Literal(Cow::Borrowed("AKIA")),
            Trigger::Literal(Cow::Borrowed("ASIA")),
        ]
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        let mut done = 0usize;
        for h in hits {
            if b.get(h.start..h.end) != Some(b"AKIA".as_slice())
                && b.get(h.start..h.end) != Some(b"ASIA".as_slice())
            {
                continue;
            }
            let id = run_right(b, h.end, 17, |c| {
                c.is_ascii_uppercase() || c.is_ascii_digit()
            });
            if id != 16 {
                continue;
            }
            let mut i = (h.end + id).max(done);
            let limit = (h.end + id + AWS_PAIR_WINDOW).min(b.len());
            while i < limit {
                let n = run_right(b, i, 41, is_b64);
                if n == 0 {
                    i += 1;
                    continue;
                }
                if n == 40 && !b.get(i + n).is_some_and(|c| is_b64(*c) || *c == b'=') {
                    if let Some(v) = cx.text.get(i..i + n) {
                        let (lo, up, _, _) = super::util::classes(v);
                        if lo
                            && up
                            && super::util::entropy(v) >= 4.25
                            && !is_placeholder_in(v, self.include_test_values)
                        {
                            out.push(finding(
                                Entity::ApiKey,
                                i,
                                i + n,
                                0.85,
                                "aws_secret_access_key",
                            ));
                            break;
                        }
                    }
                }
                i += n.max(1);
                // Skip the rest of an over-long run.
                i += run_right(b, i, limit.saturating_sub(i), is_b64);
            }
            done = limit;
        }
    }
}

/// Azure SAS token signature: the `sig=` value of a query that also carries `sv=`.
struct AzureSasSignature;

impl Detector for AzureSasSignature {
    fn name(&self) -> &'static str {
        "azure_sas_signature"
    }
    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Literal(Cow::Borrowed("sig="))]
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        let mut done = 0usize;
        for h in hits {
            if h.start < done
                || !matches!(
                    h.start.checked_sub(1).and_then(|p| b.get(p)),
                    Some(b'?' | b'&' | b';')
                )
            {
                continue;
            }
            // `sv=` within the same URL/query (up to 512 bytes around, no whitespace).
            let l = run_left(b, h.start, 512, |c| !c.is_ascii_whitespace() && c != b'"');
            let r = run_right(b, h.end, 512, |c| !c.is_ascii_whitespace() && c != b'"');
            let Some(query) = b.get(h.start - l..h.end + r) else {
                continue;
            };
            // One verdict per query string.
            done = h.end + r;
            if memchr::memmem::find(query, b"sv=").is_none() {
                continue;
            }
            let n = run_right(b, h.end, 256, |c| is_b64(c) || c == b'%' || c == b'=');
            if n < 20 {
                continue;
            }
            out.push(finding(
                Entity::ApiKey,
                h.end,
                h.end + n,
                0.9,
                "azure_sas_signature",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Engine;

    fn engine() -> Engine {
        Engine::with_detectors(all(false)).unwrap()
    }

    /// Scores of every finding, the weak ones too (threshold 0).
    fn raw_scores(text: &str) -> Vec<f32> {
        let config = crate::detect::engine::EngineConfig {
            min_score: 0.0,
            ..Default::default()
        };
        Engine::with_config(all(false), config)
            .unwrap()
            .scan(text)
            .into_iter()
            .map(|f| f.score)
            .collect()
    }

    /// Deterministic pseudo-random b62 string (no real tokens in the repo).
    fn b62(n: usize, seed: u32) -> String {
        const D: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let mut x = seed.wrapping_mul(2654435761).wrapping_add(12345);
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                D[(x % 62) as usize] as char
            })
            .collect()
    }

    fn hexs(n: usize, seed: u32) -> String {
        b62(n * 2, seed)
            .bytes()
            .map(|b| char::from(b"0123456789abcdef"[(b % 16) as usize]))
            .take(n)
            .collect()
    }

    fn with_crc(body30: &str) -> String {
        let mut buf = [b'0'; 6];
        encode_b62(crc32fast::hash(body30.as_bytes()), &mut buf);
        format!("{body30}{}", std::str::from_utf8(&buf).unwrap())
    }

    fn found(e: &Engine, text: &str) -> Vec<(String, String, f32)> {
        e.scan(text)
            .into_iter()
            .map(|f| {
                (
                    f.detector.to_string(),
                    text[f.start..f.end].to_string(),
                    f.score,
                )
            })
            .collect()
    }

    #[test]
    fn github_checksum() {
        let e = engine();
        let body = with_crc(&b62(30, 1));
        let tok = format!("gh{}_{}", "p", body);
        let f = found(&e, &format!("token: {tok} end"));
        assert_eq!(f, vec![("github_token".into(), tok.clone(), 0.99)]);
        // Bad checksum (documentation examples): scored below the default threshold, so the
        // engine drops it; the detector itself still reports it, weakly.
        let mut bad = body.clone();
        bad.replace_range(35..36, if body.ends_with('A') { "B" } else { "A" });
        let tok2 = format!("gh{}_{}", "s", bad);
        assert!(found(&e, &tok2).is_empty());
        assert!(found(&e, &format!("docs example: {tok2}\n")).is_empty());
        let raw = raw_scores(&tok2);
        assert_eq!(raw.len(), 1);
        assert!((raw[0] - BAD_CHECKSUM_SCORE).abs() < 1e-6 && raw[0] < 0.5);
        let bad_npm = format!("np{}_{}", "m", &bad);
        assert!(found(&e, &bad_npm).is_empty());
        assert_eq!(raw_scores(&bad_npm), vec![BAD_CHECKSUM_SCORE]);
        // Embedded in a longer word or too long: not a token.
        assert!(found(&e, &format!("x{tok}")).is_empty());
        assert!(found(&e, &format!("{tok}Z")).is_empty());
        assert!(found(&e, &format!("gh{}_{}", "p", "x".repeat(36))).is_empty());
        let npm = format!("np{}_{}", "m", with_crc(&b62(30, 9)));
        assert_eq!(found(&e, &npm)[0].2, 0.99);
    }

    #[test]
    fn aws_ids() {
        let e = engine();
        let id = format!("AK{}A{}", "I", "Z2MQ4RS7TUVWXY3B");
        assert_eq!(found(&e, &format!("aws_access_key_id = {id}"))[0].1, id);
        assert!(found(&e, &format!("AK{}AIOSFODNN7EXAMPLE", "I")).is_empty());
        // Principal ids are not secrets; body outside base32 is rejected.
        assert!(found(&e, "AIDAZ2MQ4RS7TUVWXY3B").is_empty());
        assert!(found(&e, &format!("AK{}A{}", "I", "Z2MQ4RS7TUVWXY1B")).is_empty());
    }

    #[test]
    fn llm_providers() {
        let e = engine();
        let oa = format!("sk-{}-{}T3BlbkFJ{}", "proj", b62(60, 2), b62(60, 3));
        let f = found(&e, &format!("OPENAI_API_KEY={oa}"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].1, oa);
        assert!(f[0].2 > 0.95);
        let legacy = format!("s{}-{}T3BlbkFJ{}", "k", b62(20, 4), b62(20, 5));
        assert_eq!(found(&e, &legacy)[0].1, legacy);
        let ant = format!("sk-{}-api03-{}AA", "ant", b62(93, 6));
        assert_eq!(found(&e, &ant)[0].2, 0.99);
        let groq = format!("g{}_{}", "sk", b62(52, 7));
        assert_eq!(found(&e, &groq)[0].0, "groq_api_key");
        let hf = format!("h{}_{}", "f", b62(34, 8));
        assert_eq!(found(&e, &hf)[0].0, "huggingface_token");
        let or = format!("sk-or-v1-{}", hexs(64, 9));
        assert_eq!(found(&e, &or)[0].0, "openrouter_api_key");
        let ls = format!("lsv2_pt_{}_{}", hexs(32, 10), hexs(10, 11));
        assert_eq!(found(&e, &ls)[0].0, "langsmith_api_key");
        // Generic `sk-` alone never triggers.
        assert!(found(&e, &format!("sk-{}", hexs(32, 12))).is_empty());
    }

    #[test]
    fn vendors() {
        let e = engine();
        let cases = [
            (
                format!("AI{}{}", "za", "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"),
                "gcp_api_key",
            ),
            (
                format!("GOC{}-{}", "SPX", b62(28, 13)),
                "google_oauth_client_secret",
            ),
            (
                format!(
                    "xo{}-{}-{}-{}",
                    "xb",
                    "1234567890123",
                    "1234567890123",
                    b62(24, 14)
                ),
                "slack_token",
            ),
            (
                format!(
                    "https://hooks.slack.com/services/T{}/B{}/{}",
                    "ABCDEFGH1",
                    "ABCDEFGH2",
                    b62(24, 15)
                ),
                "slack_webhook",
            ),
            (
                format!("sk_{}_{}", "live", b62(24, 16)),
                "stripe_secret_key",
            ),
            (
                format!("SG.{}.{}", b62(22, 17), b62(43, 18)),
                "sendgrid_api_key",
            ),
            (
                format!("xo{}-{}-{}", "xp", "12345678901", b62(30, 19)),
                "slack_token",
            ),
            (format!("dckr_{}_{}", "pat", b62(27, 20)), "docker_hub_pat"),
            (format!("hvs.{}", b62(95, 21)), "vault_token"),
            (
                format!("{}.atlas{}.{}", b62(14, 22), "v1", b62(65, 23)),
                "terraform_cloud_token",
            ),
            (format!("dop_v1_{}", hexs(64, 24)), "digitalocean_token"),
            (
                format!("abc1Q~{}", b62(32, 25)),
                "azure_entra_client_secret",
            ),
            (
                format!(
                    "AGE-SECRET-KEY-1{}",
                    "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7LQPZRY9X8GF2TVDW0S3JN54KHCE"
                ),
                "age_secret_key",
            ),
            (format!("123456789:AA{}", b62(33, 26)), "telegram_bot_token"),
            (
                format!("{}AzCa{}=", b62(33, 27), b62(6, 28)),
                "azure_identifiable_key",
            ),
            (format!("pypi-AgEIcHlwaS5vcmc{}", b62(70, 29)), "pypi_token"),
            (format!("glp{}-{}", "at", b62(20, 30)), "gitlab_token"),
        ];
        for (tok, name) in &cases {
            let text = format!("value \"{tok}\". next");
            let f = found(&e, &text);
            assert_eq!(f.len(), 1, "{name}: {f:?}");
            assert_eq!(f[0].0, *name);
            assert!(tok.ends_with(&f[0].1), "{name}: {} vs {tok}", f[0].1);
        }
    }

    #[test]
    fn aws_pair_and_sas() {
        let e = engine();
        let id = format!("AK{}A{}", "I", "Z2MQ4RS7TUVWXY3B");
        let secret = format!("{}/{}+{}", b62(20, 40), b62(10, 41), b62(8, 42));
        let f = found(&e, &format!("id {id} secret {secret} done"));
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[1].1, secret);
        // A git SHA near a key id is not a secret key.
        let f = found(
            &e,
            &format!("{id} commit 9fceb02d0ae598e95dc970b74767f19372d61af8"),
        );
        assert_eq!(f.len(), 1);

        let url = format!("https://acct.blob.core.windows.net/c/b?sv=2022-11-02&ss=b&sp=r&se=2030-01-01&sig={}%2B{}%3D", b62(20, 43), b62(20, 44));
        let f = found(&e, &url);
        assert_eq!(f.len(), 1);
        assert!(f[0].1.ends_with("%3D"));
        assert!(found(&e, "https://x.example/?sig=abcdefghijklmnopqrstuvwxyz").is_empty());
    }

    #[test]
    fn placeholders_and_lookalikes_are_clean() {
        let e = engine();
        for t in [
            "xoxb-your-token-here",
            "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
            "the key-value store",
            "discord.com/api/webhooks/ is the endpoint",
            "hf_hub_download(repo_id)",
            "disk_size and sk_ alone",
            "AIzaSy...",
            "ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            "Zm9v/cioAbCdEfGhIjKlMnOpQrStUvWxYz012345+YmFy",
        ] {
            assert!(found(&e, t).is_empty(), "{t}");
        }
    }

    fn strict_engine() -> Engine {
        Engine::with_detectors(all(true)).unwrap()
    }

    #[test]
    fn test_values_mode_reports_vendor_doc_examples() {
        let (e, d) = (strict_engine(), engine());
        // Split so the repository holds no literal token-shaped strings.
        let aws = format!("AK{}AIOSFODNN7EXAMPLE", "I");
        let gh = format!("gh{}_EXAMPLENOTAREALGITHUBTOKEN0000000000", "p");
        let slack = format!("xo{}b-00000-00000-EXAMPLENOTAREALTOKEN", "x");
        for (tok, det, score) in [
            (&aws, "aws_access_key_id", 0.9),
            (&gh, "github_token", UNVERIFIED_TEST_SCORE),
            (&slack, "slack_token", 0.9),
        ] {
            let text = format!("creds: {tok} end");
            assert_eq!(found(&e, &text), vec![(det.into(), tok.clone(), score)]);
            assert!(found(&d, &text).is_empty(), "default mode: {tok}");
        }
        // The AWS documentation secret key next to its key id.
        let secret = format!("wJalrXUtnFEMI/K7MDENG/bPxRfiCY{}KEY", "EXAMPLE");
        let text = format!("id {aws} secret {secret}");
        let f = found(&e, &text);
        assert!(f
            .iter()
            .any(|x| x.0 == "aws_secret_access_key" && x.1 == secret));
        assert!(!found(&d, &text).iter().any(|x| x.1 == secret));
        // A well-formed GitHub token failing its checksum: full strength in this mode.
        let body = with_crc(&b62(30, 1));
        let mut bad = body.clone();
        bad.replace_range(35..36, if body.ends_with('A') { "B" } else { "A" });
        let tok = format!("gh{}_{}", "s", bad);
        assert_eq!(found(&e, &tok)[0].2, UNVERIFIED_TEST_SCORE);
        // Default mode: below the engine's threshold (a documentation example), not reported.
        assert!(found(&d, &tok).is_empty());
        // Valid tokens: same result in both modes.
        let good = format!("gh{}_{}", "p", body);
        assert_eq!(found(&e, &good), found(&d, &good));
    }

    #[test]
    fn test_values_mode_keeps_placeholders_clean() {
        let e = strict_engine();
        for t in [
            "xoxb-your-token-here",
            "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
            "ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            "AKIA${AWS_ACCESS_KEY_ID}",
            "xoxb-<your-slack-token>",
            "ghp_****************************************",
            "AIzaSy...",
            "changeme",
            "Zm9v/cioAbCdEfGhIjKlMnOpQrStUvWxYz012345+YmFy",
        ] {
            assert!(found(&e, t).is_empty(), "{t}");
        }
    }
}
