//! Header hygiene in both directions, and reading the client's credential.
//!
//! Owns: the request-header allowlist (everything not listed is dropped, so an unknown
//! credential header can never leak upstream), the response-header denylist, and the list of
//! inbound credential forms. Never: logs header values. Called by: `service`, `forward`.

use std::borrow::Cow;

use http::header::{self, HeaderMap, HeaderName, HeaderValue};

pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
pub const X_PROMPTWALL_REQUEST_ID: HeaderName = HeaderName::from_static("x-promptwall-request-id");
pub const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
pub const X_PROMPTWALL_SANITIZED: HeaderName =
    HeaderName::from_static(crate::transform::sanitize::HEADER);
pub const X_SHOULD_RETRY: HeaderName = HeaderName::from_static("x-should-retry");
pub const X_API_KEY: HeaderName = HeaderName::from_static("x-api-key");
pub const X_GOOG_API_KEY: HeaderName = HeaderName::from_static("x-goog-api-key");
pub const API_KEY: HeaderName = HeaderName::from_static("api-key");
/// Tenant key for bring-your-own-key providers (the normal credential is the provider key).
pub const X_PROMPTWALL_KEY: HeaderName = HeaderName::from_static("x-promptwall-key");
pub const ANTHROPIC_VERSION: HeaderName = HeaderName::from_static("anthropic-version");
pub const OPENAI_ORGANIZATION: HeaderName = HeaderName::from_static("openai-organization");
pub const OPENAI_PROJECT: HeaderName = HeaderName::from_static("openai-project");

/// Request headers forwarded upstream as received. Everything else is dropped.
fn forwardable_request_header(name: &HeaderName) -> bool {
    let n = name.as_str();
    matches!(
        n,
        "content-type"
            | "accept"
            | "user-agent"
            | "anthropic-version"
            | "anthropic-beta"
            | "openai-beta"
            | "idempotency-key"
            | "http-referer"
            | "x-title"
            | "x-goog-api-client"
            | "x-server-timeout"
    ) || n.starts_with("x-stainless-")
}

/// Hop-by-hop headers (RFC 9110 §7.6.1), stripped in both directions.
pub fn is_hop_by_hop(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "connection"
            | "keep-alive"
            | "proxy-connection"
            | "proxy-authenticate"
            | "proxy-authorization"
            | "te"
            | "trailer"
            | "transfer-encoding"
            | "upgrade"
    )
}

/// Names listed inside `Connection` (also hop-by-hop).
fn connection_named(headers: &HeaderMap) -> Vec<HeaderName> {
    headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|t| HeaderName::from_bytes(t.trim().as_bytes()).ok())
        .collect()
}

/// The client's headers that may go upstream (credentials, cookies, hop-by-hop, host,
/// content-length, accept-encoding and org/project are not among them).
pub fn upstream_request_headers(client: &HeaderMap) -> HeaderMap {
    let named = if client.contains_key(header::CONNECTION) {
        connection_named(client)
    } else {
        Vec::new()
    };
    let mut out = HeaderMap::with_capacity(client.len() + 4);
    for (name, value) in client {
        if forwardable_request_header(name) && !named.contains(name) {
            out.append(name.clone(), value.clone());
        }
    }
    out.insert(
        header::ACCEPT_ENCODING,
        HeaderValue::from_static("identity"),
    );
    out
}

/// Upstream response headers the client may see: hop-by-hop, `set-cookie` and
/// `content-length` (the body may be rewritten) are dropped.
pub fn client_response_headers(upstream: &HeaderMap) -> HeaderMap {
    let named = if upstream.contains_key(header::CONNECTION) {
        connection_named(upstream)
    } else {
        Vec::new()
    };
    let mut out = HeaderMap::with_capacity(upstream.len() + 3);
    for (name, value) in upstream {
        if is_hop_by_hop(name)
            || name == header::SET_COOKIE
            || name == header::CONTENT_LENGTH
            || name == header::ALT_SVC
            || named.contains(name)
        {
            continue;
        }
        out.append(name.clone(), value.clone());
    }
    out
}

/// How the client presented its credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialScheme {
    Bearer,
    XApiKey,
    GoogApiKey,
    ApiKey,
    QueryKey,
}

/// The client's credential (never logged).
#[derive(Clone, PartialEq, Eq)]
pub struct ClientCredential<'a> {
    pub value: Cow<'a, str>,
    pub scheme: CredentialScheme,
}

impl std::fmt::Debug for ClientCredential<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ClientCredential({:?}, <redacted>)", self.scheme)
    }
}

/// Finds the client's credential: `Authorization: Bearer`, `x-api-key`, `x-goog-api-key`,
/// `api-key`, then `?key=`.
pub fn client_credential<'a>(
    headers: &'a HeaderMap,
    query: Option<&'a str>,
) -> Option<ClientCredential<'a>> {
    let h = |name: &HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let bearer = h(&header::AUTHORIZATION).and_then(|v| {
        v.strip_prefix("Bearer ")
            .or_else(|| v.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
    });
    if let Some(token) = bearer {
        return Some(ClientCredential {
            value: Cow::Borrowed(token),
            scheme: CredentialScheme::Bearer,
        });
    }
    for (name, scheme) in [
        (&X_API_KEY, CredentialScheme::XApiKey),
        (&X_GOOG_API_KEY, CredentialScheme::GoogApiKey),
        (&API_KEY, CredentialScheme::ApiKey),
    ] {
        if let Some(v) = h(name) {
            return Some(ClientCredential {
                value: Cow::Borrowed(v),
                scheme,
            });
        }
    }
    let q = query?;
    q.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        if k != "key" || v.is_empty() {
            return None;
        }
        let v = percent_encoding::percent_decode_str(v).decode_utf8().ok()?;
        Some(ClientCredential {
            value: v,
            scheme: CredentialScheme::QueryKey,
        })
    })
}

/// The query string without any `key` parameter (percent-decoded name). `None` if empty.
pub fn forwarded_query(query: Option<&str>) -> Option<Cow<'_, str>> {
    let q = query.filter(|q| !q.is_empty())?;
    let is_key = |pair: &str| {
        let name = pair.split_once('=').map(|(k, _)| k).unwrap_or(pair);
        percent_encoding::percent_decode_str(name)
            .decode_utf8()
            .is_ok_and(|n| n.eq_ignore_ascii_case("key"))
    };
    if !q.split('&').any(is_key) {
        return Some(Cow::Borrowed(q));
    }
    let kept: Vec<&str> = q
        .split('&')
        .filter(|p| !p.is_empty() && !is_key(p))
        .collect();
    if kept.is_empty() {
        None
    } else {
        Some(Cow::Owned(kept.join("&")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_removed_from_query() {
        assert_eq!(
            forwarded_query(Some("alt=sse&key=abc")).as_deref(),
            Some("alt=sse")
        );
        assert_eq!(forwarded_query(Some("key=abc")), None);
        assert_eq!(
            forwarded_query(Some("%6Bey=abc&x=1")).as_deref(),
            Some("x=1")
        );
        assert_eq!(
            forwarded_query(Some("beta=true")).as_deref(),
            Some("beta=true")
        );
        assert_eq!(forwarded_query(Some("keys=1")).as_deref(), Some("keys=1"));
    }

    #[test]
    fn credentials_in_order() {
        let mut h = HeaderMap::new();
        h.insert(X_API_KEY, HeaderValue::from_static("k1"));
        let c = client_credential(&h, Some("key=q"));
        assert_eq!(
            c.map(|c| (c.value.into_owned(), c.scheme)),
            Some(("k1".into(), CredentialScheme::XApiKey))
        );
        let h = HeaderMap::new();
        let c = client_credential(&h, Some("alt=sse&key=q%2B1"));
        assert_eq!(c.map(|c| c.value.into_owned()), Some("q+1".into()));
    }

    #[test]
    fn hygiene() {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        h.insert(header::COOKIE, HeaderValue::from_static("a=b"));
        h.insert(
            header::CONNECTION,
            HeaderValue::from_static("x-stainless-os"),
        );
        h.insert("x-stainless-os", HeaderValue::from_static("Linux"));
        h.insert("x-stainless-lang", HeaderValue::from_static("python"));
        h.insert(ANTHROPIC_VERSION, HeaderValue::from_static("2023-06-01"));
        h.insert(OPENAI_ORGANIZATION, HeaderValue::from_static("org"));
        let out = upstream_request_headers(&h);
        assert!(out.get(header::AUTHORIZATION).is_none());
        assert!(out.get(header::COOKIE).is_none());
        assert!(out.get("x-stainless-os").is_none());
        assert!(out.get(OPENAI_ORGANIZATION).is_none());
        assert_eq!(out["x-stainless-lang"], "python");
        assert_eq!(out[ANTHROPIC_VERSION], "2023-06-01");
        assert_eq!(out[header::ACCEPT_ENCODING], "identity");
    }
}
