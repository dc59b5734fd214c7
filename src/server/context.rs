//! Per-request state threaded through every pipeline step (pingora's `CTX`).
//!
//! Owns: ids, who/what/where, timings and counters of one request. Never: holds bodies, keys or
//! any request content; `model` is a config-comparable name, truncated. Called by: `service`
//! (fills it), `telemetry` (reads it once at the end). The future ledger record is built from it.

use std::time::{Duration, Instant};

use crate::providers::Endpoint;

/// Longest model name kept for logs/metrics (client-controlled input).
const MAX_MODEL_LEN: usize = 128;

#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub started: Instant,
    pub tenant: Option<String>,
    pub provider: Option<String>,
    pub endpoint: Option<Endpoint>,
    pub model: Option<String>,
    pub stream: bool,
    /// Status sent to the client (0 until decided).
    pub status: u16,
    /// Low-cardinality error label when the request failed.
    pub error: Option<&'static str>,
    /// Time until upstream (or echo) response headers.
    pub first_byte: Option<Duration>,
    pub bytes_in: u64,
    pub bytes_out: u64,
}

impl RequestContext {
    pub fn new(request_id: String) -> Self {
        Self {
            request_id,
            started: Instant::now(),
            tenant: None,
            provider: None,
            endpoint: None,
            model: None,
            stream: false,
            status: 0,
            error: None,
            first_byte: None,
            bytes_in: 0,
            bytes_out: 0,
        }
    }

    /// Records the model name, truncated on a char boundary.
    pub fn set_model(&mut self, model: &str) {
        let mut end = model.len().min(MAX_MODEL_LEN);
        while !model.is_char_boundary(end) {
            end -= 1;
        }
        self.model = Some(model.get(..end).unwrap_or("").to_string());
    }
}

impl RequestContext {
    /// Moves the context out (to the response finaliser), leaving an empty one behind.
    pub fn take(&mut self) -> Self {
        std::mem::replace(self, RequestContext::new(String::new()))
    }
}
