//! The thinnest reverse proxy in promptwall's stack: a reference for what any proxy hop costs.
//!
//! Owns: accepting HTTP/1.1 and HTTP/2 (hyper-util's auto builder, as promptwall), reading the
//! request body whole (as promptwall must before sanitizing), sending it unparsed with a reqwest
//! client configured like promptwall's (`server::forward::build_client`: pooled, no redirects,
//! `TCP_NODELAY`, rustls) to `UPSTREAM{path}`, and streaming the response body back frame by
//! frame. Never: authenticates, parses JSON, detects, logs, or rewrites anything but the
//! hop-by-hop and `host`/`content-length` headers.
//! Called by: `bench/load.sh` (reference row), by hand:
//! `cargo run --release --example null_proxy -- 127.0.0.1:PORT http://127.0.0.1:UPSTREAM_PORT`.
//! Workers as `promptwall serve` (`server::serve`): one thread per core (or
//! `NULL_PROXY_WORKERS=n`), each a single-threaded runtime accepting on the shared listening
//! socket with its own client, so both rows of the load table pay the same scheduling costs.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::TryStreamExt;
use http::{HeaderMap, Request, Response, StatusCode};
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use promptwall::server::headers::is_hop_by_hop;
use tokio::net::TcpListener;

type Body = BoxBody<Bytes, std::io::Error>;

/// promptwall's hop-by-hop list, plus the framing headers the client sets itself.
fn hop_by_hop(name: &http::HeaderName) -> bool {
    is_hop_by_hop(name) || matches!(name.as_str(), "host" | "content-length")
}

fn strip(h: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::with_capacity(h.len());
    for (k, v) in h {
        if !hop_by_hop(k) {
            out.append(k.clone(), v.clone());
        }
    }
    out
}

fn error(status: StatusCode) -> Response<Body> {
    let mut r = Response::new(
        Full::new(Bytes::from_static(b"null_proxy: upstream failed\n"))
            .map_err(|never| match never {})
            .boxed(),
    );
    *r.status_mut() = status;
    r
}

struct State {
    client: reqwest::Client,
    upstream: String,
}

async fn handle(st: Arc<State>, req: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    let (parts, body) = req.into_parts();
    let Ok(body) = body.collect().await.map(|b| b.to_bytes()) else {
        return Ok(error(StatusCode::BAD_REQUEST));
    };
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let url = format!("{}{}", st.upstream, path);
    let resp = st
        .client
        .request(parts.method, url)
        .headers(strip(&parts.headers))
        .body(body)
        .send()
        .await;
    let Ok(resp) = resp else {
        return Ok(error(StatusCode::BAD_GATEWAY));
    };
    let status = resp.status();
    let headers = strip(resp.headers());
    let frames = resp
        .bytes_stream()
        .map_ok(Frame::data)
        .map_err(std::io::Error::other);
    let mut out = Response::new(BodyExt::boxed(StreamBody::new(frames)));
    *out.status_mut() = status;
    *out.headers_mut() = headers;
    Ok(out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let addr: SocketAddr = args
        .next()
        .unwrap_or_else(|| "127.0.0.1:9091".to_owned())
        .parse()?;
    let upstream = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:9090".to_owned());
    let workers = std::env::var("NULL_PROXY_WORKERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(promptwall::server::default_workers)
        .max(1);
    let current_thread = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    };
    let listener = current_thread()?.block_on(async {
        let l = TcpListener::bind(addr).await?;
        l.into_std()
    })?;
    eprintln!("null_proxy listening on {addr} -> {upstream} ({workers} workers)");
    let upstream = upstream.trim_end_matches('/').to_owned();
    let mut threads = Vec::new();
    for _ in 0..workers {
        let rt = current_thread()?;
        let std_listener = listener.try_clone()?;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_nodelay(true)
            .use_rustls_tls()
            .no_proxy()
            .build()?;
        let st = Arc::new(State {
            client,
            upstream: upstream.clone(),
        });
        threads.push(std::thread::spawn(move || {
            rt.block_on(async move {
                let listener = TcpListener::from_std(std_listener)?;
                loop {
                    let (tcp, _) = listener.accept().await?;
                    let _ = tcp.set_nodelay(true);
                    let st = st.clone();
                    tokio::spawn(async move {
                        let svc = service_fn(move |req| handle(st.clone(), req));
                        let _ = auto::Builder::new(TokioExecutor::new())
                            .serve_connection(TokioIo::new(tcp), svc)
                            .await;
                    });
                }
                #[allow(unreachable_code)]
                Ok::<(), std::io::Error>(())
            })
        }));
    }
    for t in threads {
        if let Ok(Err(e)) = t.join() {
            eprintln!("null_proxy worker: {e}");
        }
    }
    Ok(())
}
