//! Logs and metrics, content-free by construction.
//!
//! Owns: the JSON log setup, metric names and label sets (registered once at start-up), and the
//! one summary line per request. Never: logs or labels bodies, keys, URLs with query strings or
//! model output; only ids, names from the config, endpoint labels, statuses, sizes and timings.
//! Called by: `main` (init), `server` (record per request, `/metrics`).

use std::sync::{PoisonError, RwLock};

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::server::context::RequestContext;

/// Installs the JSON log subscriber (level from `RUST_LOG`, default `info`). Lines go through
/// `tracing-appender`'s non-blocking writer to a dedicated thread that writes stderr, so no
/// runtime worker blocks in `write(2)` on a slow pipe or terminal (before: one blocking stderr
/// write per request on a worker, see bench/results/2026-11-23.md). Policy: never lossy; the
/// queue holds [`LOG_QUEUE_LINES`] lines, and when the thread is that far behind a logging
/// task waits for room (bounded memory). Keep the returned guard alive until exit: dropping
/// it flushes the lines still queued.
pub fn init_logging() -> tracing_appender::non_blocking::WorkerGuard {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .thread_name("promptwall-log")
        .finish(std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(false)
        .with_target(false)
        .with_writer(writer)
        .try_init();
    guard
}

/// Lines queued for the log thread before a logging task waits for it (backpressure).
const LOG_QUEUE_LINES: usize = 16 * 1024;

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
struct FindingLabels {
    entity: String,
    action: String,
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

/// The handles one (provider, endpoint) pair records into, looked up once and then reused:
/// a request finds them by comparing two short strings under a read lock, instead of building
/// owned label sets (three allocations) and hashing them into four families.
#[derive(Debug)]
struct RouteHandles {
    provider: String,
    endpoint: &'static str,
    latency: Histogram,
    bytes_in: Counter,
    bytes_out: Counter,
    /// `requests` counters by status (few distinct statuses per route).
    by_status: Vec<(u16, Counter)>,
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
    findings: Family<FindingLabels, Counter>,
    /// Label values are config names, endpoint labels and statuses: bounded.
    routes: RwLock<Vec<RouteHandles>>,
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
        let findings = Family::<FindingLabels, Counter>::default();
        registry.register(
            "findings",
            "Detected values in requests by entity and the policy action applied (counts only)",
            findings.clone(),
        );
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
            findings,
            routes: RwLock::new(Vec::new()),
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
        for (entity, action, n) in &cx.findings {
            self.findings
                .get_or_create(&FindingLabels {
                    entity: entity.clone(),
                    action: (*action).to_string(),
                })
                .inc_by(*n);
        }
        let provider = cx.provider.as_deref().unwrap_or("-");
        let endpoint = cx.endpoint.map(|e| e.label()).unwrap_or("-");
        let elapsed = cx.started.elapsed().as_secs_f64();
        {
            let routes = self.routes.read().unwrap_or_else(PoisonError::into_inner);
            let hit = routes
                .iter()
                .find(|r| r.endpoint == endpoint && r.provider == provider)
                .and_then(|r| {
                    let c = r.by_status.iter().find(|(s, _)| *s == cx.status)?;
                    Some((r, &c.1))
                });
            if let Some((r, requests)) = hit {
                requests.inc();
                r.latency.observe(elapsed);
                r.bytes_in.inc_by(cx.bytes_in);
                r.bytes_out.inc_by(cx.bytes_out);
                return;
            }
        }
        // First request of this route/status: register the handles (same families, same
        // labels as before), then record.
        let mut routes = self.routes.write().unwrap_or_else(PoisonError::into_inner);
        let idx = match routes
            .iter()
            .position(|r| r.endpoint == endpoint && r.provider == provider)
        {
            Some(i) => i,
            None => {
                let labels = ProviderLabels {
                    provider: provider.to_string(),
                };
                routes.push(RouteHandles {
                    provider: provider.to_string(),
                    endpoint,
                    latency: self.latency.get_or_create_owned(&LatencyLabels {
                        provider: provider.to_string(),
                        endpoint: endpoint.to_string(),
                    }),
                    bytes_in: self.bytes_in.get_or_create_owned(&labels),
                    bytes_out: self.bytes_out.get_or_create_owned(&labels),
                    by_status: Vec::new(),
                });
                routes.len() - 1
            }
        };
        let Some(r) = routes.get_mut(idx) else {
            return;
        };
        let requests = match r.by_status.iter().find(|(s, _)| *s == cx.status) {
            Some((_, c)) => c.clone(),
            None => {
                let c = self.requests.get_or_create_owned(&RequestLabels {
                    provider: provider.to_string(),
                    endpoint: endpoint.to_string(),
                    status: cx.status,
                });
                r.by_status.push((cx.status, c.clone()));
                c
            }
        };
        requests.inc();
        r.latency.observe(elapsed);
        r.bytes_in.inc_by(cx.bytes_in);
        r.bytes_out.inc_by(cx.bytes_out);
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
        sanitized = cx.sanitized.as_deref().unwrap_or("-"),
        "request"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::Endpoint;

    fn cx(
        provider: Option<&str>,
        endpoint: Option<Endpoint>,
        status: u16,
        n: u64,
    ) -> RequestContext {
        let mut c = RequestContext::new("pw-test".into());
        c.provider = provider.map(str::to_string);
        c.endpoint = endpoint;
        c.status = status;
        c.bytes_in = n;
        c.bytes_out = 2 * n;
        c
    }

    #[test]
    fn cached_handles_count_per_provider_endpoint_and_status() {
        let m = Metrics::new();
        for _ in 0..3 {
            m.record(&cx(Some("a"), Some(Endpoint::OpenAiChat), 200, 10));
        }
        m.record(&cx(Some("a"), Some(Endpoint::OpenAiChat), 429, 1));
        m.record(&cx(Some("a"), Some(Endpoint::OpenAiEmbeddings), 200, 5));
        m.record(&cx(Some("b"), Some(Endpoint::OpenAiChat), 200, 7));
        m.record(&cx(None, None, 404, 0));
        let text = m.encode();
        for line in [
            r#"promptwall_requests_total{provider="a",endpoint="chat_completions",status="200"} 3"#,
            r#"promptwall_requests_total{provider="a",endpoint="chat_completions",status="429"} 1"#,
            r#"promptwall_requests_total{provider="a",endpoint="embeddings",status="200"} 1"#,
            r#"promptwall_requests_total{provider="b",endpoint="chat_completions",status="200"} 1"#,
            r#"promptwall_requests_total{provider="-",endpoint="-",status="404"} 1"#,
            r#"promptwall_request_bytes_total{provider="a"} 36"#,
            r#"promptwall_response_bytes_total{provider="a"} 72"#,
            r#"promptwall_request_bytes_total{provider="b"} 7"#,
            r#"promptwall_request_duration_seconds_count{provider="a",endpoint="chat_completions"} 4"#,
            r#"promptwall_request_duration_seconds_count{provider="b",endpoint="chat_completions"} 1"#,
        ] {
            assert!(text.contains(line), "missing {line}\n{text}");
        }
    }
}
