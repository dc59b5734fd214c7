//! /healthz, /readyz, /metrics.

use crate::support::*;

#[tokio::test]
async fn health_ready_and_metrics() {
    let h = start().await;
    let r = h.client.get(h.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = h.client.get(h.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let _ = h
        .client
        .post(h.url("/echo/v1/chat/completions"))
        .bearer_auth(TENANT_KEY)
        .header("content-type", "application/json")
        .body(r#"{"model":"x","messages":[]}"#)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let text = h
        .client
        .get(h.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(r#"promptwall_requests_total{provider="echo",endpoint="chat_completions",status="200"} 1"#),
        "{text}"
    );
    assert!(text.contains("promptwall_request_duration_seconds"));
    assert!(text.contains("promptwall_response_bytes_total"));
    assert!(!text.contains(TENANT_KEY));
}

#[tokio::test]
async fn readyz_is_503_without_available_providers() {
    let addr = start_with_config(
        "listen = \"127.0.0.1:0\"\n[[provider]]\nname = \"o\"\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:9\"\napi_key_env = \"T_NONE\"\nmodels = [\"*\"]\n",
    )
    .await;
    let c = reqwest::Client::builder().no_proxy().build().unwrap();
    let r = c.get(format!("http://{addr}/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 503);
    let r = c
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}
