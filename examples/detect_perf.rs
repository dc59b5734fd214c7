//! Detection throughput driver: scans deterministic clean and mixed corpora with the whole
//! built-in catalogue, for wall-clock MB/s and for instruction counts under callgrind.
//!
//! Owns: the corpus generators (prose in EN/DE, nginx and app logs, JSON logs, Prometheus
//! metrics, k8s manifests, JSON configs, stack traces, chat prompts; the mixed corpus adds
//! about one finding per KiB of various kinds) and a findings fingerprint to prove that an
//! optimisation changed nothing that is detected.
//! Never: reads files or the network; everything is generated from a fixed seed.
//! Called by: developers.
//!
//! ```text
//! cargo run --release --example detect_perf -- all 20          # MB/s (wall clock)
//! cargo run --release --example detect_perf -- fingerprint     # findings per entity + hash
//! cargo run --release --example detect_perf -- literals        # automaton size, busiest literals
//! cargo run --release --example detect_perf -- sentences       # µs per scan of one sentence
//! cargo run --release --example detect_perf -- pieces 20 FILE   # FILE scanned whole and as 20
//!                                                               # stream events, both engines
//! valgrind --tool=callgrind --toggle-collect='*detect_perf*scan_corpus*' \
//!     target/release/examples/detect_perf clean 1              # instructions per byte
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;

use promptwall::detect::{Engine, Finding, Scratch, Trigger};

/// Deterministic xorshift64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs.get(self.below(xs.len() as u64) as usize)
            .copied()
            .unwrap_or("")
    }
    fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b"0123456789abcdef"[self.below(16) as usize]))
            .collect()
    }
}

const EN: &[&str] = &[
    "The quarterly report shows revenue grew by twelve percent while costs stayed flat.",
    "Our team shipped the new onboarding flow and fixed the login redirect bug.",
    "Next quarter we focus on reliability, documentation and the migration to the new cluster.",
    "Please review the pull request before Friday so we can cut the release on Monday.",
    "The incident started after the deploy and was mitigated by rolling back the config change.",
    "Customers reported slow page loads in the afternoon, mostly on mobile networks.",
    "We agreed to keep the old endpoint for two more sprints and to announce the deprecation.",
    "The design document covers caching, retries with backoff and how we shard the queue.",
    "Can you summarize the main risks in this plan and suggest what we should test first?",
    "Write a short summary of the meeting notes below for the weekly newsletter.",
    "Translate the following paragraph into German and keep the technical terms in English.",
    "The committee will meet again in spring to discuss the budget and the hiring plan.",
    "Most of the latency comes from the database, not from the application servers.",
    "He said the street was closed for the marathon, so the delivery arrived late.",
    "She was born to lead, and the whole team followed her through the reorganisation.",
    "The passport office moved to a new building, which confused a lot of visitors.",
    "Thanks for the quick turnaround on the review; the changes look good to me.",
    "In 2023 the project had 14 contributors, 3 of them working on it full time.",
    "Version 2 of the API adds pagination, filtering and a bulk export endpoint.",
    "We measured a p99 latency of 250 ms under a load of 1200 requests per second.",
    "The library compiles the patterns once at start-up and shares them across threads.",
    "If the upstream is unavailable, the proxy fails closed and returns a clear error.",
    "Explain the difference between a mutex and a read-write lock with a small example.",
    "Our roadmap for next year includes better search, offline mode and accessibility fixes.",
];

const DE: &[&str] = &[
    "Der Bericht zeigt, dass der Umsatz im letzten Quartal um zwölf Prozent gestiegen ist.",
    "Bitte prüfen Sie die Änderungen bis Freitag, damit wir am Montag veröffentlichen können.",
    "Die Störung begann nach dem Deployment und wurde durch ein Rollback behoben.",
    "Wir konzentrieren uns im nächsten Quartal auf Zuverlässigkeit und Dokumentation.",
    "Die meisten Verzögerungen entstehen in der Datenbank und nicht im Anwendungsserver.",
    "Das Team hat die neue Anmeldung ausgeliefert und mehrere Fehler im Export behoben.",
    "Fassen Sie die wichtigsten Risiken zusammen und schlagen Sie die nächsten Schritte vor.",
    "Die Besprechung wurde auf nächste Woche verschoben, weil zwei Kollegen krank sind.",
    "Im Jahr 2022 hatten wir 8 Mitarbeiter im Support und 5 in der Entwicklung.",
    "Übersetzen Sie den folgenden Absatz ins Englische und behalten Sie die Fachbegriffe bei.",
];

const PATHS: &[&str] = &[
    "/api/v1/orders",
    "/api/v1/items",
    "/api/v2/users/me",
    "/static/js/app.min.js",
    "/healthz",
    "/metrics",
    "/api/v1/search?q=shoes&page=2",
    "/assets/img/logo@2x.png",
];
const UAS: &[&str] = &[
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "curl/8.4.0",
    "Go-http-client/1.1",
    "kube-probe/1.28",
    "python-requests/2.31.0",
];
const MONTHS: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn private_ip(r: &mut Rng) -> String {
    match r.below(3) {
        0 => format!("10.{}.{}.{}", r.below(256), r.below(256), r.range(1, 254)),
        1 => format!("192.168.{}.{}", r.below(256), r.range(1, 254)),
        _ => format!(
            "172.{}.{}.{}",
            r.range(16, 31),
            r.below(256),
            r.range(1, 254)
        ),
    }
}

fn prose(r: &mut Rng, out: &mut String, pool: &[&str]) {
    for _ in 0..r.range(3, 6) {
        out.push_str(r.pick(pool));
        out.push(' ');
    }
    out.push_str("\n\n");
}

fn nginx(r: &mut Rng, out: &mut String) {
    for _ in 0..r.range(5, 15) {
        let _ = writeln!(
            out,
            "{} - - [{:02}/{}/2024:{:02}:{:02}:{:02} +0000] \"{} {}/{} HTTP/1.1\" {} {} \"-\" \"{}\" rt={}.{:03} urt=\"{}.{:03}\"",
            private_ip(r),
            r.range(1, 28),
            r.pick(MONTHS),
            r.below(24),
            r.below(60),
            r.below(60),
            r.pick(&["GET", "GET", "POST", "PUT"]),
            r.pick(PATHS),
            r.range(1, 9_999_999),
            r.pick(&["200", "200", "200", "201", "304", "404", "502"]),
            r.range(0, 250_000),
            r.pick(UAS),
            r.below(3),
            r.below(1000),
            r.below(3),
            r.below(1000),
        );
    }
}

fn applog(r: &mut Rng, out: &mut String) {
    for _ in 0..r.range(5, 15) {
        let ts = format!(
            "2024-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            r.range(1, 12),
            r.range(1, 28),
            r.below(24),
            r.below(60),
            r.below(60),
            r.below(1000)
        );
        match r.below(5) {
            0 => {
                let _ = writeln!(
                    out,
                    "{ts} INFO  [worker-{}] c.e.orders.OrderService - processed order {} items={} total_cents={} in {} ms trace_id={} span_id={}",
                    r.below(16),
                    r.range(100_000, 99_999_999),
                    r.range(1, 20),
                    r.range(100, 500_000),
                    r.range(1, 900),
                    r.hex(32),
                    r.hex(16)
                );
            }
            1 => {
                let _ = writeln!(
                    out,
                    "{{\"ts\":\"{ts}\",\"level\":\"info\",\"msg\":\"request completed\",\"status\":200,\"duration_ms\":{}.{},\"bytes\":{},\"path\":\"{}/{}\",\"pid\":{},\"remote\":\"{}:{}\"}}",
                    r.below(500),
                    r.below(10),
                    r.range(100, 3_000_000),
                    r.pick(PATHS),
                    r.range(1, 999_999),
                    r.range(100, 65_000),
                    private_ip(r),
                    r.range(1024, 65_535)
                );
            }
            2 => {
                let _ = writeln!(
                    out,
                    "{ts} WARN  [pool-{}-thread-{}] o.h.engine.jdbc.spi.SqlExceptionHelper - SQL Error: {}, SQLState: {} (retry {}/{} after {} ms)",
                    r.range(1, 4),
                    r.range(1, 64),
                    r.range(0, 9999),
                    r.range(10_000, 99_999),
                    r.range(1, 5),
                    5,
                    r.range(50, 5000)
                );
            }
            3 => {
                let _ = writeln!(
                    out,
                    "{} {}:{} [{}] level=debug caller=conn.go:{} msg=\"dial ok\" addr={}:{} latency={}.{}ms attempt={} conn_id={}",
                    &ts[..10],
                    &ts[11..19],
                    &ts[20..23],
                    r.range(1000, 99_999),
                    r.range(10, 900),
                    private_ip(r),
                    r.pick(&["5432", "6379", "9092", "8080", "443"]),
                    r.below(100),
                    r.below(1000),
                    r.range(1, 3),
                    r.range(1, 10_000_000)
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "http_requests_total{{method=\"GET\",code=\"200\",pod=\"web-{}-{}\"}} {} {}",
                    r.hex(10),
                    r.hex(5),
                    r.range(0, 100_000_000),
                    1_700_000_000_000 + r.below(100_000_000_000)
                );
            }
        }
    }
}

fn manifest(r: &mut Rng, out: &mut String) {
    let name = r.pick(&["web", "api", "worker", "orders", "billing"]);
    let _ = write!(
        out,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: prod\n  \
         resourceVersion: \"{}\"\n  uid: {}-{}-4{}-a{}-{}\n  labels:\n    app: {name}\n    \
         version: v1.{}.{}\nspec:\n  replicas: {}\n  template:\n    spec:\n      containers:\n      \
         - name: {name}\n        image: registry.internal:5000/{name}:1.{}.{}\n        ports:\n        \
         - containerPort: {}\n        resources:\n          requests:\n            cpu: {}m\n            \
         memory: {}Mi\n          limits:\n            memory: {}Mi\n        env:\n        \
         - name: LOG_LEVEL\n          value: info\n        - name: DB_HOST\n          value: {}\n\
         ---\n",
        r.range(1_000_000, 99_999_999),
        r.hex(8),
        r.hex(4),
        r.hex(3),
        r.hex(3),
        r.hex(12),
        r.below(30),
        r.below(10),
        r.range(1, 6),
        r.below(30),
        r.below(10),
        r.pick(&["8080", "8443", "9090", "3000"]),
        r.range(1, 20) * 50,
        r.range(1, 16) * 64,
        r.range(1, 16) * 128,
        private_ip(r)
    );
}

fn config(r: &mut Rng, out: &mut String) {
    let _ = writeln!(
        out,
        "{{\n  \"server\": {{\"listen\": \"0.0.0.0:{}\", \"timeout_ms\": {}, \"max_body_bytes\": {}}},\n  \
         \"db\": {{\"host\": \"{}\", \"port\": 5432, \"pool\": {}, \"idle_timeout_s\": {}}},\n  \
         \"features\": {{\"search\": true, \"export\": false, \"rollout_percent\": {}}},\n  \
         \"retries\": [100, 200, 400, 800], \"version\": \"2.{}.{}\", \"build\": {}\n}}",
        r.pick(&["8080", "8443", "9000"]),
        r.range(1000, 60_000),
        r.range(1, 64) << 20,
        private_ip(r),
        r.range(4, 64),
        r.range(30, 600),
        r.below(101),
        r.below(40),
        r.below(10),
        r.range(1000, 99_999)
    );
}

fn trace(r: &mut Rng, out: &mut String) {
    if r.below(2) == 0 {
        let _ = writeln!(
            out,
            "java.lang.IllegalStateException: pool exhausted after {} ms\n\
             \tat com.example.orders.OrderService.process(OrderService.java:{})\n\
             \tat com.example.orders.OrderController.create(OrderController.java:{})\n\
             \tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:{})\n\
             \tat java.base/java.lang.Thread.run(Thread.java:{})\n\t... {} more",
            r.range(100, 30_000),
            r.range(10, 900),
            r.range(10, 900),
            r.range(10, 900),
            r.range(700, 1600),
            r.range(5, 80)
        );
    } else {
        let _ = writeln!(
            out,
            "Traceback (most recent call last):\n  File \"/app/service/handlers.py\", line {}, in handle\n    \
             result = await self.store.fetch(order_id, timeout={})\n  File \"/usr/lib/python3.11/asyncio/tasks.py\", line {}, in wait_for\n    \
             raise exceptions.TimeoutError() from exc\nTimeoutError: fetch of order {} took {}.{} s",
            r.range(10, 900),
            r.range(1, 30),
            r.range(100, 600),
            r.range(100_000, 9_999_999),
            r.below(60),
            r.below(1000)
        );
    }
}

/// Values that the catalogue reports (one is inserted about every KiB in the mixed corpus).
const FINDINGS: &[&str] = &[
    "Please email the report to maria.keller@example.org by Friday.",
    "Call me back on +44 20 7946 0958 after lunch.",
    "My card 4111 1111 1111 1111 was charged twice.",
    "IBAN DE89 3704 0044 0532 0130 00 for the refund please.",
    "SSN 536-90-2784 on the form is wrong.",
    "export GITHUB_TOKEN=ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    "DB_PASSWORD=Pa55w0rd!x",
    "DATABASE_URL=postgres://app:Sup3rS3cret@db.example.com:5432/app",
    "Hello, my name is John Smith and I need help with my order.",
    "DOB: 12/03/1985",
    "I live at 42 Baker Street, London NW1 6XE.",
    "Passport No: 123456789",
    "client connected from 81.2.69.142",
    "NIF 123456789, telemóvel 912 345 678",
    "Best regards,\nJennifer Lopez",
    "Authorization: Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJpc3MiOiJrdWJlcm5ldGVzIiwic3ViIjoic3lzdGVtIn0.c2lnbmF0dXJlLXZhbHVlLWhlcmUtMTIzNDU2Nzg5MA",
    "mac 00:1a:2b:3c:4d:5e on port 3",
    "NHS 943 476 5919",
];

/// One piece of the corpus, chosen by weight.
fn piece(r: &mut Rng, out: &mut String) {
    match r.below(20) {
        0..=4 => prose(r, out, EN),
        5..=6 => prose(r, out, DE),
        7..=10 => nginx(r, out),
        11..=14 => applog(r, out),
        15..=16 => manifest(r, out),
        17 => config(r, out),
        _ => trace(r, out),
    }
}

fn corpus(mixed: bool, size: usize) -> String {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = String::with_capacity(size + 4096);
    let mut next_finding = 1024;
    while out.len() < size {
        piece(&mut r, &mut out);
        if mixed {
            while out.len() >= next_finding {
                out.push_str(r.pick(FINDINGS));
                out.push('\n');
                next_finding += 1024;
            }
        }
    }
    out
}

/// Prompt-sized texts (about 16 KiB, cut at line ends).
fn chunks(text: &str) -> Vec<&str> {
    let mut v = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let cut = if rest.len() <= 16 << 10 {
            rest.len()
        } else {
            rest.get(16 << 10..)
                .and_then(|t| t.find('\n'))
                .map_or(rest.len(), |i| (16 << 10) + i + 1)
        };
        let (a, b) = rest.split_at(cut);
        v.push(a);
        rest = b;
    }
    v
}

#[inline(never)]
fn scan_corpus(e: &Engine, texts: &[&str], scratch: &mut Scratch, out: &mut Vec<Finding>) -> usize {
    let mut n = 0;
    for t in texts {
        e.scan_with(t, scratch, out);
        n += out.len();
    }
    n
}

/// Native time of one scan of a one-sentence text (warm caches, scratch reused): what a
/// single value costs, e.g. a phone number's validation.
fn sentences(e: &Engine) {
    promptwall::detect::detectors::pii::warm_up_phone_metadata();
    let texts = [
        "Call me on the phone whenever it is needed, thanks a lot.",
        "Call me on +351 912 345 678 if needed, thanks a lot.",
        "Call me on +44 20 7946 0958 if needed, thanks a lot.",
        "Call me on +1 415 555 2671 if needed, thanks a lot.",
        "Call me on 912 345 678 if needed, thanks a lot again.",
        "Write to maria.silva@acme-corp.io if needed, thanks a lot.",
    ];
    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    for t in texts {
        for _ in 0..2_000 {
            e.scan_with(t, &mut scratch, &mut out);
        }
        let n = 20_000u32;
        let t0 = Instant::now();
        for _ in 0..n {
            e.scan_with(std::hint::black_box(t), &mut scratch, &mut out);
        }
        let ns = t0.elapsed().as_nanos() as f64 / f64::from(n);
        println!("{:>9.2} µs  {} finding(s)  {t}", ns / 1e3, out.len());
    }
}

/// `pieces FILE [N]`: the text of FILE scanned the way a streamed response is (N pieces, each
/// with the 64 bytes before it as context) by the full and by the secrets-only engine, and
/// whole, µs per pass: what response scanning costs per event.
fn pieces(path: &str, n: usize) {
    promptwall::detect::detectors::pii::warm_up_phone_metadata();
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("cannot read {path}");
        std::process::exit(1);
    };
    let cfg = promptwall::detect::DetectionConfig::default();
    let (Ok(all), Ok(secrets)) = (Engine::from_config(&cfg), Engine::secrets_from_config(&cfg))
    else {
        eprintln!("catalogue failed to build");
        std::process::exit(1);
    };
    let n = n.max(1);
    let step = text.len() / n + 1;
    let mut cuts = vec![0];
    let mut at = 0;
    while at < text.len() {
        at = (at + step).min(text.len());
        while !text.is_char_boundary(at) {
            at += 1;
        }
        cuts.push(at);
    }
    let windows: Vec<&str> = cuts
        .windows(2)
        .filter_map(|w| {
            let mut s = w[0].saturating_sub(64);
            while !text.is_char_boundary(s) {
                s += 1;
            }
            text.get(s..w[1])
        })
        .collect();
    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    for (name, e) in [("all", &all), ("secrets", &secrets)] {
        for (how, parts) in [("whole", vec![text.as_str()]), ("pieces", windows.clone())] {
            let run = |scratch: &mut Scratch, out: &mut Vec<Finding>| {
                let mut found = 0;
                for p in &parts {
                    e.scan_with(std::hint::black_box(p), scratch, out);
                    found += out.len();
                }
                found
            };
            for _ in 0..200 {
                run(&mut scratch, &mut out);
            }
            let iters = 2_000u32;
            let t0 = Instant::now();
            let mut found = 0;
            for _ in 0..iters {
                found = run(&mut scratch, &mut out);
            }
            let us = t0.elapsed().as_secs_f64() * 1e6 / f64::from(iters);
            println!(
                "{name:>8} {how:>6} ({} scans): {us:>8.1} µs per pass, {found} finding(s)",
                parts.len()
            );
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).cloned();
    let mode = arg(0).unwrap_or_else(|| "all".into());
    let iters: usize = arg(1).and_then(|s| s.parse().ok()).unwrap_or(10);
    if mode == "pieces" {
        pieces(&arg(2).unwrap_or_default(), iters);
        return;
    }
    let size: usize = arg(2).and_then(|s| s.parse().ok()).unwrap_or(2 << 20);
    let t0 = Instant::now();
    let Ok(e) = Engine::builtin() else {
        eprintln!("catalogue failed to build");
        std::process::exit(1);
    };
    if mode == "startup" {
        // The first build in a fresh process: what `promptwall serve` pays before it listens
        // (process-wide tables such as libphonenumber's metadata and the default regions'
        // phone validators are built here once; criterion's `engine/build` measures rebuilds).
        let first = t0.elapsed();
        let t1 = Instant::now();
        let again = Engine::builtin().map(|_| t1.elapsed());
        println!(
            "first build {:.1} ms, rebuild {:.1} ms",
            first.as_secs_f64() * 1e3,
            again.map_or(f64::NAN, |d| d.as_secs_f64() * 1e3)
        );
        return;
    }
    if mode == "sentences" {
        sentences(&e);
        return;
    }
    let corpora: Vec<(&str, String)> = match mode.as_str() {
        "clean" => vec![("clean", corpus(false, size))],
        "mixed" => vec![("mixed", corpus(true, size))],
        _ => vec![
            ("clean", corpus(false, size)),
            ("mixed", corpus(true, size)),
        ],
    };
    match mode.as_str() {
        "fingerprint" => {
            for (name, text) in &corpora {
                fingerprint(&e, name, text);
            }
        }
        "literals" => {
            println!("{e:?}");
            for (name, text) in &corpora {
                literals(name, text);
            }
        }
        "dump" => {
            for (name, text) in &corpora {
                for f in e.scan(text) {
                    println!(
                        "{name} {} {} {:?}",
                        f.detector,
                        f.score,
                        text.get(f.start..f.end).unwrap_or("")
                    );
                }
            }
        }
        _ => {
            let mut scratch = e.scratch();
            let mut out = Vec::new();
            for (name, text) in &corpora {
                let texts = chunks(text);
                // Warm-up (not measured): lazily compiled regexes, scratch capacity.
                for t in &texts {
                    e.scan_with(t, &mut scratch, &mut out);
                }
                let t = Instant::now();
                let mut n = 0;
                for _ in 0..iters {
                    n += scan_corpus(&e, &texts, &mut scratch, &mut out);
                }
                let dt = t.elapsed().as_secs_f64();
                println!(
                    "{name}: {} bytes x {iters}: {:.0} MB/s ({} findings/iter, {:.2}/KiB)",
                    text.len(),
                    (iters * text.len()) as f64 / dt / 1e6,
                    n / iters.max(1),
                    (n / iters.max(1)) as f64 * 1024.0 / text.len() as f64
                );
            }
        }
    }
}

fn fingerprint(e: &Engine, name: &str, text: &str) {
    let mut per: BTreeMap<String, usize> = BTreeMap::new();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |x: u64| {
        for b in x.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    let texts = chunks(text);
    let mut scratch = e.scratch();
    let mut out = Vec::new();
    let mut n = 0;
    for t in &texts {
        e.scan_with(t, &mut scratch, &mut out);
        for f in &out {
            *per.entry(format!("{}/{}", f.entity, f.detector))
                .or_default() += 1;
            eat(f.start as u64);
            eat(f.end as u64);
            eat(u64::from(f.score.to_bits()));
            for b in f.detector.bytes() {
                eat(u64::from(b));
            }
            n += 1;
        }
    }
    // The whole text at once too (long texts exercise different windows).
    for f in e.scan(text) {
        eat(f.start as u64);
        eat(f.end as u64);
        eat(u64::from(f.score.to_bits()));
        n += 1;
    }
    println!("{name}: {} bytes, {n} findings, hash {h:016x}", text.len());
    for (k, v) in per {
        println!("  {k}: {v}");
    }
}

fn literals(name: &str, text: &str) {
    let mut lits: Vec<(String, &'static str)> = Vec::new();
    for d in promptwall::detect::detectors::builtin() {
        for t in d.triggers() {
            if let Trigger::Literal(l) = t {
                lits.push((l.to_ascii_lowercase(), d.name()));
            }
        }
    }
    let Ok(ac) = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(lits.iter().map(|(l, _)| l))
    else {
        return;
    };
    let mut counts = vec![0usize; lits.len()];
    let mut total = 0;
    for m in ac.find_overlapping_iter(text) {
        if let Some(c) = counts.get_mut(m.pattern().as_usize()) {
            *c += 1;
        }
        total += 1;
    }
    let digit_runs = text
        .as_bytes()
        .split(|b| !b.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .count();
    println!(
        "{name}: {} literals, {total} literal hits ({:.1}/KiB), {digit_runs} digit groups ({:.1}/KiB)",
        lits.len(),
        total as f64 * 1024.0 / text.len() as f64,
        digit_runs as f64 * 1024.0 / text.len() as f64
    );
    // For comparison, a general-purpose leftmost-first skip pass (aho-corasick crate DFA, the
    // engine's literal pass before it got its own overlapping DFA, `engine/dfa.rs`) over every
    // literal, then without the natural-language cues, then without literals of two bytes or
    // less: with this many literals its prefilter cannot help.
    let natural = [
        "person",
        "date_of_birth",
        "passport",
        "mrz",
        "street_address",
    ];
    for (label, keep) in [
        (
            "all literals",
            &(|_: &str, _: &str| true) as &dyn Fn(&str, &str) -> bool,
        ),
        ("without natural cues", &|_: &str, d: &str| {
            !natural.contains(&d)
        }),
        ("without literals <= 2 bytes", &|l: &str, _: &str| {
            l.len() > 2
        }),
    ] {
        let set: Vec<&str> = lits
            .iter()
            .filter(|(l, d)| keep(l, d))
            .map(|(l, _)| l.as_str())
            .collect();
        let Ok(dfa) = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&set)
        else {
            continue;
        };
        let mut best = f64::MAX;
        let mut n = 0;
        for _ in 0..5 {
            let t = Instant::now();
            n = dfa.find_iter(text).count();
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            "  aho-corasick skip pass, {label} ({} literals): {:.0} MB/s, {n} matches",
            set.len(),
            text.len() as f64 / best / 1e6
        );
    }
    let mut idx: Vec<usize> = (0..lits.len()).collect();
    idx.sort_by_key(|&i| std::cmp::Reverse(counts.get(i).copied().unwrap_or(0)));
    for &i in idx.iter().take(25) {
        if let (Some((l, d)), Some(c)) = (lits.get(i), counts.get(i)) {
            println!("  {c:8} {l:?} ({d})");
        }
    }
}
