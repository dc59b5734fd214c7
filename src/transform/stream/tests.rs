use super::*;
use crate::detect::{Entity, Finding};
use crate::transform::policy::{Action, PolicyConfig};
use crate::transform::sse::SseParser;
use crate::transform::vault::{TenantKey, Vault};
use proptest::prelude::*;

/// Values inserted into random texts, with the entity and action used for them.
const VALUES: &[(&str, Action)] = &[
    ("Alice Smith", Action::Pseudonymize),
    ("bob@example.org", Action::Pseudonymize),
    ("O'Brien \"Q\" \\ 日本\n", Action::Pseudonymize),
    ("+44 20 7946 0958", Action::Surrogate),
];

fn entity_of(i: usize) -> Entity {
    match i {
        0 => Entity::Person,
        1 => Entity::EmailAddress,
        2 => Entity::Location,
        _ => Entity::PhoneNumber,
    }
}

#[derive(Debug, Clone)]
enum Seg {
    Text(String),
    Val(usize),
}

/// Build the original text and sanitize it through a real vault (findings at the values).
fn sanitize(segs: &[Seg]) -> (String, String, Restorer) {
    let mut original = String::new();
    let mut findings = Vec::new();
    for s in segs {
        match s {
            Seg::Text(t) => original.push_str(t),
            Seg::Val(i) => {
                let start = original.len();
                original.push_str(VALUES[*i].0);
                findings.push(Finding {
                    entity: entity_of(*i),
                    start,
                    end: original.len(),
                    score: 0.9,
                    detector: "test".into(),
                });
            }
        }
    }
    let mut cfg = PolicyConfig::default();
    cfg.entities
        .insert("PHONE_NUMBER".into(), Action::Surrogate);
    let policy = cfg.effective("acme", "openai");
    let mut vault = Vault::for_policy(TenantKey::derive(b"secret", "acme"), &policy);
    let sanitized = vault
        .sanitize_text(&original, &findings, &policy)
        .unwrap()
        .unwrap_or_else(|| original.clone());
    (original, sanitized, vault.restorer().unwrap())
}

/// Split `s` at the given (floored to char boundary) positions.
fn split_chars(s: &str, cuts: &[usize]) -> Vec<String> {
    let mut pos: Vec<usize> = cuts
        .iter()
        .map(|c| {
            let mut p = c % (s.len() + 1);
            while !s.is_char_boundary(p) {
                p -= 1;
            }
            p
        })
        .collect();
    pos.sort_unstable();
    pos.dedup();
    let mut out = Vec::new();
    let mut last = 0;
    for p in pos {
        out.push(s[last..p].to_string());
        last = p;
    }
    out.push(s[last..].to_string());
    out
}

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

fn events(bytes: &[u8]) -> Vec<SseEvent> {
    let mut p = SseParser::default();
    let mut out = Vec::new();
    p.push(bytes, &mut out).unwrap();
    p.finish(&mut out).unwrap();
    out
}

fn sse(nl: &str, event: Option<&str>, data: &Value) -> String {
    let mut s = String::new();
    if let Some(e) = event {
        s.push_str(&format!("event: {e}{nl}"));
    }
    s.push_str(&format!("data: {data}{nl}{nl}"));
    s
}

const NLS: [&str; 3] = ["\n", "\r\n", "\r"];

fn opts(r: &Restorer) -> FilterOptions {
    FilterOptions::new(r.clone())
}

// ----- upstream builders and client-side accumulators, per wire format -----

fn chat_upstream(nl: &str, text: &[String], args: &[String], finish: bool) -> String {
    let base = |choice: Value| json!({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [choice]});
    let mut s = String::from(": keep-alive\n\n");
    s += &sse(
        nl,
        None,
        &base(
            json!({"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": null}),
        ),
    );
    for f in text {
        s += &sse(
            nl,
            None,
            &base(json!({"index": 0, "delta": {"content": f}, "finish_reason": null})),
        );
    }
    s += &sse(
        nl,
        None,
        &base(
            json!({"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "f", "arguments": ""}}]}, "finish_reason": null}),
        ),
    );
    for f in args {
        s += &sse(
            nl,
            None,
            &base(
                json!({"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": f}}]}, "finish_reason": null}),
            ),
        );
    }
    if finish {
        s += &sse(
            nl,
            None,
            &base(json!({"index": 0, "delta": {}, "finish_reason": "tool_calls"})),
        );
    }
    s += &format!("data: [DONE]{nl}{nl}");
    s
}

fn chat_client(out: &[u8]) -> (String, String) {
    let (mut text, mut args) = (String::new(), String::new());
    for ev in events(out) {
        let Some(d) = ev.data else { continue };
        if d == "[DONE]" {
            continue;
        }
        let v: Value = serde_json::from_str(&d).unwrap();
        for c in v["choices"].as_array().unwrap() {
            text += c["delta"]["content"].as_str().unwrap_or("");
            if let Some(tcs) = c["delta"]["tool_calls"].as_array() {
                for tc in tcs {
                    args += tc["function"]["arguments"].as_str().unwrap_or("");
                }
            }
        }
    }
    (text, args)
}

fn responses_upstream(
    nl: &str,
    text: &[String],
    args: &[String],
    full_text: &str,
    full_args: &str,
) -> String {
    let mut s = String::new();
    let mut seq = 0;
    let mut ev = |s: &mut String, v: Value| {
        let mut v = v;
        v["sequence_number"] = json!(seq);
        seq += 1;
        let ty = v["type"].as_str().unwrap().to_string();
        *s += &sse(nl, Some(&ty), &v);
    };
    ev(
        &mut s,
        json!({"type": "response.created", "response": {"id": "r", "output": []}}),
    );
    for f in text {
        ev(
            &mut s,
            json!({"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": f}),
        );
    }
    ev(
        &mut s,
        json!({"type": "response.output_text.done", "item_id": "msg_1", "output_index": 0, "content_index": 0, "text": full_text}),
    );
    ev(
        &mut s,
        json!({"type": "response.reasoning_summary_text.delta", "item_id": "rs_1", "output_index": 1, "summary_index": 0, "delta": full_text}),
    );
    for f in args {
        ev(
            &mut s,
            json!({"type": "response.function_call_arguments.delta", "item_id": "fc_1", "output_index": 2, "delta": f}),
        );
    }
    ev(
        &mut s,
        json!({"type": "response.function_call_arguments.done", "item_id": "fc_1", "output_index": 2, "arguments": full_args}),
    );
    let output = json!([
        {"type": "message", "id": "msg_1", "content": [{"type": "output_text", "text": full_text, "annotations": []}]},
        {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": full_text}]},
        {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "f", "arguments": full_args}
    ]);
    ev(
        &mut s,
        json!({"type": "response.completed", "response": {"id": "r", "output": output}}),
    );
    s
}

struct RespClient {
    text: String,
    done_text: String,
    args: String,
    done_args: String,
    reasoning: String,
    completed: Value,
}

fn responses_client(out: &[u8]) -> RespClient {
    let mut c = RespClient {
        text: String::new(),
        done_text: String::new(),
        args: String::new(),
        done_args: String::new(),
        reasoning: String::new(),
        completed: Value::Null,
    };
    let mut last_seq: Option<u64> = None;
    for ev in events(out) {
        let Some(d) = ev.data else { continue };
        let v: Value = serde_json::from_str(&d).unwrap();
        assert_eq!(
            ev.event.as_deref(),
            v["type"].as_str(),
            "event name equals data.type"
        );
        if let Some(n) = v["sequence_number"].as_u64() {
            assert!(
                last_seq.is_none_or(|l| n > l),
                "sequence numbers increase: {last_seq:?} then {n}"
            );
            last_seq = Some(n);
        }
        match v["type"].as_str().unwrap() {
            "response.output_text.delta" => c.text += v["delta"].as_str().unwrap(),
            "response.output_text.done" => c.done_text = v["text"].as_str().unwrap().into(),
            "response.function_call_arguments.delta" => c.args += v["delta"].as_str().unwrap(),
            "response.function_call_arguments.done" => {
                c.done_args = v["arguments"].as_str().unwrap().into()
            }
            "response.reasoning_summary_text.delta" => c.reasoning += v["delta"].as_str().unwrap(),
            "response.completed" => c.completed = v["response"].clone(),
            _ => {}
        }
    }
    c
}

fn anthropic_upstream(nl: &str, text: &[String], args: &[String], thinking: &str) -> String {
    let mut s = String::new();
    let mut ev = |v: Value| s += &sse(nl, Some(v["type"].as_str().unwrap()), &v);
    ev(
        json!({"type": "message_start", "message": {"id": "m", "type": "message", "role": "assistant", "content": [], "model": "x", "usage": {"input_tokens": 1, "output_tokens": 1}}}),
    );
    ev(
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": "", "signature": ""}}),
    );
    ev(
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": thinking}}),
    );
    ev(
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "c2ln"}}),
    );
    ev(json!({"type": "content_block_stop", "index": 0}));
    ev(
        json!({"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}}),
    );
    ev(json!({"type": "ping"}));
    for f in text {
        ev(
            json!({"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": f}}),
        );
    }
    ev(json!({"type": "content_block_stop", "index": 1}));
    ev(
        json!({"type": "content_block_start", "index": 2, "content_block": {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}}}),
    );
    for f in args {
        ev(
            json!({"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": f}}),
        );
    }
    ev(json!({"type": "content_block_stop", "index": 2}));
    ev(
        json!({"type": "message_delta", "delta": {"stop_reason": "tool_use", "stop_sequence": null}, "usage": {"output_tokens": 5}}),
    );
    ev(json!({"type": "message_stop"}));
    s
}

fn anthropic_client(out: &[u8]) -> (String, String, String) {
    let (mut text, mut args, mut thinking) = (String::new(), String::new(), String::new());
    let mut open: Option<u64> = None;
    for ev in events(out) {
        let Some(d) = ev.data else { continue };
        let v: Value = serde_json::from_str(&d).unwrap();
        assert_eq!(ev.event.as_deref(), v["type"].as_str());
        match v["type"].as_str().unwrap() {
            "content_block_start" => open = v["index"].as_u64(),
            "content_block_stop" => {
                assert_eq!(open, v["index"].as_u64());
                open = None;
            }
            "content_block_delta" => {
                assert_eq!(open, v["index"].as_u64(), "delta inside its block");
                let dl = &v["delta"];
                match dl["type"].as_str().unwrap() {
                    "text_delta" => text += dl["text"].as_str().unwrap(),
                    "input_json_delta" => args += dl["partial_json"].as_str().unwrap(),
                    "thinking_delta" => thinking += dl["thinking"].as_str().unwrap(),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    (text, args, thinking)
}

fn gemini_chunks(text: &[String], sanitized_args: &str) -> Vec<Value> {
    let mut chunks: Vec<Value> = text
        .iter()
        .map(|f| json!({"candidates": [{"content": {"parts": [{"text": f}], "role": "model"}, "index": 0}], "modelVersion": "g"}))
        .collect();
    chunks.push(json!({"candidates": [{"content": {"parts": [{"functionCall": {"name": "f", "args": {"q": sanitized_args}}}], "role": "model"}, "index": 0, "finishReason": "STOP"}], "usageMetadata": {"promptTokenCount": 1}}));
    chunks
}

fn gemini_client_chunks(chunks: &[Value]) -> (String, String) {
    let (mut text, mut args) = (String::new(), String::new());
    for v in chunks {
        for c in v["candidates"].as_array().unwrap() {
            for p in c["content"]["parts"].as_array().unwrap() {
                if let Some(t) = p["text"].as_str() {
                    text += t;
                }
                if let Some(q) = p["functionCall"]["args"]["q"].as_str() {
                    args += q;
                }
            }
        }
    }
    (text, args)
}

fn segs_with_keys() -> impl Strategy<Value = Vec<Seg>> {
    prop::collection::vec(
        prop_oneof![
            "[a-zA-Z <>_é日\n\"\\\\]{0,8}".prop_map(Seg::Text),
            "[0-9a-z]{1,6}".prop_map(|k| Seg::Text(format!("sk-live-{k}"))),
            (0..VALUES.len()).prop_map(Seg::Val),
        ],
        0..10,
    )
}

fn segs() -> impl Strategy<Value = Vec<Seg>> {
    prop::collection::vec(
        prop_oneof![
            "[a-zA-Z <>_é日\n\"\\\\]{0,8}".prop_map(Seg::Text),
            (0..VALUES.len()).prop_map(Seg::Val),
        ],
        0..10,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn chat_stream_restores_for_any_split(
        s in segs(),
        frag in prop::collection::vec(any::<usize>(), 0..10),
        bytes in prop::collection::vec(any::<usize>(), 0..24),
        nl in 0..3usize,
        finish in any::<bool>(),
    ) {
        let (original, sanitized, r) = sanitize(&s);
        prop_assert_eq!(s.iter().any(|x| matches!(x, Seg::Val(_))), sanitized != original);
        let args_json = json!({"q": sanitized}).to_string();
        let up = chat_upstream(NLS[nl], &split_chars(&sanitized, &frag), &split_chars(&args_json, &frag), finish);
        let mut f = response_filter(Endpoint::OpenAiChat, true, opts(&r));
        let out = feed(f.as_mut(), up.as_bytes(), &bytes);
        let (text, args) = chat_client(&out);
        prop_assert_eq!(&text, &original);
        let q: Value = serde_json::from_str(&args).unwrap();
        prop_assert_eq!(q["q"].as_str().unwrap(), original.as_str());
    }

    #[test]
    fn responses_stream_restores_for_any_split(
        s in segs(),
        frag in prop::collection::vec(any::<usize>(), 0..10),
        bytes in prop::collection::vec(any::<usize>(), 0..24),
        nl in 0..3usize,
    ) {
        let (original, sanitized, r) = sanitize(&s);
        let args_json = json!({"q": sanitized}).to_string();
        let up = responses_upstream(NLS[nl], &split_chars(&sanitized, &frag), &split_chars(&args_json, &frag), &sanitized, &args_json);
        let mut f = response_filter(Endpoint::OpenAiResponses, true, opts(&r));
        let out = feed(f.as_mut(), up.as_bytes(), &bytes);
        let c = responses_client(&out);
        prop_assert_eq!(&c.text, &original);
        prop_assert_eq!(&c.done_text, &original);
        prop_assert_eq!(&c.reasoning, &sanitized, "reasoning is never restored");
        let q: Value = serde_json::from_str(&c.args).unwrap();
        prop_assert_eq!(q["q"].as_str().unwrap(), original.as_str());
        prop_assert_eq!(&c.done_args, &c.args);
        prop_assert_eq!(c.completed["output"][0]["content"][0]["text"].as_str().unwrap(), original.as_str());
        prop_assert_eq!(c.completed["output"][1]["summary"][0]["text"].as_str().unwrap(), sanitized.as_str());
        prop_assert_eq!(c.completed["output"][2]["arguments"].as_str().unwrap(), c.args.as_str());
    }

    #[test]
    fn anthropic_stream_restores_for_any_split(
        s in segs(),
        frag in prop::collection::vec(any::<usize>(), 0..10),
        bytes in prop::collection::vec(any::<usize>(), 0..24),
        nl in 0..3usize,
    ) {
        let (original, sanitized, r) = sanitize(&s);
        let args_json = json!({"q": sanitized}).to_string();
        let up = anthropic_upstream(NLS[nl], &split_chars(&sanitized, &frag), &split_chars(&args_json, &frag), &sanitized);
        let mut f = response_filter(Endpoint::AnthropicMessages, true, opts(&r));
        let out = feed(f.as_mut(), up.as_bytes(), &bytes);
        let (text, args, thinking) = anthropic_client(&out);
        prop_assert_eq!(&text, &original);
        prop_assert_eq!(&thinking, &sanitized, "thinking is never restored");
        let q: Value = serde_json::from_str(&args).unwrap();
        prop_assert_eq!(q["q"].as_str().unwrap(), original.as_str());
    }

    #[test]
    fn gemini_stream_restores_for_any_split(
        s in segs(),
        frag in prop::collection::vec(any::<usize>(), 0..10),
        bytes in prop::collection::vec(any::<usize>(), 0..24),
        nl in 0..3usize,
    ) {
        let (original, sanitized, r) = sanitize(&s);
        let chunks = gemini_chunks(&split_chars(&sanitized, &frag), &sanitized);
        let up: String = chunks.iter().map(|c| sse(NLS[nl], None, c)).collect();
        let mut f = response_filter(Endpoint::GeminiStreamGenerate, true, opts(&r));
        let out = feed(f.as_mut(), up.as_bytes(), &bytes);
        let got: Vec<Value> = events(&out)
            .into_iter()
            .filter_map(|e| e.data)
            .map(|d| serde_json::from_str(&d).unwrap())
            .collect();
        let (text, args) = gemini_client_chunks(&got);
        prop_assert_eq!(&text, &original);
        prop_assert_eq!(&args, &original);

        // The same chunks as one JSON array (no alt=sse), non-streaming filter.
        let body = Value::Array(chunks).to_string();
        let mut f = response_filter(Endpoint::GeminiStreamGenerate, false, opts(&r));
        let out = feed(f.as_mut(), body.as_bytes(), &bytes);
        let arr: Vec<Value> = serde_json::from_slice(&out).unwrap();
        let (text, args) = gemini_client_chunks(&arr);
        prop_assert_eq!(&text, &original);
        prop_assert_eq!(&args, &original);
    }

    #[test]
    fn chat_stream_scans_and_restores_for_any_split(
        s in segs_with_keys(),
        frag in prop::collection::vec(any::<usize>(), 0..10),
        bytes in prop::collection::vec(any::<usize>(), 0..24),
        empty_restorer in any::<bool>(),
    ) {
        let (_, sanitized, r) = sanitize(&s);
        let r = if empty_restorer { Restorer::empty() } else { r };
        let expected = r.restore(&scan_whole(&sanitized)).into_owned();
        let up = chat_upstream("\n", &split_chars(&sanitized, &frag), &[], true);
        let o = opts(&r).with_scanner(Arc::new(FakeKeys));
        let mut f = response_filter(Endpoint::OpenAiChat, true, o);
        let out = feed(f.as_mut(), up.as_bytes(), &bytes);
        let (text, _) = chat_client(&out);
        prop_assert_eq!(&text, &expected);
        prop_assert!(!text.contains("sk-live-") || !scan_whole(&text).contains("<API_KEY>"));
    }

    #[test]
    fn streaming_restorer_equals_whole_restore(
        s in segs(),
        frag in prop::collection::vec(any::<usize>(), 0..16),
    ) {
        let (original, sanitized, r) = sanitize(&s);
        let mut st = r.stream(Escape::None);
        let mut out = String::new();
        for f in split_chars(&sanitized, &frag) {
            st.push(&f, &mut out);
        }
        st.finish(&mut out);
        prop_assert_eq!(&out, &original);
        let whole = r.restore(&sanitized).into_owned();
        prop_assert_eq!(&whole, &original);
    }
}

#[test]
fn untouched_events_are_byte_identical() {
    let (_, _, r) = sanitize(&[Seg::Val(0)]);
    let up = "event: ping\r\ndata: {\"type\":\"ping\"}\r\n\r\n: comment\r\n\r\nevent: content_block_delta\r\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"plain text\"}}\r\n\r\n";
    let mut f = response_filter(Endpoint::AnthropicMessages, true, opts(&r));
    let out = feed(f.as_mut(), up.as_bytes(), &[5, 40, 41]);
    assert_eq!(out, up.as_bytes());
}

#[test]
fn nothing_to_restore_is_passthrough() {
    let mut f = response_filter(Endpoint::OpenAiChat, true, opts(&Restorer::empty()));
    let out = feed(f.as_mut(), b"not even sse", &[3]);
    assert_eq!(out, b"not even sse");
    let (_, _, r) = sanitize(&[Seg::Val(0)]);
    let mut f = response_filter(Endpoint::OpenAiEmbeddings, false, opts(&r));
    assert_eq!(feed(f.as_mut(), b"{\"data\":[]}", &[]), b"{\"data\":[]}");
}

#[test]
fn held_tail_goes_out_with_the_next_event_not_later() {
    let (original, sanitized, r) =
        sanitize(&[Seg::Text("Hi ".into()), Seg::Val(0), Seg::Text("!".into())]);
    let ph_start = sanitized.find('<').unwrap();
    let (a, b) = sanitized.split_at(ph_start + 3);
    let mut f = response_filter(Endpoint::OpenAiChat, true, opts(&r));
    let mut out = BytesMut::new();
    let ev = |t: &str| {
        format!(
            "data: {}\n\n",
            json!({"choices": [{"index": 0, "delta": {"content": t}}]})
        )
    };
    f.chunk(ev(a).as_bytes(), &mut out).unwrap();
    let (t1, _) = chat_client(&out);
    assert_eq!(t1, "Hi ", "only the started placeholder is held");
    f.chunk(ev(b).as_bytes(), &mut out).unwrap();
    let (t2, _) = chat_client(&out);
    assert_eq!(t2, original);
}

#[test]
fn chat_flush_without_finish_reason_emits_synthetic_chunk_before_done() {
    let (_, sanitized, r) = sanitize(&[Seg::Text("x ".into()), Seg::Val(1)]);
    let cut = sanitized.len() - 2;
    let up = format!(
        "data: {}\n\ndata: [DONE]\n\n",
        json!({"id": "c", "model": "m", "choices": [{"index": 0, "delta": {"content": &sanitized[..cut]}}]})
    );
    let mut f = response_filter(Endpoint::OpenAiChat, true, opts(&r));
    let out = String::from_utf8(feed(f.as_mut(), up.as_bytes(), &[])).unwrap();
    assert!(out.ends_with("data: [DONE]\n\n"));
    let evs = events(out.as_bytes());
    assert_eq!(evs.len(), 3);
    let synthetic: Value = serde_json::from_str(evs[1].data.as_deref().unwrap()).unwrap();
    assert_eq!(synthetic["id"], "c");
    let ph_start = sanitized.find('<').unwrap();
    assert_eq!(
        synthetic["choices"][0]["delta"]["content"],
        &sanitized[ph_start..cut]
    );
}

#[test]
fn non_streaming_bodies_per_endpoint() {
    let (original, sanitized, r) = sanitize(&[
        Seg::Text("Dear ".into()),
        Seg::Val(2),
        Seg::Text(", ".into()),
        Seg::Val(0),
    ]);
    let args = json!({"q": sanitized, "n": [sanitized]}).to_string();
    let check_args = |a: &str| {
        let v: Value = serde_json::from_str(a).unwrap();
        assert_eq!(v["q"], original.as_str());
        assert_eq!(v["n"][0], original.as_str());
    };
    let run = |ep: Endpoint, body: Value| -> Value {
        let mut f = response_filter(ep, false, opts(&r));
        let out = feed(f.as_mut(), body.to_string().as_bytes(), &[7, 19]);
        serde_json::from_slice(&out).unwrap()
    };

    let v = run(
        Endpoint::OpenAiChat,
        json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": sanitized, "refusal": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": args}}]}, "finish_reason": "stop"}]}),
    );
    assert_eq!(v["choices"][0]["message"]["content"], original.as_str());
    check_args(
        v["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(v["choices"][0]["message"]["tool_calls"][0]["id"], "call_1");

    let v = run(
        Endpoint::OpenAiCompletions,
        json!({"choices": [{"index": 0, "text": sanitized}]}),
    );
    assert_eq!(v["choices"][0]["text"], original.as_str());

    let v = run(
        Endpoint::OpenAiResponses,
        json!({"output": [
            {"type": "reasoning", "id": "rs", "summary": [{"type": "summary_text", "text": sanitized}], "encrypted_content": sanitized},
            {"type": "message", "id": "m", "content": [{"type": "output_text", "text": sanitized}, {"type": "refusal", "refusal": sanitized}]},
            {"type": "function_call", "id": "fc", "call_id": "c", "name": "f", "arguments": args}
        ]}),
    );
    assert_eq!(v["output"][0]["summary"][0]["text"], sanitized.as_str());
    assert_eq!(v["output"][0]["encrypted_content"], sanitized.as_str());
    assert_eq!(v["output"][1]["content"][0]["text"], original.as_str());
    assert_eq!(v["output"][1]["content"][1]["refusal"], original.as_str());
    check_args(v["output"][2]["arguments"].as_str().unwrap());

    let v = run(
        Endpoint::AnthropicMessages,
        json!({"type": "message", "content": [
            {"type": "thinking", "thinking": sanitized, "signature": "sig"},
            {"type": "text", "text": sanitized},
            {"type": "tool_use", "id": "t", "name": "f", "input": {"q": sanitized, "deep": {"list": [sanitized, 1]}}}
        ]}),
    );
    assert_eq!(v["content"][0]["thinking"], sanitized.as_str());
    assert_eq!(v["content"][1]["text"], original.as_str());
    assert_eq!(v["content"][2]["input"]["q"], original.as_str());
    assert_eq!(
        v["content"][2]["input"]["deep"]["list"][0],
        original.as_str()
    );

    let v = run(
        Endpoint::GeminiGenerate,
        json!({"candidates": [{"index": 0, "content": {"role": "model", "parts": [
        {"text": sanitized, "thought": true},
        {"text": sanitized, "thoughtSignature": "abc"},
        {"text": sanitized},
        {"functionCall": {"name": "f", "args": {"q": sanitized}}}
    ]}, "finishReason": "STOP"}]}),
    );
    let parts = &v["candidates"][0]["content"]["parts"];
    assert_eq!(parts[0]["text"], sanitized.as_str());
    assert_eq!(parts[1]["text"], sanitized.as_str());
    assert_eq!(parts[2]["text"], original.as_str());
    assert_eq!(parts[3]["functionCall"]["args"]["q"], original.as_str());
}

#[test]
fn unchanged_json_body_is_forwarded_byte_identically() {
    let (_, _, r) = sanitize(&[Seg::Val(0)]);
    let body = b"{ \"choices\" : [ {\"message\": {\"content\": \"no placeholders\"}} ] }";
    let mut f = response_filter(Endpoint::OpenAiChat, false, opts(&r));
    assert_eq!(feed(f.as_mut(), body, &[4]), body);
}

#[test]
fn broken_json_fails_closed() {
    let (_, _, r) = sanitize(&[Seg::Val(0)]);
    let mut f = response_filter(Endpoint::OpenAiChat, false, opts(&r));
    let mut out = BytesMut::new();
    f.chunk(b"{\"choices\": [", &mut out).unwrap();
    assert!(f.finish(&mut out).is_err());
    assert!(out.is_empty());
    let mut f = response_filter(Endpoint::OpenAiChat, true, opts(&r));
    assert!(f.chunk(b"data: {broken\n\n", &mut out).is_err());
}

#[test]
fn body_cap_fails_closed() {
    let (_, _, r) = sanitize(&[Seg::Val(0)]);
    let mut o = opts(&r);
    o.max_body = 8;
    let mut f = response_filter(Endpoint::OpenAiChat, false, o);
    let mut out = BytesMut::new();
    assert!(f.chunk(b"{\"choices\":[]}", &mut out).is_err());
}

/// Finds `sk-live-[0-9a-z]+` as API keys (context-free, like a prefixed-token detector).
struct FakeKeys;
impl TextScanner for FakeKeys {
    fn find(&self, text: &str, out: &mut Vec<Finding>) {
        let mut from = 0;
        while let Some(i) = text[from..].find("sk-live-") {
            let start = from + i;
            let n = text[start + 8..]
                .bytes()
                .take_while(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
                .count();
            let end = start + 8 + n;
            if n > 0 {
                out.push(Finding {
                    entity: Entity::ApiKey,
                    start,
                    end,
                    score: 0.95,
                    detector: "fake".into(),
                });
            }
            from = end;
        }
    }
}

fn scan_whole(text: &str) -> String {
    let mut f = Vec::new();
    FakeKeys.find(text, &mut f);
    redact_findings(text, &f).unwrap_or_else(|| text.to_string())
}

#[test]
fn scanner_redacts_non_streaming_text() {
    let (original, sanitized, r) = sanitize(&[Seg::Val(0)]);
    let o = opts(&r).with_scanner(Arc::new(FakeKeys));
    let mut f = response_filter(Endpoint::OpenAiChat, false, o);
    let body =
        json!({"choices": [{"message": {"content": format!("{sanitized} key sk-live-123")}}]});
    let out = feed(f.as_mut(), body.to_string().as_bytes(), &[]);
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        v["choices"][0]["message"]["content"],
        format!("{original} key <API_KEY>")
    );
}

/// A secret surrogate copied by the model is restored, not redacted by the response scanner;
/// other keys in the output still are.
#[test]
fn scanner_leaves_the_requests_own_surrogates_for_restoration() {
    let r = Restorer::new([("sk-live-4f9q2z".to_owned(), "sk-live-real007".to_owned())]).unwrap();
    let o = opts(&r).with_scanner(Arc::new(FakeKeys));
    let mut f = response_filter(Endpoint::OpenAiChat, false, o.clone());
    let body =
        json!({"choices": [{"message": {"content": "use sk-live-4f9q2z, not sk-live-999"}}]});
    let out = feed(f.as_mut(), body.to_string().as_bytes(), &[]);
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        v["choices"][0]["message"]["content"],
        "use sk-live-real007, not <API_KEY>"
    );
    // Streaming, one character per event.
    let text = "use sk-live-4f9q2z, not sk-live-999 ok";
    let mut up = String::new();
    for c in text.chars() {
        up += &format!(
            "data: {}\n\n",
            json!({"choices": [{"index": 0, "delta": {"content": c.to_string()}}]})
        );
    }
    up += "data: [DONE]\n\n";
    let mut f = response_filter(Endpoint::OpenAiChat, true, o);
    let out = feed(f.as_mut(), up.as_bytes(), &[]);
    let got: String = events(&out)
        .iter()
        .filter_map(|e| e.data.as_deref())
        .filter(|d| *d != "[DONE]")
        .filter_map(|d| serde_json::from_str::<Value>(d).ok())
        .filter_map(|v| {
            v["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(got, "use sk-live-real007, not <API_KEY> ok");
}

#[test]
fn error_frames_have_the_provider_shape() {
    let g = String::from_utf8(stream_error_frame(
        Endpoint::GeminiStreamGenerate,
        "x",
        "boom",
    ))
    .unwrap();
    assert!(g.starts_with("data: {\"error\":"), "{g}");
    let a =
        String::from_utf8(stream_error_frame(Endpoint::AnthropicMessages, "x", "boom")).unwrap();
    assert!(a.starts_with("event: error\ndata: "));
    let o = String::from_utf8(stream_error_frame(
        Endpoint::OpenAiChat,
        "promptwall_stream_error",
        "boom",
    ))
    .unwrap();
    let ev = &events(o.as_bytes())[0];
    let v: Value = serde_json::from_str(ev.data.as_deref().unwrap()).unwrap();
    assert_eq!(v["error"]["code"], "promptwall_stream_error");
    let r = String::from_utf8(stream_error_frame(Endpoint::OpenAiResponses, "c", "boom")).unwrap();
    assert!(r.starts_with("event: error\n"));
}

#[test]
fn chat_choices_are_separate_streams() {
    let (original, sanitized, r) =
        sanitize(&[Seg::Text("a ".into()), Seg::Val(0), Seg::Text(" b".into())]);
    let ph = sanitized.find('<').unwrap();
    let (x, y) = sanitized.split_at(ph + 4);
    let chunk = |i: u64, t: &str| {
        format!(
            "data: {}\n\n",
            json!({"choices": [{"index": i, "delta": {"content": t}, "finish_reason": null}]})
        )
    };
    // Interleave the two choices, each splitting the placeholder at the same place.
    let up = [chunk(0, x), chunk(1, x), chunk(1, y), chunk(0, y)].concat() + "data: [DONE]\n\n";
    let mut f = response_filter(Endpoint::OpenAiChat, true, opts(&r));
    let out = feed(f.as_mut(), up.as_bytes(), &[]);
    let mut texts = [String::new(), String::new()];
    for ev in events(&out) {
        let Some(d) = ev.data else { continue };
        if d == "[DONE]" {
            continue;
        }
        let v: Value = serde_json::from_str(&d).unwrap();
        for c in v["choices"].as_array().unwrap() {
            let i = c["index"].as_u64().unwrap() as usize;
            texts[i] += c["delta"]["content"].as_str().unwrap_or("");
        }
    }
    assert_eq!(texts[0], original);
    assert_eq!(texts[1], original);
}

#[test]
fn placeholder_lookalike_in_model_output_is_not_restored() {
    let (_, _, r) = sanitize(&[Seg::Val(0)]);
    let up = format!(
        "data: {}\n\n",
        json!({"choices": [{"index": 0, "delta": {"content": "<PERSON_000000> stays"}}]})
    );
    let mut f = response_filter(Endpoint::OpenAiChat, true, opts(&r));
    let out = feed(f.as_mut(), up.as_bytes(), &[9]);
    assert_eq!(out, up.as_bytes());
}

/// The chat filter with the typed view (`value_only = false`) or the `Value` walk only.
fn chat_filter(r: &Restorer, scan: bool, value_only: bool) -> SseFilter<ChatStream> {
    let m = Maker {
        r: r.clone(),
        scanner: scan.then(|| Arc::new(FakeKeys) as Arc<dyn TextScanner>),
    };
    let mut cs = ChatStream::new(m.clone());
    cs.value_only = value_only;
    SseFilter::new(SseParser::new(DEFAULT_MAX_EVENT), cs, &m)
}

/// One chat chunk's data for the differential test: `kind` picks the field / odd shape.
fn chat_chunk_data(kind: usize, choice: u64, frag: &str, finish: bool) -> String {
    let f = Value::String(frag.to_string());
    let fin = if finish { json!("stop") } else { Value::Null };
    let base = |c: Value| {
        json!({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [c]})
            .to_string()
    };
    match kind % 14 {
        0 => base(json!({"index": choice, "delta": {"content": f}, "finish_reason": fin})),
        1 => base(json!({"index": choice, "delta": {"refusal": f, "content": null}, "finish_reason": fin})),
        2 => base(json!({"index": choice, "delta": {"reasoning_content": f}, "logprobs": null})),
        3 => base(json!({"index": choice, "delta": {"reasoning": f, "audio": {"transcript": f}}})),
        4 => base(json!({"index": choice, "text": f, "finish_reason": fin})),
        5 => base(json!({"index": choice, "delta": {"tool_calls": [
            {"index": 1, "function": {"arguments": f}},
            {"function": {"arguments": f}}]}, "finish_reason": fin})),
        // No index: the position counts.
        6 => json!({"model": "m2", "choices": [{"delta": {"content": f}}, {"delta": {"content": f}}]})
            .to_string(),
        // Non-string text fields, float index, non-object delta: ignored (or the Value path).
        7 => base(json!({"index": 1.0, "delta": {"content": 5, "refusal": [f]}, "finish_reason": fin})),
        8 => base(json!({"index": choice, "delta": "x", "finish_reason": fin})),
        // Duplicate keys (last wins in the Value walk).
        9 => format!(
            r#"{{"id":"c1","choices":[{{"index":{choice},"delta":{{"content":"dup","content":{f}}}}}],"id":"c2"}}"#
        ),
        // Escapes, including a surrogate pair and a non-canonical number.
        10 => format!(
            r#"{{"id":"c\u00e9","created":1.0e1,"choices":[{{"index":{choice},"delta":{{"content":{f}}},"x":"\ud83d\ude00 \/"}}]}}"#
        ),
        11 => format!(r#"{{"choices":null,"system_fingerprint":null,"usage":{{"n":{}}}}}"#, frag.len()),
        12 => format!(r#" {{ "choices" : [ {{ "index" : {choice} , "delta" : {{ "content" : {f} }} , "finish_reason" : {fin} }} ] }} "#),
        _ => format!(r#"{{"choices":{{"0":{f}}},"model":"m3"}}"#),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The typed view gives the output of the `Value` walk, with and without a scanner, for
    /// any split and any mix of fields and odd shapes: byte-identical events, except that an
    /// event whose texts were spliced into its own bytes may differ in insignificant
    /// whitespace and escapes (it parses to the same JSON).
    #[test]
    fn chat_typed_view_equals_value_walk(
        s in segs_with_keys(),
        frag in prop::collection::vec(any::<usize>(), 0..10),
        kinds in prop::collection::vec((any::<usize>(), 0..2u64, any::<bool>()), 1..12),
        bytes in prop::collection::vec(any::<usize>(), 0..16),
        scan in any::<bool>(),
        done in any::<bool>(),
    ) {
        let (_, sanitized, r) = sanitize(&s);
        let frags = split_chars(&sanitized, &frag);
        let mut up = String::new();
        for (i, f) in frags.iter().enumerate() {
            let (kind, choice, finish) = kinds[i % kinds.len()];
            up += &format!("data: {}\n\n", chat_chunk_data(kind, choice, f, finish && i % 3 == 2));
        }
        if done {
            up += "data: [DONE]\n\n";
        }
        let mut typed = chat_filter(&r, scan, false);
        let mut value = chat_filter(&r, scan, true);
        let a = feed(&mut typed, up.as_bytes(), &bytes);
        let b = feed(&mut value, up.as_bytes(), &bytes);
        same_events(&a, &b)?;
    }
}

#[test]
fn chat_typed_view_fails_closed_like_the_value_walk() {
    let (_, _, r) = sanitize(&[Seg::Val(0)]);
    for data in [
        r#"{"choices":[{"delta":{"content":"\ud800 lone"}}]}"#,
        r#"{"x":"\udc00","choices":[]}"#,
        r#"{"created":1e400,"choices":[]}"#,
        r#"{"choices":[{"delta":{"content":"a"}}]"#,
    ] {
        for value_only in [false, true] {
            let mut f = chat_filter(&r, true, value_only);
            let mut out = BytesMut::new();
            let res = f.chunk(format!("data: {data}\n\n").as_bytes(), &mut out);
            assert!(res.is_err(), "{data} value_only={value_only}");
        }
    }
}

/// A chat body for the differential test: `kind` picks where the text goes / odd shapes.
fn chat_body(kind: usize, text: &str) -> String {
    let t = Value::String(text.to_string());
    let args = Value::String(json!({ "q": text }).to_string());
    match kind % 10 {
        0 => json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": t}}]}).to_string(),
        1 => json!({"choices": [{"message": {"content": [{"type": "text", "text": t}, {"type": "image"}]}}]}).to_string(),
        2 => json!({"choices": [{"message": {"content": null, "refusal": t, "reasoning_content": "r", "reasoning": t}}]}).to_string(),
        3 => json!({"choices": [{"message": {"audio": {"transcript": t}, "tool_calls": [{"function": {"name": "f", "arguments": args}}]}}]}).to_string(),
        4 => json!({"choices": [{"text": t}, {"message": {"function_call": {"arguments": args}}}]}).to_string(),
        5 => json!({"choices": [{"message": {"content": [1, t]}}]}).to_string(),
        6 => format!(r#"{{"choices":[{{"message":{{"content":"x","content":{t}}}}}]}}"#),
        7 => format!(r#"{{"choices":[{{"message":{{"content":{t}}}}}],"e":"\ud83d\ude00"}}"#),
        8 => json!({"choices": {"message": {"content": t}}}).to_string(),
        _ => json!([{"choices": [{"message": {"content": t}}]}]).to_string(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whenever the typed view says a chat body passes unchanged, the `Value` walk agrees.
    #[test]
    fn chat_body_view_agrees_with_value_walk(
        s in segs_with_keys(),
        kind in any::<usize>(),
        scan in any::<bool>(),
        empty_restorer in any::<bool>(),
    ) {
        let (_, sanitized, r) = sanitize(&s);
        let r = if empty_restorer { Restorer::empty() } else { r };
        let scanner = scan.then(|| Arc::new(FakeKeys) as Arc<dyn TextScanner>);
        let cx = Cx { r: &r, scanner: scanner.as_ref() };
        for text in [sanitized.as_str(), "plain text", ""] {
            let body = chat_body(kind, text);
            let mut v: Value = serde_json::from_str(&body).unwrap();
            let changed = restore_body(Endpoint::OpenAiChat, &mut v, &cx);
            match chat_body_edits(&body, &cx) {
                Some(edits) if edits.is_empty() => prop_assert!(!changed, "{}", body),
                Some(edits) => {
                    // The spliced body is the body the `Value` path writes.
                    prop_assert!(changed, "{}", body);
                    let located = edits.iter().map(|(at, len, t)| (*at, *len, t.as_str()));
                    let spliced = chat_view::splice(&body, located.collect()).unwrap();
                    let parsed: Value = serde_json::from_str(&spliced).unwrap();
                    prop_assert_eq!(parsed, v.clone(), "{}", body);
                }
                None => {}
            }
            if !changed && kind % 10 < 5 {
                prop_assert_eq!(chat_body_edits(&body, &cx), Some(Vec::new()), "{}", body);
            }
            if changed && kind % 10 < 5 {
                prop_assert!(chat_body_edits(&body, &cx).is_some_and(|e| !e.is_empty()), "{}", body);
            }
        }
    }
}

/// A private key streamed in small deltas (longer than the 1 KiB word-boundary hold) is held
/// while it is open and redacted whole: no line of its body reaches the client.
#[test]
fn streamed_private_key_longer_than_the_word_hold_is_redacted_whole() {
    let body: String = (0..40)
        .map(|i| format!("MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn{i:02}ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n"))
        .collect();
    let pem = format!("-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----");
    assert!(pem.len() > 2 * SCAN_MAX_HOLD);
    let text = format!("Here is the key you asked for:\n{pem}\nKeep it safe.");
    let engine = crate::detect::Engine::builtin().unwrap();
    let scanner = EngineScanner {
        engine,
        mode: ScanResponses::Secrets,
        scratch: ScratchPool::default(),
    };
    let r = Restorer::empty();
    let o = opts(&r).with_scanner(Arc::new(scanner));
    let mut f = response_filter(Endpoint::OpenAiChat, true, o);
    let cuts: Vec<usize> = (1..text.len() / 7).map(|i| i * 7).collect();
    let up = chat_upstream("\n", &split_chars(&text, &cuts), &[], true);
    let out = feed(f.as_mut(), up.as_bytes(), &[]);
    let (client, _) = chat_client(&out);
    assert!(!client.contains("MIIEow"), "{client}");
    // The BEGIN line alone is no finding, so it flows before the body arrives; everything
    // after it is held until END and redacted whole.
    assert_eq!(
        client,
        "Here is the key you asked for:\n-----BEGIN RSA PRIVATE KEY-----\n<PRIVATE_KEY>\nKeep it safe."
    );
}

/// A changed chat event is spliced: the upstream's own bytes (spacing, key order, escapes of
/// other fields) stay as they were around the restored text.
#[test]
fn changed_chat_event_keeps_the_upstream_bytes_around_the_text() {
    let (orig, sanitized, r) =
        sanitize(&[Seg::Text("Hi ".into()), Seg::Val(0), Seg::Text("!".into())]);
    let data = format!(
        "{{ \"id\" : \"c\\u00e9\", \"choices\":[{{\"index\":0,\"delta\":{{\"content\":{}}}}}]}}",
        Value::String(sanitized.clone())
    );
    let mut f = chat_filter(&r, false, false);
    let mut out = BytesMut::new();
    f.chunk(format!("data: {data}\n\n").as_bytes(), &mut out)
        .unwrap();
    let got = String::from_utf8(out.to_vec()).unwrap();
    assert_eq!(
        got,
        format!(
            "data: {{ \"id\" : \"c\\u00e9\", \"choices\":[{{\"index\":0,\"delta\":{{\"content\":{}}}}}]}}\n\n",
            Value::String(orig)
        )
    );
}

/// Two filter outputs, event by event: the same bytes, or (a text spliced into the upstream's
/// own bytes) the same JSON data as the `Value` path's re-serialized event, with the same
/// non-data lines.
fn same_events(a: &[u8], b: &[u8]) -> Result<(), TestCaseError> {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let (ea, eb): (Vec<&str>, Vec<&str>) = (a.split("\n\n").collect(), b.split("\n\n").collect());
    prop_assert_eq!(ea.len(), eb.len(), "{} / {}", a, b);
    let json = |e: &str| -> Option<Value> {
        let data: Vec<&str> = e.lines().filter_map(|l| l.strip_prefix("data: ")).collect();
        serde_json::from_str(&data.join("\n")).ok()
    };
    for (x, y) in ea.iter().zip(&eb) {
        if x != y {
            prop_assert!(json(x).is_some() && json(x) == json(y), "{} / {}", x, y);
            prop_assert_eq!(
                x.lines()
                    .filter(|l| !l.starts_with("data: "))
                    .collect::<Vec<_>>(),
                y.lines()
                    .filter(|l| !l.starts_with("data: "))
                    .collect::<Vec<_>>()
            );
        }
    }
    Ok(())
}

/// The Anthropic or Responses filter with the typed delta views, or the `Value` walk only.
fn delta_filter(
    endpoint: Endpoint,
    r: &Restorer,
    scan: bool,
    value_only: bool,
) -> Box<dyn ResponseFilter> {
    let m = Maker {
        r: r.clone(),
        scanner: scan.then(|| Arc::new(FakeKeys) as Arc<dyn TextScanner>),
    };
    let p = SseParser::new(DEFAULT_MAX_EVENT);
    if endpoint == Endpoint::AnthropicMessages {
        let mut a = AnthropicStream::new(m.clone());
        a.value_only = value_only;
        Box::new(SseFilter::new(p, a, &m))
    } else {
        let mut rs = ResponsesStream::new(m.clone());
        rs.value_only = value_only;
        Box::new(SseFilter::new(p, rs, &m))
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// The typed delta views of the Anthropic and Responses streams give the `Value` walk's
    /// output (spliced events: the same JSON), with and without a scanner, for any split,
    /// with and without event names, with odd deltas mixed in.
    #[test]
    fn delta_views_equal_value_walk(
        s in segs_with_keys(),
        frag in prop::collection::vec(any::<usize>(), 0..10),
        bytes in prop::collection::vec(any::<usize>(), 0..16),
        scan in any::<bool>(),
        anthropic in any::<bool>(),
        nl in 0..3usize,
        drop_names in any::<bool>(),
        odd in any::<bool>(),
    ) {
        let (_, sanitized, r) = sanitize(&s);
        let args_json = json!({"q": sanitized}).to_string();
        let (text, args) = (split_chars(&sanitized, &frag), split_chars(&args_json, &frag));
        let mut up = if anthropic {
            anthropic_upstream(NLS[nl], &text, &args, &sanitized)
        } else {
            responses_upstream(NLS[nl], &text, &args, &sanitized, &args_json)
        };
        if odd {
            let extra = [
                r#"{"type":"content_block_delta","index":1.5,"delta":{"type":"text_delta","text":5}}"#,
                r#"{"type":"content_block_delta","index":1,"delta":{"type":"citations_delta","citation":{"cited_text":"x"}}}"#,
                r#"{"type":"response.output_text.delta","item_id":7,"content_index":"0","delta":"<"}"#,
                r#"{"type":"response.output_text.delta","item_id":"msg_1","content_index":0,"delta":null}"#,
                r#" { "type" : "response.refusal.delta" , "item_id" : "m\u0032" , "delta" : "a <" } "#,
            ];
            for e in extra {
                up += &format!("data: {e}\n\n");
            }
        }
        if drop_names {
            up = up.lines().filter(|l| !l.starts_with("event:")).collect::<Vec<_>>().join("\n") + "\n";
        }
        let endpoint = if anthropic { Endpoint::AnthropicMessages } else { Endpoint::OpenAiResponses };
        let mut typed = delta_filter(endpoint, &r, scan, false);
        let mut value = delta_filter(endpoint, &r, scan, true);
        let a = feed(typed.as_mut(), up.as_bytes(), &bytes);
        let b = feed(value.as_mut(), up.as_bytes(), &bytes);
        same_events(&a, &b)?;
    }
}

/// The typed delta paths engage: a changed Anthropic / Responses delta keeps the upstream's
/// bytes (spacing, other fields) around the restored text.
#[test]
fn changed_delta_events_keep_the_upstream_bytes_around_the_text() {
    let (orig, sanitized, r) =
        sanitize(&[Seg::Text("Hi ".into()), Seg::Val(0), Seg::Text("!".into())]);
    for (endpoint, name, template) in [
        (
            Endpoint::AnthropicMessages,
            "content_block_delta",
            r#"{ "type" : "content_block_delta", "index" : 1, "delta" : { "type" : "text_delta", "text" : TEXT } }"#,
        ),
        (
            Endpoint::OpenAiResponses,
            "response.output_text.delta",
            r#"{ "type" : "response.output_text.delta", "item_id" : "m", "delta" : TEXT, "sequence_number" : 3 }"#,
        ),
    ] {
        let data = template.replace("TEXT", &Value::String(sanitized.clone()).to_string());
        let mut f = delta_filter(endpoint, &r, false, false);
        let mut out = BytesMut::new();
        f.chunk(
            format!("event: {name}\ndata: {data}\n\n").as_bytes(),
            &mut out,
        )
        .unwrap();
        let want = template.replace("TEXT", &Value::String(orig.clone()).to_string());
        assert_eq!(
            String::from_utf8(out.to_vec()).unwrap(),
            format!("event: {name}\ndata: {want}\n\n")
        );
    }
}

#[test]
fn responses_delta_type_is_the_inverse_of_responses_kind() {
    for kind in [
        RKind::Text,
        RKind::Refusal,
        RKind::Args,
        RKind::CustomInput,
        RKind::McpArgs,
    ] {
        assert!(matches!(responses_kind(kind.delta_type()), Some((k, true, _)) if k == kind));
    }
}

/// A Responses text that ends inside a possible placeholder gets a synthetic delta before its
/// `.done`; the synthetic delta and every later event keep sequence numbers unique and
/// increasing (the synthetic one takes the `.done`'s number, which moves up by one).
#[test]
fn responses_synthetic_delta_keeps_sequence_numbers_increasing() {
    let (_, _, r) = sanitize(&[Seg::Text("Hi ".into()), Seg::Val(0)]);
    {
        let mut f = response_filter(Endpoint::OpenAiResponses, true, opts(&r));
        let mut up = String::new();
        let events = [
            json!({"type": "response.created", "response": {"id": "r", "output": []}, "sequence_number": 0}),
            json!({"type": "response.output_text.delta", "item_id": "m", "output_index": 0, "content_index": 0, "delta": "Hi <PER", "sequence_number": 1}),
            json!({"type": "response.output_text.done", "item_id": "m", "output_index": 0, "content_index": 0, "text": "Hi <PER", "sequence_number": 2}),
            json!({"type": "response.output_item.done", "output_index": 0, "item": {"id": "m", "type": "message", "content": []}, "sequence_number": 3}),
            json!({"type": "response.completed", "response": {"id": "r", "output": []}, "sequence_number": 4}),
        ];
        for v in &events {
            up += &sse("\n", Some(v["type"].as_str().unwrap()), v);
        }
        let out = feed(f.as_mut(), up.as_bytes(), &[]);
        let evs: Vec<Value> = self::events(&out)
            .into_iter()
            .filter_map(|e| e.data)
            .map(|d| serde_json::from_str(&d).unwrap())
            .collect();
        let types: Vec<&str> = evs.iter().map(|v| v["type"].as_str().unwrap()).collect();
        assert_eq!(
            types,
            [
                "response.created",
                "response.output_text.delta",
                "response.output_text.delta",
                "response.output_text.done",
                "response.output_item.done",
                "response.completed"
            ],
            "the held `<PER` comes back in a synthetic delta before `.done`"
        );
        let seqs: Vec<u64> = evs
            .iter()
            .map(|v| v["sequence_number"].as_u64().unwrap())
            .collect();
        assert_eq!(seqs, [0, 1, 2, 3, 4, 5]);
        let text: String = evs
            .iter()
            .filter(|v| v["type"] == "response.output_text.delta")
            .map(|v| v["delta"].as_str().unwrap())
            .collect();
        assert_eq!(text, "Hi <PER");
        // The client still parses everything (name = data.type, increasing numbers).
        let _ = responses_client(&out);
    }
}
