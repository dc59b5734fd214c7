//! Forwarding to the real upstream with the shared client.
//!
//! Owns: the upstream URL (`{base_url}{rest}?{query without key}`), the credential injected in
//! the provider's scheme, the first-byte timeout, and mapping transport failures to typed
//! errors. Never: follows redirects, picks a host from the client (Host header, absolute URI),
//! forwards a client credential (except for `passthrough_client_key` providers), or logs URLs.
//! Called by: `service` (forward step).

use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, StatusCode};

use super::headers::{
    self, CredentialScheme, OPENAI_ORGANIZATION, OPENAI_PROJECT, X_API_KEY, X_GOOG_API_KEY,
    X_REQUEST_ID,
};
use crate::config::{AnthropicAuth, Provider, Settings};
use crate::providers::WireFormat;

/// A response body as a stream of chunks, from upstream or from the echo provider.
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, BodyFault>> + Send>>;

/// Why a body stream broke (no content).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BodyFault {
    #[error("the upstream connection failed while sending the body")]
    Upstream,
}

/// Upstream failures before the response headers (no URL, no key in messages).
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    #[error("could not connect to the upstream in time")]
    ConnectTimeout,
    #[error("could not connect to the upstream")]
    Connect,
    #[error("the upstream sent no response headers within {0:?}")]
    FirstByteTimeout(Duration),
    #[error("the upstream request failed")]
    Request,
    #[error("the upstream URL could not be built")]
    Url,
}

impl UpstreamError {
    /// Metric label.
    pub fn kind(&self) -> &'static str {
        match self {
            UpstreamError::ConnectTimeout => "connect_timeout",
            UpstreamError::Connect => "connect",
            UpstreamError::FirstByteTimeout(_) => "first_byte_timeout",
            UpstreamError::Request => "request",
            UpstreamError::Url => "url",
        }
    }
}

/// The response as the server continues with it.
pub struct UpstreamResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: ByteStream,
}

/// Every remote provider's `base_url`, parsed once at start-up, so a request only sets the path
/// and query on a clone instead of re-parsing scheme, host and port (IDNA, IPv4) every time.
#[derive(Debug, Default)]
pub struct BaseUrls {
    parsed: Vec<(String, reqwest::Url)>,
}

impl BaseUrls {
    /// Parses every remote `base_url` of `settings` (validated there, so failures are skipped
    /// and fall back to per-request parsing).
    pub fn new(settings: &Settings) -> Self {
        let parsed = settings
            .providers
            .iter()
            .filter_map(|p| match &p.upstream {
                crate::config::Upstream::Remote { base_url } => reqwest::Url::parse(base_url)
                    .ok()
                    .map(|u| (base_url.clone(), u)),
                crate::config::Upstream::Echo => None,
            })
            .collect();
        Self { parsed }
    }

    /// `{base_url}{rest}?{query}` as a URL. Same result as parsing the concatenation: the
    /// base has no trailing slash, query or fragment (config validation), `rest` is empty or
    /// starts with `/` (`path::split_provider`).
    fn join(&self, base_url: &str, rest: &str, query: Option<&str>) -> Option<reqwest::Url> {
        let base = self
            .parsed
            .iter()
            .find(|(s, _)| s == base_url)
            .map(|(_, u)| u)
            .filter(|_| rest.is_empty() || rest.starts_with('/'));
        let Some(base) = base else {
            let mut url = String::with_capacity(base_url.len() + rest.len() + 64);
            url.push_str(base_url);
            url.push_str(rest);
            if let Some(q) = query {
                url.push('?');
                url.push_str(q);
            }
            return reqwest::Url::parse(&url).ok();
        };
        let mut url = base.clone();
        let base_path = base.path();
        if base_path == "/" {
            url.set_path(rest);
        } else {
            let mut p = String::with_capacity(base_path.len() + rest.len());
            p.push_str(base_path);
            p.push_str(rest);
            url.set_path(&p);
        }
        url.set_query(query);
        Some(url)
    }
}

/// Builds the shared client once: pooled, redirects off, rustls, HTTP/2 via ALPN.
pub fn build_client(settings: &Settings) -> Result<reqwest::Client, reqwest::Error> {
    let mut b = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(settings.timeouts.connect)
        .pool_idle_timeout(Duration::from_secs(90))
        .tcp_nodelay(true)
        .use_rustls_tls();
    if !settings.use_env_proxy {
        b = b.no_proxy();
    }
    b.build()
}

/// What the forward step needs to know about the request.
pub struct Outbound<'a> {
    pub provider: &'a Provider,
    pub base_url: &'a str,
    pub wire: WireFormat,
    pub method: Method,
    /// Route rest after `/{provider}`, checked by `path::check`.
    pub rest: &'a str,
    pub query: Option<&'a str>,
    pub client_headers: &'a HeaderMap,
    /// The client's credential, only for `passthrough_client_key` providers.
    pub passthrough_key: Option<&'a str>,
    pub client_scheme: Option<CredentialScheme>,
    pub body: Option<Bytes>,
    pub request_id: &'a str,
}

/// Sends the request; returns once response headers arrived.
pub async fn send(
    client: &reqwest::Client,
    bases: &BaseUrls,
    first_byte: Duration,
    out: Outbound<'_>,
) -> Result<UpstreamResponse, UpstreamError> {
    let query = headers::forwarded_query(out.query);
    let url = bases
        .join(out.base_url, out.rest, query.as_deref())
        .ok_or(UpstreamError::Url)?;

    let mut h = headers::upstream_request_headers(out.client_headers);
    inject_credential(&mut h, &out).ok_or(UpstreamError::Request)?;
    if let Some(v) = &out.provider.openai_organization {
        h.insert(OPENAI_ORGANIZATION, v.clone());
    }
    if let Some(v) = &out.provider.openai_project {
        h.insert(OPENAI_PROJECT, v.clone());
    }
    if let Ok(v) = HeaderValue::from_str(out.request_id) {
        h.insert(X_REQUEST_ID, v);
    }

    let mut rb = client.request(out.method, url).headers(h);
    if let Some(body) = out.body {
        rb = rb.body(body);
    }
    let req = rb.build().map_err(|_| UpstreamError::Url)?;
    let resp = match tokio::time::timeout(first_byte, client.execute(req)).await {
        Err(_) => return Err(UpstreamError::FirstByteTimeout(first_byte)),
        Ok(Err(e)) if e.is_connect() && e.is_timeout() => {
            return Err(UpstreamError::ConnectTimeout)
        }
        Ok(Err(e)) if e.is_connect() => return Err(UpstreamError::Connect),
        Ok(Err(e)) if e.is_timeout() => return Err(UpstreamError::ConnectTimeout),
        Ok(Err(_)) => return Err(UpstreamError::Request),
        Ok(Ok(r)) => r,
    };
    let status = resp.status();
    let headers = headers::client_response_headers(resp.headers());
    let body: ByteStream = Box::pin(resp.bytes_stream().map_err(|_| BodyFault::Upstream).boxed());
    Ok(UpstreamResponse {
        status,
        headers,
        body,
    })
}

/// Puts the provider's key (or the passthrough key) in the provider's scheme.
fn inject_credential(h: &mut HeaderMap, out: &Outbound<'_>) -> Option<()> {
    let (raw, bearer) = match (out.passthrough_key, &out.provider.key) {
        (Some(k), _) => {
            let mut raw = HeaderValue::from_str(k).ok()?;
            raw.set_sensitive(true);
            let mut bearer = HeaderValue::from_str(&format!("Bearer {k}")).ok()?;
            bearer.set_sensitive(true);
            (raw, bearer)
        }
        (None, crate::config::KeyState::Present(k)) => (k.raw.clone(), k.bearer.clone()),
        (None, _) => return None,
    };
    match out.wire {
        WireFormat::OpenAi => {
            h.insert(header::AUTHORIZATION, bearer);
        }
        WireFormat::Anthropic => {
            let use_bearer = match out.provider.anthropic_auth {
                AnthropicAuth::Bearer => true,
                AnthropicAuth::XApiKey => false,
                AnthropicAuth::Mirror => out.client_scheme == Some(CredentialScheme::Bearer),
            };
            if use_bearer {
                h.insert(header::AUTHORIZATION, bearer);
            } else {
                h.insert(X_API_KEY, raw);
            }
        }
        WireFormat::Gemini => {
            h.insert(X_GOOG_API_KEY, raw);
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bases(list: &[&str]) -> BaseUrls {
        BaseUrls {
            parsed: list
                .iter()
                .map(|b| (b.to_string(), reqwest::Url::parse(b).unwrap()))
                .collect(),
        }
    }

    #[test]
    fn joined_url_equals_parsing_the_concatenation() {
        let b = bases(&[
            "http://127.0.0.1:9",
            "https://api.example.com",
            "https://dashscope.aliyuncs.com/compatible-mode",
            "https://h.example/a%20b",
        ]);
        for base in [
            "http://127.0.0.1:9",
            "https://api.example.com",
            "https://dashscope.aliyuncs.com/compatible-mode",
            "https://h.example/a%20b",
        ] {
            for rest in [
                "",
                "/",
                "/v1/chat/completions",
                "/v1beta/models/gemini-1.5:generateContent",
                "/v1/x%2Fy/\u{e9}",
            ] {
                for query in [
                    None,
                    Some("alt=sse"),
                    Some("a=1&b=%20c"),
                    Some("q=\u{e9} x"),
                ] {
                    let mut s = format!("{base}{rest}");
                    if let Some(q) = query {
                        s.push('?');
                        s.push_str(q);
                    }
                    let want = reqwest::Url::parse(&s).unwrap();
                    let got = b.join(base, rest, query).unwrap();
                    assert_eq!(got.as_str(), want.as_str(), "{base} {rest} {query:?}");
                }
            }
        }
    }

    #[test]
    fn unknown_base_falls_back_to_parsing() {
        let b = bases(&["https://a.example"]);
        let got = b
            .join("https://b.example", "/v1/models", Some("x=1"))
            .unwrap();
        assert_eq!(got.as_str(), "https://b.example/v1/models?x=1");
        assert!(b.join("not a url", "/v1", None).is_none());
    }
}
