//! A fast mock OpenAI upstream for load benchmarks (`bench/load.sh`).
//!
//! Owns: answering `POST .../chat/completions` with a canned chat completion, or, when the request
//! body has `"stream": true`, an SSE stream of `MOCK_CHUNKS` chunks (default 20) ending in
//! `[DONE]`; `GET /healthz` answers 200. Never: reads anything but the `stream` flag of the body,
//! logs content, or talks to anything but its own loopback listener.
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
    let frames = std::iter::repeat_n(data, chunks.saturating_sub(1))
        .chain(std::iter::once(last))
        .map(|b| Ok::<_, Infallible>(Frame::data(b)));
    let mut resp = Response::new(BodyExt::boxed(StreamBody::new(stream::iter(frames))));
    resp.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/event-stream"),
    );
    resp
}

async fn handle(req: Request<Incoming>, chunks: usize) -> Result<Response<Body>, Infallible> {
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
    let listener = TcpListener::bind(addr).await?;
    eprintln!("mock_upstream listening on {addr} ({chunks} SSE chunks)");
    loop {
        let (tcp, _) = listener.accept().await?;
        let _ = tcp.set_nodelay(true);
        tokio::spawn(async move {
            let svc = service_fn(move |req| handle(req, chunks));
            let _ = auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(tcp), svc)
                .await;
        });
    }
}
