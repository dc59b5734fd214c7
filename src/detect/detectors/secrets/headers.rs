//! HTTP authentication headers and curl credentials.
//!
//! `Authorization` / `Proxy-Authorization` (`Bearer`, `Basic`, `token`, any scheme, or a bare
//! value), `X-API-Key`, `Api-Key`, `X-Auth-Token`, `X-Vault-Token`, `Private-Token`,
//! `DD-API-KEY`, `X-Goog-Api-Key`, `Ocp-Apim-Subscription-Key`, `X-Access-Token`, in raw HTTP,
//! curl `-H`, code dicts and logs; and `curl -u user:pass` / `--user user:pass`.
//!
//! The finding covers the credential only (scheme word and header name stay). Scores: Basic
//! whose value decodes to `user:pass` 0.95, other schemes and API-key headers 0.9, bare
//! `Authorization` values 0.8, `-u user:pass` 0.85 (`Password`). Values shorter than 8
//! characters, placeholders and references (`Bearer $TOKEN`, `Bearer <token>`, `{token}`) are
//! not flagged.

use std::borrow::Cow;

use super::util::{b64_decode, classes, finding, is_placeholder, run_right};
use crate::detect::{Detector, Entity, Finding, Hit, ScanCtx, Trigger};

const NAME: &str = "auth_header";
const MAX_VALUE: usize = 8 * 1024;

const HEADERS: &[&str] = &[
    "authorization",
    "x-api-key",
    "api-key",
    "x-auth-token",
    "x-vault-token",
    "private-token",
    "dd-api-key",
    "dd-application-key",
    "x-goog-api-key",
    "ocp-apim-subscription-key",
    "x-access-token",
    "x-amz-security-token",
    "x-figma-token",
    "x-shopify-access-token",
];
const CURL_USER: &[&str] = &[" -u ", " --user ", " -u'", " -u\""];

pub struct AuthHeader;

impl Detector for AuthHeader {
    fn name(&self) -> &'static str {
        NAME
    }
    fn triggers(&self) -> Vec<Trigger> {
        HEADERS
            .iter()
            .chain(CURL_USER.iter())
            .map(|t| Trigger::Literal(Cow::Borrowed(*t)))
            .collect()
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let mut done = 0usize;
        for h in hits {
            if h.start < done {
                continue;
            }
            let r = if h.trigger < HEADERS.len() {
                header(cx, h, &mut done)
            } else {
                curl_user(cx, h)
            };
            if let Some(f) = r {
                done = done.max(f.end);
                out.push(f);
            }
        }
    }
}

fn skip(b: &[u8], mut i: usize, f: impl Fn(u8) -> bool) -> usize {
    while b.get(i).is_some_and(|&c| f(c)) {
        i += 1;
    }
    i
}

fn is_value_byte(c: u8) -> bool {
    !(c.is_ascii_whitespace()
        || matches!(
            c,
            b'"' | b'\'' | b'`' | b',' | b';' | b'\\' | b'}' | b')' | b'<' | b'>'
        ))
}

/// `done` is raised to the end of the scanned value so hits inside it are not rescanned.
fn header(cx: &ScanCtx<'_>, h: &Hit, done: &mut usize) -> Option<Finding> {
    let b = cx.bytes();
    let is_auth = h.trigger == 0;
    // Name must stand alone (`Proxy-Authorization` is fine, `MyAuthorization` is not).
    if h.start > 0
        && b.get(h.start - 1)
            .is_some_and(|c| c.is_ascii_alphanumeric())
    {
        return None;
    }
    if b.get(h.end)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    {
        return None;
    }
    let mut i = skip(b, h.end, |c| {
        matches!(c, b'"' | b'\'' | b'\\' | b' ' | b'\t')
    });
    // HAR / structured logs: `{"name": "Authorization", "value": "Bearer ..."}`.
    if b.get(i) == Some(&b',') {
        let window = b.get(i..(i + 32).min(b.len()))?;
        let off = memchr::memmem::find(window, b"value")?;
        i = skip(b, i + off + 5, |c| matches!(c, b'"' | b'\'' | b' ' | b'\t'));
    }
    if !matches!(b.get(i), Some(b':' | b'=')) {
        return None;
    }
    i += 1;
    i = skip(b, i, |c| {
        matches!(c, b' ' | b'\t' | b'"' | b'\'' | b'\\' | b'>')
    });
    // Optional f-string/backtick/template prefix like f"...: a quoted value starting `{` is a
    // reference and gets rejected below.
    let first_len = run_right(b, i, MAX_VALUE, is_value_byte);
    if first_len == 0 {
        return None;
    }
    let first = cx.text.get(i..i + first_len)?;
    let after_first = i + first_len;
    *done = (*done).max(after_first);
    let scheme_follows = b.get(after_first) == Some(&b' ')
        && first.len() <= 16
        && first.bytes().all(|c| c.is_ascii_alphabetic() || c == b'-');
    let (vs, ve, score) = if is_auth && scheme_follows {
        let vs = skip(b, after_first, |c| c == b' ');
        let n = run_right(b, vs, MAX_VALUE, is_value_byte);
        *done = (*done).max(vs + n);
        let value = cx.text.get(vs..vs + n)?;
        let score = if first.eq_ignore_ascii_case("basic") {
            match b64_decode(value) {
                Some(raw) if raw.contains(&b':') => 0.95,
                _ => 0.7,
            }
        } else {
            0.9
        };
        (vs, vs + n, score)
    } else if is_auth {
        (i, after_first, 0.8)
    } else {
        (i, after_first, 0.9)
    };
    let value = cx.text.get(vs..ve)?;
    let (lower, upper, digit, other) = classes(value);
    let tokenish = digit || other || (lower && upper && value.len() >= 16);
    if value.len() < 8
        || !tokenish
        || is_placeholder(value)
        || value.contains('{')
        || value.contains('$')
    {
        return None;
    }
    Some(finding(Entity::AuthHeader, vs, ve, score, NAME))
}

fn curl_user(cx: &ScanCtx<'_>, h: &Hit) -> Option<Finding> {
    let b = cx.bytes();
    let i = skip(b, h.end, |c| matches!(c, b' ' | b'"' | b'\''));
    let n = run_right(b, i, 512, |c| {
        !(c.is_ascii_whitespace() || matches!(c, b'"' | b'\''))
    });
    let cred = b.get(i..i + n)?;
    let colon = cred.iter().position(|&c| c == b':')?;
    let ps = i + colon + 1;
    let pe = i + n;
    let pw = cx.text.get(ps..pe)?;
    if pw.len() < 3 || is_placeholder(pw) {
        return None;
    }
    Some(finding(Entity::Password, ps, pe, 0.85, "curl_user"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Engine;

    fn spans(text: &str) -> Vec<(&str, f32)> {
        let e = Engine::with_detectors(vec![Box::new(AuthHeader)]).unwrap();
        e.scan(text)
            .into_iter()
            .map(|f| (&text[f.start..f.end], f.score))
            .collect()
    }

    #[test]
    fn headers_value_only() {
        assert_eq!(
            spans("Authorization: Bearer abcDEF123456ghi"),
            vec![("abcDEF123456ghi", 0.9)]
        );
        assert_eq!(
            spans(r#"curl -H "Authorization: Basic dXNlcjpwYXNzd29yZA==" https://x"#),
            vec![("dXNlcjpwYXNzd29yZA==", 0.95)]
        );
        assert_eq!(
            spans("{\"X-API-Key\": \"k3y-Abcdef123456\"}"),
            vec![("k3y-Abcdef123456", 0.9)]
        );
        assert_eq!(
            spans("PRIVATE-TOKEN: a1b2c3d4e5f6g7h8"),
            vec![("a1b2c3d4e5f6g7h8", 0.9)]
        );
        assert_eq!(
            spans("curl -u admin:S3cretPass https://api"),
            vec![("S3cretPass", 0.85)]
        );
        assert_eq!(
            spans(r#"{"name": "Authorization", "value": "Bearer eyAbc123456789"}"#),
            vec![("eyAbc123456789", 0.9)]
        );
        assert_eq!(
            spans("Proxy-Authorization: token 0123abcdef4567"),
            vec![("0123abcdef4567", 0.9)]
        );
    }

    #[test]
    fn references_are_clean() {
        for t in [
            "Authorization: Bearer $TOKEN",
            "Authorization: Bearer <token>",
            "headers = {\"Authorization\": f\"Bearer {api_key}\"}",
            "Authorization: Bearer xxxxxxxxxxxx",
            "the authorization: process is slow",
            "mysql -u root -p",
            "Authorization: Bearer abc",
        ] {
            assert!(spans(t).is_empty(), "{t}");
        }
    }
}
