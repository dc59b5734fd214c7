//! Kubernetes Secret manifests (YAML): with `kind: Secret` in the document, every value under
//! `data:` (base64: `GenericSecret`, 0.9) and `stringData:` (plaintext: `Password`, 0.85) is
//! flagged, including block scalars (`key: |` and the more-indented lines below). Also
//! `kubectl create secret ... --from-literal=key=value` (0.85).
//!
//! Decoding `data:` values and rescanning them is not done: the whole value is redacted
//! anyway. Templates (`{{ ... }}`), references and `kind: SealedSecret` are skipped. The search
//! is bounded: 8 KiB before and 32 KiB after the `kind: Secret` line, stopping at `---`.

use std::borrow::Cow;

use memchr::memmem;

use super::util::{finding, is_placeholder, run_right};
use crate::detect::{Detector, Entity, Finding, Hit, ScanCtx, Trigger};

const NAME: &str = "k8s_secret";
const BEFORE: usize = 8 * 1024;
const AFTER: usize = 32 * 1024;

pub struct KubernetesSecret;

const TRIGGERS: &[&str] = &["kind: secret", "--from-literal="];

impl Detector for KubernetesSecret {
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
        for h in hits {
            if h.trigger == 1 {
                from_literal(cx, h, out);
                continue;
            }
            // `kind: Secret` exactly (not `SecretProviderClass`, not `SealedSecret`).
            if b.get(h.start..h.end) != Some(b"kind: Secret".as_slice())
                || b.get(h.end).is_some_and(|c| c.is_ascii_alphanumeric())
            {
                continue;
            }
            if h.start < done {
                continue;
            }
            let (ws, we) = document(b, h.start, done);
            let ws = ws.max(done);
            if ws >= we {
                continue;
            }
            done = we;
            scan_document(cx, ws, we, out);
        }
    }
}

/// Bounds of the YAML document around `pos`: previous/next `---` line, within the limits.
fn document(b: &[u8], pos: usize, done: usize) -> (usize, usize) {
    // Never look back into a region already scanned: keeps repeated hits linear.
    let lo = pos.saturating_sub(BEFORE).max(done).min(pos);
    let hi = (pos + AFTER).min(b.len());
    let start = b
        .get(lo..pos)
        .and_then(|r| memmem::rfind(r, b"\n---"))
        .map_or(lo, |o| lo + o + 4);
    let end = b
        .get(pos..hi)
        .and_then(|r| memmem::find(r, b"\n---"))
        .map_or(hi, |o| pos + o);
    (start, end)
}

fn scan_document(cx: &ScanCtx<'_>, ws: usize, we: usize, out: &mut Vec<Finding>) {
    let b = cx.bytes();
    // (indent of the `data:` line, is stringData)
    let mut section: Option<(usize, bool)> = None;
    let mut block: Option<(usize, usize, usize, bool)> = None; // (indent, start, end, string)
    let mut i = ws;
    while i < we {
        let line_end = b
            .get(i..we)
            .and_then(|r| memchr::memchr(b'\n', r))
            .map_or(we, |o| i + o);
        let line = b.get(i..line_end).unwrap_or(&[]);
        let indent = line.iter().take_while(|&&c| c == b' ').count();
        let content = line.get(indent..).unwrap_or(&[]);
        let content_trim = trim_end(content);
        let blank = content_trim.is_empty();
        if let Some((bi, bs, be, string)) = block {
            if blank || indent > bi {
                if !blank {
                    block = Some((
                        bi,
                        bs,
                        line_end - (content.len() - content_trim.len()),
                        string,
                    ));
                }
                i = line_end + 1;
                continue;
            }
            if be > bs {
                push(cx, bs, be, string, out);
            }
            block = None;
        }
        if blank || content.first() == Some(&b'#') {
            i = line_end + 1;
            continue;
        }
        if let Some((si, string)) = section {
            if indent <= si {
                section = None;
            } else if let Some(colon) = memchr::memchr(b':', content_trim) {
                let vstart = i + indent + colon + 1;
                let vs = vstart + run_right(b, vstart, 64, |c| c == b' ');
                let ve = i + indent + content_trim.len();
                let value = b.get(vs..ve).unwrap_or(&[]);
                if matches!(value.first(), Some(b'|' | b'>')) {
                    block = Some((indent, line_end + 1, line_end + 1, string));
                } else if ve > vs {
                    let (mut s, mut e) = (vs, ve);
                    if matches!(b.get(s), Some(b'"' | b'\'')) && e > s + 1 {
                        s += 1;
                        e -= 1;
                    }
                    push(cx, s, e, string, out);
                }
            }
        }
        if section.is_none() {
            if content_trim == b"data:" {
                section = Some((indent, false));
            } else if content_trim == b"stringData:" {
                section = Some((indent, true));
            }
        }
        i = line_end + 1;
    }
    if let Some((_, bs, be, string)) = block {
        if be > bs {
            push(cx, bs, be.min(we), string, out);
        }
    }
}

fn trim_end(s: &[u8]) -> &[u8] {
    let n = s
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_whitespace())
        .count();
    s.get(..s.len() - n).unwrap_or(s)
}

fn push(cx: &ScanCtx<'_>, s: usize, e: usize, string: bool, out: &mut Vec<Finding>) {
    let Some(v) = cx.text.get(s..e) else {
        return;
    };
    let v_trim = v.trim();
    if v_trim.is_empty() || v_trim.contains("{{") || (is_placeholder(v_trim) && string) {
        return;
    }
    let (entity, score) = if string {
        (Entity::Password, 0.85)
    } else {
        (Entity::GenericSecret, 0.9)
    };
    out.push(finding(entity, s, e, score, NAME));
}

/// `--from-literal=key=value`: the value after the second `=`.
fn from_literal(cx: &ScanCtx<'_>, h: &Hit, out: &mut Vec<Finding>) {
    let b = cx.bytes();
    let k = run_right(b, h.end, 128, |c| c != b'=' && !c.is_ascii_whitespace());
    let vs = h.end + k + 1;
    if b.get(h.end + k) != Some(&b'=') {
        return;
    }
    let (vs, quote) = match b.get(vs) {
        Some(&q @ (b'"' | b'\'')) => (vs + 1, Some(q)),
        _ => (vs, None),
    };
    let n = run_right(b, vs, 1024, |c| match quote {
        Some(q) => c != q && c != b'\n',
        None => !c.is_ascii_whitespace() && c != b'"' && c != b'\'',
    });
    let Some(v) = cx.text.get(vs..vs + n) else {
        return;
    };
    if v.len() < 3 || is_placeholder(v) {
        return;
    }
    out.push(finding(Entity::Password, vs, vs + n, 0.85, NAME));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Engine;

    fn vals(text: &str) -> Vec<&str> {
        let e = Engine::with_detectors(vec![Box::new(KubernetesSecret)]).unwrap();
        e.scan(text)
            .into_iter()
            .map(|f| &text[f.start..f.end])
            .collect()
    }

    #[test]
    fn data_and_string_data() {
        let m = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  username: YWRtaW4=\n  password: \"czNjcjN0\"\nstringData:\n  api-token: plain-T0ken-value\n  cert: |\n    line-one\n    line-two\n---\nkind: ConfigMap\ndata:\n  key: notsecret\n";
        assert_eq!(
            vals(m),
            vec![
                "YWRtaW4=",
                "czNjcjN0",
                "plain-T0ken-value",
                "    line-one\n    line-two"
            ]
        );
    }

    #[test]
    fn templates_and_other_kinds_are_clean() {
        let m = "kind: Secret\ndata:\n  password: {{ .Values.pw | b64enc }}\n";
        assert!(vals(m).is_empty());
        let m = "kind: SecretProviderClass\ndata:\n  x: YWRtaW4=\n";
        assert!(vals(m).is_empty());
        let m = "kind: ConfigMap\ndata:\n  x: YWRtaW4=\n";
        assert!(vals(m).is_empty());
    }

    #[test]
    fn from_literal_values() {
        assert_eq!(
            vals("kubectl create secret generic db --from-literal=password='S3cr3t!' --from-literal=user=admin1"),
            vec!["S3cr3t!", "admin1"]
        );
    }
}
