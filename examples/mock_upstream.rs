//! A fast mock OpenAI upstream for load benchmarks (`bench/load.sh`).
//!
//! Owns: answering `POST .../chat/completions` with a canned chat completion, or, when the request
//! body has `"stream": true`, an SSE stream of `MOCK_CHUNKS` chunks (default 20) ending in
//! `[DONE]`; `GET /healthz` answers 200. With `MOCK_ECHO=1` the answer is the text of the last
//! message of the request instead (split over the `MOCK_CHUNKS - 1` content chunks when
//! streaming), so placeholders that a proxy put into the prompt come back in the answer, cut at
//! arbitrary points, and the proxy's restoration is exercised. Never: reads anything but the
//! `stream` flag (and with `MOCK_ECHO`, the last message) of the body, logs content, or talks to
//! anything but its own loopback listener.
//! Called by: `bench/load.sh` (`cargo run --release --example mock_upstream -- 127.0.0.1:PORT`).

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use futures_util::stream;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;

type Body = BoxBody<Bytes, Infallible>;

const COMPLETION: &str = r#"{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"This is a canned answer from the benchmark mock upstream.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1000,"completion_tokens":12,"total_tokens":1012}}"#;

const CHUNK: &str = r#"{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"token "},"logprobs":null,"finish_reason":null}]}"#;

const LAST_CHUNK: &str = r#"{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1000,"completion_tokens":20,"total_tokens":1020}}"#;

#[derive(serde::Deserialize)]
struct Flags {
    #[serde(default)]
    stream: bool,
}

#[derive(serde::Deserialize)]
struct EchoRequest {
    #[serde(default)]
    messages: Vec<EchoMessage>,
}

#[derive(serde::Deserialize)]
struct EchoMessage {
    #[serde(default)]
    content: serde_json::Value,
}

/// The text of the last message: a string content, or its text parts joined.
fn last_text(body: &[u8]) -> Option<String> {
    let req: EchoRequest = serde_json::from_slice(body).ok()?;
    match &req.messages.last()?.content {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(parts) => Some(
            parts
                .iter()
                .filter_map(|p| p.get("text").and_then(|t| t.as_str()))
                .collect(),
        ),
        _ => None,
    }
}

/// `text` cut into `n` pieces of about equal byte length, on char boundaries.
fn pieces(text: &str, n: usize) -> Vec<&str> {
    let n = n.max(1);
    let step = text.len().div_ceil(n).max(1);
    let mut out = Vec::with_capacity(n);
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + step).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        out.push(&text[start..end]);
        start = end;
    }
    out
}

fn echo_completion(text: &str) -> Response<Body> {
    let body = serde_json::json!({
        "id": "chatcmpl-bench", "object": "chat.completion", "created": 1700000000,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text, "refusal": null},
                     "logprobs": null, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1000, "completion_tokens": 12, "total_tokens": 1012}
    });
    let mut resp = Response::new(Full::new(Bytes::from(body.to_string())).boxed());
    resp.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    resp
}

fn echo_sse(text: &str, chunks: usize) -> Response<Body> {
    let mut frames: Vec<Bytes> = pieces(text, chunks.saturating_sub(1))
        .into_iter()
        .map(|piece| {
            let chunk = serde_json::json!({
                "id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1700000000,
                "model": "gpt-4o-mini",
                "choices": [{"index": 0, "delta": {"content": piece}, "logprobs": null,
                             "finish_reason": null}]
            });
            Bytes::from(format!("data: {chunk}\n\n"))
        })
        .collect();
    frames.push(Bytes::from(format!(
        "data: {LAST_CHUNK}\n\ndata: [DONE]\n\n"
    )));
    event_stream(frames)
}

/// A `text/event-stream` response whose body hands over `frames` one by one.
fn event_stream(frames: Vec<Bytes>) -> Response<Body> {
    let frames = frames
        .into_iter()
        .map(|b| Ok::<_, Infallible>(Frame::data(b)));
    let mut resp = Response::new(BodyExt::boxed(StreamBody::new(stream::iter(frames))));
    resp.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/event-stream"),
    );
    resp
}

fn full(status: StatusCode, content_type: &str, body: &'static str) -> Response<Body> {
    let mut resp = Response::new(Full::new(Bytes::from_static(body.as_bytes())).boxed());
    *resp.status_mut() = status;
    if let Ok(v) = http::HeaderValue::from_str(content_type) {
        resp.headers_mut().insert(http::header::CONTENT_TYPE, v);
    }
    resp
}

fn sse(chunks: usize) -> Response<Body> {
    let data = Bytes::from(format!("data: {CHUNK}\n\n"));
    let last = Bytes::from(format!("data: {LAST_CHUNK}\n\ndata: [DONE]\n\n"));
    event_stream(
        std::iter::repeat_n(data, chunks.saturating_sub(1))
            .chain(std::iter::once(last))
            .collect(),
    )
}

async fn handle(
    req: Request<Incoming>,
    chunks: usize,
    echo: bool,
) -> Result<Response<Body>, Infallible> {
    let path = req.uri().path().to_owned();
    if req.method() == Method::GET && path == "/healthz" {
        return Ok(full(StatusCode::OK, "text/plain", "ok"));
    }
    if req.method() != Method::POST || !path.ends_with("/chat/completions") {
        return Ok(full(
            StatusCode::NOT_FOUND,
            "application/json",
            r#"{"error":{"message":"mock: unknown path","type":"not_found"}}"#,
        ));
    }
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return Ok(full(StatusCode::BAD_REQUEST, "text/plain", "bad body")),
    };
    let flags: Flags = match serde_json::from_slice(&body) {
        Ok(f) => f,
        Err(_) => {
            return Ok(full(
                StatusCode::BAD_REQUEST,
                "application/json",
                r#"{"error":{"message":"mock: body is not JSON","type":"invalid_request_error"}}"#,
            ))
        }
    };
    if echo {
        let Some(text) = last_text(&body) else {
            return Ok(full(
                StatusCode::BAD_REQUEST,
                "application/json",
                r#"{"error":{"message":"mock: no last message text to echo","type":"invalid_request_error"}}"#,
            ));
        };
        return Ok(if flags.stream {
            echo_sse(&text, chunks)
        } else {
            echo_completion(&text)
        });
    }
    Ok(if flags.stream {
        sse(chunks)
    } else {
        full(StatusCode::OK, "application/json", COMPLETION)
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr: SocketAddr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9090".to_owned())
        .parse()?;
    let chunks: usize = std::env::var("MOCK_CHUNKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
        .max(1);
    let echo = std::env::var("MOCK_ECHO").is_ok_and(|v| v == "1");
    let listener = TcpListener::bind(addr).await?;
    eprintln!("mock_upstream listening on {addr} ({chunks} SSE chunks, echo: {echo})");
    loop {
        let (tcp, _) = listener.accept().await?;
        let _ = tcp.set_nodelay(true);
        tokio::spawn(async move {
            let svc = service_fn(move |req| handle(req, chunks, echo));
            let _ = auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(tcp), svc)
                .await;
        });
    }
}
