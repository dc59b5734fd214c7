//! Private key material: PEM blocks of every private-key label (also with JSON-escaped `\n`,
//! truncated, or base64-wrapped as `LS0tLS1CRUdJT…`), and PuTTY key files.
//!
//! The finding covers the whole block, BEGIN and END lines included. Public keys and
//! certificates are not secrets and are skipped. Scores: complete block 0.99, truncated block
//! (BEGIN without END: redacted to the end of the base64 body) 0.9, base64-wrapped PEM 0.95.

use std::borrow::Cow;

use memchr::memmem;

use super::util::{b64_decode, finding, is_b64, run_right};
use crate::detect::{Detector, Entity, Finding, Hit, ScanCtx, Trigger};

/// Longest block we look for an END line in.
const MAX_BLOCK: usize = 64 * 1024;
const NAME: &str = "private_key";

pub struct PemPrivateKey;

const TRIGGERS: &[&str] = &["-----BEGIN ", "LS0tLS1CRUdJT", "PuTTY-User-Key-File-"];

impl Detector for PemPrivateKey {
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
        let b = cx.bytes();
        let mut done = 0usize;
        let mut ends = NextMatch::new(b"-----END ");
        let mut macs = NextMatch::new(b"Private-MAC:");
        let mut lines = NextMatch::new(b"Private-Lines:");
        for h in hits {
            if h.start < done {
                continue;
            }
            let r = match h.trigger {
                0 => pem_block(b, h, &mut ends),
                1 => b64_pem(b, h),
                _ => putty(b, h, &mut macs, &mut lines),
            };
            if let Some((start, end, score)) = r {
                done = end;
                out.push(finding(Entity::PrivateKey, start, end, score, NAME));
            }
        }
    }
}

/// Next occurrence of a needle, cached across hits so that all hits of one scan together
/// search each byte of the text at most once (repeated BEGIN lines without END stay linear).
struct NextMatch {
    needle: &'static [u8],
    searched_from: Option<usize>,
    at: Option<usize>,
}

impl NextMatch {
    fn new(needle: &'static [u8]) -> Self {
        NextMatch {
            needle,
            searched_from: None,
            at: None,
        }
    }

    /// First occurrence at or after `from`.
    fn find(&mut self, b: &[u8], from: usize) -> Option<usize> {
        if let Some(f) = self.searched_from {
            if from >= f {
                match self.at {
                    Some(p) if p >= from => return Some(p),
                    None => return None,
                    _ => {}
                }
            }
        }
        self.searched_from = Some(from);
        self.at = b
            .get(from..)
            .and_then(|r| memmem::find(r, self.needle))
            .map(|o| from + o);
        self.at
    }
}

/// `-----BEGIN <label>-----` ... `-----END <label>-----`.
fn pem_block(b: &[u8], h: &Hit, ends: &mut NextMatch) -> Option<(usize, usize, f32)> {
    let label_start = h.end;
    let label_len = run_right(b, label_start, 64, |c| {
        c.is_ascii_uppercase() || c == b' ' || c.is_ascii_digit()
    });
    let label = b.get(label_start..label_start + label_len)?;
    memmem::find(label, b"PRIVATE KEY")?;
    let after_label = label_start + label_len;
    if b.get(after_label..after_label + 5) != Some(b"-----".as_slice()) {
        return None;
    }
    let body_start = after_label + 5;
    let limit = (body_start + MAX_BLOCK).min(b.len());
    if let Some(off) = ends
        .find(b, body_start)
        .filter(|&p| p < limit)
        .map(|p| p - body_start)
    {
        let end_line = body_start + off + 9;
        // `-----END <label>-----`
        let l = run_right(b, end_line, 64, |c| {
            c.is_ascii_uppercase() || c == b' ' || c.is_ascii_digit()
        });
        let mut end = end_line + l;
        end += run_right(b, end, 5, |c| c == b'-');
        let body = b.get(body_start..body_start + off)?;
        if body.iter().filter(|&&c| is_b64(c)).take(64).count() < 64 {
            return None;
        }
        return Some((h.start, end, 0.99));
    }
    // Truncated: whole lines of base64, separated by real or JSON-escaped newlines.
    let mut i = body_start;
    let mut b64 = 0usize;
    let mut last = body_start;
    while i < limit {
        loop {
            match b.get(i) {
                Some(b'\n' | b'\r') => i += 1,
                Some(b'\\') if matches!(b.get(i + 1), Some(b'n' | b'r')) => i += 2,
                _ => break,
            }
        }
        let run = run_right(b, i, limit - i.min(limit), |c| is_b64(c) || c == b'=');
        if run == 0 {
            break;
        }
        let line_end = i + run;
        let ends_line = match b.get(line_end) {
            None => true,
            Some(b'\n' | b'\r') => true,
            Some(b'\\') => matches!(b.get(line_end + 1), Some(b'n' | b'r')),
            _ => false,
        };
        if !ends_line {
            break;
        }
        b64 += run;
        last = line_end;
        i = line_end;
    }
    (b64 >= 32).then_some((h.start, last, 0.9))
}

/// Base64 of a PEM block (`LS0tLS1CRUdJT` = base64 of `-----BEGIN`).
fn b64_pem(b: &[u8], h: &Hit) -> Option<(usize, usize, f32)> {
    if b.get(h.start..h.end) != Some(b"LS0tLS1CRUdJT".as_slice()) {
        return None;
    }
    if h.start > 0 && b.get(h.start - 1).is_some_and(|c| is_b64(*c)) {
        return None;
    }
    let n = run_right(b, h.start, MAX_BLOCK * 2, |c| is_b64(c) || c == b'=');
    let head = std::str::from_utf8(b.get(h.start..h.start + n.min(64))?).ok()?;
    let head = head.get(..head.len() / 4 * 4)?;
    let decoded = b64_decode(head)?;
    if memmem::find(&decoded, b"PRIVATE KEY").is_none() || n < 120 {
        return None;
    }
    Some((h.start, h.start + n, 0.95))
}

/// PuTTY key file: header line through `Private-MAC:` (or the private lines if truncated).
fn putty(
    b: &[u8],
    h: &Hit,
    macs: &mut NextMatch,
    lines: &mut NextMatch,
) -> Option<(usize, usize, f32)> {
    let limit = (h.start + 16 * 1024).min(b.len());
    let within = |p: usize| (p < limit).then(|| p - h.start);
    if let Some(off) = macs.find(b, h.start).and_then(within) {
        let mut end = h.start + off + 12;
        end += run_right(b, end, 2, |c| c == b' ');
        end += run_right(b, end, 128, |c| c.is_ascii_hexdigit());
        return Some((h.start, end, 0.99));
    }
    let off = lines.find(b, h.start).and_then(within)?;
    let mut i = h.start + off + 14;
    i += run_right(b, i, 16, |c| {
        c == b' ' || c.is_ascii_digit() || c == b'\r' || c == b'\n'
    });
    let body = run_right(b, i, 8 * 1024, |c| {
        is_b64(c) || c == b'=' || c == b'\n' || c == b'\r'
    });
    (body >= 32).then_some((h.start, i + body, 0.9))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Engine;

    fn engine() -> Engine {
        Engine::with_detectors(vec![Box::new(PemPrivateKey)]).unwrap()
    }

    fn body() -> String {
        (0..5)
            .map(|i| format!("{}{}\n", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", i).repeat(1))
            .collect::<String>()
            + &"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0123456789abcdefgh\n".repeat(3)
    }

    #[test]
    fn full_block_every_label() {
        let e = engine();
        for label in [
            "RSA PRIVATE KEY",
            "PRIVATE KEY",
            "EC PRIVATE KEY",
            "OPENSSH PRIVATE KEY",
            "ENCRYPTED PRIVATE KEY",
            "PGP PRIVATE KEY BLOCK",
        ] {
            let block = format!("-----BEGIN {label}-----\n{}-----END {label}-----", body());
            let text = format!("here:\n{block}\nthanks");
            let f = e.scan(&text);
            assert_eq!(f.len(), 1, "{label}");
            assert_eq!(&text[f[0].start..f[0].end], block);
        }
    }

    #[test]
    fn escaped_and_truncated() {
        let e = engine();
        let esc = body().replace('\n', "\\n");
        let json = format!("{{\"private_key\": \"-----BEGIN PRIVATE KEY-----\\n{esc}-----END PRIVATE KEY-----\\n\"}}");
        let f = e.scan(&json);
        assert_eq!(f.len(), 1);
        assert!(json[f[0].start..f[0].end].ends_with("-----END PRIVATE KEY-----"));

        let trunc = format!("-----BEGIN RSA PRIVATE KEY-----\n{}", body());
        let text = format!("{trunc}and then prose");
        let f = e.scan(&text);
        assert_eq!(f.len(), 1);
        assert!(f[0].score < 0.95);
        assert!(text[f[0].start..f[0].end].starts_with("-----BEGIN"));
        assert!(!text[f[0].start..f[0].end].contains("prose"));
    }

    #[test]
    fn public_material_is_clean() {
        let e = engine();
        for label in [
            "PUBLIC KEY",
            "CERTIFICATE",
            "CERTIFICATE REQUEST",
            "RSA PUBLIC KEY",
        ] {
            let block = format!("-----BEGIN {label}-----\n{}-----END {label}-----", body());
            assert!(e.scan(&block).is_empty(), "{label}");
        }
    }

    #[test]
    fn base64_wrapped_and_putty() {
        use base64::Engine as _;
        let e = engine();
        let pem = format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{}-----END RSA PRIVATE KEY-----\n",
            body()
        );
        let enc = base64::engine::general_purpose::STANDARD.encode(pem);
        let text = format!("tls.key: {enc}\n");
        let f = e.scan(&text);
        assert_eq!(f.len(), 1);
        assert_eq!(&text[f[0].start..f[0].end], enc);
        let cert = base64::engine::general_purpose::STANDARD
            .encode(format!("-----BEGIN CERTIFICATE-----\n{}", body()));
        assert!(e.scan(&cert).is_empty());

        let putty = "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIDc\nPrivate-Lines: 1\nAAAAIQCz1234567890abcdefghijklmnopqrstuv\nPrivate-MAC: 0123456789abcdef0123456789abcdef\n";
        let f = e.scan(putty);
        assert_eq!(f.len(), 1);
        assert!(putty[f[0].start..f[0].end].ends_with("0123456789abcdef"));
    }
}
