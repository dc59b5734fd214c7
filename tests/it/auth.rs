//! Tenant authentication, provider permissions, model allowlist, unavailable providers.

use crate::support::*;

async fn post(
    h: &Harness,
    path: &str,
    auth: Option<(&str, &str)>,
    body: &str,
) -> reqwest::Response {
    let mut rb = h
        .client
        .post(h.url(path))
        .header("content-type", "application/json")
        .header("anthropic-version", "2023-06-01")
        .body(body.to_string());
    if let Some((k, v)) = auth {
        rb = rb.header(k, v);
    }
    rb.send().await.unwrap()
}

#[tokio::test]
async fn unknown_or_missing_key_is_401_in_each_shape() {
    let h = start().await;
    let bad = "Bearer not-a-tenant";
    let r = post(
        &h,
        "/oai/v1/chat/completions",
        Some(("authorization", bad)),
        r#"{"model":"gpt-4o"}"#,
    )
    .await;
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["x-should-retry"], "false");
    assert_eq!(r.headers()["content-type"], "application/json");
    let v = json(r).await;
    assert_eq!(v["error"]["code"], "invalid_api_key");

    let r = post(
        &h,
        "/ant/v1/messages",
        Some(("x-api-key", "nope")),
        r#"{"model":"claude-x"}"#,
    )
    .await;
    assert_eq!(r.status(), 401);
    let rid = r.headers()["request-id"].to_str().unwrap().to_string();
    let v = json(r).await;
    assert_eq!(v["type"], "error");
    assert_eq!(v["error"]["type"], "authentication_error");
    assert_eq!(v["request_id"], rid.as_str());

    let r = post(
        &h,
        "/gem/v1beta/models/gemini-2.5-flash:generateContent",
        None,
        "{}",
    )
    .await;
    assert_eq!(r.status(), 401);
    let v = json(r).await;
    assert_eq!(v["error"]["code"], 401);
    assert_eq!(v["error"]["status"], "UNAUTHENTICATED");
    assert_eq!(h.mock.count(), 0);
}

#[tokio::test]
async fn tenant_not_allowed_provider_is_403() {
    let h = start().await;
    let r = post(
        &h,
        "/oai/v1/chat/completions",
        Some(("authorization", &format!("Bearer {LIMITED_KEY}"))),
        r#"{"model":"gpt-4o"}"#,
    )
    .await;
    assert_eq!(r.status(), 403);
    let v = json(r).await;
    assert_eq!(v["error"]["code"], "promptwall_policy_violation");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Blocked by promptwall policy"));
    assert_eq!(h.mock.count(), 0);
}

#[tokio::test]
async fn model_not_allowlisted_is_403_in_each_shape() {
    let h = start().await;
    let bearer = format!("Bearer {TENANT_KEY}");
    let r = post(
        &h,
        "/oai/v1/chat/completions",
        Some(("authorization", &bearer)),
        r#"{"model":"o1-secret"}"#,
    )
    .await;
    assert_eq!(r.status(), 403);
    assert_eq!(r.headers()["x-should-retry"], "false");
    assert!(r.headers().get("retry-after").is_none());
    let v = json(r).await;
    assert_eq!(v["error"]["type"], "invalid_request_error");
    assert!(
        !v.to_string().contains("o1-secret"),
        "the message echoes the body"
    );

    let r = post(
        &h,
        "/ant/v1/messages",
        Some(("x-api-key", TENANT_KEY)),
        r#"{"model":"gpt-4o"}"#,
    )
    .await;
    assert_eq!(r.status(), 403);
    let v = json(r).await;
    assert_eq!(v["error"]["type"], "permission_error");
    assert_eq!(
        v["error"]["details"]["error_code"],
        "promptwall_policy_violation"
    );

    let r = post(
        &h,
        "/gem/v1beta/models/gpt-4o:generateContent",
        Some(("x-goog-api-key", TENANT_KEY)),
        "{}",
    )
    .await;
    assert_eq!(r.status(), 403);
    let v = json(r).await;
    assert_eq!(v["error"]["status"], "PERMISSION_DENIED");
    assert_eq!(
        v["error"]["details"][0]["reason"],
        "PROMPTWALL_POLICY_VIOLATION"
    );

    // A body without a model is refused as malformed.
    let r = post(
        &h,
        "/oai/v1/chat/completions",
        Some(("authorization", &bearer)),
        r#"{"messages":[]}"#,
    )
    .await;
    assert_eq!(r.status(), 400);
    assert_eq!(h.mock.count(), 0);
}

#[tokio::test]
async fn provider_without_key_is_503_and_never_contacted() {
    let h = start().await;
    let r = post(
        &h,
        "/missing/v1/chat/completions",
        Some(("authorization", &format!("Bearer {TENANT_KEY}"))),
        r#"{"model":"gpt-4o"}"#,
    )
    .await;
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["x-should-retry"], "false");
    let v = json(r).await;
    assert_eq!(v["error"]["code"], "provider_unavailable");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("T_NOT_SET"));
    assert_eq!(h.mock.count(), 0);
}

#[tokio::test]
async fn passthrough_forwards_client_key_and_strips_tenant_header() {
    let h = start().await;
    let r = h
        .client
        .post(h.url("/byok/v1/chat/completions"))
        .bearer_auth("sk-user-own")
        .header("x-promptwall-key", TENANT_KEY)
        .header("content-type", "application/json")
        .body(r#"{"model":"anything"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let rec = h.mock.last();
    assert_eq!(rec.headers["authorization"], "Bearer sk-user-own");
    assert!(rec.headers.get("x-promptwall-key").is_none());

    // Wrong tenant header: 401. No tenant header: default_tenant applies.
    let r = h
        .client
        .post(h.url("/byok/v1/chat/completions"))
        .bearer_auth("sk-user-own")
        .header("x-promptwall-key", "wrong")
        .header("content-type", "application/json")
        .body(r#"{"model":"anything"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = h
        .client
        .post(h.url("/byok/v1/chat/completions"))
        .bearer_auth("sk-user-own")
        .header("content-type", "application/json")
        .body(r#"{"model":"anything"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}
