//! Logs and metrics, content-free by construction.
//!
//! Owns: the JSON log setup, metric names and label sets (registered once at start-up), and the
//! one summary line per request. Never: logs or labels bodies, keys, URLs with query strings or
//! model output; only ids, names from the config, endpoint labels, statuses, sizes and timings.
//! Called by: `main` (init), `server` (record per request, `/metrics`).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::server::context::RequestContext;

/// Installs the JSON log subscriber (level from `RUST_LOG`, default `info`).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(false)
        .with_target(false)
        .with_writer(std::io::stderr)
        .try_init();
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    provider: String,
    endpoint: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LatencyLabels {
    provider: String,
    endpoint: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ErrorLabels {
    provider: String,
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ProviderLabels {
    provider: String,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 0.5 ms .. ~16 s
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

/// Process-wide metrics; handles registered once.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: HistogramFamily<LatencyLabels>,
    upstream_errors: Family<ErrorLabels, Counter>,
    bytes_in: Family<ProviderLabels, Counter>,
    bytes_out: Family<ProviderLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("promptwall");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = HistogramFamily::<LatencyLabels>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let upstream_errors = Family::<ErrorLabels, Counter>::default();
        let bytes_in = Family::<ProviderLabels, Counter>::default();
        let bytes_out = Family::<ProviderLabels, Counter>::default();
        registry.register(
            "requests",
            "Requests by provider, endpoint and status",
            requests.clone(),
        );
        registry.register(
            "request_duration_seconds",
            "Time from request start to the end of the response body",
            latency.clone(),
        );
        registry.register(
            "upstream_errors",
            "Upstream failures by kind (connect, timeout, body)",
            upstream_errors.clone(),
        );
        registry.register(
            "request_bytes",
            "Request body bytes received from clients",
            bytes_in.clone(),
        );
        registry.register(
            "response_bytes",
            "Response body bytes sent to clients",
            bytes_out.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            upstream_errors,
            bytes_in,
            bytes_out,
        }
    }

    /// Counts an upstream failure of `kind` (a static label).
    pub fn upstream_error(&self, provider: &str, kind: &'static str) {
        self.upstream_errors
            .get_or_create(&ErrorLabels {
                provider: provider.to_string(),
                kind: kind.to_string(),
            })
            .inc();
    }

    /// Records a finished request (called once, from the request's finaliser).
    pub fn record(&self, cx: &RequestContext) {
        let provider = cx.provider.as_deref().unwrap_or("-").to_string();
        let endpoint = cx.endpoint.map(|e| e.label()).unwrap_or("-").to_string();
        self.requests
            .get_or_create(&RequestLabels {
                provider: provider.clone(),
                endpoint: endpoint.clone(),
                status: cx.status,
            })
            .inc();
        self.latency
            .get_or_create(&LatencyLabels {
                provider: provider.clone(),
                endpoint,
            })
            .observe(cx.started.elapsed().as_secs_f64());
        let labels = ProviderLabels { provider };
        self.bytes_in.get_or_create(&labels).inc_by(cx.bytes_in);
        self.bytes_out.get_or_create(&labels).inc_by(cx.bytes_out);
    }

    /// Prometheus text exposition.
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(4096);
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// The one summary line per request. Never bodies, keys or query strings.
pub fn log_summary(cx: &RequestContext) {
    let latency_ms = cx.started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(
        request_id = %cx.request_id,
        tenant = cx.tenant.as_deref().unwrap_or("-"),
        provider = cx.provider.as_deref().unwrap_or("-"),
        endpoint = cx.endpoint.map(|e| e.label()).unwrap_or("-"),
        model = cx.model.as_deref().unwrap_or("-"),
        stream = cx.stream,
        status = cx.status,
        error = cx.error.unwrap_or("-"),
        latency_ms = latency_ms,
        first_byte_ms = cx.first_byte.map(|d| d.as_secs_f64() * 1000.0),
        bytes_in = cx.bytes_in,
        bytes_out = cx.bytes_out,
        "request"
    );
}
