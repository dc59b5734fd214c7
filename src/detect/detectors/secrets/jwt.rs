//! JSON Web Tokens (JWS: 3 segments, JWE: 5 segments), structurally checked.
//!
//! Anchored on `eyJ` (base64 of `{"`). The header must decode (b64url, padding optional) to a
//! JSON object with a string `alg`; a JWS payload must decode to a JSON object and its
//! signature may be empty only for `alg: none`; a JWE header must carry `enc`. Score 0.95.
//! Strings that merely start with `eyJ` but do not decode to JSON are not flagged.

use std::borrow::Cow;

use super::util::{b64url_decode, finding, is_b64url, run_right};
use crate::detect::{Detector, Entity, Finding, Hit, ScanCtx, Trigger};

const NAME: &str = "jwt";
/// Longest token considered.
const MAX_LEN: usize = 16 * 1024;
/// Longest segment decoded for the structural check.
const MAX_DECODE: usize = 8 * 1024;

pub struct JwtDetector;

impl Detector for JwtDetector {
    fn name(&self) -> &'static str {
        NAME
    }
    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Literal(Cow::Borrowed("eyJ"))]
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        let mut done = 0usize;
        for h in hits {
            if h.start < done || b.get(h.start..h.end) != Some(b"eyJ".as_slice()) {
                continue;
            }
            if h.start > 0
                && b.get(h.start - 1)
                    .is_some_and(|c| is_b64url(*c) || *c == b'.')
            {
                continue;
            }
            let n = run_right(b, h.start, MAX_LEN, |c| is_b64url(c) || c == b'.');
            let mut end = h.start + n;
            // Done scanning this run, whatever the verdict: keeps the work linear.
            done = end;
            while end > h.start && b.get(end - 1) == Some(&b'.') {
                end -= 1;
            }
            let Some(tok) = cx.text.get(h.start..end) else {
                continue;
            };
            if let Some(score) = check(tok) {
                out.push(finding(Entity::Jwt, h.start, end, score, NAME));
            }
        }
    }
}

fn decode_json(seg: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    if seg.len() > MAX_DECODE || !seg.starts_with("eyJ") {
        return None;
    }
    let raw = b64url_decode(seg)?;
    match serde_json::from_slice::<serde_json::Value>(&raw).ok()? {
        serde_json::Value::Object(m) => Some(m),
        _ => None,
    }
}

/// Score if `tok` is a structurally valid JWS/JWE.
pub fn check(tok: &str) -> Option<f32> {
    let mut segs = [""; 5];
    let mut count = 0;
    for s in tok.split('.') {
        if count == 5 {
            return None;
        }
        if let Some(slot) = segs.get_mut(count) {
            *slot = s;
        }
        count += 1;
    }
    let header = decode_json(segs[0])?;
    match count {
        3 => {
            let alg = header.get("alg")?.as_str()?;
            decode_json(segs[1])?;
            if segs[2].is_empty() && !alg.eq_ignore_ascii_case("none") {
                return None;
            }
            Some(0.95)
        }
        5 => {
            header.get("alg")?.as_str()?;
            header.get("enc")?.as_str()?;
            if segs[2].is_empty() || segs[3].is_empty() || segs[4].is_empty() {
                return None;
            }
            Some(0.95)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;

    use super::*;
    use crate::detect::Engine;

    fn seg(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    fn jws() -> String {
        format!(
            "{}.{}.{}",
            seg(r#"{"alg":"HS256","typ":"JWT"}"#),
            seg(r#"{"sub":"1234567890","name":"A","iat":1516239022}"#),
            "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
        )
    }

    #[test]
    fn jws_and_jwe() {
        let e = Engine::with_detectors(vec![Box::new(JwtDetector)]).unwrap();
        let t = jws();
        let text = format!("Authorization: Bearer {t}. Done");
        let f = e.scan(&text);
        assert_eq!(f.len(), 1);
        assert_eq!(&text[f[0].start..f[0].end], t);

        let jwe = format!(
            "{}.{}.{}.{}.{}",
            seg(r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#),
            "OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGe",
            "48V1_ALb6US04U3b",
            "5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6ji",
            "XFBoMYUZodetZdvTiFvSkQ"
        );
        assert_eq!(e.scan(&jwe).len(), 1);
    }

    #[test]
    fn not_jwt() {
        let e = Engine::with_detectors(vec![Box::new(JwtDetector)]).unwrap();
        // Header without alg, non-JSON, two segments, embedded in a longer token.
        let no_alg = format!("{}.{}.sig", seg(r#"{"typ":"JWT"}"#), seg(r#"{"a":1}"#));
        let garbage = "eyJhbGciOiJIUzI1NiJ9garbage.eyJzdWIi.abc";
        let two = format!("{}.{}", seg(r#"{"alg":"HS256"}"#), seg(r#"{"a":1}"#));
        let embedded = format!("sntrys_{}", jws());
        for t in [no_alg, garbage.to_string(), two, embedded] {
            assert!(e.scan(&t).is_empty(), "{t}");
        }
        // alg none with empty signature is a valid (unsigned) token.
        let none = format!("{}.{}.", seg(r#"{"alg":"none"}"#), seg(r#"{"a":1}"#));
        assert_eq!(
            e.scan(&format!("{none} x")).len(),
            0,
            "trailing dot is trimmed: 2 segments"
        );
    }
}
