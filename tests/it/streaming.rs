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

#[tokio::test]
async fn http2_prior_knowledge_is_served() {
    let h = start().await;
    let c = reqwest::Client::builder()
        .no_proxy()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let r = c
        .post(h.url("/echo/v1/chat/completions"))
        .bearer_auth(TENANT_KEY)
        .header("content-type", "application/json")
        .body(r#"{"model":"x","messages":[]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.version(), reqwest::Version::HTTP_2);
    assert_eq!(r.status(), 200);
}
