//! The echo provider answers in each wire format with the body that would have gone upstream.

use futures_util::StreamExt;
use serde_json::Value;

use crate::support::*;

fn sse_data(text: &str) -> Vec<(Option<String>, String)> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(|e| e.trim_matches(|c| c == '\r' || c == '\n'))
        .filter(|e| !e.is_empty())
        .map(|e| {
            let mut event = None;
            let mut data = String::new();
            for line in e.lines() {
                let line = line.trim_end_matches('\r');
                if let Some(v) = line.strip_prefix("event: ") {
                    event = Some(v.to_string());
                } else if let Some(v) = line.strip_prefix("data: ") {
                    data.push_str(v);
                }
            }
            (event, data)
        })
        .collect()
}

async fn send(h: &Harness, path: &str, body: &str) -> reqwest::Response {
    h.client
        .post(h.url(path))
        .bearer_auth(TENANT_KEY)
        .header("anthropic-version", "2023-06-01")
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn openai_chat_echo_non_stream_and_stream() {
    let h = start().await;
    let body = r#"{"model":"gpt-x","messages":[{"role":"user","content":"héllo"}]}"#;
    let v = json(send(&h, "/echo/v1/chat/completions", body).await).await;
    assert_eq!(v["object"], "chat.completion");
    assert_eq!(v["choices"][0]["message"]["content"], body);

    let sbody =
        r#"{"model":"gpt-x","stream":true,"stream_options":{"include_usage":true},"messages":[]}"#;
    let r = send(&h, "/echo/v1/chat/completions", sbody).await;
    assert_eq!(r.headers()["content-type"], "text/event-stream");
    let text = r.text().await.unwrap();
    let events = sse_data(&text);
    assert_eq!(events.last().map(|e| e.1.as_str()), Some("[DONE]"));
    let mut joined = String::new();
    let mut saw_usage = false;
    for (_, d) in &events[..events.len() - 1] {
        let c: Value = serde_json::from_str(d).unwrap();
        assert_eq!(c["object"], "chat.completion.chunk");
        if c["choices"].as_array().unwrap().is_empty() {
            saw_usage = c["usage"]["total_tokens"].as_u64().is_some();
        } else if let Some(t) = c["choices"][0]["delta"]["content"].as_str() {
            joined.push_str(t);
        }
    }
    assert_eq!(joined, sbody);
    assert!(saw_usage);
}

#[tokio::test]
async fn responses_and_embeddings_echo() {
    let h = start().await;
    let body = r#"{"model":"gpt-x","input":"hi"}"#;
    let v = json(send(&h, "/echo/v1/responses", body).await).await;
    assert_eq!(v["object"], "response");
    assert_eq!(v["output"][0]["content"][0]["text"], body);

    let r = send(
        &h,
        "/echo/v1/responses",
        r#"{"model":"gpt-x","input":"hi","stream":true}"#,
    )
    .await;
    let events = sse_data(&r.text().await.unwrap());
    assert_eq!(
        events.first().and_then(|e| e.0.as_deref()),
        Some("response.created")
    );
    assert_eq!(
        events.last().and_then(|e| e.0.as_deref()),
        Some("response.completed")
    );
    for (i, (ev, d)) in events.iter().enumerate() {
        let d: Value = serde_json::from_str(d).unwrap();
        assert_eq!(d["type"].as_str(), ev.as_deref());
        assert_eq!(d["sequence_number"], i);
    }

    let v = json(
        send(
            &h,
            "/echo/v1/embeddings",
            r#"{"model":"e","input":["a","b"]}"#,
        )
        .await,
    )
    .await;
    assert_eq!(v["data"].as_array().unwrap().len(), 2);
    assert_eq!(v["data"][0]["embedding"].as_array().unwrap().len(), 8);
    let again = json(
        send(
            &h,
            "/echo/v1/embeddings",
            r#"{"model":"e","input":["a","b"]}"#,
        )
        .await,
    )
    .await;
    assert_eq!(v["data"], again["data"], "embeddings must be deterministic");
    let v = json(
        send(
            &h,
            "/echo/v1/embeddings",
            r#"{"model":"e","input":"a","encoding_format":"base64"}"#,
        )
        .await,
    )
    .await;
    assert!(v["data"][0]["embedding"].is_string());
}

#[tokio::test]
async fn anthropic_echo_stream_has_the_event_sequence() {
    let h = start().await;
    let body = r#"{"model":"claude-x","max_tokens":10,"stream":true,"messages":[]}"#;
    let r = send(&h, "/echo/v1/messages", body).await;
    let events = sse_data(&r.text().await.unwrap());
    let names: Vec<&str> = events.iter().filter_map(|e| e.0.as_deref()).collect();
    assert_eq!(names.first(), Some(&"message_start"));
    assert_eq!(names.last(), Some(&"message_stop"));
    assert!(names.contains(&"content_block_start") && names.contains(&"content_block_stop"));
    assert!(names.contains(&"message_delta"));
    let text: String = events
        .iter()
        .filter(|e| e.0.as_deref() == Some("content_block_delta"))
        .map(|e| {
            serde_json::from_str::<Value>(&e.1).unwrap()["delta"]["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(text, body);

    let v = json(
        send(
            &h,
            "/echo/v1/messages",
            r#"{"model":"claude-x","max_tokens":1,"messages":[]}"#,
        )
        .await,
    )
    .await;
    assert_eq!(v["type"], "message");
    assert_eq!(v["content"][0]["type"], "text");
}

#[tokio::test]
async fn gemini_echo_generate_and_stream() {
    let h = start().await;
    let body = r#"{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}"#;
    let v = json(
        send(
            &h,
            "/echo/v1beta/models/gemini-2.5-flash:generateContent",
            body,
        )
        .await,
    )
    .await;
    assert_eq!(v["candidates"][0]["content"]["parts"][0]["text"], body);
    assert_eq!(v["candidates"][0]["finishReason"], "STOP");

    let r = send(
        &h,
        "/echo/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
        body,
    )
    .await;
    assert_eq!(r.headers()["content-type"], "text/event-stream");
    let mut chunks = r.bytes_stream();
    let mut text = String::new();
    while let Some(c) = chunks.next().await {
        text.push_str(std::str::from_utf8(&c.unwrap()).unwrap());
    }
    assert!(text.starts_with("data: {"));
    let joined: String = sse_data(&text)
        .iter()
        .map(|e| {
            serde_json::from_str::<Value>(&e.1).unwrap()["candidates"][0]["content"]["parts"][0]
                ["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(joined, body);

    // Without alt=sse: one JSON array.
    let v = json(
        send(
            &h,
            "/echo/v1/models/gemini-2.5-flash:streamGenerateContent",
            body,
        )
        .await,
    )
    .await;
    assert!(v.is_array());
}

#[tokio::test]
async fn gemini_echo_batch_embed_answers_one_vector_per_request() {
    let h = start().await;
    let body = r#"{"requests":[
        {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"a"}]}},
        {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"b"}]}},
        {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"a"}]}}]}"#;
    let mut first = None;
    for v in ["v1", "v1beta"] {
        let path = format!("/echo/{v}/models/gemini-embedding-001:batchEmbedContents");
        let r = send(&h, &path, body).await;
        assert_eq!(r.status(), 200, "{v}");
        assert_eq!(r.headers()["content-type"], "application/json");
        let out = json(r).await;
        let e = out["embeddings"].as_array().unwrap().clone();
        assert_eq!(e.len(), 3);
        for x in &e {
            let values = x["values"].as_array().unwrap();
            assert_eq!(values.len(), 8);
            assert!(values.iter().all(|f| f.as_f64().is_some()));
        }
        assert_ne!(e[0], e[1]);
        assert_eq!(e[0], e[2]);
        match &first {
            None => first = Some(e),
            Some(f) => assert_eq!(f, &e, "deterministic across calls"),
        }
    }
    // Models listing advertises the method.
    let r = h
        .client
        .get(h.url("/echo/v1beta/models"))
        .bearer_auth(TENANT_KEY)
        .send()
        .await
        .unwrap();
    let methods = json(r).await["models"][0]["supportedGenerationMethods"].clone();
    assert!(methods
        .as_array()
        .unwrap()
        .contains(&Value::from("batchEmbedContents")));
}

#[tokio::test]
async fn echo_still_enforces_tenants() {
    let h = start().await;
    let r = h
        .client
        .post(h.url("/echo/v1/chat/completions"))
        .bearer_auth("nobody")
        .header("content-type", "application/json")
        .body(r#"{"model":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}
