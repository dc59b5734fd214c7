//! Harness: a recording mock upstream (hyper) and the proxy started through
//! `promptwall::server::run` on 127.0.0.1:0.
//!
//! The mock's behaviour is chosen by the model name (body `model`, or the Gemini path), because
//! the proxy forwards neither unknown headers nor anything else the client could steer with.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Request, Response};
use http_body_util::{combinators::UnsyncBoxBody, BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

pub const TENANT_KEY: &str = "tenant-key-acme";
pub const LIMITED_KEY: &str = "tenant-key-limited";
pub const OAI_KEY: &str = "sk-oai-real";
pub const ANT_KEY: &str = "sk-ant-real";
pub const GEM_KEY: &str = "gem-real";

/// One request as the mock saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path and query, as received.
    pub target: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

#[derive(Default)]
pub struct Mock {
    pub requests: Mutex<Vec<Recorded>>,
    /// Released by the test to let the `mock-stream` response send its second chunk.
    pub release: Notify,
    /// Set when a `mock-disconnect` response body was dropped (the proxy cancelled upstream).
    pub cancelled: AtomicBool,
}

impl Mock {
    pub fn recorded(&self) -> Vec<Recorded> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
    pub fn last(&self) -> Recorded {
        self.recorded().pop().expect("the mock received no request")
    }
    pub fn count(&self) -> usize {
        self.recorded().len()
    }
}

type MockBody = UnsyncBoxBody<Bytes, Infallible>;

fn full(b: impl Into<Bytes>) -> MockBody {
    Full::new(b.into()).boxed_unsync()
}

struct DropFlag(Arc<Mock>);
impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
    }
}

async fn mock_handle(mock: Arc<Mock>, req: Request<Incoming>) -> Response<MockBody> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    let target = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    if let Ok(mut r) = mock.requests.lock() {
        r.push(Recorded {
            method: parts.method.to_string(),
            target: target.clone(),
            headers: parts.headers.clone(),
            body: body.clone(),
        });
    }
    let model = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("model").and_then(|m| m.as_str()).map(str::to_string))
        .unwrap_or_else(|| {
            target
                .split("models/")
                .nth(1)
                .and_then(|m| m.split(':').next())
                .unwrap_or("")
                .to_string()
        });
    let sse = |body: MockBody| {
        Response::builder()
            .header("content-type", "text/event-stream")
            .body(body)
            .unwrap()
    };
    match model.as_str() {
        "mock-429" => Response::builder()
            .status(429)
            .header("content-type", "application/json")
            .header("retry-after", "7")
            .header("x-should-retry", "true")
            .header("x-ratelimit-reset-requests", "1s")
            .body(full(r#"{"error":{"message":"slow down","type":"rate_limit_error","param":null,"code":null}}"#))
            .unwrap(),
        "mock-slow" => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            Response::new(full("{}"))
        }
        "mock-stream" => {
            let m = mock.clone();
            let s = futures_util::stream::unfold(0u8, move |step| {
                let m = m.clone();
                async move {
                    match step {
                        0 => Some((
                            Ok(Frame::data(Bytes::from_static(b"data: {\"n\":1}\n\n"))),
                            1,
                        )),
                        1 => {
                            m.release.notified().await;
                            Some((
                                Ok(Frame::data(Bytes::from_static(b"data: {\"n\":2}\n\n"))),
                                2,
                            ))
                        }
                        _ => None,
                    }
                }
            });
            sse(StreamBody::new(s).boxed_unsync())
        }
        "mock-idle" => {
            let s = futures_util::stream::unfold(0u8, |step| async move {
                match step {
                    0 => Some((
                        Ok(Frame::data(Bytes::from_static(b"data: {\"n\":1}\n\n"))),
                        1,
                    )),
                    _ => {
                        tokio::time::sleep(Duration::from_secs(5)).await;
                        None
                    }
                }
            });
            sse(StreamBody::new(s).boxed_unsync())
        }
        "mock-disconnect" => {
            let flag = DropFlag(mock.clone());
            let s = futures_util::stream::unfold((0u32, flag), |(n, flag)| async move {
                if n > 0 {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                if n > 200 {
                    return None;
                }
                Some((
                    Ok(Frame::data(Bytes::from(format!("data: {{\"n\":{n}}}\n\n")))),
                    (n + 1, flag),
                ))
            });
            sse(StreamBody::new(s).boxed_unsync())
        }
        _ => Response::builder()
            .header("content-type", "application/json")
            .header("x-request-id", "upstream-req-1")
            .header("x-ratelimit-remaining-requests", "99")
            .header("retry-after", "1")
            .header("set-cookie", "cdn=1")
            .header("keep-alive", "timeout=5")
            .body(full(r#"{"ok":true}"#))
            .unwrap(),
    }
}

/// Starts the mock upstream on 127.0.0.1:0.
pub async fn start_mock() -> (SocketAddr, Arc<Mock>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mock = Arc::new(Mock::default());
    let m = mock.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let m = m.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req| {
                    let m = m.clone();
                    async move { Ok::<_, Infallible>(mock_handle(m, req).await) }
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    (addr, mock)
}

pub fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}

/// The test configuration; `{MOCK}` is the mock's base URL.
pub fn test_config(mock: &str, dead: &str) -> String {
    format!(
        r#"
listen = "127.0.0.1:0"
max_body_bytes = 65536
default_tenant = "acme"

[timeouts]
connect = "1s"
first_byte = "500ms"
idle_stream = "500ms"
shutdown_grace = "5s"

[[provider]]
name = "oai"
kind = "openai"
base_url = "{mock}"
api_key_env = "T_OAI"
models = ["gpt-4o*", "mock-*"]
openai_organization = "org-real"

[[provider]]
name = "ant"
kind = "anthropic"
base_url = "{mock}"
api_key_env = "T_ANT"
models = ["claude-*", "mock-*"]

[[provider]]
name = "gem"
kind = "gemini"
base_url = "{mock}/prefix"
api_key_file = "gem.key"
models = ["models/gemini-*", "mock-*"]

[[provider]]
name = "missing"
kind = "openai"
base_url = "{mock}"
api_key_env = "T_NOT_SET"
models = ["*"]

[[provider]]
name = "dead"
kind = "openai"
base_url = "{dead}"
api_key_env = "T_OAI"
models = ["*"]

[[provider]]
name = "byok"
kind = "openai"
base_url = "{mock}"
passthrough_client_key = true
models = ["*"]

[[provider]]
name = "echo"
kind = "echo"
models = ["*"]

[[tenant]]
id = "acme"
api_key_sha256 = ["{acme}"]
providers = ["oai", "ant", "gem", "missing", "dead", "byok", "echo"]

[[tenant]]
id = "limited"
api_key_sha256 = ["{limited}"]
providers = ["echo"]
"#,
        acme = sha256_hex(TENANT_KEY),
        limited = sha256_hex(LIMITED_KEY),
    )
}

pub struct Harness {
    pub proxy: SocketAddr,
    pub mock: Arc<Mock>,
    pub client: reqwest::Client,
    _dir: tempfile::TempDir,
    /// Keeps the server running for harnesses started with [`start`].
    _stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Harness {
    /// Points the harness at another proxy instance (same mock) kept alive by `stop`.
    pub fn rebind(mut self, proxy: SocketAddr, stop: tokio::sync::oneshot::Sender<()>) -> Self {
        self.proxy = proxy;
        self._stop = Some(stop);
        self
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.proxy, path)
    }
}

pub fn env(var: &str) -> Option<String> {
    match var {
        "T_OAI" => Some(OAI_KEY.into()),
        "T_ANT" => Some(ANT_KEY.into()),
        _ => None,
    }
}

/// A closed port (bound, then released).
async fn dead_addr() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap()
}

/// Mock + proxy with the test configuration.
pub async fn start() -> Harness {
    let (mut h, _server, stop) = start_controlled().await;
    h._stop = Some(stop);
    h
}

/// Like [`start`], also returning the server handle and its shutdown trigger.
pub async fn start_controlled() -> (
    Harness,
    promptwall::server::RunningServer,
    tokio::sync::oneshot::Sender<()>,
) {
    let (mock_addr, mock) = start_mock().await;
    let dead = dead_addr().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gem.key"), format!("  {GEM_KEY}\n")).unwrap();
    let text = test_config(&format!("http://{mock_addr}"), &format!("http://{dead}"));
    let path = dir.path().join("test.toml");
    let settings = promptwall::config::load_str(&text, &path, &env).unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        let _ = rx.await;
    };
    let server = promptwall::server::run(Arc::new(settings), shutdown)
        .await
        .unwrap();
    let h = Harness {
        proxy: server.addr,
        mock,
        client: reqwest::Client::builder().no_proxy().build().unwrap(),
        _dir: dir,
        _stop: None,
    };
    (h, server, tx)
}

/// Starts the proxy on an arbitrary config text (no mock).
pub async fn start_with_config(text: &str) -> SocketAddr {
    let settings = promptwall::config::load_str(text, Path::new("inline.toml"), &env).unwrap();
    promptwall::server::run(Arc::new(settings), std::future::pending())
        .await
        .unwrap()
        .addr
}

/// Sends raw bytes and returns the status code of the reply.
pub async fn raw_status(addr: SocketAddr, request: &str) -> u16 {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    let head = String::from_utf8_lossy(&buf[..n]);
    head.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

pub async fn json(resp: reqwest::Response) -> serde_json::Value {
    let b = resp.bytes().await.unwrap();
    serde_json::from_slice(&b)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&b)))
}
