//! End-to-end tests of the request sanitizer with the real detector catalogue: generated
//! bodies of every endpoint, every policy action, restoration round trips through the
//! response filters (whole bodies and SSE streams), restore injection, tenant isolation and
//! content-free refusals.

// Helpers outside `#[test]` fns are not covered by clippy.toml's allow-*-in-tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use bytes::BytesMut;
use proptest::prelude::*;
use serde_json::{json, Value};

use promptwall::detect::{Engine, Entity};
use promptwall::providers::Endpoint;
use promptwall::transform::policy::{Action, EffectivePolicy, PolicyConfig};
use promptwall::transform::sanitize::{SanitizeError, SanitizeReport, Sanitizer};
use promptwall::transform::sse::SseParser;
use promptwall::transform::vault::{mask, TenantKey, Vault};
use promptwall::transform::ResponseFilter;

// ---------------------------------------------------------------------------------------------
// The engine

fn sanitizer() -> &'static Sanitizer {
    static S: OnceLock<Sanitizer> = OnceLock::new();
    S.get_or_init(|| Sanitizer::new(Engine::builtin().unwrap()))
}

fn policy(toml_text: &str, tenant: &str) -> EffectivePolicy {
    toml::from_str::<PolicyConfig>(toml_text)
        .unwrap()
        .effective(tenant, "openai")
}

fn vault(tenant: &str, p: &EffectivePolicy) -> Vault {
    Vault::for_policy(TenantKey::derive(b"integration-secret", tenant), p)
}

// ---------------------------------------------------------------------------------------------
// Values the catalogue detects, each in a context that makes it detectable

fn pem() -> String {
    let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n".repeat(4);
    format!("-----BEGIN PRIVATE KEY-----\n{body}-----END PRIVATE KEY-----")
}

struct Sample {
    entity: Entity,
    value: String,
    pre: &'static str,
    post: &'static str,
}

fn samples() -> Vec<Sample> {
    let s = |entity, value: &str, pre, post| Sample {
        entity,
        value: value.to_owned(),
        pre,
        post,
    };
    vec![
        s(
            Entity::EmailAddress,
            "jane.doe@acme-corp.com",
            "mail ",
            " now",
        ),
        s(Entity::EmailAddress, "joao@empresa.pt", "write to ", " ok"),
        s(Entity::PhoneNumber, "+44 20 7946 0958", "call ", " now"),
        s(
            Entity::PhoneNumber,
            "+1 415 555 2671",
            "call me at ",
            " today",
        ),
        s(Entity::CreditCard, "4111 1111 1111 1111", "card ", " ok"),
        s(Entity::CreditCard, "4539 1488 0343 6467", "card ", " ok"),
        s(
            Entity::Person,
            "John Smith",
            "Hello, my name is ",
            " and I need help.",
        ),
        s(
            Entity::ApiKey,
            "glpat-AbCdEf0123456789xYzW",
            "token ",
            " ok",
        ),
        s(Entity::ApiKey, "AKIAZ2MQ4RS7TUVWXY3B", "aws ", " ok"),
        Sample {
            entity: Entity::PrivateKey,
            value: pem(),
            pre: "key ",
            post: " ok",
        },
    ]
}

/// Indexes of samples whose entity is PII (restorable under the default policy).
fn pii_samples() -> Vec<usize> {
    samples()
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            !matches!(
                s.entity,
                Entity::ApiKey | Entity::PrivateKey | Entity::CreditCard
            )
        })
        .map(|(i, _)| i)
        .collect()
}

/// Distinctive pieces of a value that must not survive anywhere.
fn fragments(value: &str) -> Vec<String> {
    let mut f = vec![value.to_owned()];
    f.extend(
        value
            .split_whitespace()
            .filter(|w| w.len() >= 8)
            .map(str::to_owned),
    );
    f
}

const FILLER: &[&str] = &[
    "please", "review", "the", "report", "for", "today.", "Thanks!", "(see", "below)", "über",
    "数据",
];

/// Text with the given samples, each in its context, separated by filler words.
fn snippet(items: &[(usize, usize)]) -> String {
    let all = samples();
    let mut s = String::new();
    for &(sample, filler) in items {
        let x = &all[sample % all.len()];
        s.push_str(FILLER[filler % FILLER.len()]);
        s.push_str(". ");
        s.push_str(x.pre);
        s.push_str(&x.value);
        s.push_str(x.post);
        s.push(' ');
    }
    s.push_str("end");
    s
}

// ---------------------------------------------------------------------------------------------
// Bodies of every endpoint; slots 0..=3 are content, slot 4 an identifier

const ENDPOINTS: &[Endpoint] = &[
    Endpoint::OpenAiChat,
    Endpoint::OpenAiResponses,
    Endpoint::OpenAiEmbeddings,
    Endpoint::OpenAiCompletions,
    Endpoint::AnthropicMessages,
    Endpoint::AnthropicCountTokens,
    Endpoint::GeminiGenerate,
    Endpoint::GeminiStreamGenerate,
    Endpoint::GeminiCountTokens,
    Endpoint::GeminiEmbed,
];

fn body(endpoint: Endpoint, s: &[String; 5]) -> Value {
    let args = json!({"q": s[2], "nested": {"list": [s[2]]}}).to_string();
    let gemini_contents = json!([
        {"role": "user", "parts": [{"text": s[1]}]},
        {"role": "model", "parts": [{"functionCall": {"name": "lookup", "args": {"q": s[2]}}}]},
        {"role": "user", "parts": [{"functionResponse": {"name": "lookup", "response": {"r": s[3]}}}]}
    ]);
    match endpoint {
        Endpoint::OpenAiChat => json!({
            "model": "gpt-4o",
            "messages": [
                {"role": "system", "content": s[0]},
                {"role": "user", "content": [{"type": "text", "text": s[1]}]},
                {"role": "assistant", "content": null, "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": args}}]},
                {"role": "tool", "tool_call_id": "call_1", "content": s[3]}
            ],
            "user": s[4]
        }),
        Endpoint::OpenAiResponses => json!({
            "model": "gpt-4.1",
            "instructions": s[0],
            "input": [
                {"role": "user", "content": [{"type": "input_text", "text": s[1]}]},
                {"type": "function_call", "call_id": "c1", "name": "lookup", "arguments": args},
                {"type": "function_call_output", "call_id": "c1", "output": s[3]}
            ],
            "safety_identifier": s[4]
        }),
        Endpoint::OpenAiEmbeddings => json!({
            "model": "text-embedding-3-small",
            "input": [s[0], s[1], s[2], s[3]],
            "user": s[4]
        }),
        Endpoint::OpenAiCompletions => json!({
            "model": "gpt-3.5-turbo-instruct",
            "prompt": format!("{}\n{}\n{}", s[0], s[1], s[2]),
            "suffix": s[3],
            "user": s[4]
        }),
        Endpoint::AnthropicMessages | Endpoint::AnthropicCountTokens => json!({
            "model": "claude-sonnet-4-5",
            "max_tokens": 100,
            "system": [{"type": "text", "text": s[0]}],
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": s[1]}]},
                {"role": "assistant", "content": [
                    {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {"q": s[2]}}]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_1", "content": s[3]}]}
            ],
            "metadata": {"user_id": s[4]}
        }),
        Endpoint::GeminiGenerate | Endpoint::GeminiStreamGenerate => json!({
            "systemInstruction": {"parts": [{"text": s[0]}]},
            "contents": gemini_contents,
            "labels": {"user": s[4]}
        }),
        Endpoint::GeminiCountTokens => json!({
            "contents": [{"role": "user", "parts": [{"text": s[0]}, {"text": s[1]}]},
                         {"role": "user", "parts": [{"text": s[2]}, {"text": s[3]}, {"text": s[4]}]}]
        }),
        Endpoint::GeminiEmbed => json!({
            "content": {"parts": [{"text": s[0]}, {"text": s[1]}, {"text": s[2]}, {"text": s[3]}]},
            "title": s[4]
        }),
        other => panic!("no body for {other:?}"),
    }
}

/// Every string in a body, object keys included, descending into JSON-encoded strings.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            out.push(s.clone());
            if let Ok(inner @ (Value::Object(_) | Value::Array(_))) =
                serde_json::from_str::<Value>(s)
            {
                strings(&inner, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => {
            for (k, x) in m {
                out.push(k.clone());
                strings(x, out);
            }
        }
        _ => {}
    }
}

fn assert_no_value_left(body: &Value, values: &[String]) {
    let ser = body.to_string();
    let mut leaves = Vec::new();
    strings(body, &mut leaves);
    for v in values {
        for frag in fragments(v) {
            let escaped = serde_json::to_string(&frag).unwrap();
            let escaped = &escaped[1..escaped.len() - 1];
            assert!(!ser.contains(escaped), "{frag:?} left in {ser}");
            for leaf in &leaves {
                assert!(!leaf.contains(&frag), "{frag:?} left in leaf {leaf:?}");
            }
        }
    }
}

/// The default policy, except that private keys are redacted instead of blocked.
fn scrub_policy() -> EffectivePolicy {
    policy("[entities]\nPRIVATE_KEY = \"redact\"", "acme")
}

fn slots() -> impl Strategy<Value = Vec<Vec<(usize, usize)>>> {
    prop::collection::vec(
        prop::collection::vec((0..samples().len(), 0..FILLER.len()), 0..3),
        5,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// For every endpoint and body shape, no inserted value survives anywhere in the
    /// sanitized body, and every inserted value was counted.
    #[test]
    fn no_original_value_remains(ep in 0..ENDPOINTS.len(), slots in slots()) {
        let endpoint = ENDPOINTS[ep];
        let texts: [String; 5] = std::array::from_fn(|i| snippet(&slots[i]));
        let mut b = body(endpoint, &texts);
        let p = scrub_policy();
        let mut v = vault("acme", &p);
        let report = sanitizer().sanitize_request(endpoint, &mut b, &p, &mut v).unwrap();
        let all = samples();
        let used: Vec<String> = slots.iter().flatten().map(|&(s, _)| all[s].value.clone()).collect();
        assert_no_value_left(&b, &used);
        prop_assert!(report.total_findings() >= used.len().min(1), "{report:?}");
        prop_assert_eq!(report.body_changed(), !used.is_empty());
        // Secrets are never restorable: the restoration table holds PII only.
        for (k, orig) in v.restorable() {
            prop_assert!(!orig.contains("glpat-") && !orig.contains("AKIA") && !orig.contains("BEGIN"));
            prop_assert!(!k.is_empty());
        }
        let h = report.header_value();
        prop_assert!(h.is_ascii() && h.len() <= 512);
        for u in &used {
            prop_assert!(!h.contains(u.as_str()));
        }
    }
}

#[test]
fn every_endpoint_counts_each_slot() {
    // One e-mail per slot: five findings per endpoint, four restorable (identifier hashed).
    let email = "jane.doe@acme-corp.com";
    for &endpoint in ENDPOINTS {
        let texts: [String; 5] = std::array::from_fn(|i| format!("slot {i} mail {email} now"));
        let mut b = body(endpoint, &texts);
        let p = EffectivePolicy::default();
        let mut v = vault("acme", &p);
        let r = sanitizer()
            .sanitize_request(endpoint, &mut b, &p, &mut v)
            .unwrap();
        assert_no_value_left(&b, &[email.to_owned()]);
        let expected_findings = match endpoint {
            // The tool-call argument string carries the value twice (`q` and `nested.list`).
            Endpoint::OpenAiChat | Endpoint::OpenAiResponses => 6,
            _ => 5,
        };
        assert_eq!(r.total_findings(), expected_findings, "{endpoint:?}: {r:?}");
        let hashed = r.count(&Entity::EmailAddress, Action::Hash);
        // Gemini countTokens / embedContent bodies have no identifier field (`title` is a name).
        let identifier_slot = !matches!(
            endpoint,
            Endpoint::GeminiCountTokens | Endpoint::GeminiEmbed
        );
        assert_eq!(hashed, usize::from(identifier_slot), "{endpoint:?}");
        // One value, one placeholder.
        assert_eq!(v.restorable_len(), 1, "{endpoint:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Every action end to end

fn chat_body(text: &str) -> Value {
    json!({"model": "gpt-4o", "messages": [{"role": "user", "content": text}]})
}

fn content(b: &Value) -> &str {
    b["messages"][0]["content"].as_str().unwrap()
}

fn run(p: &EffectivePolicy, text: &str) -> (Result<SanitizeReport, SanitizeError>, Value, Vault) {
    let mut b = chat_body(text);
    let mut v = vault("acme", p);
    let r = sanitizer().sanitize_request(Endpoint::OpenAiChat, &mut b, p, &mut v);
    (r, b, v)
}

#[test]
fn every_action_end_to_end() {
    let email = "jane.doe@acme-corp.com";
    let text = format!("Contact {email} please");
    let with = |a: &str| policy(&format!("[entities]\nEMAIL_ADDRESS = \"{a}\""), "acme");

    // allow: untouched, counted.
    let (r, b, v) = run(&with("allow"), &text);
    let r = r.unwrap();
    assert_eq!(content(&b), text);
    assert!(!r.body_changed() && v.is_empty());
    assert_eq!(r.count(&Entity::EmailAddress, Action::Allow), 1);

    // redact
    let (r, b, v) = run(&with("redact"), &text);
    assert_eq!(content(&b), "Contact <EMAIL_ADDRESS> please");
    assert_eq!(r.unwrap().count(&Entity::EmailAddress, Action::Redact), 1);
    assert!(v.is_empty());

    // hash
    let (r, b, v) = run(&with("hash"), &text);
    let out = content(&b);
    assert!(out.starts_with("Contact <EMAIL_ADDRESS:sha256:") && out.ends_with("> please"));
    assert_eq!(
        out.len(),
        "Contact <EMAIL_ADDRESS:sha256:12345678> please".len()
    );
    assert_eq!(r.unwrap().count(&Entity::EmailAddress, Action::Hash), 1);
    assert!(v.is_empty());

    // mask
    let (r, b, v) = run(&with("mask"), &text);
    assert_eq!(content(&b), format!("Contact {} please", mask(email, 4)));
    assert!(content(&b).ends_with(".com please"));
    assert_eq!(r.unwrap().count(&Entity::EmailAddress, Action::Mask), 1);
    assert!(v.is_empty());

    // pseudonymize: placeholder, restorable
    let (r, b, v) = run(&with("pseudonymize"), &text);
    let out = content(&b).to_owned();
    let tag = out
        .strip_prefix("Contact <EMAIL_ADDRESS_")
        .and_then(|s| s.strip_suffix("> please"))
        .unwrap();
    assert!(tag.len() == 6 && tag.bytes().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(
        r.unwrap()
            .count(&Entity::EmailAddress, Action::Pseudonymize),
        1
    );
    assert_eq!(v.restorer().unwrap().restore(&out), text);

    // surrogate: a realistic fake, restorable
    let (r, b, v) = run(&with("surrogate"), &text);
    let out = content(&b).to_owned();
    assert!(!out.contains(email) && out.contains("@example."), "{out}");
    assert_eq!(
        r.unwrap().count(&Entity::EmailAddress, Action::Surrogate),
        1
    );
    assert_eq!(v.restorer().unwrap().restore(&out), text);

    // block
    let (r, _, _) = run(&with("block"), &text);
    let e = r.unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "Blocked by promptwall policy: EMAIL_ADDRESS at messages[0].content (bytes 8..{}); \
             remove it or ask your admin to change the policy",
            8 + email.len()
        )
    );
    assert_eq!(e.status(), 403);
}

#[test]
fn default_policy_blocks_private_keys() {
    let text = format!("here is my key {} thanks", pem());
    let (r, _, _) = run(&EffectivePolicy::default(), &text);
    let e = r.unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with(
            "Blocked by promptwall policy: PRIVATE_KEY at messages[0].content (bytes 15.."
        ),
        "{msg}"
    );
}

// ---------------------------------------------------------------------------------------------
// Restoration round trips through the response filters

fn feed(filter: &mut dyn ResponseFilter, bytes: &[u8], cuts: &[usize]) -> Vec<u8> {
    let mut pos: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    pos.sort_unstable();
    let mut out = BytesMut::new();
    let mut last = 0;
    for p in pos {
        filter.chunk(&bytes[last..p], &mut out).unwrap();
        last = p;
    }
    filter.chunk(&bytes[last..], &mut out).unwrap();
    filter.finish(&mut out).unwrap();
    out.to_vec()
}

/// `text` cut into pieces at char boundaries.
fn pieces(text: &str, cuts: &[usize]) -> Vec<String> {
    let mut pos: Vec<usize> = cuts
        .iter()
        .map(|c| c % (text.len() + 1))
        .filter(|&p| text.is_char_boundary(p))
        .collect();
    pos.sort_unstable();
    pos.dedup();
    let mut out = Vec::new();
    let mut last = 0;
    for p in pos {
        out.push(text[last..p].to_owned());
        last = p;
    }
    out.push(text[last..].to_owned());
    out
}

fn sse_data(out: &[u8]) -> Vec<Value> {
    let mut p = SseParser::default();
    let mut evs = Vec::new();
    p.push(out, &mut evs).unwrap();
    p.finish(&mut evs).unwrap();
    evs.into_iter()
        .filter_map(|e| e.data)
        .filter(|d| d != "[DONE]")
        .map(|d| serde_json::from_str(&d).unwrap())
        .collect()
}

#[derive(Debug, Clone, Copy)]
enum Wire {
    ChatJson,
    ChatSse,
    AnthropicJson,
    AnthropicSse,
    GeminiJson,
    GeminiSse,
}

const WIRES: &[Wire] = &[
    Wire::ChatJson,
    Wire::ChatSse,
    Wire::AnthropicJson,
    Wire::AnthropicSse,
    Wire::GeminiJson,
    Wire::GeminiSse,
];

/// Sanitize `text` as the user message of the wire's request format; return the text the
/// upstream saw.
fn sanitize_user_text(
    wire: Wire,
    text: &str,
    p: &EffectivePolicy,
    v: &mut Vault,
) -> (Endpoint, String) {
    let (endpoint, mut b) = match wire {
        Wire::ChatJson | Wire::ChatSse => (Endpoint::OpenAiChat, chat_body(text)),
        Wire::AnthropicJson | Wire::AnthropicSse => (
            Endpoint::AnthropicMessages,
            json!({"model": "claude", "max_tokens": 10, "messages": [{"role": "user", "content": text}]}),
        ),
        Wire::GeminiJson => (
            Endpoint::GeminiGenerate,
            json!({"contents": [{"role": "user", "parts": [{"text": text}]}]}),
        ),
        Wire::GeminiSse => (
            Endpoint::GeminiStreamGenerate,
            json!({"contents": [{"role": "user", "parts": [{"text": text}]}]}),
        ),
    };
    sanitizer()
        .sanitize_request(endpoint, &mut b, p, v)
        .unwrap();
    let seen = match endpoint {
        Endpoint::OpenAiChat | Endpoint::AnthropicMessages => content(&b).to_owned(),
        _ => b["contents"][0]["parts"][0]["text"]
            .as_str()
            .unwrap()
            .to_owned(),
    };
    (endpoint, seen)
}

/// An upstream that echoes `text` in the wire's response format, cut into `cuts` pieces when
/// streaming; returns the response bytes.
fn echo_upstream(wire: Wire, text: &str, cuts: &[usize]) -> Vec<u8> {
    let sse = |v: Value| format!("data: {v}\n\n");
    let asse = |v: Value| format!("event: {}\ndata: {v}\n\n", v["type"].as_str().unwrap());
    match wire {
        Wire::ChatJson => json!({"id": "c", "object": "chat.completion", "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}]})
        .to_string()
        .into_bytes(),
        Wire::ChatSse => {
            let mut s = String::new();
            for piece in pieces(text, cuts) {
                s += &sse(json!({"id": "c", "object": "chat.completion.chunk", "choices": [
                    {"index": 0, "delta": {"content": piece}, "finish_reason": null}]}));
            }
            s += &sse(json!({"id": "c", "object": "chat.completion.chunk", "choices": [
                {"index": 0, "delta": {}, "finish_reason": "stop"}]}));
            s += "data: [DONE]\n\n";
            s.into_bytes()
        }
        Wire::AnthropicJson => json!({"id": "m", "type": "message", "role": "assistant",
            "content": [{"type": "text", "text": text}], "stop_reason": "end_turn"})
        .to_string()
        .into_bytes(),
        Wire::AnthropicSse => {
            let mut s = asse(json!({"type": "message_start", "message": {"id": "m", "type": "message",
                "role": "assistant", "content": []}}));
            s += &asse(json!({"type": "content_block_start", "index": 0,
                "content_block": {"type": "text", "text": ""}}));
            for piece in pieces(text, cuts) {
                s += &asse(json!({"type": "content_block_delta", "index": 0,
                    "delta": {"type": "text_delta", "text": piece}}));
            }
            s += &asse(json!({"type": "content_block_stop", "index": 0}));
            s += &asse(json!({"type": "message_delta", "delta": {"stop_reason": "end_turn"}}));
            s += &asse(json!({"type": "message_stop"}));
            s.into_bytes()
        }
        Wire::GeminiJson => json!({"candidates": [{"content": {"role": "model", "parts": [{"text": text}]},
            "finishReason": "STOP", "index": 0}]})
        .to_string()
        .into_bytes(),
        Wire::GeminiSse => {
            let mut s = String::new();
            for piece in pieces(text, cuts) {
                s += &sse(json!({"candidates": [{"content": {"role": "model", "parts": [{"text": piece}]},
                    "index": 0}]}));
            }
            s += &sse(json!({"candidates": [{"content": {"role": "model", "parts": [{"text": ""}]},
                "finishReason": "STOP", "index": 0}]}));
            s.into_bytes()
        }
    }
}

/// What the client reads from the filtered response.
fn client_text(wire: Wire, out: &[u8]) -> String {
    match wire {
        Wire::ChatJson => {
            let v: Value = serde_json::from_slice(out).unwrap();
            v["choices"][0]["message"]["content"]
                .as_str()
                .unwrap()
                .to_owned()
        }
        Wire::AnthropicJson => {
            let v: Value = serde_json::from_slice(out).unwrap();
            v["content"][0]["text"].as_str().unwrap().to_owned()
        }
        Wire::GeminiJson => {
            let v: Value = serde_json::from_slice(out).unwrap();
            v["candidates"][0]["content"]["parts"][0]["text"]
                .as_str()
                .unwrap()
                .to_owned()
        }
        Wire::ChatSse => sse_data(out)
            .iter()
            .flat_map(|v| v["choices"].as_array().cloned().unwrap_or_default())
            .filter_map(|c| c["delta"]["content"].as_str().map(str::to_owned))
            .collect(),
        Wire::AnthropicSse => sse_data(out)
            .iter()
            .filter(|v| v["type"] == "content_block_delta")
            .filter_map(|v| v["delta"]["text"].as_str().map(str::to_owned))
            .collect(),
        Wire::GeminiSse => sse_data(out)
            .iter()
            .flat_map(|v| v["candidates"].as_array().cloned().unwrap_or_default())
            .flat_map(|c| {
                c["content"]["parts"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .filter_map(|p| p["text"].as_str().map(str::to_owned))
            .collect(),
    }
}

fn streaming(wire: Wire) -> bool {
    matches!(wire, Wire::ChatSse | Wire::AnthropicSse | Wire::GeminiSse)
}

/// sanitize -> echoing upstream -> response filter -> client text.
fn round_trip(wire: Wire, text: &str, p: &EffectivePolicy, cuts: &[usize]) -> (String, String) {
    let mut v = vault("acme", p);
    let (endpoint, seen) = sanitize_user_text(wire, text, p, &mut v);
    let mut filter = sanitizer()
        .response_filter(endpoint, streaming(wire), p, &v)
        .unwrap();
    let up = echo_upstream(wire, &seen, cuts);
    let out = feed(filter.as_mut(), &up, cuts);
    (seen, client_text(wire, &out))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The client gets exactly the original text back, for every wire format, chunk split and
    /// restorable action, while the upstream never saw a value.
    #[test]
    fn restoration_round_trip(
        wire in 0..WIRES.len(),
        items in prop::collection::vec((0..pii_samples().len(), 0..FILLER.len()), 1..4),
        cuts in prop::collection::vec(0usize..4096, 0..12),
        surrogate in any::<bool>(),
    ) {
        let wire = WIRES[wire];
        let pii = pii_samples();
        let items: Vec<(usize, usize)> = items.iter().map(|&(s, f)| (pii[s], f)).collect();
        let text = snippet(&items);
        let p = if surrogate {
            policy("default_pii = \"surrogate\"", "acme")
        } else {
            EffectivePolicy::default()
        };
        let (seen, got) = round_trip(wire, &text, &p, &cuts);
        let all = samples();
        for &(s, _) in &items {
            prop_assert!(!seen.contains(all[s].value.as_str()), "{seen}");
        }
        prop_assert_eq!(got, text);
    }
}

#[test]
fn round_trip_with_response_scanning_of_all_entities() {
    let text = snippet(&[(0, 0), (2, 1), (6, 2)]);
    for &wire in WIRES {
        for pol in [
            "scan_responses = \"all\"",
            "scan_responses = \"all\"\ndefault_pii = \"surrogate\"",
        ] {
            let p = policy(pol, "acme");
            let (_, got) = round_trip(wire, &text, &p, &[7, 40, 41, 90]);
            assert_eq!(got, text, "{wire:?} / {pol}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Restore injection and tenant isolation

#[test]
fn lookalike_placeholders_never_get_a_value_restored() {
    let email = "jane.doe@acme-corp.com";
    let p = EffectivePolicy::default();
    // The real placeholder of the e-mail for this tenant (as an earlier request would issue).
    let mut earlier = vault("acme", &p);
    let real = earlier
        .replace(&Entity::EmailAddress, email, Action::Pseudonymize)
        .unwrap();

    for &wire in WIRES {
        // 1. The request types the placeholder but does not contain the value.
        let text = format!("what is {real}? and <PERSON_abcdef12>");
        let mut v = vault("acme", &p);
        let (endpoint, seen) = sanitize_user_text(wire, &text, &p, &mut v);
        assert!(!seen.contains(&real), "{seen}");
        assert!(!seen.contains("<PERSON_abcdef12>"), "{seen}");
        let up = echo_upstream(wire, &seen, &[5, 30]);
        let mut f = sanitizer()
            .response_filter(endpoint, streaming(wire), &p, &v)
            .unwrap();
        let got = client_text(wire, &feed(f.as_mut(), &up, &[5, 30]));
        assert_eq!(got, text, "{wire:?}");
        assert!(!got.contains(email));
        // The model writing the real placeholder gets nothing either.
        let up = echo_upstream(wire, &format!("it is {real}"), &[]);
        let mut f = sanitizer()
            .response_filter(endpoint, streaming(wire), &p, &v)
            .unwrap();
        let got = client_text(wire, &feed(f.as_mut(), &up, &[]));
        assert_eq!(got, format!("it is {real}"), "{wire:?}");

        // 2. The request contains the value *and* types its placeholder: the typed one is
        //    re-tokenised and comes back as the literal text, never as the value.
        let text = format!("mail {email} now, and the literal {real}");
        let (_, got) = round_trip(wire, &text, &p, &[3, 17, 60]);
        assert_eq!(got, text, "{wire:?}");
    }
}

#[test]
fn placeholders_of_another_tenant_are_not_restored() {
    let email = "jane.doe@acme-corp.com";
    let p_a = policy("", "tenant-a");
    let p_b = policy("", "tenant-b");
    for &wire in WIRES {
        let mut va = vault("tenant-a", &p_a);
        let (_, seen_a) = sanitize_user_text(wire, &format!("mail {email} now"), &p_a, &mut va);
        let placeholder_a = seen_a
            .strip_prefix("mail ")
            .and_then(|s| s.strip_suffix(" now"))
            .unwrap()
            .to_owned();

        // Tenant B's request has the same e-mail (so B's vault knows it, under B's tag) and
        // B's upstream answers with A's placeholder.
        let mut vb = vault("tenant-b", &p_b);
        let (endpoint, seen_b) =
            sanitize_user_text(wire, &format!("mail {email} now"), &p_b, &mut vb);
        assert_ne!(seen_a, seen_b, "tags differ per tenant");
        let answer = format!(
            "A says {placeholder_a}; B says {}",
            &seen_b[5..seen_b.len() - 4]
        );
        let up = echo_upstream(wire, &answer, &[9]);
        let mut f = sanitizer()
            .response_filter(endpoint, streaming(wire), &p_b, &vb)
            .unwrap();
        let got = client_text(wire, &feed(f.as_mut(), &up, &[9]));
        assert_eq!(
            got,
            format!("A says {placeholder_a}; B says {email}"),
            "{wire:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Refusals carry no values

#[test]
fn refusal_messages_contain_no_values() {
    let all = samples();
    let items: Vec<(usize, usize)> = (0..all.len()).map(|i| (i, i)).collect();
    let text = snippet(&items);
    let values: Vec<String> = all.iter().map(|s| s.value.clone()).collect();
    for pol in [
        "default_pii = \"block\"\ndefault_secret = \"block\"",
        "",
        "[entities]\nPERSON = \"block\"",
    ] {
        let p = policy(pol, "acme");
        for &endpoint in ENDPOINTS {
            let texts: [String; 5] = std::array::from_fn(|_| text.clone());
            let mut b = body(endpoint, &texts);
            let mut v = vault("acme", &p);
            let e = sanitizer()
                .sanitize_request(endpoint, &mut b, &p, &mut v)
                .unwrap_err();
            assert!(matches!(e, SanitizeError::Blocked { .. }), "{e:?}");
            let shown = format!("{e} {e:?} {}", e.details_json());
            for value in &values {
                for frag in fragments(value) {
                    assert!(!shown.contains(&frag), "{frag:?} in {shown}");
                }
                // No 4-char piece of a value that is not also part of the boilerplate.
                assert!(!shown.contains("acme-corp") && !shown.contains("7946"));
            }
            assert!(shown.contains("Blocked by promptwall policy: "));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Media and opaque parts per wire format

#[test]
fn media_is_refused_in_every_wire_format_when_the_policy_says_so() {
    let cases = [
        (
            Endpoint::OpenAiChat,
            json!({"model": "m", "messages": [{"role": "user", "content": [
                {"type": "text", "text": "hi"},
                {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}]}]}),
        ),
        (
            Endpoint::OpenAiResponses,
            json!({"model": "m", "input": [{"role": "user", "content": [
                {"type": "input_image", "image_url": "https://example.com/a.png"}]}]}),
        ),
        (
            Endpoint::AnthropicMessages,
            json!({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": [
                {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0="}}]}]}),
        ),
        (
            Endpoint::GeminiGenerate,
            json!({"contents": [{"role": "user", "parts": [
                {"text": "describe"}, {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}}]}]}),
        ),
    ];
    let refuse = policy("media = \"refuse\"", "acme");
    let forward = EffectivePolicy::default();
    for (endpoint, b) in cases {
        let mut body = b.clone();
        let mut v = vault("acme", &forward);
        let r = sanitizer()
            .sanitize_request(endpoint, &mut body, &forward, &mut v)
            .unwrap();
        assert_eq!(r.media_parts, 1, "{endpoint:?}");
        assert_eq!(body, b, "media is forwarded untouched");
        assert!(r.header_value().contains("; media=1"));

        let mut body = b.clone();
        let mut v = vault("acme", &refuse);
        let e = sanitizer()
            .sanitize_request(endpoint, &mut body, &refuse, &mut v)
            .unwrap_err();
        assert!(
            matches!(e, SanitizeError::MediaRefused { .. }),
            "{endpoint:?}: {e:?}"
        );
        assert_eq!((e.status(), e.code()), (403, "promptwall_policy_violation"));
    }
}

#[test]
fn signed_and_thinking_parts_stay_byte_identical_unless_blocked() {
    let email = "jane.doe@acme-corp.com";
    let gemini = |thought: &str| {
        json!({"contents": [
            {"role": "user", "parts": [{"text": format!("mail {email} now")}]},
            {"role": "model", "parts": [
                {"text": thought, "thought": true},
                {"text": format!("signed {email}"), "thoughtSignature": "c2lnbmF0dXJl"}]}]})
    };
    let p = EffectivePolicy::default();
    let mut v = vault("acme", &p);
    let mut b = gemini(&format!("user {email}"));
    let r = sanitizer()
        .sanitize_request(Endpoint::GeminiGenerate, &mut b, &p, &mut v)
        .unwrap();
    assert_eq!(
        b["contents"][1],
        gemini(&format!("user {email}"))["contents"][1]
    );
    assert!(!b["contents"][0].to_string().contains(email));
    assert_eq!(r.opaque_findings, 2);

    let mut v = vault("acme", &p);
    let mut b = gemini(&format!("the key is {}", pem()));
    let e = sanitizer()
        .sanitize_request(Endpoint::GeminiGenerate, &mut b, &p, &mut v)
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("Blocked by promptwall policy: PRIVATE_KEY at contents[1].parts[0]"),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------------
// The walker's request fixtures, sanitized end to end

#[test]
fn request_fixtures_sanitize_and_only_opaque_parts_keep_values() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bodies/");
    let fixtures = [
        ("openai_chat.json", Endpoint::OpenAiChat),
        ("openai_chat_compat.json", Endpoint::OpenAiChat),
        ("openai_responses.json", Endpoint::OpenAiResponses),
        ("openai_embeddings.json", Endpoint::OpenAiEmbeddings),
        ("openai_completions.json", Endpoint::OpenAiCompletions),
        ("anthropic_messages.json", Endpoint::AnthropicMessages),
        (
            "anthropic_count_tokens.json",
            Endpoint::AnthropicCountTokens,
        ),
        ("gemini_generate.json", Endpoint::GeminiGenerate),
        ("gemini_generate_snake.json", Endpoint::GeminiGenerate),
        ("gemini_count_tokens.json", Endpoint::GeminiCountTokens),
        ("gemini_embed.json", Endpoint::GeminiEmbed),
    ];
    // The fixtures use a documentation domain, which the e-mail detector rightly ignores.
    let email = "jane.roe@acme-corp.com";
    let p = scrub_policy();
    for (name, endpoint) in fixtures {
        let text = std::fs::read_to_string(format!("{dir}{name}"))
            .unwrap()
            .replace("jane.roe@example.org", email);
        let mut b: Value = serde_json::from_str(&text).unwrap();
        let mut v = vault("acme", &p);
        let r = sanitizer()
            .sanitize_request(endpoint, &mut b, &p, &mut v)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut leaves = Vec::new();
        strings(&b, &mut leaves);
        let left: usize = leaves.iter().map(|l| l.matches(email).count()).sum();
        // What is left sits in opaque (thinking / signed) text, which is counted.
        assert!(left <= r.opaque_findings, "{name}: {left} left, {r:?}");
        if text.contains(email) {
            assert!(r.total_findings() > 0 && r.body_changed(), "{name}: {r:?}");
        }
    }

    let tokens = std::fs::read_to_string(format!("{dir}openai_embeddings_tokens.json")).unwrap();
    let mut b: Value = serde_json::from_str(&tokens).unwrap();
    let mut v = vault("acme", &p);
    let e = sanitizer()
        .sanitize_request(Endpoint::OpenAiEmbeddings, &mut b, &p, &mut v)
        .unwrap_err();
    assert!(matches!(e, SanitizeError::PreTokenized), "{e:?}");
}
