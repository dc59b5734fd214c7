//! Routing per wire format, query handling and header hygiene.

use crate::support::*;

#[tokio::test]
async fn openai_route_forwards_path_query_body_and_swaps_key() {
    let h = start().await;
    let body = r#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"#;
    let resp = h
        .client
        .post(h.url("/oai/v1/chat/completions?foo=bar&key=leak"))
        .bearer_auth(TENANT_KEY)
        .header("content-type", "application/json")
        .header("cookie", "session=1")
        .header("openai-organization", "org-client")
        .header("openai-project", "proj-client")
        .header("openai-beta", "assistants=v2")
        .header("x-stainless-lang", "python")
        .header("proxy-authorization", "Basic abc")
        .header("x-custom-secret", "s3cr3t")
        .header("idempotency-key", "idem-1")
        .header("accept-encoding", "gzip")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // Response headers: upstream's pass, set-cookie / hop-by-hop do not.
    let rh = resp.headers().clone();
    assert_eq!(rh["x-request-id"], "upstream-req-1");
    assert!(rh.get("x-promptwall-request-id").is_some());
    assert_eq!(rh["x-ratelimit-remaining-requests"], "99");
    assert_eq!(rh["retry-after"], "1");
    assert!(rh.get("set-cookie").is_none());
    assert!(rh.get("keep-alive").is_none());
    assert_eq!(resp.text().await.unwrap(), r#"{"ok":true}"#);

    let r = h.mock.last();
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, "/v1/chat/completions?foo=bar");
    assert_eq!(r.body, body.as_bytes());
    let hd = &r.headers;
    assert_eq!(hd["authorization"], format!("Bearer {OAI_KEY}"));
    assert_eq!(hd["openai-organization"], "org-real");
    assert!(hd.get("openai-project").is_none());
    assert_eq!(hd["openai-beta"], "assistants=v2");
    assert_eq!(hd["x-stainless-lang"], "python");
    assert_eq!(hd["idempotency-key"], "idem-1");
    assert_eq!(hd["accept-encoding"], "identity");
    assert!(hd.get("x-request-id").is_some());
    for gone in [
        "cookie",
        "proxy-authorization",
        "x-custom-secret",
        "x-api-key",
    ] {
        assert!(hd.get(gone).is_none(), "{gone} reached the upstream");
    }
    for (_, v) in hd.iter() {
        assert!(!v
            .as_bytes()
            .windows(TENANT_KEY.len())
            .any(|w| w == TENANT_KEY.as_bytes()));
    }
    assert_eq!(hd["content-length"], body.len().to_string());
}

#[tokio::test]
async fn anthropic_route_mirrors_scheme_and_forwards_version() {
    let h = start().await;
    let body = r#"{"model":"claude-sonnet-4","max_tokens":5,"messages":[]}"#;
    let resp = h
        .client
        .post(h.url("/ant/v1/messages?beta=true"))
        .header("x-api-key", TENANT_KEY)
        .header("anthropic-version", "2023-06-01")
        .header("anthropic-beta", "tools-2024-04-04")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let r = h.mock.last();
    assert_eq!(r.target, "/v1/messages?beta=true");
    assert_eq!(r.headers["x-api-key"], ANT_KEY);
    assert!(r.headers.get("authorization").is_none());
    assert_eq!(r.headers["anthropic-version"], "2023-06-01");
    assert_eq!(r.headers["anthropic-beta"], "tools-2024-04-04");

    // SDK 2.x sends Bearer: the upstream gets Bearer too.
    let resp = h
        .client
        .post(h.url("/ant/v1/messages/count_tokens"))
        .bearer_auth(TENANT_KEY)
        .header("anthropic-version", "2026-10-21")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let r = h.mock.last();
    assert_eq!(r.target, "/v1/messages/count_tokens");
    assert_eq!(r.headers["authorization"], format!("Bearer {ANT_KEY}"));
    assert!(r.headers.get("x-api-key").is_none());
}

#[tokio::test]
async fn gemini_route_takes_model_from_path_and_removes_query_key() {
    let h = start().await;
    let resp = h
        .client
        .post(h.url(&format!(
            "/gem/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key={TENANT_KEY}"
        )))
        .header("content-type", "application/json")
        .body(r#"{"contents":[{"parts":[{"text":"hi"}]}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let r = h.mock.last();
    assert_eq!(
        r.target,
        "/prefix/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    );
    assert_eq!(r.headers["x-goog-api-key"], GEM_KEY);

    // v1 also works, with the header credential; `models/` in the allowlist is ignored.
    let resp = h
        .client
        .post(h.url("/gem/v1/models/gemini-2.0-pro:countTokens"))
        .header("x-goog-api-key", TENANT_KEY)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        h.mock.last().target,
        "/prefix/v1/models/gemini-2.0-pro:countTokens"
    );
}

#[tokio::test]
async fn models_list_is_forwarded_without_body() {
    let h = start().await;
    let resp = h
        .client
        .get(h.url("/oai/v1/models"))
        .bearer_auth(TENANT_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let r = h.mock.last();
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("GET", "/v1/models")
    );
    assert!(r.body.is_empty());
}

#[tokio::test]
async fn unsupported_endpoints_and_unknown_providers_are_not_forwarded() {
    let h = start().await;
    for (method, path) in [
        ("POST", "/oai/v1/files"),
        ("POST", "/oai/v2/chat/completions"),
        ("GET", "/oai/v1/chat/completions"),
        ("POST", "/ant/v1/messages/batches"),
        ("POST", "/gem/v1beta/models/gemini-x:predict"),
        ("POST", "/nosuch/v1/chat/completions"),
        ("POST", "/oai"),
    ] {
        let resp = h
            .client
            .request(method.parse().unwrap(), h.url(path))
            .bearer_auth(TENANT_KEY)
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 404, "{method} {path}");
        assert_eq!(resp.headers()["x-should-retry"], "false");
        let v = json(resp).await;
        assert!(v.get("error").is_some() || v.get("type").is_some(), "{v}");
    }
    assert_eq!(h.mock.count(), 0);
}

#[tokio::test]
async fn connection_refused_upstream_is_502() {
    let h = start().await;
    let resp = h
        .client
        .post(h.url("/dead/v1/chat/completions"))
        .bearer_auth(TENANT_KEY)
        .header("content-type", "application/json")
        .body(r#"{"model":"gpt-4o"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 502);
    assert!(resp.headers().get("x-should-retry").is_none());
    let v = json(resp).await;
    assert_eq!(v["error"]["code"], "upstream_error");
}

#[tokio::test]
async fn upstream_errors_pass_through_unchanged() {
    let h = start().await;
    let resp = h
        .client
        .post(h.url("/oai/v1/chat/completions"))
        .bearer_auth(TENANT_KEY)
        .header("content-type", "application/json")
        .body(r#"{"model":"mock-429"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "7");
    assert_eq!(resp.headers()["x-should-retry"], "true");
    assert_eq!(resp.headers()["x-ratelimit-reset-requests"], "1s");
    let v = json(resp).await;
    assert_eq!(v["error"]["message"], "slow down");
}

async fn gem_post(h: &Harness, path: &str, body: &str) -> reqwest::Response {
    h.client
        .post(h.url(path))
        .header("x-goog-api-key", TENANT_KEY)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn gemini_batch_embed_is_routed_on_v1_and_v1beta() {
    let h = start().await;
    // google-genai's `models.embed_content` body: `requests[].model` is `models/x`; a bare
    // `x` and a missing model name the same path model.
    let body = r#"{"requests":[
        {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"a"}]}},
        {"model":"gemini-embedding-001","content":{"parts":[{"text":"b"}]},"taskType":"RETRIEVAL_QUERY"},
        {"content":{"parts":[{"text":"c"}]}}]}"#;
    for v in ["v1", "v1beta"] {
        let path = format!("/{v}/models/gemini-embedding-001:batchEmbedContents");
        let resp = gem_post(&h, &format!("/gem{path}"), body).await;
        assert_eq!(resp.status(), 200, "{v}");
        let r = h.mock.last();
        assert_eq!(r.target, format!("/prefix{path}"));
        assert_eq!(r.headers["x-goog-api-key"], GEM_KEY);
        assert_eq!(r.body, body.as_bytes());
    }
    assert_eq!(h.mock.count(), 2);
}

#[tokio::test]
async fn gemini_batch_embed_models_must_match_the_allowlisted_path_model() {
    let h = start().await;
    let path = "/gem/v1beta/models/gemini-embedding-001:batchEmbedContents";
    // A different model inside the batch, even an allowlisted one: 403 in the Gemini shape.
    for other in ["models/gemini-2.5-flash", "text-embedding-004", "models/"] {
        let body = format!(
            r#"{{"requests":[{{"model":"models/gemini-embedding-001","content":{{"parts":[]}}}},
                {{"model":"{other}","content":{{"parts":[{{"text":"x"}}]}}}}]}}"#
        );
        let r = gem_post(&h, path, &body).await;
        assert_eq!(r.status(), 403, "{other}");
        let v = json(r).await;
        assert_eq!(v["error"]["status"], "PERMISSION_DENIED");
        assert_eq!(
            v["error"]["details"][0]["reason"],
            "PROMPTWALL_POLICY_VIOLATION"
        );
        assert!(
            !v.to_string().contains(other),
            "the message echoes the body"
        );
    }
    // The path model itself is allowlisted first.
    let r = gem_post(
        &h,
        "/gem/v1/models/text-embedding-004:batchEmbedContents",
        r#"{"requests":[{"model":"models/text-embedding-004","content":{"parts":[]}}]}"#,
    )
    .await;
    assert_eq!(r.status(), 403);
    // Malformed batches are refused before anything is forwarded.
    for body in [
        r#"{"requests":{"model":"models/gemini-embedding-001"}}"#,
        r#"{"requests":["models/gemini-embedding-001"]}"#,
        r#"{"requests":[{"model":7,"content":{"parts":[]}}]}"#,
    ] {
        let r = gem_post(&h, path, body).await;
        assert_eq!(r.status(), 400, "{body}");
        assert_eq!(json(r).await["error"]["status"], "INVALID_ARGUMENT");
    }
    assert_eq!(h.mock.count(), 0);
}
