//! The request pipeline, written once, in execution order.
//!
//! Owns: the order of the steps and the seams later stages plug into:
//! [`RequestSanitizer`] (request body, parsed once) and the [`ResponseFilter`] it returns
//! (response body, chunk by chunk). Never: logs content, forwards anything it could not parse,
//! buffers a whole response, or re-serialises a body no stage changed.
//! Called by: `server` (one call per request), tests (in-process, any body type).
//!
//! Order (each step is commented where it happens in [`handle`]/`pipeline`):
//! ops endpoints -> request id -> refuse proxy-style requests -> route (path check, provider,
//! endpoint) -> authenticate tenant + provider permission -> [later: consent + rate limit] ->
//! provider availability -> read body under cap + parse JSON once -> model allowlist ->
//! sanitize (may rewrite the parsed body; returns the response filter) -> forward or echo ->
//! response through the filter, streamed -> finaliser: [later: ledger record] + metrics + one
//! log line (also on client disconnect).
//!
//! The sanitize stage in production is [`PolicySanitizer`]: the (tenant, provider) effective
//! policy resolved at start-up, a vault keyed by the tenant's key (derived from the pseudonym
//! server secret), one walk over the parsed body. No finding means no rewrite: the client's
//! original bytes are forwarded. Its report becomes `x-promptwall-sanitized` on the response,
//! the `sanitized` field of the log line and `promptwall_findings_total{entity,action}`
//! (counts only). Refusals: 403 + `x-should-retry: false` (blocked values, refused media) or
//! 400 (a body that cannot be walked), with content-free details (entity, JSON path, byte
//! offsets) in the provider's error shape. The response filter (restoration + response
//! scanning) is built once the upstream answered: SSE or JSON by its content type, non-2xx
//! answers unchanged, `echo` answers unchanged (they show the sanitized body).

use std::sync::Arc;

use bytes::Bytes;
use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode, Version};
use http_body_util::{BodyExt, Limited};
use serde_json::Value;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::body::{self, Body};
use super::context::RequestContext;
use super::forward::{self, ByteStream, Outbound, UpstreamError, UpstreamResponse};
use super::headers::{
    self, ClientCredential, ANTHROPIC_VERSION, REQUEST_ID, X_PROMPTWALL_KEY,
    X_PROMPTWALL_REQUEST_ID, X_PROMPTWALL_SANITIZED, X_REQUEST_ID,
};
use super::path;
use super::relay::{Finaliser, Relay};
use super::AppState;
use crate::config::{KeyState, Provider, Settings, Upstream};
use crate::error::{ApiError, ErrorClass};
use crate::providers::echo::{self, EchoRequest};
use crate::providers::{Endpoint, WireFormat};
use crate::telemetry;
use crate::transform::sanitize::{SanitizeError, SanitizeReport, Sanitizer};
use crate::transform::stream::{response_filter, FilterOptions};
use crate::transform::vault::Vault;
use crate::transform::{Passthrough, ResponseFilter, TransformError};

/// What the sanitize stage did to one request.
pub struct SanitizeOutcome {
    /// True if the JSON value was modified (then it is re-serialised; else the original bytes go).
    pub changed: bool,
    /// The filter every response byte passes through (e.g. a restorer holding this request's
    /// placeholder vault). Ignored when `filter_options` is set.
    pub response_filter: Box<dyn ResponseFilter>,
    /// Restoration + response scanning for this request: the pipeline builds the filter from
    /// these once it sees the upstream answer (SSE or JSON by its content type; non-2xx
    /// answers pass unchanged). `echo` answers skip it, so the echoed body shows exactly what
    /// would have gone upstream (placeholders included).
    pub filter_options: Option<FilterOptions>,
    /// Content-free summary (header `x-promptwall-sanitized`, metrics, the log line).
    pub report: Option<SanitizeReport>,
}

impl SanitizeOutcome {
    pub fn unchanged() -> Self {
        Self {
            changed: false,
            response_filter: Box::new(Passthrough),
            filter_options: None,
            report: None,
        }
    }
}

/// Who asks what: the sanitize stage's view of one request.
pub struct SanitizeInput<'a> {
    pub cx: &'a RequestContext,
    pub endpoint: Endpoint,
    /// Indices into `Settings::tenants` / `Settings::providers`.
    pub tenant: usize,
    pub provider: usize,
}

/// The sanitize seam: transforms the parsed request body in place. Errors are fail-closed:
/// the request is refused, never forwarded.
pub trait RequestSanitizer: Send + Sync {
    fn sanitize(
        &self,
        cx: &RequestContext,
        endpoint: Endpoint,
        body: &mut Value,
    ) -> Result<SanitizeOutcome, TransformError>;

    /// What the pipeline calls: knows the tenant and provider, answers refusals ready to send.
    /// Defaults to [`RequestSanitizer::sanitize`].
    fn sanitize_for(
        &self,
        input: &SanitizeInput<'_>,
        body: &mut Value,
    ) -> Result<SanitizeOutcome, ApiError> {
        self.sanitize(input.cx, input.endpoint, body)
            .map_err(sanitize_error)
    }
}

/// A sanitizer that leaves the body as it is (tests of other stages).
#[derive(Debug, Default)]
pub struct Unchanged;

impl RequestSanitizer for Unchanged {
    fn sanitize(
        &self,
        _cx: &RequestContext,
        _endpoint: Endpoint,
        _body: &mut Value,
    ) -> Result<SanitizeOutcome, TransformError> {
        Ok(SanitizeOutcome::unchanged())
    }
}

/// The real sanitize stage: detection + the (tenant, provider) effective policy + a vault
/// keyed per tenant; hands back restoration and response scanning for the response.
pub struct PolicySanitizer {
    settings: Arc<Settings>,
    sanitizer: Sanitizer,
}

impl PolicySanitizer {
    /// Built once at start-up around the settings' engine and resolved policies.
    pub fn new(settings: Arc<Settings>) -> Self {
        let sanitizer = Sanitizer::new(Arc::clone(&settings.engine))
            .with_secrets_engine(Arc::clone(&settings.secrets_engine));
        Self {
            settings,
            sanitizer,
        }
    }
}

impl RequestSanitizer for PolicySanitizer {
    fn sanitize(
        &self,
        cx: &RequestContext,
        endpoint: Endpoint,
        body: &mut Value,
    ) -> Result<SanitizeOutcome, TransformError> {
        // Name-based entry (tests, tools): look the indices up, then the full path.
        let s = &self.settings;
        let provider = cx
            .provider
            .as_deref()
            .and_then(|p| s.provider(p))
            .map(|(i, _)| i);
        let tenant = cx
            .tenant
            .as_deref()
            .and_then(|t| s.tenants.iter().position(|x| x.id == t));
        let (Some(tenant), Some(provider)) = (tenant, provider) else {
            return Err(TransformError::Refused("unknown tenant or provider".into()));
        };
        let input = SanitizeInput {
            cx,
            endpoint,
            tenant,
            provider,
        };
        self.sanitize_for(&input, body)
            .map_err(|e| TransformError::Refused(e.message.into_owned()))
    }

    fn sanitize_for(
        &self,
        input: &SanitizeInput<'_>,
        body: &mut Value,
    ) -> Result<SanitizeOutcome, ApiError> {
        let s = &self.settings;
        let (Some(policy), Some(key)) = (
            s.effective_policy(input.tenant, input.provider),
            s.tenant_key(input.tenant),
        ) else {
            return Err(ApiError::new(
                ErrorClass::Internal,
                "no effective policy for this tenant and provider",
            ));
        };
        let mut vault = Vault::for_policy(key.clone(), policy);
        let report = self
            .sanitizer
            .sanitize_request(input.endpoint, body, policy, &mut vault)
            .map_err(|e| refusal(&e, policy.version()))?;
        let opts = self
            .sanitizer
            .response_options(policy, &vault)
            .map_err(|e| refusal(&e, policy.version()))?;
        Ok(SanitizeOutcome {
            changed: report.body_changed(),
            response_filter: Box::new(Passthrough),
            filter_options: Some(opts),
            report: Some(report),
        })
    }
}

/// A sanitizer refusal in the provider's shape: 403 (blocked, media) or 400 (cannot be
/// walked), the content-free details in the body, `x-promptwall-sanitized: v=..; refused=..`.
fn refusal(e: &SanitizeError, version: &str) -> ApiError {
    let class = match e.status() {
        403 => ErrorClass::Forbidden,
        400 => ErrorClass::BadRequest,
        _ => ErrorClass::Internal,
    };
    let summary = format!("v={version}; refused={}", e.label());
    ApiError::new(class, e.to_string()).with_details(e.code(), e.details_json(), summary)
}

/// Handles one request. Never fails: every error becomes a provider-shaped response.
pub async fn handle<B>(state: Arc<AppState>, req: Request<B>) -> Response<Body>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    // Ops endpoints first: cheap, unauthenticated, not counted as proxy traffic.
    if let Some(resp) = ops(&state, &req) {
        return resp;
    }
    let mut cx = RequestContext::new(super::context::new_request_id());
    // Errors before routing answer in the OpenAI shape; afterwards in the route's shape.
    let mut format = WireFormat::OpenAi;
    match pipeline(&state, &mut cx, &mut format, req).await {
        Ok(resp) => resp,
        Err(err) => {
            cx.status = err.class.status().as_u16();
            cx.error = Some(err.class.label());
            let resp = err.to_response(format, &cx.request_id);
            telemetry::log_summary(&cx);
            state.metrics.record(&cx);
            resp
        }
    }
}

async fn pipeline<B>(
    state: &Arc<AppState>,
    cx: &mut RequestContext,
    format: &mut WireFormat,
    req: Request<B>,
) -> Result<Response<Body>, ApiError>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let settings = &*state.settings;
    let (parts, body) = req.into_parts();

    // 1. Never a forward proxy: CONNECT and absolute-form targets are refused before anything
    //    else, so the upstream can only ever come from the config.
    if parts.method == Method::CONNECT
        || (parts.version < Version::HTTP_2 && parts.uri.authority().is_some())
    {
        return Err(ApiError::new(
            ErrorClass::BadRequest,
            "promptwall is not a forward proxy: send origin-form requests such as POST /<provider>/v1/...",
        ));
    }

    // 2. Route: a clean path, a configured provider, a known endpoint of its wire format.
    //    Done before authentication so refusals already speak the provider's error shape.
    let raw_path = parts.uri.path();
    path::check(raw_path).map_err(|e| ApiError::new(ErrorClass::BadRequest, e.to_string()))?;
    let (name, rest) = path::split_provider(raw_path);
    let (provider_idx, provider) = settings.provider(name).ok_or_else(|| {
        ApiError::new(
            ErrorClass::NotFound,
            "no provider route matches this path: use /<provider>/... with a provider name from the promptwall configuration",
        )
    })?;
    cx.provider = Some(provider.name.clone());
    if let Some(w) = provider.wire {
        *format = w;
    }
    let anthropic_hint = parts.headers.contains_key(ANTHROPIC_VERSION);
    if provider.wire.is_none() {
        // Echo without a fixed format: shape early refusals by the look of the path.
        *format = if anthropic_hint {
            WireFormat::Anthropic
        } else if rest.starts_with("/v1beta/") || rest.contains(':') {
            WireFormat::Gemini
        } else {
            WireFormat::OpenAi
        };
    }
    let classified = match provider.wire {
        Some(w) => Endpoint::classify(w, &parts.method, rest),
        None => Endpoint::infer(&parts.method, rest, anthropic_hint),
    }
    .ok_or_else(|| ApiError::new(ErrorClass::NotFound, unsupported_endpoint(*format)))?;
    let endpoint = classified.endpoint;
    let wire = endpoint.wire_format();
    *format = wire;
    cx.endpoint = Some(endpoint);

    // 3. Authenticate the tenant by the SHA-256 of its key (constant time), and check it may
    //    use this provider. Cheap checks before reading the body.
    let credential = headers::client_credential(&parts.headers, parts.uri.query());
    let auth = authenticate(settings, provider, &parts.headers, credential.as_ref())?;
    let tenant = settings
        .tenants
        .get(auth.tenant)
        .ok_or_else(|| ApiError::new(ErrorClass::Internal, "tenant table changed"))?;
    cx.tenant = Some(tenant.id.clone());
    if !tenant.providers.contains(&provider_idx) {
        return Err(ApiError::policy(format_args!(
            "tenant `{}` may not use provider `{}` (add it to that [[tenant]]'s providers)",
            tenant.id, provider.name
        )));
    }

    // 4. [later: consent + rate limit] Per-tenant consent for this provider and the rate-limit
    //    token go here: after we know who asks, before we spend anything on the body.

    // 5. Provider availability: a provider without its key answers 503 rather than sending an
    //    unauthenticated request upstream.
    if let KeyState::Missing { hint } = &provider.key {
        return Err(ApiError::new(
            ErrorClass::Unavailable,
            format!(
                "provider `{}` is unavailable: promptwall has no API key for it ({hint})",
                provider.name
            ),
        ));
    }

    // 6. Read the body under the cap, parse it once. What cannot be parsed is not forwarded.
    let (body_bytes, mut parsed) = if endpoint.has_body() {
        let bytes = read_body(settings, &parts.headers, body).await?;
        cx.bytes_in = bytes.len() as u64;
        let value: Value = serde_json::from_slice(&bytes).map_err(|_| {
            ApiError::new(ErrorClass::BadRequest, "the request body is not valid JSON")
        })?;
        if !value.is_object() {
            return Err(ApiError::new(
                ErrorClass::BadRequest,
                "the request body must be a JSON object",
            ));
        }
        (Some(bytes), Some(value))
    } else {
        (None, None)
    };

    // 7. Model allowlist: from the path (Gemini) or the body (OpenAI, Anthropic). A Gemini
    //    batch names the model again per entry: each must be the path model.
    let model: Option<String> = match (wire, &parsed) {
        (WireFormat::Gemini, _) => classified.path_model.map(str::to_string),
        (_, Some(v)) => match v.get("model") {
            Some(Value::String(m)) if !m.is_empty() => Some(m.clone()),
            _ => {
                return Err(ApiError::new(
                    ErrorClass::BadRequest,
                    "the request body needs a non-empty string `model` field",
                ))
            }
        },
        (_, None) => None,
    };
    if let Some(m) = &model {
        cx.set_model(m);
        if !provider.models.allows(m) {
            return Err(ApiError::policy(format_args!(
                "the requested model is not allowlisted for provider `{}` (see its `models` list)",
                provider.name
            )));
        }
    }
    if endpoint == Endpoint::GeminiBatchEmbed {
        if let (Some(m), Some(v)) = (&model, &parsed) {
            check_batch_models(v, m)?;
        }
    }
    cx.stream = endpoint.streams_by_path()
        || parsed
            .as_ref()
            .and_then(|v| v.get("stream"))
            .and_then(Value::as_bool)
            .unwrap_or(false);

    // 8. Sanitize: the one stage that may rewrite the parsed body. It also hands back the
    //    response filter (restoration needs what sanitizing replaced). Fail closed.
    let mut outcome = match parsed.as_mut() {
        Some(v) => state.sanitizer.sanitize_for(
            &SanitizeInput {
                cx,
                endpoint,
                tenant: auth.tenant,
                provider: provider_idx,
            },
            v,
        )?,
        None => SanitizeOutcome::unchanged(),
    };
    if let Some(report) = &outcome.report {
        cx.sanitized = Some(report.header_value());
        cx.findings = report
            .counts
            .iter()
            .map(|c| (c.entity.name().to_string(), c.action.name(), c.count as u64))
            .collect();
    }
    let out_body = match (&parsed, body_bytes) {
        (Some(v), Some(_)) if outcome.changed => {
            Some(Bytes::from(serde_json::to_vec(v).map_err(|_| {
                ApiError::new(
                    ErrorClass::Internal,
                    "the sanitized body could not be encoded",
                )
            })?))
        }
        (_, b) => b,
    };

    // 9. Forward with the shared client and the provider's key (or answer locally for echo).
    let upstream = match &provider.upstream {
        Upstream::Echo => {
            // Echo shows exactly what would have gone upstream: its answer is not passed
            // through restoration or response scanning (the placeholders stay visible; the
            // round trip is what a real upstream answer gets).
            outcome.filter_options = None;
            let reply = echo::reply(&EchoRequest {
                endpoint,
                model: model.as_deref().unwrap_or("echo"),
                body: out_body.as_deref().unwrap_or(&[]),
                parsed: parsed.as_ref(),
                stream: cx.stream,
                alt_sse: parts
                    .uri
                    .query()
                    .is_some_and(|q| q.split('&').any(|p| p == "alt=sse")),
                request_id: &cx.request_id,
            });
            let mut h = http::HeaderMap::new();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(reply.content_type),
            );
            let body: ByteStream =
                Box::pin(futures_util::stream::iter(reply.chunks.into_iter().map(Ok)));
            UpstreamResponse {
                status: StatusCode::OK,
                headers: h,
                body,
            }
        }
        Upstream::Remote { base_url } => forward::send(
            &state.client,
            &state.bases,
            settings.timeouts.first_byte,
            Outbound {
                provider,
                base_url,
                wire,
                method: parts.method.clone(),
                rest,
                query: parts.uri.query(),
                client_headers: &parts.headers,
                passthrough_key: auth.passthrough_key.as_deref(),
                client_scheme: credential.as_ref().map(|c| c.scheme),
                body: out_body,
                request_id: &cx.request_id,
            },
        )
        .await
        .map_err(|e| {
            state.metrics.upstream_error(&provider.name, e.kind());
            upstream_error(e)
        })?,
    };
    cx.first_byte = Some(cx.started.elapsed());
    cx.status = upstream.status.as_u16();

    // 10. Respond: every byte passes the response filter, streamed as it arrives.
    //     [later: ledger record] is written by the finaliser, after the body ends.
    Ok(respond(state, cx.take(), upstream, outcome, endpoint))
}

/// Who is asking, and which key goes upstream for bring-your-own-key providers.
struct Authenticated {
    tenant: usize,
    passthrough_key: Option<String>,
}

/// Tenant identification. Normal providers: the client credential is the tenant key.
/// `passthrough_client_key` providers: the client credential is the provider key (forwarded),
/// the tenant comes from `x-promptwall-key`, else `default_tenant`.
fn authenticate(
    settings: &Settings,
    provider: &Provider,
    headers: &http::HeaderMap,
    credential: Option<&ClientCredential<'_>>,
) -> Result<Authenticated, ApiError> {
    let missing = || {
        ApiError::new(
            ErrorClass::Unauthenticated,
            "missing API key: send your promptwall tenant key as the SDK's API key",
        )
    };
    let unknown = || {
        ApiError::new(
            ErrorClass::Unauthenticated,
            "the API key is not a promptwall tenant key: ask your operator for one",
        )
    };
    let credential = credential.ok_or_else(missing)?;
    if !provider.passthrough_client_key {
        let tenant = find_tenant(settings, credential.value.as_bytes()).ok_or_else(unknown)?;
        return Ok(Authenticated {
            tenant,
            passthrough_key: None,
        });
    }
    let tenant = match headers.get(X_PROMPTWALL_KEY) {
        Some(v) => find_tenant(settings, v.as_bytes()).ok_or_else(unknown)?,
        None => settings.default_tenant.ok_or_else(|| {
            ApiError::new(
                ErrorClass::Unauthenticated,
                "this provider uses your own provider key: also send your promptwall tenant key in the x-promptwall-key header",
            )
        })?,
    };
    Ok(Authenticated {
        tenant,
        passthrough_key: Some(credential.value.to_string()),
    })
}

/// Index of the tenant owning `key`, comparing SHA-256 digests in constant time.
fn find_tenant(settings: &Settings, key: &[u8]) -> Option<usize> {
    let digest: [u8; 32] = Sha256::digest(key).into();
    let mut found = None;
    for (i, t) in settings.tenants.iter().enumerate() {
        for h in &t.key_hashes {
            if bool::from(h.ct_eq(&digest)) {
                found = Some(i);
            }
        }
    }
    found
}

async fn read_body<B>(
    settings: &Settings,
    headers: &http::HeaderMap,
    body: B,
) -> Result<Bytes, ApiError>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim())
        .is_some_and(|v| v.eq_ignore_ascii_case("application/json"));
    if !json {
        return Err(ApiError::new(
            ErrorClass::BadRequest,
            "send the request body with Content-Type: application/json",
        ));
    }
    let max = settings.max_body_bytes;
    let too_large = || {
        ApiError::new(
            ErrorClass::TooLarge,
            format!("the request body is larger than promptwall's limit of {max} bytes (max_body_bytes)"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(too_large());
    }
    match Limited::new(body, max).collect().await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Err(_) => Err(ApiError::new(
            ErrorClass::BadRequest,
            "the request body could not be read",
        )),
    }
}

/// Gemini `:batchEmbedContents` names the model again in every `requests[]` entry (`models/x`
/// or `x`). Each must be the path model, which was just allowlisted, so the allowlist, the
/// metrics and the log all see the one model that is used; a different one is a policy
/// refusal (403), a malformed entry a bad request. An entry without `model` uses the path's.
fn check_batch_models(body: &Value, path_model: &str) -> Result<(), ApiError> {
    let bad = |msg: &'static str| ApiError::new(ErrorClass::BadRequest, msg);
    let items = match body.get("requests") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(bad("`requests` must be an array of embedContent requests")),
    };
    let want = path_model.strip_prefix("models/").unwrap_or(path_model);
    for item in items {
        let Value::Object(entry) = item else {
            return Err(bad("each entry of `requests` must be an object"));
        };
        match entry.get("model") {
            None | Some(Value::Null) => {}
            Some(Value::String(m)) if m.strip_prefix("models/").unwrap_or(m) == want => {}
            Some(Value::String(_)) => return Err(ApiError::policy(
                "every `requests[].model` must name the model in the path (one model per batch)",
            )),
            Some(_) => return Err(bad("`requests[].model` must be a string")),
        }
    }
    Ok(())
}

fn sanitize_error(e: TransformError) -> ApiError {
    match e {
        TransformError::Refused(rule) => ApiError::policy(rule),
        other => ApiError::new(
            ErrorClass::BadRequest,
            format!("the request was not forwarded: {other}"),
        ),
    }
}

fn upstream_error(e: UpstreamError) -> ApiError {
    let class = match e {
        UpstreamError::ConnectTimeout | UpstreamError::FirstByteTimeout(_) => ErrorClass::Timeout,
        UpstreamError::Url => ErrorClass::Internal,
        UpstreamError::Connect | UpstreamError::Request => ErrorClass::BadGateway,
    };
    ApiError::new(class, e.to_string())
}

fn unsupported_endpoint(format: WireFormat) -> &'static str {
    match format {
        WireFormat::OpenAi => "promptwall does not forward this endpoint: supported are POST v1/chat/completions, v1/responses, v1/embeddings, v1/completions and GET v1/models",
        WireFormat::Anthropic => "promptwall does not forward this endpoint: supported are POST v1/messages, v1/messages/count_tokens and GET v1/models",
        WireFormat::Gemini => "promptwall does not forward this endpoint: supported are POST {v1,v1beta}/models/{model}:generateContent, :streamGenerateContent, :countTokens, :embedContent, :batchEmbedContents and GET {v1,v1beta}/models",
    }
}

/// `/healthz`, `/readyz`, `/metrics`.
fn ops<B>(state: &AppState, req: &Request<B>) -> Option<Response<Body>> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return None;
    }
    let (status, ctype, body) = match req.uri().path() {
        "/healthz" => (StatusCode::OK, "text/plain", Bytes::from_static(b"ok\n")),
        "/readyz" if state.is_ready() => {
            (StatusCode::OK, "text/plain", Bytes::from_static(b"ready\n"))
        }
        "/readyz" => (
            StatusCode::SERVICE_UNAVAILABLE,
            "text/plain",
            Bytes::from_static(b"not ready\n"),
        ),
        "/metrics" => (
            StatusCode::OK,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
            Bytes::from(state.metrics.encode()),
        ),
        _ => return None,
    };
    let mut resp = Response::new(body::full(body));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    Some(resp)
}

fn respond(
    state: &AppState,
    cx: RequestContext,
    upstream: UpstreamResponse,
    outcome: SanitizeOutcome,
    endpoint: Endpoint,
) -> Response<Body> {
    let is_sse = upstream
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("text/event-stream"));
    let filter = match outcome.filter_options {
        Some(opts) if upstream.status.is_success() => response_filter(endpoint, is_sse, opts),
        // Upstream errors carry no generated text: forwarded unchanged.
        Some(_) => Box::new(Passthrough),
        None => outcome.response_filter,
    };
    let sanitized = cx
        .sanitized
        .as_deref()
        .and_then(|s| HeaderValue::from_str(s).ok());
    let request_id = HeaderValue::from_str(&cx.request_id).ok();
    let relay = Relay::new(
        upstream.body,
        filter,
        state.settings.timeouts.idle_stream,
        is_sse.then_some(endpoint),
        Finaliser {
            metrics: state.metrics.clone(),
            cx,
        },
    );
    let mut resp = Response::new(relay.boxed_unsync());
    *resp.status_mut() = upstream.status;
    *resp.headers_mut() = upstream.headers;
    if let Some(v) = sanitized {
        resp.headers_mut().insert(X_PROMPTWALL_SANITIZED, v);
    }
    if let Some(id) = request_id {
        let h = resp.headers_mut();
        if !h.contains_key(X_REQUEST_ID) {
            h.insert(X_REQUEST_ID, id.clone());
        }
        // Anthropic SDKs read `request-id`; keep the upstream's when it sent one.
        if endpoint.wire_format() == WireFormat::Anthropic && !h.contains_key(REQUEST_ID) {
            h.insert(REQUEST_ID, id.clone());
        }
        h.insert(X_PROMPTWALL_REQUEST_ID, id);
    }
    resp
}
