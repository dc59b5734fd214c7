//! E-mail addresses, anchored on `@`.
//!
//! Local part: ASCII letters/digits, `._%+-'` and non-ASCII letters, ≤ 64 bytes, no leading,
//! trailing or double dot. Domain: ≥ 2 labels of `[A-Za-z0-9-]` (≤ 63, no edge hyphen), total
//! ≤ 253, TLD in the compiled-in IANA list ([`super::tlds`]). Rejected: reserved domains
//! (`example.com/net/org`, `.example`, `.test`, `.invalid`, `.localhost`, `.local`), retina
//! file names (`icon@2x.png`), scp-style SSH remotes (`git@github.com:org/repo`), user-info in
//! URLs (`https://user@host`, left to the secrets detectors). npm scopes and decorators have
//! no local part and never match.
//!
//! With `include_test_values` ([`EmailDetector::new`]`(true)`, from `[detection]`), reserved
//! domains are reported like any other (score unchanged): `user@example.com`,
//! `a@mail.example.org`, `me@host.test`, `x@foo.invalid`, `svc@db.local`, `root@localhost`
//! (the reserved names stand in for the IANA TLD check). Every other rule still applies.

use std::borrow::Cow;

use super::tlds::TLDS;
use super::util::byte_at;
use crate::detect::{Detector, Entity, Finding, Hit, ScanCtx, Trigger};

const SCORE: f32 = 0.95;

/// The e-mail detector.
#[derive(Debug, Default, Clone)]
pub struct EmailDetector {
    /// Report reserved (documentation/test) domains too.
    include_test_values: bool,
}

fn is_tld(label: &str) -> bool {
    if label.len() < 2 || label.len() > 24 || !label.bytes().all(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let mut buf = [0u8; 24];
    let lower = &mut buf[..label.len()];
    lower.copy_from_slice(label.as_bytes());
    lower.make_ascii_lowercase();
    let Ok(lower) = std::str::from_utf8(lower) else {
        return false;
    };
    TLDS.binary_search(&lower).is_ok()
}

/// Reserved top-level names (RFC 2606 / 6761 / 6762) accepted as a TLD when test values are
/// included.
fn is_reserved_tld(label: &str) -> bool {
    ["example", "test", "invalid", "localhost", "local"]
        .iter()
        .any(|t| label.eq_ignore_ascii_case(t))
}

fn is_reserved(domain: &str) -> bool {
    let d = domain.to_ascii_lowercase();
    const EXACT: &[&str] = &["example.com", "example.net", "example.org", "localhost"];
    const SUFFIX: &[&str] = &[
        ".example.com",
        ".example.net",
        ".example.org",
        ".example",
        ".test",
        ".invalid",
        ".localhost",
        ".local",
    ];
    EXACT.contains(&d.as_str()) || SUFFIX.iter().any(|s| d.ends_with(s))
}

/// Validate the domain labels; returns false on any structural problem. `reserved_ok`: a
/// reserved top-level name counts as a TLD and a bare `localhost` is a domain.
fn domain_ok(domain: &str, reserved_ok: bool) -> bool {
    if domain.len() > 253 {
        return false;
    }
    if reserved_ok && domain.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let mut labels = 0;
    let mut last = "";
    for label in domain.split('.') {
        let lb = label.as_bytes();
        if lb.is_empty()
            || lb.len() > 63
            || lb[0] == b'-'
            || lb[lb.len() - 1] == b'-'
            || !lb.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return false;
        }
        labels += 1;
        last = label;
    }
    if labels < 2 || !(is_tld(last) || (reserved_ok && is_reserved_tld(last))) {
        return false;
    }
    // Retina / density suffixes: `icon@2x.png`, `logo@3x.pl`.
    let first = domain.split('.').next().unwrap_or("");
    let fb = first.as_bytes();
    if fb.len() >= 2
        && fb[fb.len() - 1].eq_ignore_ascii_case(&b'x')
        && fb[..fb.len() - 1].iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    true
}

fn local_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '.' | '_' | '%' | '+' | '-' | '\'')
        || (!c.is_ascii() && c.is_alphanumeric())
}

impl EmailDetector {
    /// `include_test_values`: also report addresses at reserved domains (see the module docs).
    pub fn new(include_test_values: bool) -> Self {
        EmailDetector {
            include_test_values,
        }
    }

    fn candidate(&self, text: &str, at: usize) -> Option<(usize, usize)> {
        let b = text.as_bytes();
        // Local part, walking back by chars.
        let mut s = at;
        for (i, c) in text.get(..at)?.char_indices().rev() {
            if !local_char(c) {
                break;
            }
            s = i;
            if at - s > 64 {
                return None;
            }
        }
        // Trim leading punctuation (quotes, dots, dashes).
        while s < at && !text[s..].starts_with(|c: char| c.is_alphanumeric()) {
            s += text[s..].chars().next().map_or(1, char::len_utf8);
        }
        if s >= at {
            return None;
        }
        let local = &text[s..at];
        if local.ends_with('.') || local.contains("..") || local.ends_with('\'') {
            return None;
        }
        // Domain.
        let mut e = at + 1;
        while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'.' || b[e] == b'-') {
            e += 1;
            if e - at > 254 {
                return None;
            }
        }
        while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
            e -= 1;
        }
        // Followed by a word char we could not take (`_`, non-ASCII letter): not an address.
        if let Some(c) = text.get(e..).and_then(|r| r.chars().next()) {
            if c == '_' || c == '@' || (!c.is_ascii() && c.is_alphanumeric()) {
                return None;
            }
        }
        let domain = text.get(at + 1..e)?;
        let tv = self.include_test_values;
        if !domain_ok(domain, tv) || (!tv && is_reserved(domain)) {
            return None;
        }
        // scp-style SSH remote: `git@github.com:org/repo.git`.
        if byte_at(b, e) == Some(b':')
            && byte_at(b, e + 1).is_some_and(|c| !c.is_ascii_whitespace())
        {
            return None;
        }
        // User-info inside a URL (`scheme://user@host`): the secrets detectors own URLs.
        let tok_start = b[..s]
            .iter()
            .rposition(|c| c.is_ascii_whitespace() || matches!(c, b'"' | b'<' | b'>'))
            .map_or(0, |p| p + 1);
        if s - tok_start <= 256 && b[tok_start..s].windows(3).any(|w| w == b"://") {
            return None;
        }
        Some((s, e))
    }
}

impl Detector for EmailDetector {
    fn name(&self) -> &'static str {
        "email"
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Literal(Cow::Borrowed("@"))]
    }

    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let mut covered = 0;
        for h in hits {
            if h.start < covered {
                continue;
            }
            if let Some((s, e)) = self.candidate(cx.text, h.start) {
                covered = e;
                out.push(Finding {
                    entity: Entity::EmailAddress,
                    start: s,
                    end: e,
                    score: SCORE,
                    detector: Cow::Borrowed("email"),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{found, spans};
    use super::*;

    fn det() -> EmailDetector {
        EmailDetector::default()
    }

    fn strict() -> EmailDetector {
        EmailDetector::new(true)
    }

    #[test]
    fn finds_addresses() {
        assert_eq!(
            found(&det(), "write to john.doe+tag@gmail.com now"),
            vec!["john.doe+tag@gmail.com"]
        );
        assert_eq!(found(&det(), "<ana@empresa.pt>."), vec!["ana@empresa.pt"]);
        assert_eq!(
            found(&det(), "mailto:x.y@sub.mail.co.uk."),
            vec!["x.y@sub.mail.co.uk"]
        );
        assert_eq!(
            found(&det(), "\"email\":\"Bob@Corp.IO\""),
            vec!["Bob@Corp.IO"]
        );
        assert_eq!(
            found(&det(), "josé.garcía@correo.es"),
            vec!["josé.garcía@correo.es"]
        );
        assert_eq!(
            found(&det(), "a@b.dev, c@d.app"),
            vec!["a@b.dev", "c@d.app"]
        );
    }

    #[test]
    fn offsets_are_exact() {
        let t = "Email: ana@empresa.pt";
        assert_eq!(spans(&det(), t), vec![(7, t.len())]);
    }

    #[test]
    fn rejects_look_alikes() {
        for t in [
            "icon@2x.png",
            "logo@3x.pl",
            "git@github.com:org/repo.git",
            "npm i @angular/core",
            "@Component({selector: 'x'})",
            "user@example.com",
            "admin@mail.example.org",
            "me@host.test",
            "me@foo.invalid",
            "root@localhost",
            "svc@db.local",
            "https://user@host.com/path",
            "postgres://bob:pw@db.company.com/x",
            "pkg@1.2.3",
            "foo@bar",
            "a@b.c",
            "x@y.notatld",
            "file@backup.zip",
            "a..b@gmail.com",
            "a.@gmail.com",
            "sha256@abc_def.com_",
        ] {
            assert!(found(&det(), t).is_empty(), "{t}");
        }
    }

    #[test]
    fn test_values_mode_reports_reserved_domains() {
        for t in [
            "user@example.com",
            "admin@mail.example.org",
            "ops@example.net",
            "me@host.test",
            "me@foo.invalid",
            "svc@db.local",
            "dev@shop.example",
            "root@localhost",
        ] {
            assert_eq!(found(&strict(), t), vec![t], "{t}");
            assert!(found(&det(), t).is_empty(), "default mode: {t}");
        }
        assert_eq!(
            found(&strict(), "mail jane.doe@example.com today"),
            vec!["jane.doe@example.com"]
        );
    }

    #[test]
    fn test_values_mode_keeps_the_other_rules() {
        for t in [
            "icon@2x.png",
            "git@github.com:org/repo.git",
            "https://user@example.com/path",
            "foo@bar",
            "x@y.notatld",
            "a..b@example.com",
            "pkg@1.2.3",
            "${USER}@${DOMAIN}",
        ] {
            assert!(found(&strict(), t).is_empty(), "{t}");
        }
        // Ordinary addresses: same result in both modes.
        assert_eq!(
            found(&strict(), "write to john.doe+tag@gmail.com now"),
            found(&det(), "write to john.doe+tag@gmail.com now")
        );
    }
}
