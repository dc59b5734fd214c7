//! Streams flow chunk by chunk; a client disconnect cancels the upstream.

use std::sync::atomic::Ordering;
use std::time::Duration;

use futures_util::StreamExt;

use crate::support::*;

#[tokio::test]
async fn chunks_arrive_before_upstream_finishes() {
    let h = start().await;
    let r = h
        .client
        .post(h.url("/oai/v1/chat/completions"))
        .bearer_auth(TENANT_KEY)
        .header("content-type", "application/json")
        .body(r#"{"model":"mock-stream","stream":true}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/event-stream");
    assert!(r.headers().get("content-length").is_none());
    let mut body = r.bytes_stream();
    // The mock holds chunk 2 until released: chunk 1 must get here on its own.
    let first = tokio::time::timeout(Duration::from_secs(5), body.next())
        .await
        .expect("first chunk was buffered")
        .unwrap()
        .unwrap();
    assert_eq!(&first[..], b"data: {\"n\":1}\n\n");
    h.mock.release.notify_one();
    let second = tokio::time::timeout(Duration::from_secs(5), body.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(&second[..], b"data: {\"n\":2}\n\n");
    assert!(body.next().await.is_none());
}

#[tokio::test]
async fn client_disconnect_cancels_upstream() {
    let h = start().await;
    let r = h
        .client
        .post(h.url("/oai/v1/chat/completions"))
        .bearer_auth(TENANT_KEY)
        .header("content-type", "application/json")
        .body(r#"{"model":"mock-disconnect","stream":true}"#)
        .send()
        .await
        .unwrap();
    let mut body = r.bytes_stream();
    let _ = body.next().await.unwrap().unwrap();
    assert!(!h.mock.cancelled.load(Ordering::SeqCst));
    drop(body);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !h.mock.cancelled.load(Ordering::SeqCst) {
        assert!(
            std::time::Instant::now() < deadline,
            "upstream kept streaming after disconnect"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn shutdown_stops_accepting_and_drains_open_streams() {
    let (h, server, stop) = start_controlled().await;
    let r = h
        .client
        .post(h.url("/oai/v1/chat/completions"))
        .bearer_auth(TENANT_KEY)
        .header("content-type", "application/json")
        .body(r#"{"model":"mock-stream","stream":true}"#)
        .send()
        .await
        .unwrap();
    let mut body = r.bytes_stream();
    let first = body.next().await.unwrap().unwrap();
    assert_eq!(&first[..], b"data: {\"n\":1}\n\n");
    stop.send(()).unwrap();
    // The listener closes: new connections are refused.
    let fresh = reqwest::Client::builder().no_proxy().build().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    loop {
        if fresh.get(h.url("/healthz")).send().await.is_err() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still accepting after shutdown"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The open stream still completes.
    h.mock.release.notify_one();
    let second = body.next().await.unwrap().unwrap();
    assert_eq!(&second[..], b"data: {\"n\":2}\n\n");
    assert!(body.next().await.is_none());
    drop(body);
    tokio::time::timeout(Duration::from_secs(3), server.wait())
        .await
        .expect("server did not finish draining");
}

/// POSTs a chat body to the echo provider over HTTP/2 (prior knowledge).
async fn h2_echo_chat(h: &Harness, body: String) -> reqwest::Response {
    let c = reqwest::Client::builder()
        .no_proxy()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let r = c
        .post(h.url("/echo/v1/chat/completions"))
        .bearer_auth(TENANT_KEY)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.version(), reqwest::Version::HTTP_2);
    assert_eq!(r.status(), 200);
    r
}

#[tokio::test]
async fn http2_prior_knowledge_is_served() {
    let h = start().await;
    h2_echo_chat(&h, r#"{"model":"x","messages":[]}"#.to_string()).await;
}

/// HTTP/2 polls the response body differently from HTTP/1 (the relay's coalescing yields
/// assume nothing of it): a streamed answer must still arrive whole and in order.
#[tokio::test]
async fn http2_streams_arrive_whole() {
    let h = start().await;
    let prompt = "one two three, mail jane.doe@northwind-mail.de, four five six seven eight";
    let body = serde_json::json!({
        "model": "x",
        "stream": true,
        "messages": [{"role": "user", "content": prompt}],
    });
    let r = h2_echo_chat(&h, body.to_string()).await;
    let summary = r.headers()["x-promptwall-sanitized"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(summary.contains("EMAIL_ADDRESS"), "{summary}");
    let text = r.text().await.unwrap();
    assert!(text.trim_end().ends_with("data: [DONE]"), "{text}");
    // The echo provider answers with the body as it would leave (sanitized, not restored).
    let mut answer = String::new();
    for line in text.lines() {
        let Some(data) = line.strip_prefix("data: ") else {
            continue;
        };
        if data == "[DONE]" {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(data).unwrap();
        if let Some(t) = v["choices"][0]["delta"]["content"].as_str() {
            answer.push_str(t);
        }
    }
    let echoed: serde_json::Value = serde_json::from_str(&answer).unwrap();
    let content = echoed["messages"][0]["content"].as_str().unwrap();
    let (before, after) = prompt.split_once("jane.doe@northwind-mail.de").unwrap();
    let tag = content
        .strip_prefix(before)
        .and_then(|rest| rest.strip_suffix(after))
        .unwrap_or_else(|| panic!("{content}"));
    assert!(
        tag.starts_with("<EMAIL_ADDRESS_") && tag.ends_with('>'),
        "{content}"
    );
}
