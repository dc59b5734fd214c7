//! Body limits, malformed input, path tricks, timeouts.

use std::time::Duration;

use crate::support::*;

#[tokio::test]
async fn body_over_limit_is_413_in_shape() {
    let h = start().await;
    let big = format!(r#"{{"model":"gpt-4o","pad":"{}"}}"#, "x".repeat(70_000));
    let r = h
        .client
        .post(h.url("/ant/v1/messages"))
        .header("x-api-key", TENANT_KEY)
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(r.headers()["x-should-retry"], "false");
    let v = json(r).await;
    assert_eq!(v["error"]["type"], "request_too_large");

    // Without Content-Length (chunked), the cap still applies while reading.
    let stream = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(big.into_bytes())]);
    let r = h
        .client
        .post(h.url("/oai/v1/chat/completions"))
        .bearer_auth(TENANT_KEY)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(h.mock.count(), 0);
}

#[tokio::test]
async fn malformed_json_and_wrong_content_type_are_400() {
    let h = start().await;
    for (ctype, body) in [
        ("application/json", "{not json"),
        ("application/json", "[1,2]"),
        ("text/plain", r#"{"model":"gpt-4o"}"#),
        ("application/x-www-form-urlencoded", "model=gpt-4o"),
    ] {
        let r = h
            .client
            .post(h.url("/oai/v1/chat/completions"))
            .bearer_auth(TENANT_KEY)
            .header("content-type", ctype)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{ctype} {body}");
        assert_eq!(r.headers()["x-should-retry"], "false");
        let v = json(r).await;
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(!msg.contains("not json"), "message echoes the body: {msg}");
    }
    assert_eq!(h.mock.count(), 0);
}

#[tokio::test]
async fn path_tricks_and_proxy_requests_are_refused() {
    let h = start().await;
    let auth = format!("Authorization: Bearer {TENANT_KEY}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n");
    for target in [
        "/oai/v1/../v1/chat/completions",
        "/oai/v1/./chat/completions",
        "/oai/%2e%2e/oai/v1/chat/completions",
        "/oai/v1%2fchat%2fcompletions",
        "/oai/v1/chat%5ccompletions",
        "/oai//v1/chat/completions",
        "//oai/v1/chat/completions",
        "/oai/v1/chat/completions%00",
        "/oai/%252e%252e/v1/chat/completions",
        "http://evil.example/oai/v1/chat/completions",
        "http://127.0.0.1/oai/v1/chat/completions",
    ] {
        let req = format!(
            "POST {target} HTTP/1.1\r\nHost: localhost\r\n{auth}Connection: close\r\n\r\n{{}}"
        );
        let status = raw_status(h.proxy, &req).await;
        assert!(status == 400 || status == 404, "{target} -> {status}");
    }
    let status = raw_status(
        h.proxy,
        "CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 400);
    // The Host header never picks the upstream.
    let req = format!(
        "POST /oai/v1/chat/completions HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer {TENANT_KEY}\r\nContent-Type: application/json\r\nContent-Length: 18\r\nConnection: close\r\n\r\n{{\"model\":\"gpt-4o\"}}"
    );
    assert_eq!(raw_status(h.proxy, &req).await, 200);
    assert_eq!(h.mock.count(), 1);
    assert_ne!(h.mock.last().headers["host"], "evil.example");
}

#[tokio::test]
async fn first_byte_timeout_is_504() {
    let h = start().await;
    let started = std::time::Instant::now();
    let r = h
        .client
        .post(h.url("/ant/v1/messages"))
        .header("x-api-key", TENANT_KEY)
        .header("content-type", "application/json")
        .body(r#"{"model":"mock-slow"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 504);
    assert!(started.elapsed() < Duration::from_secs(2));
    let v = json(r).await;
    assert_eq!(v["error"]["type"], "timeout_error");
}

#[tokio::test]
async fn idle_stream_emits_one_in_band_error_then_closes() {
    let h = start().await;
    let r = h
        .client
        .post(h.url("/oai/v1/chat/completions"))
        .bearer_auth(TENANT_KEY)
        .header("content-type", "application/json")
        .body(r#"{"model":"mock-idle","stream":true}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let started = std::time::Instant::now();
    let text = tokio::time::timeout(Duration::from_secs(3), r.text())
        .await
        .unwrap()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(text.starts_with("data: {\"n\":1}\n\n"), "{text}");
    let tail = text.trim_start_matches("data: {\"n\":1}\n\n");
    assert!(tail.starts_with("data: {\"error\":"), "{tail}");
    assert_eq!(tail.matches("data: ").count(), 1);
    assert!(tail.contains("upstream_timeout"));
}

/// An upstream that never completes the TCP handshake: a listener with a backlog of 0 whose
/// accept queue is already full, so the kernel drops further SYNs and `connect` hangs.
async fn blackhole_upstream() -> (
    std::net::SocketAddr,
    Vec<tokio::net::TcpStream>,
    tokio::net::TcpListener,
) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    for _ in 0..3 {
        if let Ok(Ok(s)) = tokio::time::timeout(
            Duration::from_millis(200),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            held.push(s);
        }
    }
    (addr, held, listener)
}

#[tokio::test]
async fn connect_timeout_is_504_in_shape() {
    let (upstream, _held, _listener) = blackhole_upstream().await;
    let config = format!(
        r#"
listen = "127.0.0.1:0"
[timeouts]
connect = "300ms"
first_byte = "10s"
[[provider]]
name = "ant"
kind = "anthropic"
base_url = "http://{upstream}"
api_key_env = "T_ANT"
models = ["claude-*"]
[[tenant]]
id = "acme"
api_key_sha256 = ["{sha}"]
providers = ["ant"]
"#,
        sha = sha256_hex(TENANT_KEY)
    );
    let proxy = start_with_config(&config).await;
    let started = std::time::Instant::now();
    let r = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("http://{proxy}/ant/v1/messages"))
        .header("x-api-key", TENANT_KEY)
        .header("content-type", "application/json")
        .body(r#"{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 504);
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(250), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    let v = json(r).await;
    assert_eq!(v["type"], "error");
    assert_eq!(v["error"]["type"], "timeout_error");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("connect"),
        "{v}"
    );
}
