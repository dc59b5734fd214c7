//! The sanitize and response-filter seams: a stage plugged into `AppState` changes what goes
//! upstream and what comes back, and its refusals are fail-closed.

use std::sync::Arc;

use bytes::BytesMut;
use promptwall::providers::Endpoint;
use promptwall::server::context::RequestContext;
use promptwall::server::{AppState, RequestSanitizer, SanitizeOutcome};
use promptwall::transform::walk::{walk_request, MediaKind, Path, TextKind, Visitor};
use promptwall::transform::{ResponseFilter, TransformError};
use serde_json::Value;

use crate::support::*;

/// Replaces `secret` in `messages[0].content`; refuses `block`; fails on `broken`.
struct TestSanitizer;

/// Uppercases every response byte (ASCII) so the test can see the filter ran.
struct Upper;

impl ResponseFilter for Upper {
    fn chunk(&mut self, input: &[u8], out: &mut BytesMut) -> Result<(), TransformError> {
        out.extend(input.iter().map(u8::to_ascii_uppercase));
        Ok(())
    }
    fn finish(&mut self, _out: &mut BytesMut) -> Result<(), TransformError> {
        Ok(())
    }
}

impl RequestSanitizer for TestSanitizer {
    fn sanitize(
        &self,
        _cx: &RequestContext,
        _endpoint: Endpoint,
        body: &mut Value,
    ) -> Result<SanitizeOutcome, TransformError> {
        let Some(content) = body.pointer_mut("/messages/0/content") else {
            return Ok(SanitizeOutcome::unchanged());
        };
        match content.as_str() {
            Some("block") => Err(TransformError::Refused("blocked_test_rule".into())),
            Some("broken") => Err(TransformError::UnexpectedShape {
                path: "messages[0]".into(),
            }),
            Some(s) if s.contains("secret") => {
                *content = Value::String(s.replace("secret", "[SECRET_1]"));
                Ok(SanitizeOutcome {
                    changed: true,
                    response_filter: Box::new(Upper),
                })
            }
            _ => Ok(SanitizeOutcome::unchanged()),
        }
    }
}

/// Walks the body of any endpoint with the real walkers and wraps every text leaf in `«»`.
struct WalkTagger;

struct Tag;

impl Visitor for Tag {
    fn text(&mut self, text: &mut String, _: TextKind, _: &Path) -> Result<(), TransformError> {
        text.insert(0, '«');
        text.push('»');
        Ok(())
    }
    fn media(&mut self, _: MediaKind, _: &Path) -> Result<(), TransformError> {
        Err(TransformError::Refused("media_test_rule".into()))
    }
}

impl RequestSanitizer for WalkTagger {
    fn sanitize(
        &self,
        _cx: &RequestContext,
        endpoint: Endpoint,
        body: &mut Value,
    ) -> Result<SanitizeOutcome, TransformError> {
        let stats = walk_request(endpoint, body, &mut Tag)?;
        Ok(SanitizeOutcome {
            changed: stats.fields_scanned > 0,
            ..SanitizeOutcome::unchanged()
        })
    }
}

async fn start_with_sanitizer() -> Harness {
    start_with(Arc::new(TestSanitizer)).await
}

async fn start_with(sanitizer: Arc<dyn RequestSanitizer>) -> Harness {
    let (h, server, stop) = start_controlled().await;
    // Start a second server on the same settings with the test sanitizer.
    let settings = server.state.settings.clone();
    drop(stop);
    server.wait().await;
    let state = AppState::new(settings).unwrap().with_sanitizer(sanitizer);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let s = promptwall::server::run_with_state(Arc::new(state), async move {
        let _ = rx.await;
    })
    .await
    .unwrap();
    h.rebind(s.addr, tx)
}

async fn chat(h: &Harness, content: &str) -> reqwest::Response {
    h.client
        .post(h.url("/oai/v1/chat/completions"))
        .bearer_auth(TENANT_KEY)
        .header("content-type", "application/json")
        .body(format!(
            r#"{{"model":"gpt-4o","messages":[{{"role":"user","content":"{content}"}}]}}"#
        ))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn changed_body_is_forwarded_and_response_filtered() {
    let h = start_with_sanitizer().await;
    let r = chat(&h, "my secret").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), r#"{"OK":TRUE}"#);
    let sent: Value = serde_json::from_slice(&h.mock.last().body).unwrap();
    assert_eq!(sent["messages"][0]["content"], "my [SECRET_1]");
}

#[tokio::test]
async fn unchanged_body_is_forwarded_byte_for_byte() {
    let h = start_with_sanitizer().await;
    let body = r#"{ "model" : "gpt-4o", "messages":[{"role":"user","content":"plain"}] }"#;
    let r = h
        .client
        .post(h.url("/oai/v1/chat/completions"))
        .bearer_auth(TENANT_KEY)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(h.mock.last().body, body.as_bytes());
}

#[tokio::test]
async fn refusal_is_403_and_failure_is_400_never_forwarded() {
    let h = start_with_sanitizer().await;
    let r = chat(&h, "block").await;
    assert_eq!(r.status(), 403);
    let v = json(r).await;
    assert_eq!(v["error"]["code"], "promptwall_policy_violation");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("blocked_test_rule"));
    let r = chat(&h, "broken").await;
    assert_eq!(r.status(), 400);
    assert_eq!(h.mock.count(), 0);
}

#[tokio::test]
async fn gemini_batch_embed_reaches_the_walker_per_request() {
    let h = start_with(Arc::new(WalkTagger)).await;
    let path = "/gem/v1beta/models/gemini-embedding-001:batchEmbedContents";
    let post = |body: &'static str| {
        h.client
            .post(h.url(path))
            .header("x-goog-api-key", TENANT_KEY)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let r = post(
        r#"{"requests":[
        {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"a"}]},"title":"t"},
        {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"b"}]},"taskType":"CLUSTERING"}]}"#,
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let sent: Value = serde_json::from_slice(&h.mock.last().body).unwrap();
    assert_eq!(sent["requests"][0]["content"]["parts"][0]["text"], "«a»");
    assert_eq!(sent["requests"][0]["title"], "«t»");
    assert_eq!(sent["requests"][1]["content"]["parts"][0]["text"], "«b»");
    assert_eq!(sent["requests"][1]["taskType"], "CLUSTERING");
    assert_eq!(sent["requests"][1]["model"], "models/gemini-embedding-001");
    assert_eq!(h.mock.count(), 1);

    // Unknown shapes fail closed (400); media is handed to policy (here: refused, 403).
    let r = post(r#"{"requests":[{"content":"bare string"}]}"#)
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = post(
        r#"{"requests":[{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"AA=="}}]}}]}"#,
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(h.mock.count(), 1);
}
