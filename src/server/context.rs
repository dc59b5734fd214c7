//! Per-request state threaded through every pipeline step (pingora's `CTX`).
//!
//! Owns: ids, who/what/where, timings and counters of one request. Never: holds bodies, keys or
//! any request content; `model` is a config-comparable name, truncated. Called by: `service`
//! (fills it), `telemetry` (reads it once at the end). The future ledger record is built from it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
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
    /// `x-promptwall-sanitized` summary (counts only, never values).
    pub sanitized: Option<String>,
    /// Findings per (entity, action) in the request (counts only, never values).
    pub findings: Vec<(String, &'static str, u64)>,
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
            sanitized: None,
            findings: Vec::new(),
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

/// Per-process request-id state: 128 random bits drawn once (one `getrandom`), and a counter.
struct IdState {
    prefix: u64,
    key: u64,
    next: AtomicU64,
}

static IDS: OnceLock<IdState> = OnceLock::new();

/// SplitMix64's finaliser: a bijection on `u64`, so distinct counters give distinct ids.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A new request id, `pw-` + 32 lowercase hex digits (the shape of the former uuid v4 ids).
///
/// The first 64 bits are random per process (replicas and restarts differ), the last 64 are a
/// bijective mix of a per-process counter: unique within the process for 2^64 requests,
/// without a syscall per request (uuid v4 cost one `getrandom` each; see
/// bench/results/2026-11-23-session2.md). Ids are correlation handles, not secrets: they need
/// not be unpredictable.
pub fn new_request_id() -> String {
    let st = IDS.get_or_init(|| {
        let r = uuid::Uuid::new_v4().as_u128();
        IdState {
            prefix: (r >> 64) as u64,
            key: r as u64,
            next: AtomicU64::new(0),
        }
    });
    let n = st.next.fetch_add(1, Ordering::Relaxed);
    let lo = mix64(n ^ st.key);
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(35);
    out.push_str("pw-");
    for word in [st.prefix, lo] {
        for i in (0..16).rev() {
            out.push(char::from(HEX[((word >> (i * 4)) & 0xf) as usize]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_unique_and_shaped_like_before() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..10_000 {
            let id = new_request_id();
            assert_eq!(id.len(), 35);
            assert!(id.starts_with("pw-"));
            assert!(id[3..]
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
            assert!(seen.insert(id));
        }
    }
}
