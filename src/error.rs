//! The edge: every layer's error becomes a status and a provider-shaped body, in one place.
//!
//! Owns: [`ApiError`] (status class + operator-facing message), the JSON error shapes of each
//! wire format (PROTOCOLS §4.1, §4.3) and the in-band error frame for started streams (§4.4).
//! Never: echoes request content (messages say what to change, nothing about the body), uses
//! 409/429/5xx for a policy decision, or adds `retry-after` to promptwall's own refusals.
//! Called by: `server::service` for every refusal and upstream failure.

use std::borrow::Cow;

use bytes::Bytes;
use http::{header, HeaderValue, Response, StatusCode};
use serde_json::json;

use crate::providers::{Endpoint, WireFormat};
use crate::server::body::{self, Body};
use crate::server::headers::{REQUEST_ID, X_PROMPTWALL_REQUEST_ID, X_REQUEST_ID, X_SHOULD_RETRY};

/// The status class of an error; decides status, error `type`, and whether SDKs may retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// 400: malformed JSON, wrong content type, bad path.
    BadRequest,
    /// 401: missing or unknown tenant key.
    Unauthenticated,
    /// 403: policy (model not allowlisted, tenant not allowed the provider).
    Forbidden,
    /// 404: unknown provider or endpoint not forwarded.
    NotFound,
    /// 413: body over `max_body_bytes`.
    TooLarge,
    /// 503: provider not configured with a key.
    Unavailable,
    /// 502: upstream unreachable or broke mid-body.
    BadGateway,
    /// 504: connect / first-byte / idle timeout.
    Timeout,
    /// 500: a bug in promptwall (e.g. a filter failed).
    Internal,
}

impl ErrorClass {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorClass::BadRequest => StatusCode::BAD_REQUEST,
            ErrorClass::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorClass::Forbidden => StatusCode::FORBIDDEN,
            ErrorClass::NotFound => StatusCode::NOT_FOUND,
            ErrorClass::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorClass::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorClass::BadGateway => StatusCode::BAD_GATEWAY,
            ErrorClass::Timeout => StatusCode::GATEWAY_TIMEOUT,
            ErrorClass::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Low-cardinality label for metrics and logs.
    pub fn label(self) -> &'static str {
        match self {
            ErrorClass::BadRequest => "bad_request",
            ErrorClass::Unauthenticated => "unauthenticated",
            ErrorClass::Forbidden => "policy",
            ErrorClass::NotFound => "not_found",
            ErrorClass::TooLarge => "too_large",
            ErrorClass::Unavailable => "unavailable",
            ErrorClass::BadGateway => "upstream",
            ErrorClass::Timeout => "timeout",
            ErrorClass::Internal => "internal",
        }
    }

    /// Whether this is promptwall's own refusal (then `x-should-retry: false`).
    pub fn is_refusal(self) -> bool {
        !matches!(self, ErrorClass::BadGateway | ErrorClass::Timeout)
    }

    fn openai(self) -> (&'static str, &'static str) {
        match self {
            ErrorClass::BadRequest => ("invalid_request_error", "promptwall_invalid_request"),
            ErrorClass::Unauthenticated => ("invalid_request_error", "invalid_api_key"),
            ErrorClass::Forbidden => ("invalid_request_error", "promptwall_policy_violation"),
            ErrorClass::NotFound => ("invalid_request_error", "unknown_url"),
            ErrorClass::TooLarge => ("invalid_request_error", "request_too_large"),
            ErrorClass::Unavailable => ("server_error", "provider_unavailable"),
            ErrorClass::BadGateway => ("server_error", "upstream_error"),
            ErrorClass::Timeout => ("server_error", "upstream_timeout"),
            ErrorClass::Internal => ("server_error", "promptwall_internal_error"),
        }
    }

    fn anthropic(self) -> &'static str {
        match self {
            ErrorClass::BadRequest => "invalid_request_error",
            ErrorClass::Unauthenticated => "authentication_error",
            ErrorClass::Forbidden => "permission_error",
            ErrorClass::NotFound => "not_found_error",
            ErrorClass::TooLarge => "request_too_large",
            ErrorClass::Unavailable | ErrorClass::BadGateway | ErrorClass::Internal => "api_error",
            ErrorClass::Timeout => "timeout_error",
        }
    }

    fn gemini(self) -> &'static str {
        match self {
            ErrorClass::BadRequest | ErrorClass::TooLarge => "INVALID_ARGUMENT",
            ErrorClass::Unauthenticated => "UNAUTHENTICATED",
            ErrorClass::Forbidden => "PERMISSION_DENIED",
            ErrorClass::NotFound => "NOT_FOUND",
            ErrorClass::Unavailable | ErrorClass::BadGateway => "UNAVAILABLE",
            ErrorClass::Timeout => "DEADLINE_EXCEEDED",
            ErrorClass::Internal => "INTERNAL",
        }
    }
}

/// An error ready to be shown to a client: a class plus a message that says what to change.
/// Never holds request content.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub class: ErrorClass,
    pub message: Cow<'static, str>,
}

impl ApiError {
    pub fn new(class: ErrorClass, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            class,
            message: message.into(),
        }
    }

    /// A policy refusal (403); the message is prefixed as PROTOCOLS §4.3 prescribes.
    pub fn policy(rule: impl std::fmt::Display) -> Self {
        Self::new(
            ErrorClass::Forbidden,
            format!("Blocked by promptwall policy: {rule}"),
        )
    }

    /// The JSON body in `format`'s error shape.
    pub fn body(&self, format: WireFormat, request_id: &str) -> Bytes {
        let status = self.class.status().as_u16();
        let v = match format {
            WireFormat::OpenAi => {
                let (ty, code) = self.class.openai();
                json!({"error": {"message": self.message, "type": ty, "param": null, "code": code}})
            }
            WireFormat::Anthropic => {
                let mut err = json!({"type": self.class.anthropic(), "message": self.message});
                if self.class == ErrorClass::Forbidden {
                    err["details"] = json!({"error_code": "promptwall_policy_violation"});
                }
                json!({"type": "error", "error": err, "request_id": request_id})
            }
            WireFormat::Gemini => {
                let mut err =
                    json!({"code": status, "message": self.message, "status": self.class.gemini()});
                if self.class == ErrorClass::Forbidden {
                    err["details"] = json!([{
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "PROMPTWALL_POLICY_VIOLATION",
                        "domain": "promptwall"
                    }]);
                }
                json!({ "error": err })
            }
        };
        Bytes::from(serde_json::to_vec(&v).unwrap_or_default())
    }

    /// The complete HTTP response in `format`'s shape, with request ids and retry hint.
    pub fn to_response(&self, format: WireFormat, request_id: &str) -> Response<Body> {
        let mut resp = Response::new(body::full(self.body(format, request_id)));
        *resp.status_mut() = self.class.status();
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if self.class.is_refusal() {
            h.insert(X_SHOULD_RETRY, HeaderValue::from_static("false"));
        }
        if let Ok(id) = HeaderValue::from_str(request_id) {
            if format == WireFormat::Anthropic {
                h.insert(REQUEST_ID, id.clone());
            }
            h.insert(X_PROMPTWALL_REQUEST_ID, id.clone());
            h.insert(X_REQUEST_ID, id);
        }
        resp
    }

    /// One in-band SSE error frame for a stream that already started (PROTOCOLS §4.4).
    pub fn sse_frame(&self, format: WireFormat, endpoint: Endpoint) -> Bytes {
        let (ty, code) = self.class.openai();
        let v = match (format, endpoint) {
            (WireFormat::OpenAi, Endpoint::OpenAiResponses) => {
                let v = json!({"type": "error", "code": code, "message": self.message, "param": null, "sequence_number": 0});
                return frame(Some("error"), &v);
            }
            (WireFormat::OpenAi, _) => {
                json!({"error": {"message": self.message, "type": ty, "param": null, "code": code}})
            }
            (WireFormat::Anthropic, _) => {
                let v = json!({"type": "error", "error": {"type": self.class.anthropic(), "message": self.message}});
                return frame(Some("error"), &v);
            }
            (WireFormat::Gemini, _) => json!({"error": {
                "code": self.class.status().as_u16(),
                "message": self.message,
                "status": self.class.gemini()
            }}),
        };
        frame(None, &v)
    }
}

fn frame(event: Option<&str>, data: &serde_json::Value) -> Bytes {
    let mut out = Vec::with_capacity(128);
    if let Some(e) = event {
        out.extend_from_slice(b"event: ");
        out.extend_from_slice(e.as_bytes());
        out.push(b'\n');
    }
    out.extend_from_slice(b"data: ");
    out.extend_from_slice(&serde_json::to_vec(data).unwrap_or_default());
    out.extend_from_slice(b"\n\n");
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(b: &Bytes) -> serde_json::Value {
        serde_json::from_slice(b).unwrap_or_default()
    }

    #[test]
    fn shapes_per_format() {
        let e = ApiError::policy("model `x` is not allowlisted");
        let o = parse(&e.body(WireFormat::OpenAi, "r1"));
        assert_eq!(o["error"]["code"], "promptwall_policy_violation");
        assert_eq!(o["error"]["type"], "invalid_request_error");
        assert!(o["error"]["param"].is_null());
        let a = parse(&e.body(WireFormat::Anthropic, "r1"));
        assert_eq!(a["type"], "error");
        assert_eq!(a["error"]["type"], "permission_error");
        assert_eq!(a["request_id"], "r1");
        let g = parse(&e.body(WireFormat::Gemini, "r1"));
        assert_eq!(g["error"]["code"], 403);
        assert_eq!(g["error"]["status"], "PERMISSION_DENIED");
    }

    #[test]
    fn refusal_headers() {
        let r = ApiError::new(ErrorClass::Unauthenticated, "x")
            .to_response(WireFormat::Anthropic, "rid");
        assert_eq!(r.status(), 401);
        assert_eq!(r.headers()[X_SHOULD_RETRY], "false");
        assert_eq!(r.headers()[REQUEST_ID], "rid");
        let r = ApiError::new(ErrorClass::Timeout, "x").to_response(WireFormat::OpenAi, "rid");
        assert!(r.headers().get(X_SHOULD_RETRY).is_none());
        assert!(r.headers().get(REQUEST_ID).is_none());
    }

    #[test]
    fn gemini_frame_starts_with_error_key() {
        let f = ApiError::new(ErrorClass::Timeout, "t")
            .sse_frame(WireFormat::Gemini, Endpoint::GeminiStreamGenerate);
        assert!(f.starts_with(b"data: {\"error\":"));
    }
}
