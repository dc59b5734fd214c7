//! An open-loop HTTP/1.1 load generator for latency runs (`bench/load.sh`).
//!
//! Owns: sending `POST` requests of one body file at a fixed total rate, spread evenly over time
//! (request `i` is due at `start + i / rate`, round-robin over `--conns` keep-alive
//! connections), checking every status is 200, and printing latency percentiles in
//! microseconds: time to the first body byte and to the last body byte. Never: bursts (unlike
//! `hey -q`, whose workers fire on the same tick), retries, or reads the body beyond timing it.
//! Called by: `bench/load.sh` (`target/release/examples/loadgen --url ... --body FILE`).
//!
//! Coordinated omission: when a connection is still busy with its previous request at the due
//! time of the next one, that request's latency is measured from its due time (the wait is the
//! server's fault); when the connection was idle, from the moment it is actually written (the
//! generator's own timer slack is not counted). `late` counts requests sent more than 2 ms after
//! their due time for either reason (tokio's timer has 1 ms resolution, so up to ~1 ms of slack
//! is normal and keeps the spacing even).
//!
//! Output (one line, `key=value`, stdout):
//! `requests=N late=N first_p50=.. first_p90=.. first_p99=.. first_max=.. last_p50=.. ... last_max=..`

use std::path::PathBuf;
use std::time::{Duration, Instant};

use bytes::Bytes;
use clap::Parser;
use http::{HeaderName, HeaderValue, Method, Request, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

#[derive(Debug, Parser)]
#[command(about = "open-loop HTTP/1.1 POST load generator (latency in microseconds)")]
struct Args {
    /// Target URL (http only).
    #[arg(long)]
    url: String,
    /// Request body file.
    #[arg(long)]
    body: PathBuf,
    /// Extra request header `Name: value` (repeatable).
    #[arg(short = 'H', long = "header")]
    headers: Vec<String>,
    /// Total requests per second, spread evenly.
    #[arg(long, default_value_t = 200.0)]
    rate: f64,
    /// Measured seconds.
    #[arg(long, default_value_t = 10.0)]
    secs: f64,
    /// Warm-up seconds at the same rate (not measured).
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Keep-alive connections (request i goes to connection i mod conns).
    #[arg(long, default_value_t = 4)]
    conns: usize,
    /// Also write every measured request to this file, one line each: due time since the
    /// measured start, connection, first byte and last byte (all µs), late flag.
    #[arg(long)]
    dump: Option<PathBuf>,
}

#[derive(Debug)]
enum Failure {
    Status(u16),
    Io(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Status(s) => write!(f, "status {s}"),
            Failure::Io(e) => write!(f, "transport error: {e}"),
        }
    }
}

/// One measured request.
struct Sample {
    /// Microseconds to the first and to the last body byte.
    first: u32,
    last: u32,
    /// Sent more than 2 ms after its due time.
    late: bool,
    /// Due time since the measured start (µs), and the connection that carried it.
    due_us: u64,
    conn: usize,
}

struct Target {
    uri: Uri,
    authority: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
}

async fn one_connection(
    target: &Target,
    start: Instant,
    warm_until: Instant,
    end: Instant,
    first: u64,
    step: u64,
    interval: Duration,
) -> Result<Vec<Sample>, Failure> {
    let stream = TcpStream::connect(&target.authority)
        .await
        .map_err(|e| Failure::Io(e.to_string()))?;
    stream
        .set_nodelay(true)
        .map_err(|e| Failure::Io(e.to_string()))?;
    let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| Failure::Io(e.to_string()))?;
    tokio::spawn(conn);
    let mut samples = Vec::new();
    let mut i = first;
    let mut busy_until = start;
    loop {
        let due = start + interval.mul_f64(i as f64);
        if due >= end {
            break;
        }
        tokio::time::sleep_until(due.into()).await;
        send.ready().await.map_err(|e| Failure::Io(e.to_string()))?;
        let sent = Instant::now();
        // Busy past the due time: the wait counts. Idle: only our timer slack, which does not.
        let t0 = if busy_until > due { due } else { sent };
        let late = sent.duration_since(due) > Duration::from_millis(2);
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(target.uri.clone())
            .header(http::header::HOST, target.authority.as_str());
        for (k, v) in &target.headers {
            req = req.header(k, v);
        }
        let req = req
            .body(Full::new(target.body.clone()))
            .map_err(|e| Failure::Io(e.to_string()))?;
        let resp = send
            .send_request(req)
            .await
            .map_err(|e| Failure::Io(e.to_string()))?;
        if resp.status() != http::StatusCode::OK {
            return Err(Failure::Status(resp.status().as_u16()));
        }
        let mut body = resp.into_body();
        let mut first_byte = None;
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| Failure::Io(e.to_string()))?;
            if first_byte.is_none() && frame.data_ref().is_some_and(|d| !d.is_empty()) {
                first_byte = Some(Instant::now());
            }
        }
        let done = Instant::now();
        busy_until = done;
        if due >= warm_until {
            let us = |t: Instant| t.duration_since(t0).as_micros().min(u32::MAX as u128) as u32;
            samples.push(Sample {
                first: us(first_byte.unwrap_or(done)),
                last: us(done),
                late,
                due_us: due.duration_since(warm_until).as_micros() as u64,
                conn: (first % step) as usize,
            });
        }
        i += step;
    }
    Ok(samples)
}

fn pct(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    // Nearest rank.
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn parse_target(args: &Args) -> Result<Target, String> {
    let uri: Uri = args.url.parse().map_err(|e| format!("--url: {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err("--url must be http://".into());
    }
    let host = uri.host().ok_or("--url has no host")?;
    let port = uri.port_u16().unwrap_or(80);
    let authority = format!("{host}:{port}");
    let path = uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    let uri: Uri = path.parse().map_err(|e| format!("--url path: {e}"))?;
    let mut headers = Vec::new();
    for h in &args.headers {
        let (k, v) = h
            .split_once(':')
            .ok_or_else(|| format!("bad header {h:?}"))?;
        let k = HeaderName::from_bytes(k.trim().as_bytes()).map_err(|e| format!("{h:?}: {e}"))?;
        let v = HeaderValue::from_str(v.trim()).map_err(|e| format!("{h:?}: {e}"))?;
        headers.push((k, v));
    }
    let body = std::fs::read(&args.body).map_err(|e| format!("--body: {e}"))?;
    Ok(Target {
        uri,
        authority,
        headers,
        body: Bytes::from(body),
    })
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let target = match parse_target(&args) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("loadgen: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    if args.rate <= 0.0 || args.conns == 0 {
        eprintln!("loadgen: --rate and --conns must be positive");
        return std::process::ExitCode::from(2);
    }
    // One thread: the generator should take as little of the shared cores as possible.
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("loadgen: runtime: {e}");
            return std::process::ExitCode::from(1);
        }
    };
    let target = std::sync::Arc::new(target);
    let result = rt.block_on(async {
        let interval = Duration::from_secs_f64(1.0 / args.rate);
        let start = Instant::now() + Duration::from_millis(50);
        let warm_until = start + Duration::from_secs_f64(args.warmup);
        let end = warm_until + Duration::from_secs_f64(args.secs);
        let mut tasks = Vec::new();
        for c in 0..args.conns {
            let t = target.clone();
            let step = args.conns as u64;
            tasks.push(tokio::spawn(async move {
                one_connection(&t, start, warm_until, end, c as u64, step, interval).await
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            match t.await {
                Ok(Ok(s)) => all.extend(s),
                Ok(Err(e)) => return Err(e),
                Err(e) => return Err(Failure::Io(e.to_string())),
            }
        }
        Ok(all)
    });
    let samples = match result {
        Ok(s) => s,
        Err(e) => {
            eprintln!("loadgen: {e}");
            return std::process::ExitCode::from(1);
        }
    };
    if let Some(path) = &args.dump {
        let mut sorted: Vec<&Sample> = samples.iter().collect();
        sorted.sort_unstable_by_key(|s| s.due_us);
        let text: String = sorted
            .iter()
            .map(|s| {
                let late = u8::from(s.late);
                format!("{} {} {} {} {late}\n", s.due_us, s.conn, s.first, s.last)
            })
            .collect();
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("loadgen: --dump: {e}");
            return std::process::ExitCode::from(1);
        }
    }
    let late = samples.iter().filter(|s| s.late).count();
    let mut first: Vec<u32> = samples.iter().map(|s| s.first).collect();
    let mut last: Vec<u32> = samples.iter().map(|s| s.last).collect();
    first.sort_unstable();
    last.sort_unstable();
    let mut line = format!("requests={} late={late}", samples.len());
    for (name, v) in [("first", &first), ("last", &last)] {
        for p in [50.0, 90.0, 99.0] {
            line.push_str(&format!(" {name}_p{}={}", p as u32, pct(v, p)));
        }
        line.push_str(&format!(" {name}_max={}", v.last().copied().unwrap_or(0)));
    }
    println!("{line}");
    std::process::ExitCode::SUCCESS
}
