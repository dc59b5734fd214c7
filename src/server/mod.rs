//! The listener: accepts connections (HTTP/1.1 and HTTP/2 via hyper-util's auto builder), runs
//! every request through `service::handle`, and drains on shutdown.
//!
//! Owns: [`AppState`] (settings, the one shared upstream client, metrics, the sanitizer seam,
//! the draining flag) and the accept loop. Never: decides anything about a request (that is
//! `service.rs`). Called by: `main` (`serve`) and integration tests ([`run`] binds
//! `settings.listen`, port 0 allowed, and returns the bound address).

pub mod body;
pub mod context;
pub mod forward;
pub mod headers;
pub mod path;
pub mod service;

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::config::Settings;
use crate::telemetry::Metrics;
pub use service::{PolicySanitizer, RequestSanitizer, SanitizeInput, SanitizeOutcome, Unchanged};

/// Errors starting the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot build the upstream HTTP client: {0}")]
    Client(#[from] reqwest::Error),
}

/// Everything a request needs, built once.
pub struct AppState {
    pub settings: Arc<Settings>,
    pub client: reqwest::Client,
    /// Remote `base_url`s parsed once (see [`forward::BaseUrls`]).
    pub bases: forward::BaseUrls,
    pub metrics: Arc<Metrics>,
    pub sanitizer: Arc<dyn RequestSanitizer>,
    draining: AtomicBool,
}

impl AppState {
    /// Builds the state with the real sanitize stage ([`PolicySanitizer`]: the settings'
    /// engine and effective policies).
    pub fn new(settings: Arc<Settings>) -> Result<Self, ServerError> {
        let client = forward::build_client(&settings)?;
        let sanitizer: Arc<dyn RequestSanitizer> =
            Arc::new(PolicySanitizer::new(Arc::clone(&settings)));
        let bases = forward::BaseUrls::new(&settings);
        Ok(Self {
            settings,
            client,
            bases,
            metrics: Arc::new(Metrics::new()),
            sanitizer,
            draining: AtomicBool::new(false),
        })
    }

    /// Replaces the sanitize stage (the seam for `transform`).
    pub fn with_sanitizer(mut self, sanitizer: Arc<dyn RequestSanitizer>) -> Self {
        self.sanitizer = sanitizer;
        self
    }

    /// Ready: not draining and at least one provider can serve.
    pub fn is_ready(&self) -> bool {
        !self.draining.load(Ordering::Relaxed)
            && self.settings.providers.iter().any(|p| p.is_available())
    }
}

/// A started server.
pub struct RunningServer {
    /// The bound address (useful with port 0).
    pub addr: SocketAddr,
    pub state: Arc<AppState>,
    task: JoinHandle<()>,
}

impl RunningServer {
    /// Waits until the server stopped (after `shutdown` resolved and in-flight work drained).
    pub async fn wait(self) {
        let _ = self.task.await;
    }
}

/// Binds `settings.listen` and serves until `shutdown` resolves, then drains in-flight requests
/// and streams for at most `timeouts.shutdown_grace`.
pub async fn run(
    settings: Arc<Settings>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<RunningServer, ServerError> {
    let state = Arc::new(AppState::new(settings)?);
    run_with_state(state, shutdown).await
}

/// Like [`run`], with a prepared state (e.g. a real sanitizer).
pub async fn run_with_state(
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<RunningServer, ServerError> {
    let listen = state.settings.listen;
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|source| ServerError::Bind {
            addr: listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServerError::Bind {
        addr: listen,
        source,
    })?;
    // Phone metadata loads off the start-up path; a request that needs it earlier waits.
    if let Err(e) = std::thread::Builder::new()
        .name("promptwall-warm-up".into())
        .spawn(crate::detect::warm_up)
    {
        tracing::warn!(error = %e, "warm-up thread not started: phone metadata loads on first use");
    }
    let task = tokio::spawn(accept_loop(listener, state.clone(), shutdown));
    Ok(RunningServer { addr, state, task })
}

async fn accept_loop(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(30));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    let _ = stream.set_nodelay(true);
                    let st = state.clone();
                    let svc = service_fn(move |req| {
                        let st = st.clone();
                        async move { Ok::<_, Infallible>(service::handle(st, req).await) }
                    });
                    let conn = builder.serve_connection(TokioIo::new(stream), svc).into_owned();
                    let conn = graceful.watch(conn);
                    tokio::spawn(async move {
                        let _ = conn.await;
                    });
                }
                Err(e) => {
                    // e.g. EMFILE: back off briefly instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    state.draining.store(true, Ordering::Relaxed);
    let grace = state.settings.timeouts.shutdown_grace;
    tracing::info!(
        grace_ms = grace.as_millis() as u64,
        "shutting down: draining in-flight requests"
    );
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("drained"),
        () = tokio::time::sleep(grace) => tracing::warn!("drain bound reached; closing remaining connections"),
    }
}
