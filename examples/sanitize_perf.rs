//! Request-stage driver: times the proxy's sanitize stage (parse, walk + detect + policy +
//! vault, restoration table, re-encode) on one body in-process, warm and with the CPU caches
//! evicted between calls, the way a proxy meets a request that arrives after other work.
//!
//! Owns: the timing loop and the cache eviction (touching a buffer larger than the last-level
//! cache between calls). Never: serves or forwards anything.
//! Called by: developers.
//!
//! ```text
//! cargo run --release --example sanitize_perf -- CONFIG BODY [N] [EVICT_MB] [warm|cold|idle|spin]
//! #   CONFIG: a promptwall config with one tenant and one provider (bench/common.sh writes one)
//! #   BODY:   a chat-completions body (bench/bodies.py writes them)
//! #   N:      calls per mode (default 2000); EVICT_MB: eviction buffer (default 64); a last
//! #           argument runs one mode only (for callgrind --cache-sim=yes)
//! ```
//! Prints p50/p90 in µs per stage for `warm` (back-to-back calls), `cold` (eviction first),
//! `idle` (a 5 ms sleep first: the thread parks, the CPU may halt) and `spin` (the same 5 ms
//! spent busy-waiting: no halt, so `idle` minus `spin` is the cost of waking a halted CPU).

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use promptwall::providers::Endpoint;
use promptwall::server::context::RequestContext;
use promptwall::server::{PolicySanitizer, RequestSanitizer, SanitizeInput};
use serde_json::Value;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: sanitize_perf CONFIG BODY [N] [EVICT_MB]");
        std::process::exit(2);
    }
    let settings = match promptwall::config::load(Path::new(&args[1])) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("config: {e}");
            std::process::exit(2);
        }
    };
    let body = match std::fs::read(&args[2]) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("body: {e}");
            std::process::exit(2);
        }
    };
    let n: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let evict_mb: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(64);
    let sanitizer = PolicySanitizer::new(Arc::clone(&settings));
    let cx = RequestContext::new("perf".into());
    let input = SanitizeInput {
        cx: &cx,
        endpoint: Endpoint::OpenAiChat,
        tenant: 0,
        provider: 0,
    };
    let mut evict = vec![0u8; evict_mb << 20];
    let mut sink = 0u64;
    let only = args.get(5).map(String::as_str);
    for mode in ["warm", "cold", "idle", "spin"] {
        if only.is_some_and(|m| m != mode) {
            continue;
        }
        // parse, sanitize, encode, total
        let mut t: [Vec<u32>; 4] = Default::default();
        for i in 0..n + 50 {
            if mode == "idle" {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            if mode == "spin" {
                // The same 5 ms, busy: the CPU never halts (tells the cost of halting apart
                // from the cost of our code's cache footprint).
                let until = std::time::Instant::now() + std::time::Duration::from_millis(5);
                while std::time::Instant::now() < until {
                    std::hint::spin_loop();
                }
            }
            if mode == "cold" {
                for (j, b) in evict.iter_mut().enumerate().step_by(64) {
                    *b = b.wrapping_add(j as u8);
                }
            }
            let times = if i < 50 {
                warmup_call(&sanitizer, &input, &body)
            } else {
                measured_call(&sanitizer, &input, &body)
            };
            sink = sink.wrapping_add(u64::from(times[3]));
            if i >= 50 {
                for (v, x) in t.iter_mut().zip(times) {
                    v.push(x);
                }
            }
        }
        let mut line = format!("{mode}:");
        for (name, v) in ["parse", "sanitize", "encode", "total"]
            .iter()
            .zip(t.iter_mut())
        {
            v.sort_unstable();
            let p = |q: f64| v.get((v.len() as f64 * q) as usize).copied().unwrap_or(0);
            line.push_str(&format!(" {name} p50={} p90={}", p(0.5), p(0.9)));
        }
        println!("{line} (µs, {n} calls)");
    }
    std::hint::black_box(sink);
    std::hint::black_box(&evict);
}

/// The calls before measuring (lazy tables, pools): a function of their own so that
/// `callgrind --toggle-collect='*measured_call*'` leaves them out.
#[inline(never)]
fn warmup_call(s: &PolicySanitizer, input: &SanitizeInput<'_>, body: &[u8]) -> [u32; 4] {
    // (differs from `measured_call`, or the linker folds the two into one symbol)
    std::hint::black_box(0u8);
    call(s, input, body)
}

#[inline(never)]
fn measured_call(s: &PolicySanitizer, input: &SanitizeInput<'_>, body: &[u8]) -> [u32; 4] {
    std::hint::black_box(1u8);
    call(s, input, body)
}

/// One request's stage: parse, sanitize, encode. Returns µs for each and the total.
#[inline(always)]
fn call(s: &PolicySanitizer, input: &SanitizeInput<'_>, body: &[u8]) -> [u32; 4] {
    let t0 = Instant::now();
    let Ok(mut v) = serde_json::from_slice::<Value>(body) else {
        eprintln!("body is not JSON");
        std::process::exit(2);
    };
    let t1 = Instant::now();
    let out = match s.sanitize_for(input, &mut v) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("refused: {}", e.message);
            std::process::exit(1);
        }
    };
    let t2 = Instant::now();
    let enc = serde_json::to_vec(&v).map(|b| b.len()).unwrap_or(0);
    let t3 = Instant::now();
    std::hint::black_box((enc, out.changed));
    let us = |a: Instant, b: Instant| b.duration_since(a).as_micros() as u32;
    [us(t0, t1), us(t1, t2), us(t2, t3), us(t0, t3)]
}
