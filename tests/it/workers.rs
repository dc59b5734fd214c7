//! `server::serve`: worker threads on one listening socket, connections placed by least open
//! connections, every connection served whichever worker accepted it, clean stop.

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::*;

/// One keep-alive request on an open connection; returns the status and the body.
async fn request(s: &mut TcpStream, req: &str) -> (u16, String) {
    s.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(std::time::Duration::from_secs(5), s.read(&mut chunk))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0, "connection closed before a full response");
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).to_string();
        if let Some(head_end) = text.find("\r\n\r\n") {
            let len: usize = text[..head_end]
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .unwrap_or(0);
            if buf.len() >= head_end + 4 + len {
                let status = text.split_whitespace().nth(1).unwrap().parse().unwrap();
                return (status, text[head_end + 4..].to_string());
            }
        }
    }
}

#[tokio::test]
async fn workers_serve_concurrent_keepalive_connections_and_stop() {
    let (mock_addr, mock) = start_mock().await;
    let text = test_config(&format!("http://{mock_addr}"), "http://127.0.0.1:9");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gem.key"), format!("  {GEM_KEY}\n")).unwrap();
    let settings = promptwall::config::load_str(&text, &dir.path().join("t.toml"), &env).unwrap();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let server = std::thread::spawn(move || {
        promptwall::server::serve(
            Arc::new(settings),
            2,
            async move {
                let _ = stop_rx.await;
            },
            move |addr, workers| {
                addr_tx.send((addr, workers)).unwrap();
            },
        )
    });
    let (addr, workers) = addr_rx.recv().unwrap();
    assert_eq!(workers, 2);

    // Eight connections open at once: whichever worker accepts them, the ones placed on the
    // other worker are handed over, and every one answers on the same connection twice.
    let mut conns = Vec::new();
    for _ in 0..8 {
        conns.push(TcpStream::connect(addr).await.unwrap());
    }
    let health = "GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n";
    for c in &mut conns {
        assert_eq!(request(c, health).await.0, 200);
    }
    let body = r#"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#;
    let chat = format!(
        "POST /oai/v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {TENANT_KEY}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    for c in &mut conns {
        let (status, text) = request(c, &chat).await;
        assert_eq!(status, 200, "{text}");
    }
    assert_eq!(mock.count(), 8);
    // Metrics are shared by the workers: all eight forwarded requests are counted.
    let (status, metrics) =
        request(&mut conns[0], "GET /metrics HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert_eq!(status, 200);
    let forwarded: u64 = metrics
        .lines()
        .filter(|l| l.starts_with("promptwall_requests_total{") && l.contains("status=\"200\""))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum();
    assert_eq!(forwarded, 8, "{metrics}");

    drop(conns);
    stop_tx.send(()).unwrap();
    let joined = tokio::task::spawn_blocking(move || server.join().unwrap())
        .await
        .unwrap();
    assert!(joined.is_ok(), "{joined:?}");
}
