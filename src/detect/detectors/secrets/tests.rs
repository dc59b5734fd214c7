//! Catalogue-level tests: the whole built-in catalogue builds, hard negatives stay clean,
//! overlaps resolve as documented, and pathological inputs finish in linear time.

use std::time::Instant;

use crate::detect::Engine;

fn engine() -> std::sync::Arc<Engine> {
    Engine::builtin().unwrap()
}

fn found(e: &Engine, text: &str) -> Vec<(String, String)> {
    e.scan(text)
        .into_iter()
        .map(|f| (f.detector.to_string(), text[f.start..f.end].to_string()))
        .collect()
}

#[test]
fn catalogue_builds_fast_and_names_are_sane() {
    let t = Instant::now();
    let e = engine();
    let elapsed = t.elapsed();
    println!(
        "built-in catalogue: {} detectors, built in {:?}",
        e.detector_count(),
        elapsed
    );
    assert!(e.detector_count() > 60);
    for n in e.detector_names() {
        assert!(
            n.bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_'),
            "{n}"
        );
    }
}

#[test]
fn every_token_regex_compiles() {
    // A broken static regex would silently disable its detector: catch it here.
    let e = Engine::with_detectors(super::all()).unwrap();
    let slack = format!(
        "xo{}-{}-{}-{}",
        "xb", "1234567890123", "1234567890123", "AbCdEfGhIjKlMnOpQrStUvWx"
    );
    assert_eq!(found(&e, &slack).len(), 1);
    let sg = format!("SG.{}.{}", "A".repeat(21) + "b", "C".repeat(42) + "d");
    assert_eq!(found(&e, &sg).len(), 1);
}

#[test]
fn hard_negatives_stay_clean() {
    let e = Engine::with_detectors(super::all()).unwrap();
    let text = "\
request id 550e8400-e29b-41d4-a716-446655440000 at 2024-05-01T12:30:45Z\n\
commit 9fceb02d0ae598e95dc970b74767f19372d61af8 fixes bug\n\
image: nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31\n\
version 1.2.3.4, port 8080, pod web-7d9f8c6b5-x2x4z in ns default\n\
integrity sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC\n\
data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\n\
The key point: keys open locks; our secret is patience; the token economy grows.\n\
Pass the ball. A password is required. Authentication happens later.\n\
trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7\n\
See <API_KEY> and <PASSWORD_1a2b3c4d> and <GENERIC_SECRET_ab12>.\n\
password: <PASSWORD_ab12cd34>\nAuthorization: Bearer <AUTH_HEADER_0f0f>\n\
postgres://app:<CONNECTION_STRING_1234>@db/app\n\
go.sum h1:Zr4Ww9u1gNh7VtZ9Wy5OaJdO1Y4xZ9a8VhQZ5kZ1b2c=\n\
resourceVersion: \"123456\" uid: 6e1f2c3d-4b5a-4c7d-8e9f-0a1b2c3d4e5f\n";
    let f = found(&e, text);
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn secret_in_uri_beats_pii_inside_it() {
    // The whole catalogue (PII included, whatever is merged): the password span wins.
    let e = engine();
    let text = "DATABASE_URL=postgres://bob:Sup3rS3cret@db.example.com:5432/app";
    let f = e.scan(text);
    assert!(f
        .iter()
        .any(|f| &text[f.start..f.end] == "Sup3rS3cret" && f.entity.name() == "CONNECTION_STRING"));
    assert!(f.windows(2).all(|w| w[0].end <= w[1].start));
}

#[test]
fn named_token_beats_generic_assignment() {
    let e = engine();
    let tok = format!("glp{}-{}", "at", "AbCdEf0123456789xYzW");
    let text = format!("GITLAB_TOKEN={tok}\n");
    let f = e.scan(&text);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].detector, "gitlab_token");
}

#[test]
fn service_account_json() {
    let e = engine();
    let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\\n".repeat(4);
    let text = format!(
        "{{\"type\": \"service_account\", \"project_id\": \"p\", \"private_key_id\": \"{}\", \
         \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n{body}-----END PRIVATE KEY-----\\n\", \
         \"client_email\": \"sa@p.iam.gserviceaccount.com\"}}",
        "1a2b3c4d5e6f".repeat(3) + "0a1b"
    );
    let f = found(&e, &text);
    let names: Vec<_> = f.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"private_key"), "{f:?}");
    assert!(names.contains(&"secret_assignment"), "{f:?}");
}

/// Scan and return the elapsed time (printed, not asserted: debug builds on shared cores).
fn time_scan(e: &Engine, name: &str, text: &str) -> usize {
    let t = Instant::now();
    let n = e.scan(text).len();
    let dt = t.elapsed();
    let mbps = text.len() as f64 / 1e6 / dt.as_secs_f64().max(1e-9);
    println!(
        "{name}: {} bytes, {n} findings, {dt:?} ({mbps:.0} MB/s)",
        text.len()
    );
    n
}

#[test]
fn pathological_inputs_finish() {
    let e = engine();
    const N: usize = 2 << 20;
    // No newlines, token-ish alphabet, triggers everywhere.
    let mut s = String::with_capacity(N);
    while s.len() < N {
        s.push_str("key=pass:token sk-ant-eyJhbGci AKIA ghp_ :// @ -----BEGIN ");
    }
    time_scan(&e, "no-newlines triggers", &s);
    time_scan(&e, "digits", &"7".repeat(N / 2));
    time_scan(&e, "spaced digits", &"1 2-3.4/".repeat(N / 8));
    time_scan(&e, "long b64 run", &"A".repeat(N));
    time_scan(&e, "eyJ run", &"eyJ".repeat(N / 3));
    time_scan(&e, "deep unicode", &"ä漢字🙂\u{0301}".repeat(N / 12));
    time_scan(&e, "rtl", &"مرحبا بالعالم كلمة المرور: ".repeat(N / 48));
    let zwj = format!(
        "gh{}_{}\u{200d}{}\u{200b} password=\u{200d}abc\u{200d}def ",
        "p",
        "A".repeat(20),
        "B".repeat(16)
    );
    time_scan(&e, "zero-width joiners", &zwj.repeat(N / zwj.len()));
    time_scan(
        &e,
        "password assignments",
        &"password=Xy12!abc ".repeat(N / 18),
    );
    time_scan(&e, "uri at-signs", &"postgres://a:".repeat(N / 13));
    time_scan(&e, "colons", &"a:b@c".repeat(N / 5));
    let akia = format!("AK{}AZ2MQ4RS7TUVWXY3B+", "I");
    // Every trigger repeated back to back: each must stay linear (no rescans per hit).
    for unit in [
        "-----BEGIN RSA PRIVATE KEY-----",
        "-----BEGIN RSA PRIVATE KEY-----\nQUJD\n",
        "/IQoJb3JpZ2luX2Vj",
        "authorization:",
        "Authorization: Bearer ",
        "kind: Secret\n",
        "PuTTY-User-Key-File-",
        "T3BlbkFJ",
        "&sv=1&sig=",
        "aaaQ~",
        "LS0tLS1CRUdJT",
        "password=",
        "secret_key_",
        akia.as_str(),
        ".atlasv1.",
        "ghp_",
        "::",
    ] {
        let text = unit.repeat((N / 8) / unit.len());
        let t = Instant::now();
        time_scan(&e, unit.trim(), &text);
        assert!(t.elapsed().as_secs() < 20, "{unit} too slow");
    }
}

#[test]
#[ignore = "throughput: run optimized with --ignored --nocapture"]
fn throughput() {
    let e = engine();
    let prose =
        "The quarterly report shows revenue grew by twelve percent while costs stayed flat. \
                 Our team shipped the new onboarding flow, fixed the login redirect bug and \
                 improved p95 latency. Next quarter we focus on reliability and documentation.\n";
    let logs = "2024-05-01T12:30:45.123Z INFO  http.server request_id=7f3c method=GET path=/api/v1/items status=200 duration_ms=12\n";
    let clean: String = prose.repeat(30_000) + &logs.repeat(20_000);
    // ~1 finding per KB: three paragraphs, one log line, then a secret.
    let tok = format!("gh{}_{}", "p", "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789");
    let mut mixed = String::new();
    let mut k = 0;
    while mixed.len() < 8 << 20 {
        mixed.push_str(&prose.repeat(3));
        mixed.push_str(logs);
        if k % 2 == 0 {
            mixed.push_str("DB_PASSWORD=Pa55w0rd!x\n");
        } else {
            mixed.push_str(&format!("token {tok}\n"));
        }
        k += 1;
    }
    for _ in 0..2 {
        // Machine reference on this (shared) box: one memchr pass.
        let t = Instant::now();
        let zeros = memchr::memchr_iter(0, clean.as_bytes()).count();
        let dt = t.elapsed();
        println!(
            "memchr baseline: {:.0} MB/s ({zeros})",
            clean.len() as f64 / 1e6 / dt.as_secs_f64()
        );
        time_scan(&e, "clean prose+logs", &clean);
        time_scan(&e, "mixed ~1 finding/KB", &mixed);
    }
    let mut scratch = e.scratch();
    let mut out = Vec::new();
    let t = Instant::now();
    let small = &mixed[..4096];
    for _ in 0..2000 {
        e.scan_with(small, &mut scratch, &mut out);
    }
    println!(
        "4 KiB texts with reused scratch: {:?} per scan",
        t.elapsed() / 2000
    );
}

#[test]
fn realistic_documents() {
    let e = Engine::with_detectors(super::all()).unwrap();
    let jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJpc3MiOiJrdWJlcm5ldGVzIiwic3ViIjoic3lzdGVtIn0.c2lnbmF0dXJlLXZhbHVlLWhlcmUtMTIzNDU2Nzg5MA";
    let kubeconfig = format!(
        "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=\n    token: {jwt}\n    auth-provider:\n      config:\n        client-secret: Zk3rT9vQp2LmX8wN\n        refresh-token: 1a2B3c4D5e6F7g8H9i0J\n"
    );
    let f = found(&e, &kubeconfig);
    let vals: Vec<&str> = f.iter().map(|(_, v)| v.as_str()).collect();
    assert_eq!(
        vals,
        vec![jwt, "Zk3rT9vQp2LmX8wN", "1a2B3c4D5e6F7g8H9i0J"],
        "{f:?}"
    );

    let env = "# database\nDB_HOST=db.internal\nDB_USER=app\nDB_PASSWORD=N0t-S0-S3cret!\nDB_PASSWORD_FILE=/run/secrets/db\nLOG_LEVEL=debug\nSECRET_KEY_BASE=9c1f0a7b3e5d2c4f6a8b0d1e3f5a7c9e\nAPI_TIMEOUT=30\nREDIS_URL=redis://:r3d1sPw!@cache:6379\n";
    let f = found(&e, env);
    let vals: Vec<&str> = f.iter().map(|(_, v)| v.as_str()).collect();
    assert_eq!(
        vals,
        vec![
            "N0t-S0-S3cret!",
            "9c1f0a7b3e5d2c4f6a8b0d1e3f5a7c9e",
            "r3d1sPw!"
        ],
        "{f:?}"
    );

    let code = "def connect(password: str, token: Optional[str] = None):\n    key = get_key()\n    secret = os.environ[\"APP_SECRET\"]\n    client = Client(api_key=settings.API_KEY, password=password)\n    headers = {\"Authorization\": f\"Bearer {token}\"}\n    return client\n";
    let f = found(&e, code);
    assert!(f.is_empty(), "{f:?}");

    let prose = "To reset your password, open Settings and choose a new passphrase. The API key \
                 is shown once; treat tokens like passwords. Authorization is handled by the \
                 gateway, and the secret sauce is caching. Key takeaways: rotate keys often.";
    let f = found(&e, prose);
    assert!(f.is_empty(), "{f:?}");
}
