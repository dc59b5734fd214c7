//! Issue 4 end to end: every request sanitized, every response restored, per wire format.
//!
//! An echoing mock upstream records what it received and answers with the text it received as
//! the assistant message (JSON, or SSE with 3-character deltas cut into 5-byte transport chunks,
//! so placeholders are split across deltas and events across reads). A request whose text
//! contains `INJECT` gets a secret that was never in the request appended to the answer (the
//! response-scanning case).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{combinators::UnsyncBoxBody, BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::{json, Value};
use tokio::net::TcpListener;

use crate::support::{sha256_hex, TENANT_KEY};

const EMAIL: &str = "maria.fischer@acme-corp.de";
const PHONE: &str = "+1 415 555 0132";
const CARD: &str = "4111 1111 1111 1111";
const PERSON: &str = "Maria Fischer";
const API_KEY: &str = "sk-proj-Abc123def456GHI789jkl012MNO345pqr678STU901vwx";
/// Appended by the mock to answers of requests containing `INJECT`; never in a request.
const INJECTED: &str = "sk-proj-Zq9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBaZyXwVuTsRq";

fn prompt() -> String {
    format!("Hi, I am {PERSON}, mail {EMAIL}, call {PHONE}, card {CARD}, key {API_KEY}.")
}

/// What the client must get back for [`prompt`]: PII restored, the secret redacted for good.
fn expected_back() -> String {
    prompt().replace(API_KEY, "<API_KEY>")
}

// ---------------------------------------------------------------------------------------------
// The echoing mock

#[derive(Default)]
struct Echoer {
    bodies: Mutex<Vec<Bytes>>,
}

impl Echoer {
    fn bodies(&self) -> Vec<Bytes> {
        self.bodies.lock().unwrap().clone()
    }
}

type MockBody = UnsyncBoxBody<Bytes, Infallible>;

/// The user text of a request, per wire format.
fn user_text(path: &str, v: &Value) -> String {
    let s = if path.ends_with("/responses") {
        v["input"].as_str()
    } else if path.contains(":generateContent") || path.contains(":streamGenerateContent") {
        v["contents"][0]["parts"][0]["text"].as_str()
    } else {
        v["messages"][0]["content"].as_str()
    };
    s.unwrap_or_default().to_string()
}

fn pieces(text: &str, n: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(n).map(|c| c.iter().collect()).collect()
}

fn event(name: Option<&str>, data: &Value) -> String {
    match name {
        Some(n) => format!("event: {n}\ndata: {data}\n\n"),
        None => format!("data: {data}\n\n"),
    }
}

fn sse_events(path: &str, text: &str) -> String {
    let mut out = String::new();
    let parts = pieces(text, 3);
    if path.ends_with("/chat/completions") {
        for p in &parts {
            out += &event(
                None,
                &json!({"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":p},"finish_reason":null}]}),
            );
        }
        out += &event(
            None,
            &json!({"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}),
        );
        out += "data: [DONE]\n\n";
    } else if path.ends_with("/responses") {
        let mut n = 0;
        for p in &parts {
            out += &event(
                Some("response.output_text.delta"),
                &json!({"type":"response.output_text.delta","item_id":"m1","output_index":0,"content_index":0,"delta":p,"sequence_number":n}),
            );
            n += 1;
        }
        out += &event(
            Some("response.output_text.done"),
            &json!({"type":"response.output_text.done","item_id":"m1","output_index":0,"content_index":0,"text":text,"sequence_number":n}),
        );
        out += &event(
            Some("response.completed"),
            &json!({"type":"response.completed","sequence_number":n+1,"response":{"id":"r1","object":"response","status":"completed",
                "output":[{"type":"message","id":"m1","role":"assistant","content":[{"type":"output_text","text":text,"annotations":[]}]}]}}),
        );
    } else if path.ends_with("/messages") {
        out += &event(
            Some("message_start"),
            &json!({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-x","stop_reason":null,"usage":{"input_tokens":1,"output_tokens":0}}}),
        );
        out += &event(
            Some("content_block_start"),
            &json!({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}),
        );
        for p in &parts {
            out += &event(
                Some("content_block_delta"),
                &json!({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":p}}),
            );
        }
        out += &event(
            Some("content_block_stop"),
            &json!({"type":"content_block_stop","index":0}),
        );
        out += &event(
            Some("message_delta"),
            &json!({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":1}}),
        );
        out += &event(Some("message_stop"), &json!({"type":"message_stop"}));
    } else {
        for p in &parts {
            out += &event(
                None,
                &json!({"candidates":[{"content":{"role":"model","parts":[{"text":p}]},"index":0}]}),
            );
        }
        out += &event(
            None,
            &json!({"candidates":[{"content":{"role":"model","parts":[{"text":""}]},"finishReason":"STOP","index":0}]}),
        );
    }
    out
}

fn json_answer(path: &str, text: &str) -> Value {
    if path.ends_with("/chat/completions") {
        json!({"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":text},"finish_reason":"stop"}]})
    } else if path.ends_with("/responses") {
        json!({"id":"r1","object":"response","status":"completed",
            "output":[{"type":"message","id":"m1","role":"assistant","content":[{"type":"output_text","text":text,"annotations":[]}]}]})
    } else if path.ends_with("/messages") {
        json!({"id":"msg_1","type":"message","role":"assistant","model":"claude-x","stop_reason":"end_turn",
            "content":[{"type":"text","text":text}]})
    } else {
        json!({"candidates":[{"content":{"role":"model","parts":[{"text":text}]},"finishReason":"STOP","index":0}]})
    }
}

async fn echo_handle(m: Arc<Echoer>, req: Request<Incoming>) -> Response<MockBody> {
    let path = req.uri().path().to_string();
    let alt_sse = req.uri().query().is_some_and(|q| q.contains("alt=sse"));
    let body = req.into_body().collect().await.unwrap().to_bytes();
    m.bodies.lock().unwrap().push(body.clone());
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let mut text = user_text(&path, &v);
    if text.contains("INJECT") {
        text = format!("{text} Also use {INJECTED} for that.");
    }
    let stream = v["stream"].as_bool().unwrap_or(false) || path.contains(":streamGenerate");
    if path.contains(":streamGenerate") && !alt_sse {
        // Gemini streaming without alt=sse: one JSON array of chunks.
        let mut chunks: Vec<Value> = pieces(&text, 3)
            .iter()
            .map(|p| json!({"candidates":[{"content":{"role":"model","parts":[{"text":p}]},"index":0}]}))
            .collect();
        chunks.push(json!({"candidates":[{"content":{"role":"model","parts":[{"text":""}]},"finishReason":"STOP","index":0}]}));
        return Response::builder()
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(Value::Array(chunks).to_string())).boxed_unsync())
            .unwrap();
    }
    if stream {
        let all = Bytes::from(sse_events(&path, &text));
        let frames: Vec<Result<Frame<Bytes>, Infallible>> = all
            .chunks(5)
            .map(|c| Ok(Frame::data(Bytes::copy_from_slice(c))))
            .collect();
        Response::builder()
            .header("content-type", "text/event-stream")
            .body(StreamBody::new(futures_util::stream::iter(frames)).boxed_unsync())
            .unwrap()
    } else {
        Response::builder()
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(json_answer(&path, &text).to_string())).boxed_unsync())
            .unwrap()
    }
}

async fn start_echoer() -> (SocketAddr, Arc<Echoer>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let m = Arc::new(Echoer::default());
    let mm = m.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let m = mm.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req| {
                    let m = m.clone();
                    async move { Ok::<_, Infallible>(echo_handle(m, req).await) }
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    (addr, m)
}

// ---------------------------------------------------------------------------------------------
// The proxy

struct Rig {
    proxy: SocketAddr,
    mock: Arc<Echoer>,
    client: reqwest::Client,
    settings: Arc<promptwall::config::Settings>,
}

fn config(mock: &str) -> String {
    format!(
        r#"
listen = "127.0.0.1:0"
pseudonym_key_env = "T_PSEUDONYM"

[timeouts]
first_byte = "5s"
idle_stream = "5s"

[policy]
default_secret = "redact"
default_pii = "pseudonymize"
restore = true
scan_responses = "secrets"
[policy.entities]
PRIVATE_KEY = "block"
[policy.provider.strict]
media = "refuse"

[[provider]]
name = "oai"
kind = "openai"
base_url = "{mock}"
api_key_env = "T_KEY"
models = ["*"]

[[provider]]
name = "ant"
kind = "anthropic"
base_url = "{mock}"
api_key_env = "T_KEY"
models = ["*"]

[[provider]]
name = "gem"
kind = "gemini"
base_url = "{mock}"
api_key_env = "T_KEY"
models = ["*"]

[[provider]]
name = "strict"
kind = "openai"
base_url = "{mock}"
api_key_env = "T_KEY"
models = ["*"]

[[provider]]
name = "echo"
kind = "echo"
models = ["*"]

[[tenant]]
id = "acme"
api_key_sha256 = ["{key}"]
providers = ["oai", "ant", "gem", "strict", "echo"]
"#,
        key = sha256_hex(TENANT_KEY)
    )
}

async fn rig() -> Rig {
    let (addr, mock) = start_echoer().await;
    let env = |v: &str| match v {
        "T_KEY" => Some("sk-upstream".to_string()),
        "T_PSEUDONYM" => Some("0123456789abcdef0123456789abcdef-test-secret".to_string()),
        _ => None,
    };
    let text = config(&format!("http://{addr}"));
    let settings =
        Arc::new(promptwall::config::load_str(&text, Path::new("e2e.toml"), &env).unwrap());
    let server = promptwall::server::run(settings.clone(), std::future::pending())
        .await
        .unwrap();
    Rig {
        proxy: server.addr,
        mock,
        client: reqwest::Client::builder().no_proxy().build().unwrap(),
        settings,
    }
}

#[derive(Clone, Copy, Debug)]
enum Api {
    Chat,
    Responses,
    Anthropic,
    Gemini,
}

const APIS: [Api; 4] = [Api::Chat, Api::Responses, Api::Anthropic, Api::Gemini];

impl Rig {
    fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.proxy, path)
    }

    /// Sends `text` as the user message of `api` through provider `oai`/`ant`/`gem` (or
    /// `provider` for OpenAI chat when given).
    async fn send(&self, api: Api, text: &str, stream: bool) -> reqwest::Response {
        let (path, body) = match api {
            Api::Chat => (
                "/oai/v1/chat/completions".to_string(),
                json!({"model":"gpt-4o","stream":stream,"messages":[{"role":"user","content":text}]}),
            ),
            Api::Responses => (
                "/oai/v1/responses".to_string(),
                json!({"model":"gpt-4o","stream":stream,"input":text}),
            ),
            Api::Anthropic => (
                "/ant/v1/messages".to_string(),
                json!({"model":"claude-x","max_tokens":64,"stream":stream,"messages":[{"role":"user","content":text}]}),
            ),
            Api::Gemini => (
                if stream {
                    "/gem/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse".to_string()
                } else {
                    "/gem/v1beta/models/gemini-2.5-flash:generateContent".to_string()
                },
                json!({"contents":[{"role":"user","parts":[{"text":text}]}]}),
            ),
        };
        self.post(api, &path, body.to_string()).await
    }

    async fn post(&self, api: Api, path: &str, body: String) -> reqwest::Response {
        let mut rb = self
            .client
            .post(self.url(path))
            .header("content-type", "application/json");
        rb = match api {
            Api::Anthropic => rb
                .header("x-api-key", TENANT_KEY)
                .header("anthropic-version", "2023-06-01"),
            Api::Gemini => rb.header("x-goog-api-key", TENANT_KEY),
            _ => rb.bearer_auth(TENANT_KEY),
        };
        rb.body(body).send().await.unwrap()
    }
}

/// `(event, data)` pairs of an SSE body.
fn sse(text: &str) -> Vec<(Option<String>, String)> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .filter(|e| !e.trim().is_empty())
        .map(|e| {
            let mut ev = None;
            let mut data = String::new();
            for line in e.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    ev = Some(v.trim().to_string());
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.strip_prefix(' ').unwrap_or(v));
                }
            }
            (ev, data)
        })
        .collect()
}

/// The assistant text the client sees, per API and mode.
async fn client_text(api: Api, resp: reqwest::Response, stream: bool) -> String {
    let status = resp.status();
    let body = resp.text().await.unwrap();
    assert_eq!(status, 200, "{body}");
    if !stream {
        let v: Value = serde_json::from_str(&body).unwrap();
        let t = match api {
            Api::Chat => &v["choices"][0]["message"]["content"],
            Api::Responses => &v["output"][0]["content"][0]["text"],
            Api::Anthropic => &v["content"][0]["text"],
            Api::Gemini => &v["candidates"][0]["content"]["parts"][0]["text"],
        };
        return t.as_str().unwrap().to_string();
    }
    let mut out = String::new();
    let mut done_text = None;
    for (ev, data) in sse(&body) {
        if data == "[DONE]" {
            continue;
        }
        let v: Value = serde_json::from_str(&data).unwrap_or_else(|_| panic!("bad event {data}"));
        assert!(v.get("error").is_none(), "error frame: {data}");
        match api {
            Api::Chat => {
                if let Some(s) = v["choices"][0]["delta"]["content"].as_str() {
                    out += s;
                }
            }
            Api::Responses => match ev.as_deref() {
                Some("response.output_text.delta") => out += v["delta"].as_str().unwrap(),
                Some("response.output_text.done") => {
                    done_text = Some(v["text"].as_str().unwrap().to_string())
                }
                _ => {}
            },
            Api::Anthropic => {
                if v["type"] == "content_block_delta" {
                    out += v["delta"]["text"].as_str().unwrap();
                }
            }
            Api::Gemini => {
                for p in v["candidates"][0]["content"]["parts"]
                    .as_array()
                    .unwrap_or(&Vec::new())
                {
                    out += p["text"].as_str().unwrap_or("");
                }
            }
        }
    }
    if let Some(d) = done_text {
        assert_eq!(d, out, "output_text.done must repeat the restored deltas");
    }
    out
}

fn assert_no_original(body: &[u8]) {
    let s = String::from_utf8_lossy(body);
    for v in [
        EMAIL,
        PHONE,
        CARD,
        PERSON,
        API_KEY,
        "4111111111111111",
        "Fischer",
    ] {
        assert!(!s.contains(v), "upstream received an original value: {s}");
    }
}

// ---------------------------------------------------------------------------------------------
// Tests

#[tokio::test]
async fn upstream_never_sees_originals_and_client_gets_them_back() {
    let r = rig().await;
    for api in APIS {
        for stream in [false, true] {
            let before = r.mock.bodies().len();
            let resp = r.send(api, &prompt(), stream).await;
            let header = resp
                .headers()
                .get("x-promptwall-sanitized")
                .unwrap_or_else(|| panic!("{api:?} stream={stream}: no x-promptwall-sanitized"))
                .to_str()
                .unwrap()
                .to_string();
            let got = client_text(api, resp, stream).await;
            let bodies = r.mock.bodies();
            assert_eq!(bodies.len(), before + 1, "{api:?} stream={stream}");
            let sent = bodies.last().unwrap();
            assert_no_original(sent);
            let sent = String::from_utf8_lossy(sent);
            assert!(sent.contains("<EMAIL_ADDRESS_"), "{sent}");
            assert!(sent.contains("<API_KEY>"), "{sent}");
            assert_eq!(got, expected_back(), "{api:?} stream={stream}");
            for item in [
                "EMAIL_ADDRESS=pseudonymize:1",
                "PHONE_NUMBER=pseudonymize:1",
                "CREDIT_CARD=pseudonymize:1",
                "PERSON=pseudonymize:1",
                "API_KEY=redact:1",
            ] {
                assert!(header.contains(item), "{api:?}: {header} lacks {item}");
            }
            assert!(!header.contains('@'), "{header}");
        }
    }
}

/// HTTP/2 clients: the response body is polled by hyper's h2 code, not the HTTP/1 dispatcher
/// that the relay's coalescing was measured on; every format must still come back whole,
/// restored and in order, streaming included.
#[tokio::test]
async fn http2_clients_get_originals_back_in_every_format() {
    let mut r = rig().await;
    r.client = reqwest::Client::builder()
        .no_proxy()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    for api in APIS {
        for stream in [false, true] {
            let resp = r.send(api, &prompt(), stream).await;
            assert_eq!(resp.version(), reqwest::Version::HTTP_2);
            let got = client_text(api, resp, stream).await;
            assert_no_original(r.mock.bodies().last().unwrap());
            assert_eq!(got, expected_back(), "{api:?} stream={stream}");
        }
    }
}

#[tokio::test]
async fn gemini_stream_without_alt_sse_is_restored_as_a_json_array() {
    let r = rig().await;
    let body = json!({"contents":[{"role":"user","parts":[{"text":prompt()}]}]});
    let resp = r
        .post(
            Api::Gemini,
            "/gem/v1beta/models/gemini-2.5-flash:streamGenerateContent",
            body.to_string(),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let v: Value = crate::support::json(resp).await;
    let got: String = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            c["candidates"][0]["content"]["parts"][0]["text"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_no_original(r.mock.bodies().last().unwrap());
    // Placeholders split across array elements are restored like in SSE.
    assert_eq!(got, expected_back());
}

#[tokio::test]
async fn placeholders_are_stable_per_tenant_across_requests() {
    let r = rig().await;
    r.send(Api::Chat, &prompt(), false).await;
    r.send(Api::Anthropic, &prompt(), false).await;
    let bodies = r.mock.bodies();
    let ph = |b: &Bytes| {
        let s = String::from_utf8_lossy(b).to_string();
        let i = s.find("<EMAIL_ADDRESS_").unwrap();
        s[i..i + s[i..].find('>').unwrap() + 1].to_string()
    };
    assert_eq!(ph(&bodies[0]), ph(&bodies[1]));
}

#[tokio::test]
async fn header_names_the_policy_version_and_counts() {
    let r = rig().await;
    let (t, _) = r.settings.tenants.iter().enumerate().next().unwrap();
    let (p, _) = r.settings.provider("oai").unwrap();
    let version = r
        .settings
        .effective_policy(t, p)
        .unwrap()
        .version()
        .to_string();
    let resp = r.send(Api::Chat, "nothing personal here", false).await;
    let h = resp.headers()["x-promptwall-sanitized"].to_str().unwrap();
    assert_eq!(h, format!("v={version}; fields=1; media=0"));
}

#[tokio::test]
async fn no_findings_body_reaches_upstream_byte_identical() {
    let r = rig().await;
    // Unusual spacing and key order: any re-serialization would change the bytes.
    let body = "{ \"messages\" : [ {\"content\":\"What is 2 + 2?\",  \"role\":\"user\"} ],\n  \"model\":\"gpt-4o\" , \"temperature\": 1.50 }";
    let resp = r
        .post(Api::Chat, "/oai/v1/chat/completions", body.to_string())
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(r.mock.bodies().last().unwrap().as_ref(), body.as_bytes());
}

fn private_key() -> String {
    let b64 = "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n\
               aFDrBz9vFqU4yV8Oe5mG4ZTMJ3Mq7Lh2Ry9u7d5ZGfNBqXz3bV0t2p6YJq7Hk3Wm\n\
               Y9RLkV6c0tq8xJd1nB4eX2c5QwK9p8Zt3LrV2m7Nf4Yq1Xs6D9hJk0Gw5Rb8Tc2E\n\
               v3Ux7Wm1Qy4Zn6Kp9Lr2Ts5Vw8Xa0Cd3Fg6Hj9Km2Np5Qr8Tu1Wx4Za7Cd0Fg3Hj\n\
               6Km9Np2Qr5Tu8Wx1Za4Cd7Fg0Hj3Km6Np9Qr2Tu5Wx8Za1Cd4Fg7Hj0Km3Np6QrAB";
    format!("-----BEGIN RSA PRIVATE KEY-----\n{b64}\n-----END RSA PRIVATE KEY-----")
}

#[tokio::test]
async fn private_key_is_blocked_with_positions_in_every_shape() {
    let r = rig().await;
    let pem = private_key();
    let text = format!("please check this key:\n{pem}\nthanks");
    for api in APIS {
        for stream in [false, true] {
            let resp = r.send(api, &text, stream).await;
            assert_eq!(resp.status(), 403, "{api:?}");
            assert_eq!(resp.headers()["x-should-retry"], "false");
            assert!(resp.headers().get("retry-after").is_none());
            let h = resp.headers()["x-promptwall-sanitized"]
                .to_str()
                .unwrap()
                .to_string();
            assert!(h.ends_with("; refused=blocked"), "{h}");
            let body = resp.text().await.unwrap();
            assert!(!body.contains("MIIEow"), "{body}");
            assert!(!body.contains("BEGIN RSA"), "{body}");
            let v: Value = serde_json::from_str(&body).unwrap();
            let details = match api {
                Api::Chat | Api::Responses => {
                    assert_eq!(v["error"]["code"], "promptwall_policy_violation");
                    assert!(v["error"]["param"].is_string(), "{body}");
                    v["error"]["promptwall"].clone()
                }
                Api::Anthropic => {
                    assert_eq!(v["error"]["type"], "permission_error");
                    assert_eq!(
                        v["error"]["details"]["error_code"],
                        "promptwall_policy_violation"
                    );
                    v["error"]["details"]["promptwall"].clone()
                }
                Api::Gemini => {
                    assert_eq!(v["error"]["status"], "PERMISSION_DENIED");
                    assert_eq!(
                        v["error"]["details"][0]["reason"],
                        "PROMPTWALL_POLICY_VIOLATION"
                    );
                    v["error"]["details"][1].clone()
                }
            };
            let msg = match api {
                Api::Anthropic | Api::Chat | Api::Responses | Api::Gemini => {
                    v["error"]["message"].as_str().unwrap().to_string()
                }
            };
            assert!(
                msg.starts_with("Blocked by promptwall policy: PRIVATE_KEY at "),
                "{msg}"
            );
            assert_eq!(details["reason"], "blocked", "{body}");
            let e = &details["entities"][0];
            assert_eq!(e["entity"], "PRIVATE_KEY");
            let start = e["start"].as_u64().unwrap() as usize;
            let end = e["end"].as_u64().unwrap() as usize;
            assert_eq!(&text[start..end], pem, "{api:?}: offsets point at the key");
            assert!(e["path"].as_str().unwrap().len() > 1);
            assert_eq!(details["sanitized"], h.as_str());
        }
    }
    assert!(
        r.mock.bodies().is_empty(),
        "a blocked request reached upstream"
    );
}

#[tokio::test]
async fn media_refused_by_policy_is_403() {
    let r = rig().await;
    let body = json!({"model":"gpt-4o","messages":[{"role":"user","content":[
        {"type":"text","text":"what is this?"},
        {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]});
    let resp = r
        .post(Api::Chat, "/strict/v1/chat/completions", body.to_string())
        .await;
    assert_eq!(resp.status(), 403);
    assert_eq!(resp.headers()["x-should-retry"], "false");
    let v: Value = crate::support::json(resp).await;
    assert_eq!(v["error"]["promptwall"]["reason"], "media_refused");
    assert_eq!(v["error"]["promptwall"]["media"], "image");
    // The same body through a provider without the media rule is forwarded.
    let resp = r
        .post(Api::Chat, "/oai/v1/chat/completions", body.to_string())
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(r.mock.bodies().len(), 1);
}

#[tokio::test]
async fn unwalkable_body_is_400_and_not_forwarded() {
    let r = rig().await;
    let body = json!({"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":{"nested":"x"}}]}]});
    let resp = r
        .post(Api::Chat, "/oai/v1/chat/completions", body.to_string())
        .await;
    assert_eq!(resp.status(), 400);
    assert_eq!(resp.headers()["x-should-retry"], "false");
    let v: Value = crate::support::json(resp).await;
    assert_eq!(v["error"]["code"], "promptwall_unscannable_request");
    assert_eq!(v["error"]["promptwall"]["reason"], "unwalkable");
    assert!(r.mock.bodies().is_empty());
}

#[tokio::test]
async fn secrets_in_responses_are_redacted_streaming_too() {
    let r = rig().await;
    let text = format!("INJECT: my mail is {EMAIL}");
    for api in APIS {
        for stream in [false, true] {
            let resp = r.send(api, &text, stream).await;
            let got = client_text(api, resp, stream).await;
            assert!(!got.contains(INJECTED), "{api:?} stream={stream}: {got}");
            assert_eq!(
                got,
                format!("{text} Also use <API_KEY> for that."),
                "{api:?} stream={stream}"
            );
        }
    }
}

#[tokio::test]
async fn echo_shows_the_sanitized_body() {
    let r = rig().await;
    let body = json!({"model":"echo","messages":[{"role":"user","content":prompt()}]});
    let resp = r
        .post(Api::Chat, "/echo/v1/chat/completions", body.to_string())
        .await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["x-promptwall-sanitized"]
        .to_str()
        .unwrap()
        .contains("EMAIL_ADDRESS=pseudonymize:1"));
    let v: Value = crate::support::json(resp).await;
    let shown = v["choices"][0]["message"]["content"].as_str().unwrap();
    assert_no_original(shown.as_bytes());
    assert!(shown.contains("<EMAIL_ADDRESS_"), "{shown}");
    assert!(shown.contains("<API_KEY>"), "{shown}");
}

#[tokio::test]
async fn findings_are_counted_in_metrics() {
    let r = rig().await;
    r.send(Api::Chat, &prompt(), false)
        .await
        .text()
        .await
        .unwrap();
    let m = r
        .client
        .get(r.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        m.lines()
            .any(|l| l.starts_with("promptwall_findings_total{")
                && l.contains("entity=\"EMAIL_ADDRESS\"")
                && l.contains("action=\"pseudonymize\"")
                && l.ends_with(" 1")),
        "{m}"
    );
    assert!(m.contains("entity=\"API_KEY\",action=\"redact\""), "{m}");
    assert!(!m.contains(EMAIL));
}
