//! The `echo` provider: answers locally, in the wire format of the route, with the exact request
//! body promptwall would have sent upstream (after the sanitize stage) as the assistant's text.
//!
//! Owns: realistic response bodies and SSE framing per format (PROTOCOLS §3) so the official
//! SDKs parse them. Never: contacts the network. Called by: `server::service` (forward step).
//! It shows operators and tests exactly what would leave the building.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use bytes::Bytes;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::Endpoint;

/// Dimensions of the deterministic echo embedding.
const EMBED_DIMS: usize = 8;

/// What the echo provider answers.
#[derive(Debug)]
pub struct EchoReply {
    pub content_type: &'static str,
    /// Whole body, or one element per SSE event.
    pub chunks: Vec<Bytes>,
}

/// Inputs of an echo answer.
#[derive(Debug, Clone, Copy)]
pub struct EchoRequest<'a> {
    pub endpoint: Endpoint,
    pub model: &'a str,
    /// The body that would have gone upstream.
    pub body: &'a [u8],
    pub parsed: Option<&'a Value>,
    pub stream: bool,
    /// Gemini streaming: `?alt=sse` (else a JSON array).
    pub alt_sse: bool,
    pub request_id: &'a str,
}

/// Builds the echo answer for `req`.
pub fn reply(req: &EchoRequest<'_>) -> EchoReply {
    let text = String::from_utf8_lossy(req.body);
    let text = text.as_ref();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let id = req.request_id;
    let model = req.model;
    let in_tok = tokens(req.body.len());
    let out_tok = tokens(text.len());
    match req.endpoint {
        Endpoint::OpenAiChat if req.stream => {
            let include_usage = req
                .parsed
                .and_then(|v| v.pointer("/stream_options/include_usage"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let chunk = |delta: Value, finish: Value| {
                json!({"id": format!("chatcmpl-{id}"), "object": "chat.completion.chunk", "created": now,
                    "model": model, "system_fingerprint": null,
                    "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]})
            };
            let mut out = vec![sse(
                None,
                &chunk(json!({"role": "assistant", "content": ""}), Value::Null),
            )];
            for piece in pieces(text) {
                out.push(sse(None, &chunk(json!({"content": piece}), Value::Null)));
            }
            out.push(sse(None, &chunk(json!({}), json!("stop"))));
            if include_usage {
                out.push(sse(None, &json!({"id": format!("chatcmpl-{id}"), "object": "chat.completion.chunk",
                    "created": now, "model": model, "choices": [], "usage": openai_usage(in_tok, out_tok)})));
            }
            out.push(Bytes::from_static(b"data: [DONE]\n\n"));
            sse_reply(out)
        }
        Endpoint::OpenAiChat => json_reply(&json!({
            "id": format!("chatcmpl-{id}"), "object": "chat.completion", "created": now, "model": model,
            "system_fingerprint": null,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text, "refusal": null},
                "logprobs": null, "finish_reason": "stop"}],
            "usage": openai_usage(in_tok, out_tok)
        })),
        Endpoint::OpenAiCompletions if req.stream => {
            let chunk = |t: &str, finish: Value| {
                json!({"id": format!("cmpl-{id}"), "object": "text_completion", "created": now, "model": model,
                    "choices": [{"text": t, "index": 0, "logprobs": null, "finish_reason": finish}]})
            };
            let mut out: Vec<Bytes> = pieces(text)
                .into_iter()
                .map(|p| sse(None, &chunk(p, Value::Null)))
                .collect();
            out.push(sse(None, &chunk("", json!("stop"))));
            out.push(Bytes::from_static(b"data: [DONE]\n\n"));
            sse_reply(out)
        }
        Endpoint::OpenAiCompletions => json_reply(&json!({
            "id": format!("cmpl-{id}"), "object": "text_completion", "created": now, "model": model,
            "choices": [{"text": text, "index": 0, "logprobs": null, "finish_reason": "stop"}],
            "usage": openai_usage(in_tok, out_tok)
        })),
        Endpoint::OpenAiResponses => responses(req, text, now, in_tok, out_tok),
        Endpoint::OpenAiEmbeddings => {
            let base64 = req
                .parsed
                .and_then(|v| v.get("encoding_format"))
                .and_then(Value::as_str)
                == Some("base64");
            let inputs: Vec<String> = match req.parsed.and_then(|v| v.get("input")) {
                Some(Value::Array(items))
                    if !items.is_empty() && !items.iter().all(Value::is_number) =>
                {
                    items.iter().map(|i| i.to_string()).collect()
                }
                Some(v) => vec![v.to_string()],
                None => vec![String::new()],
            };
            let data: Vec<Value> = inputs
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let v = vector(s);
                    let embedding = if base64 {
                        let bytes: Vec<u8> = v.iter().flat_map(|f| f.to_le_bytes()).collect();
                        json!(base64::engine::general_purpose::STANDARD.encode(bytes))
                    } else {
                        json!(v)
                    };
                    json!({"object": "embedding", "index": i, "embedding": embedding})
                })
                .collect();
            json_reply(&json!({"object": "list", "data": data, "model": model,
                "usage": {"prompt_tokens": in_tok, "total_tokens": in_tok}}))
        }
        Endpoint::OpenAiModels => json_reply(&json!({"object": "list", "data": [
            {"id": "echo", "object": "model", "created": now, "owned_by": "promptwall"}]})),
        Endpoint::AnthropicMessages if req.stream => {
            let msg_id = format!("msg_{id}");
            let mut out = vec![
                sse(
                    Some("message_start"),
                    &json!({"type": "message_start", "message": {
                    "id": msg_id, "type": "message", "role": "assistant", "model": model, "content": [],
                    "stop_reason": null, "stop_sequence": null,
                    "usage": {"input_tokens": in_tok, "output_tokens": 1,
                        "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}}}),
                ),
                sse(
                    Some("content_block_start"),
                    &json!({"type": "content_block_start", "index": 0,
                    "content_block": {"type": "text", "text": ""}}),
                ),
                sse(Some("ping"), &json!({"type": "ping"})),
            ];
            for piece in pieces(text) {
                out.push(sse(
                    Some("content_block_delta"),
                    &json!({"type": "content_block_delta", "index": 0,
                    "delta": {"type": "text_delta", "text": piece}}),
                ));
            }
            out.push(sse(
                Some("content_block_stop"),
                &json!({"type": "content_block_stop", "index": 0}),
            ));
            out.push(sse(
                Some("message_delta"),
                &json!({"type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": null},
                "usage": {"output_tokens": out_tok}}),
            ));
            out.push(sse(Some("message_stop"), &json!({"type": "message_stop"})));
            sse_reply(out)
        }
        Endpoint::AnthropicMessages => json_reply(&json!({
            "id": format!("msg_{id}"), "type": "message", "role": "assistant", "model": model,
            "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "stop_sequence": null,
            "usage": {"input_tokens": in_tok, "output_tokens": out_tok,
                "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
        })),
        Endpoint::AnthropicCountTokens => json_reply(&json!({"input_tokens": in_tok})),
        Endpoint::AnthropicModels => json_reply(&json!({"data": [{"type": "model", "id": "echo",
            "display_name": "Echo", "created_at": "2025-01-01T00:00:00Z"}],
            "has_more": false, "first_id": "echo", "last_id": "echo"})),
        Endpoint::GeminiGenerate | Endpoint::GeminiStreamGenerate => {
            let usage = json!({"promptTokenCount": in_tok, "candidatesTokenCount": out_tok,
                "totalTokenCount": in_tok + out_tok});
            let resp = |t: &str, last: bool| {
                let mut cand =
                    json!({"content": {"role": "model", "parts": [{"text": t}]}, "index": 0});
                let mut r = json!({"modelVersion": model, "responseId": id});
                if last {
                    cand["finishReason"] = json!("STOP");
                    r["usageMetadata"] = usage.clone();
                }
                r["candidates"] = json!([cand]);
                r
            };
            if req.endpoint == Endpoint::GeminiGenerate {
                return json_reply(&resp(text, true));
            }
            let parts = pieces(text);
            let n = parts.len();
            let items: Vec<Value> = parts
                .into_iter()
                .enumerate()
                .map(|(i, p)| resp(p, i + 1 == n))
                .collect();
            if req.alt_sse {
                let out = items
                    .iter()
                    .map(|v| {
                        let mut b = b"data: ".to_vec();
                        b.extend_from_slice(&serde_json::to_vec(v).unwrap_or_default());
                        b.extend_from_slice(b"\r\n\r\n");
                        Bytes::from(b)
                    })
                    .collect();
                sse_reply(out)
            } else {
                json_reply(&Value::Array(items))
            }
        }
        Endpoint::GeminiCountTokens => json_reply(&json!({"totalTokens": in_tok})),
        Endpoint::GeminiEmbed => {
            let content = req
                .parsed
                .and_then(|v| v.get("content"))
                .map(Value::to_string)
                .unwrap_or_default();
            json_reply(&json!({"embedding": {"values": vector(&content)}}))
        }
        Endpoint::GeminiBatchEmbed => {
            // One embedding per request entry, each from that entry's (sanitized) content.
            let embeddings: Vec<Value> = req
                .parsed
                .and_then(|v| v.get("requests"))
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .map(|r| {
                            let content = r.get("content").map(Value::to_string);
                            json!({"values": vector(&content.unwrap_or_default())})
                        })
                        .collect()
                })
                .unwrap_or_default();
            json_reply(&json!({"embeddings": embeddings}))
        }
        Endpoint::GeminiModels => json_reply(&json!({"models": [{"name": "models/echo",
            "displayName": "Echo", "supportedGenerationMethods":
            ["generateContent", "streamGenerateContent", "countTokens", "embedContent",
                "batchEmbedContents"]}]})),
    }
}

fn responses(
    req: &EchoRequest<'_>,
    text: &str,
    now: u64,
    in_tok: usize,
    out_tok: usize,
) -> EchoReply {
    let id = req.request_id;
    let msg_id = format!("msg_{id}");
    let usage = json!({"input_tokens": in_tok, "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": out_tok, "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": in_tok + out_tok});
    let part = json!({"type": "output_text", "text": text, "annotations": []});
    let item = json!({"type": "message", "id": msg_id, "status": "completed", "role": "assistant",
        "content": [part]});
    let response = |status: &str, output: Value, usage: Value| {
        json!({"id": format!("resp_{id}"), "object": "response", "created_at": now, "status": status,
            "model": req.model, "output": output, "usage": usage, "error": null,
            "incomplete_details": null, "instructions": null, "metadata": {}, "parallel_tool_calls": true,
            "temperature": null, "top_p": null, "tool_choice": "auto", "tools": []})
    };
    if !req.stream {
        return json_reply(&response("completed", json!([item]), usage));
    }
    let mut seq = 0u64;
    let mut out = Vec::new();
    let mut ev = |mut data: Value| {
        let ty = data
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        data["sequence_number"] = json!(seq);
        seq += 1;
        out.push(sse(Some(&ty), &data));
    };
    ev(
        json!({"type": "response.created", "response": response("in_progress", json!([]), Value::Null)}),
    );
    ev(
        json!({"type": "response.in_progress", "response": response("in_progress", json!([]), Value::Null)}),
    );
    ev(
        json!({"type": "response.output_item.added", "output_index": 0,
        "item": {"type": "message", "id": msg_id, "status": "in_progress", "role": "assistant", "content": []}}),
    );
    ev(
        json!({"type": "response.content_part.added", "item_id": msg_id, "output_index": 0, "content_index": 0,
        "part": {"type": "output_text", "text": "", "annotations": []}}),
    );
    for piece in pieces(text) {
        ev(
            json!({"type": "response.output_text.delta", "item_id": msg_id, "output_index": 0,
            "content_index": 0, "delta": piece, "logprobs": []}),
        );
    }
    ev(
        json!({"type": "response.output_text.done", "item_id": msg_id, "output_index": 0,
        "content_index": 0, "text": text, "logprobs": []}),
    );
    ev(
        json!({"type": "response.content_part.done", "item_id": msg_id, "output_index": 0,
        "content_index": 0, "part": part}),
    );
    ev(json!({"type": "response.output_item.done", "output_index": 0, "item": item}));
    ev(
        json!({"type": "response.completed", "response": response("completed", json!([item]), usage)}),
    );
    sse_reply(out)
}

fn tokens(len: usize) -> usize {
    len.div_ceil(4).max(1)
}

fn openai_usage(in_tok: usize, out_tok: usize) -> Value {
    json!({"prompt_tokens": in_tok, "completion_tokens": out_tok, "total_tokens": in_tok + out_tok})
}

/// A small deterministic unit-range vector from the input's SHA-256.
fn vector(input: &str) -> Vec<f32> {
    let digest = Sha256::digest(input.as_bytes());
    digest
        .iter()
        .take(EMBED_DIMS)
        .map(|b| f32::from(*b) / 255.0 - 0.5)
        .collect()
}

/// Splits `text` into up to three pieces on char boundaries (for realistic deltas).
fn pieces(text: &str) -> Vec<&str> {
    if text.len() < 3 {
        return vec![text];
    }
    let mut cuts = vec![0];
    for k in 1..3 {
        let mut c = text.len() * k / 3;
        while !text.is_char_boundary(c) {
            c += 1;
        }
        if c > *cuts.last().unwrap_or(&0) && c < text.len() {
            cuts.push(c);
        }
    }
    cuts.push(text.len());
    cuts.windows(2)
        .filter_map(|w| match w {
            [a, b] => text.get(*a..*b),
            _ => None,
        })
        .collect()
}

fn sse(event: Option<&str>, data: &Value) -> Bytes {
    let mut out = Vec::with_capacity(256);
    if let Some(e) = event {
        out.extend_from_slice(b"event: ");
        out.extend_from_slice(e.as_bytes());
        out.push(b'\n');
    }
    out.extend_from_slice(b"data: ");
    out.extend_from_slice(&serde_json::to_vec(data).unwrap_or_default());
    out.extend_from_slice(b"\n\n");
    Bytes::from(out)
}

fn sse_reply(chunks: Vec<Bytes>) -> EchoReply {
    EchoReply {
        content_type: "text/event-stream",
        chunks,
    }
}

fn json_reply(v: &Value) -> EchoReply {
    EchoReply {
        content_type: "application/json",
        chunks: vec![Bytes::from(serde_json::to_vec(v).unwrap_or_default())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(endpoint: Endpoint, stream: bool, body: &[u8]) -> EchoReply {
        reply(&EchoRequest {
            endpoint,
            model: "m",
            body,
            parsed: None,
            stream,
            alt_sse: true,
            request_id: "r",
        })
    }

    #[test]
    fn pieces_rejoin() {
        for t in ["", "ab", "hello world", "héllo wörld ✓✓✓"] {
            assert_eq!(pieces(t).concat(), t);
        }
    }

    #[test]
    fn chat_stream_ends_with_done_and_rejoins_body() {
        let body = br#"{"model":"m","messages":[]}"#;
        let r = req(Endpoint::OpenAiChat, true, body);
        assert_eq!(r.content_type, "text/event-stream");
        assert_eq!(
            r.chunks.last().map(|b| b.as_ref()),
            Some(&b"data: [DONE]\n\n"[..])
        );
        let mut text = String::new();
        for c in &r.chunks[..r.chunks.len() - 1] {
            let s = std::str::from_utf8(c).unwrap_or("");
            let v: Value =
                serde_json::from_str(s.trim().trim_start_matches("data: ")).unwrap_or_default();
            text.push_str(v["choices"][0]["delta"]["content"].as_str().unwrap_or(""));
        }
        assert_eq!(text.as_bytes(), body);
    }

    #[test]
    fn gemini_batch_embed_one_deterministic_vector_per_request() {
        let body = serde_json::json!({"requests": [
            {"model": "models/e", "content": {"parts": [{"text": "a"}]}},
            {"model": "models/e", "content": {"parts": [{"text": "b"}]}},
            {"model": "models/e", "content": {"parts": [{"text": "a"}]}},
        ]});
        let r = reply(&EchoRequest {
            endpoint: Endpoint::GeminiBatchEmbed,
            model: "e",
            body: b"",
            parsed: Some(&body),
            stream: false,
            alt_sse: false,
            request_id: "r",
        });
        assert_eq!(r.content_type, "application/json");
        let v: Value = serde_json::from_slice(&r.chunks[0]).unwrap_or_default();
        let e = v["embeddings"].as_array().cloned().unwrap_or_default();
        assert_eq!(e.len(), 3);
        assert_eq!(e[0]["values"].as_array().map(Vec::len), Some(EMBED_DIMS));
        assert_ne!(e[0], e[1], "different contents, different vectors");
        assert_eq!(e[0], e[2], "same content, same vector");
    }

    #[test]
    fn anthropic_non_stream_text_is_body() {
        let r = req(Endpoint::AnthropicMessages, false, b"{\"a\":1}");
        let v: Value = serde_json::from_slice(&r.chunks[0]).unwrap_or_default();
        assert_eq!(v["content"][0]["text"], "{\"a\":1}");
        assert_eq!(v["type"], "message");
    }
}
