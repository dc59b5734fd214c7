//! The listener: accepts connections (HTTP/1.1 and HTTP/2 via hyper-util's auto builder), runs
//! every request through `service::handle`, and drains on shutdown.
//!
//! Owns: [`AppState`] (settings, the upstream client, metrics, the sanitizer seam, the draining
//! flag), the accept loop and the workers. Never: decides anything about a request (that is
//! `service.rs`). Called by: `main` ([`serve`]) and integration tests ([`run`] binds
//! `settings.listen`, port 0 allowed, on the caller's runtime and returns the bound address).
//!
//! # Workers
//! [`serve`] runs one single-threaded runtime per worker thread (default: one per core), each
//! accepting on the same listening socket and owning its upstream client. A connection, its
//! requests, their upstream connections and response streams all stay on the thread that
//! accepted it: no task hops between cores, no parked worker woken to steal a task that the
//! current one is about to run. On a shared multi-threaded runtime that hopping cost a fifth of
//! the CPU per request and ~90 µs of p50 latency at a moderate rate (bench/ab.sh, README
//! "Measured figures"). A busy worker accepts no new connections while another is idle and
//! waiting in `accept`, so new connections go to free workers. Shared across workers: the
//! settings, the detection engines and sanitizer, the metrics.

pub mod body;
pub mod context;
pub mod forward;
pub mod headers;
pub mod path;
pub mod relay;
pub mod service;

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
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
    #[error("cannot start a worker: {0}")]
    Worker(std::io::Error),
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
        let sanitizer: Arc<dyn RequestSanitizer> =
            Arc::new(PolicySanitizer::new(Arc::clone(&settings)));
        Self::with_shared(settings, Arc::new(Metrics::new()), sanitizer)
    }

    /// A worker's state: its own upstream client (connection pool) around the shared metrics
    /// and sanitize stage.
    fn with_shared(
        settings: Arc<Settings>,
        metrics: Arc<Metrics>,
        sanitizer: Arc<dyn RequestSanitizer>,
    ) -> Result<Self, ServerError> {
        let client = forward::build_client(&settings)?;
        let bases = forward::BaseUrls::new(&settings);
        Ok(Self {
            settings,
            client,
            bases,
            metrics,
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
    start_warm_up();
    let task = tokio::spawn(accept_loop(listener, state.clone(), shutdown, None));
    Ok(RunningServer { addr, state, task })
}

/// Phone metadata loads off the start-up path; a request that needs it earlier waits.
fn start_warm_up() {
    if let Err(e) = std::thread::Builder::new()
        .name("promptwall-warm-up".into())
        .spawn(crate::detect::warm_up)
    {
        tracing::warn!(error = %e, "warm-up thread not started: phone metadata loads on first use");
    }
}

/// The number of workers [`serve`] starts when none is configured: one per available core.
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// Binds `settings.listen` and serves with `workers` worker threads (see the module docs)
/// until `shutdown` resolves, then drains in-flight requests and streams for at most
/// `timeouts.shutdown_grace`. Blocks the calling thread, which only waits for `shutdown`.
/// `on_listening` is called once with the bound address, before any request is served.
///
/// # Errors
/// [`ServerError::Bind`] when the address cannot be bound, [`ServerError::Worker`] when a
/// runtime or thread cannot be started, [`ServerError::Client`] when the upstream client
/// cannot be built. Nothing is served in those cases.
pub fn serve(
    settings: Arc<Settings>,
    workers: usize,
    shutdown: impl Future<Output = ()>,
    on_listening: impl FnOnce(SocketAddr, usize),
) -> Result<(), ServerError> {
    let workers = workers.max(1);
    let current_thread = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(ServerError::Worker)
    };
    // The main thread's runtime only binds the socket and waits for the shutdown signal.
    let main_rt = current_thread()?;
    let listen = settings.listen;
    let bind_err = |source| ServerError::Bind {
        addr: listen,
        source,
    };
    let (std_listener, addr) = main_rt.block_on(async {
        let l = TcpListener::bind(listen).await.map_err(bind_err)?;
        let addr = l.local_addr().map_err(bind_err)?;
        Ok::<_, ServerError>((l.into_std().map_err(bind_err)?, addr))
    })?;
    let metrics = Arc::new(Metrics::new());
    let sanitizer: Arc<dyn RequestSanitizer> =
        Arc::new(PolicySanitizer::new(Arc::clone(&settings)));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let (inboxes, receivers): (Vec<_>, Vec<_>) =
        (0..workers).map(|_| mpsc::unbounded_channel()).unzip();
    let balance = Arc::new(Balance {
        open: (0..workers).map(|_| AtomicUsize::new(0)).collect(),
        inboxes,
    });
    // Everything a worker needs is built here first, so a failure starts nothing.
    let mut prepared = Vec::with_capacity(workers);
    for (id, inbox) in receivers.into_iter().enumerate() {
        let slot = Slot {
            id,
            balance: Arc::clone(&balance),
            inbox,
        };
        let state = AppState::with_shared(
            Arc::clone(&settings),
            Arc::clone(&metrics),
            Arc::clone(&sanitizer),
        )?;
        let listener = std_listener.try_clone().map_err(ServerError::Worker)?;
        prepared.push((current_thread()?, state, listener, slot));
    }
    start_warm_up();
    let mut threads = Vec::with_capacity(workers);
    drop(balance);
    for (i, (rt, state, listener, slot)) in prepared.into_iter().enumerate() {
        let mut stop = stop_rx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("promptwall-worker-{i}"))
            .spawn(move || {
                rt.block_on(async move {
                    let listener = match TcpListener::from_std(listener) {
                        Ok(l) => l,
                        Err(e) => {
                            tracing::error!(error = %e, worker = i, "worker cannot accept");
                            return;
                        }
                    };
                    let stopped = async move {
                        let _ = stop.wait_for(|s| *s).await;
                    };
                    accept_loop(listener, Arc::new(state), stopped, Some(slot)).await;
                });
            });
        match spawned {
            Ok(t) => threads.push(t),
            Err(e) => {
                let _ = stop_tx.send(true);
                for t in threads {
                    let _ = t.join();
                }
                return Err(ServerError::Worker(e));
            }
        }
    }
    drop(std_listener);
    on_listening(addr, workers);
    main_rt.block_on(shutdown);
    let _ = stop_tx.send(true);
    for t in threads {
        if t.join().is_err() {
            tracing::error!("a worker panicked");
        }
    }
    Ok(())
}

/// Least-connections placement across [`serve`]'s workers. Whichever worker's `accept` wins
/// a new connection (all wait on the same socket, and the one that wakes first may take a whole
/// burst), the connection is served by the worker with the fewest open connections: it is
/// handed over through that worker's inbox when that is another one. Connections then stay put.
struct Balance {
    open: Vec<AtomicUsize>,
    inboxes: Vec<mpsc::UnboundedSender<std::net::TcpStream>>,
}

/// One worker's place in the [`Balance`].
struct Slot {
    id: usize,
    balance: Arc<Balance>,
    inbox: mpsc::UnboundedReceiver<std::net::TcpStream>,
}

impl Slot {
    /// The stream when this worker serves it; `None` when it was handed to another worker.
    fn place(&self, stream: tokio::net::TcpStream) -> Option<tokio::net::TcpStream> {
        // Fewest open connections; on a tie this worker (it already holds the stream).
        let target = self
            .balance
            .open
            .iter()
            .enumerate()
            .min_by_key(|(i, n)| (n.load(Ordering::Relaxed), *i != self.id))
            .map_or(self.id, |(i, _)| i);
        let Some(inbox) = self
            .balance
            .inboxes
            .get(target)
            .filter(|_| target != self.id)
        else {
            return Some(stream);
        };
        let std_stream = match stream.into_std() {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "connection could not be handed to another worker");
                return None;
            }
        };
        // A worker that already stopped: serve here (or drop it while shutting down).
        match inbox.send(std_stream) {
            Ok(()) => None,
            Err(mpsc::error::SendError(back)) => tokio::net::TcpStream::from_std(back).ok(),
        }
    }

    /// Counts an open connection of this worker until the guard drops.
    fn opened(&self) -> OpenGuard {
        if let Some(n) = self.balance.open.get(self.id) {
            n.fetch_add(1, Ordering::Relaxed);
        }
        OpenGuard {
            balance: Arc::clone(&self.balance),
            id: self.id,
        }
    }
}

struct OpenGuard {
    balance: Arc<Balance>,
    id: usize,
}

impl Drop for OpenGuard {
    fn drop(&mut self) {
        if let Some(n) = self.balance.open.get(self.id) {
            n.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// The next connection handed over by another worker (never, without a [`Slot`]).
async fn handed_over(slot: &mut Option<Slot>) -> Option<std::net::TcpStream> {
    match slot {
        Some(s) => s.inbox.recv().await,
        None => std::future::pending().await,
    }
}

async fn accept_loop(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
    mut slot: Option<Slot>,
) {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(30));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    let _ = stream.set_nodelay(true);
                    match &slot {
                        Some(s) => match s.place(stream) {
                            Some(stream) => stream,
                            None => continue,
                        },
                        None => stream,
                    }
                }
                Err(e) => {
                    // e.g. EMFILE: back off briefly instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            Some(std_stream) = handed_over(&mut slot) => {
                match tokio::net::TcpStream::from_std(std_stream) {
                    Ok(s) => s,
                    Err(e) => {
                        tracing::warn!(error = %e, "handed-over connection could not be registered");
                        continue;
                    }
                }
            },
            () = &mut shutdown => break,
        };
        let st = state.clone();
        let svc = service_fn(move |req| {
            let st = st.clone();
            async move { Ok::<_, Infallible>(service::handle(st, req).await) }
        });
        let conn = builder
            .serve_connection(TokioIo::new(stream), svc)
            .into_owned();
        let conn = graceful.watch(conn);
        let guard = slot.as_ref().map(Slot::opened);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(guard);
        });
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

#[cfg(test)]
mod tests {
    use super::*;

    async fn connected() -> (tokio::net::TcpStream, tokio::net::TcpStream) {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        let (a, b) = tokio::join!(tokio::net::TcpStream::connect(addr), l.accept());
        (a.unwrap(), b.unwrap().0)
    }

    fn slots(open: &[usize]) -> Vec<Slot> {
        let (inboxes, receivers): (Vec<_>, Vec<_>) =
            open.iter().map(|_| mpsc::unbounded_channel()).unzip();
        let balance = Arc::new(Balance {
            open: open.iter().map(|&n| AtomicUsize::new(n)).collect(),
            inboxes,
        });
        receivers
            .into_iter()
            .enumerate()
            .map(|(id, inbox)| Slot {
                id,
                balance: Arc::clone(&balance),
                inbox,
            })
            .collect()
    }

    #[tokio::test]
    async fn a_connection_goes_to_the_worker_with_fewest_open_connections() {
        // Ties stay with the accepting worker.
        let mut s = slots(&[2, 2, 5]);
        let (conn, _peer) = connected().await;
        assert!(s[0].place(conn).is_some());
        assert!(s[1].inbox.try_recv().is_err());

        // Worker 0 accepted while worker 1 has fewer: handed over through 1's inbox, still open.
        let mut s = slots(&[3, 1, 2]);
        let (conn, mut peer) = connected().await;
        assert!(s[0].place(conn).is_none());
        let handed = s[1].inbox.try_recv().unwrap();
        assert!(s[2].inbox.try_recv().is_err());
        let mut handed = tokio::net::TcpStream::from_std(handed).unwrap();
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        peer.write_all(b"ping").await.unwrap();
        let mut buf = [0u8; 4];
        handed.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"ping");

        // A stopped target (inbox closed): served where it was accepted.
        let mut s = slots(&[1, 0]);
        let gone = s.pop().unwrap();
        drop(gone);
        let (conn, _peer) = connected().await;
        assert!(s[0].place(conn).is_some());
    }

    #[tokio::test]
    async fn open_connections_are_counted_until_the_guard_drops() {
        let s = slots(&[0, 0]);
        let g1 = s[1].opened();
        let g2 = s[1].opened();
        assert_eq!(s[0].balance.open[1].load(Ordering::Relaxed), 2);
        drop(g1);
        drop(g2);
        assert_eq!(s[0].balance.open[1].load(Ordering::Relaxed), 0);
        assert_eq!(s[0].balance.open[0].load(Ordering::Relaxed), 0);
    }
}
