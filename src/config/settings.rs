//! The checked, compiled runtime configuration, shared behind an `Arc`.
//!
//! Owns: defaults, cross-reference checks (every problem reported at once), glob compilation,
//! provider-key loading from env vars / files. Never: serialises secrets back out or logs them
//! (`ProviderKey`'s `Debug` is redacted). Called by: `config::load` and tests.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use globset::{Glob, GlobSet, GlobSetBuilder};
use http::HeaderValue;

use super::raw::{RawAnthropicAuth, RawConfig, RawEchoFormat, RawKind, RawProvider, RawTenant};
use crate::detect::Engine;
use crate::providers::presets::preset;
use crate::providers::WireFormat;
use crate::transform::policy::{EffectivePolicy, PolicyConfig};
use crate::transform::vault::TenantKey;

/// Default request body cap (10 MiB).
pub const DEFAULT_MAX_BODY_BYTES: u64 = 10 * 1024 * 1024;
/// Path segments that cannot be provider names (ops endpoints).
const RESERVED_NAMES: &[&str] = &["healthz", "readyz", "metrics"];

/// Validated configuration.
#[derive(Debug)]
pub struct Settings {
    pub listen: SocketAddr,
    pub max_body_bytes: usize,
    pub timeouts: Timeouts,
    pub use_env_proxy: bool,
    pub providers: Vec<Provider>,
    pub tenants: Vec<Tenant>,
    /// Index into `tenants` used for bring-your-own-key providers.
    pub default_tenant: Option<usize>,
    /// Non-fatal notes for the operator (e.g. a provider whose key is missing).
    pub warnings: Vec<String>,
    /// The detection engine, compiled once from `[detection]`.
    pub engine: Arc<Engine>,
    /// The same `[detection]` with only the detectors that can report secrets: scans responses
    /// under `scan_responses = "secrets"` (same findings as `engine` filtered to secrets).
    pub secrets_engine: Arc<Engine>,
    /// `[policy]` as written (validated); resolved per pair in `policies`.
    pub policy: PolicyConfig,
    /// Where the pseudonym HMAC server secret came from.
    pub pseudonym_key: PseudonymKeySource,
    /// Effective policy per (tenant, provider), resolved at start-up:
    /// index `tenant * providers.len() + provider`.
    policies: Vec<Arc<EffectivePolicy>>,
    /// Vault key per tenant (same index as `tenants`), derived from the server secret.
    tenant_keys: Vec<TenantKey>,
    by_name: HashMap<String, usize>,
}

/// Where the pseudonym HMAC server secret came from (never the secret itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PseudonymKeySource {
    /// `pseudonym_key_env = "VAR"`.
    Env(String),
    /// `pseudonym_key_file = "path"`.
    File(String),
    /// Neither set: a random secret generated at start-up (placeholders differ across
    /// restarts and replicas).
    Generated,
}

impl fmt::Display for PseudonymKeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PseudonymKeySource::Env(v) => write!(f, "env {v}"),
            PseudonymKeySource::File(p) => write!(f, "file {p}"),
            PseudonymKeySource::Generated => {
                f.write_str("generated at start-up (not stable across restarts/replicas)")
            }
        }
    }
}

/// Shortest accepted pseudonym server secret, in bytes.
pub const MIN_PSEUDONYM_KEY_LEN: usize = 32;

/// Upstream timeouts and the shutdown drain bound.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub first_byte: Duration,
    pub idle_stream: Duration,
    pub shutdown_grace: Duration,
}

/// Where a provider's requests go.
#[derive(Debug, Clone)]
pub enum Upstream {
    /// A real upstream; `base_url` has no trailing slash. URL = `{base_url}{rest}`.
    Remote { base_url: String },
    /// Answered locally. `format` None: inferred from the request path.
    Echo,
}

/// How the provider key is presented to Anthropic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnthropicAuth {
    Mirror,
    XApiKey,
    Bearer,
}

/// A provider key, pre-rendered as header values marked sensitive. `Debug` never shows it.
#[derive(Clone)]
pub struct ProviderKey {
    pub raw: HeaderValue,
    pub bearer: HeaderValue,
}

impl fmt::Debug for ProviderKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProviderKey(<redacted>)")
    }
}

impl ProviderKey {
    fn new(secret: &str) -> Option<Self> {
        let mut raw = HeaderValue::from_str(secret).ok()?;
        raw.set_sensitive(true);
        let mut bearer = HeaderValue::from_str(&format!("Bearer {secret}")).ok()?;
        bearer.set_sensitive(true);
        Some(Self { raw, bearer })
    }
}

/// Whether the provider has the credential it needs.
#[derive(Debug, Clone)]
pub enum KeyState {
    Present(ProviderKey),
    /// Unavailable: `hint` says what to set (never the value).
    Missing {
        hint: String,
    },
    /// Echo providers and bring-your-own-key providers.
    NotNeeded,
}

/// Model allowlist: globs, `models/x` and `x` are the same.
#[derive(Debug, Clone)]
pub struct ModelAllowlist {
    set: GlobSet,
}

impl ModelAllowlist {
    pub fn allows(&self, model: &str) -> bool {
        self.set.is_match(strip_models_prefix(model))
    }
}

/// `models/x` -> `x`.
pub fn strip_models_prefix(model: &str) -> &str {
    model.strip_prefix("models/").unwrap_or(model)
}

/// A validated provider.
#[derive(Debug, Clone)]
pub struct Provider {
    pub name: String,
    /// Wire format of the route. `None` only for an echo provider without `echo_format`.
    pub wire: Option<WireFormat>,
    pub upstream: Upstream,
    pub key: KeyState,
    pub models: ModelAllowlist,
    pub region: Option<String>,
    pub passthrough_client_key: bool,
    pub anthropic_auth: AnthropicAuth,
    pub openai_organization: Option<HeaderValue>,
    pub openai_project: Option<HeaderValue>,
}

impl Provider {
    /// True when requests can be served (echo, BYOK, or key present).
    pub fn is_available(&self) -> bool {
        !matches!(self.key, KeyState::Missing { .. })
    }
    pub fn is_echo(&self) -> bool {
        matches!(self.upstream, Upstream::Echo)
    }
}

/// A validated tenant.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub id: String,
    pub key_hashes: Vec<[u8; 32]>,
    /// Indices into `Settings::providers`.
    pub providers: HashSet<usize>,
}

impl Settings {
    /// The effective policy of a (tenant, provider) pair, resolved at start-up.
    pub fn effective_policy(
        &self,
        tenant: usize,
        provider: usize,
    ) -> Option<&Arc<EffectivePolicy>> {
        let n = self.providers.len();
        if provider >= n {
            return None;
        }
        self.policies
            .get(tenant.checked_mul(n)?.checked_add(provider)?)
    }

    /// The vault key of a tenant (HMAC of the server secret and the tenant id).
    pub fn tenant_key(&self, tenant: usize) -> Option<&TenantKey> {
        self.tenant_keys.get(tenant)
    }

    /// Looks a provider up by its route name.
    pub fn provider(&self, name: &str) -> Option<(usize, &Provider)> {
        let idx = *self.by_name.get(name)?;
        self.providers.get(idx).map(|p| (idx, p))
    }

    /// Validates `raw`. `base_dir` resolves relative `api_key_file` paths; `env` reads env vars.
    /// Returns every problem found, not just the first.
    pub fn from_raw(
        raw: RawConfig,
        base_dir: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, Vec<String>> {
        let mut problems = Vec::new();
        let mut warnings = Vec::new();

        let listen_str = raw.listen.as_deref().unwrap_or("127.0.0.1:8080");
        let listen = match listen_str.parse::<SocketAddr>() {
            Ok(a) => a,
            Err(_) => {
                problems.push(format!(
                    "listen: `{listen_str}` is not a socket address like 127.0.0.1:8080"
                ));
                SocketAddr::from(([127, 0, 0, 1], 8080))
            }
        };
        let max_body = raw.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES);
        if max_body == 0 {
            problems.push("max_body_bytes: must be greater than 0".into());
        }
        let max_body_bytes = usize::try_from(max_body).unwrap_or(usize::MAX);
        let t = &raw.timeouts;
        let timeouts = Timeouts {
            connect: t.connect.unwrap_or(Duration::from_secs(5)),
            first_byte: t.first_byte.unwrap_or(Duration::from_secs(120)),
            idle_stream: t.idle_stream.unwrap_or(Duration::from_secs(60)),
            shutdown_grace: t.shutdown_grace.unwrap_or(Duration::from_secs(30)),
        };
        for (k, d) in [
            ("connect", timeouts.connect),
            ("first_byte", timeouts.first_byte),
            ("idle_stream", timeouts.idle_stream),
        ] {
            if d.is_zero() {
                problems.push(format!("timeouts.{k}: must be greater than 0"));
            }
        }

        let mut providers = Vec::new();
        let mut by_name = HashMap::new();
        for (i, rp) in raw.providers.iter().enumerate() {
            let at = format!("provider #{} (`{}`)", i + 1, rp.name);
            if let Some(p) = build_provider(rp, &at, base_dir, env, &mut problems, &mut warnings) {
                if by_name.insert(p.name.clone(), providers.len()).is_some() {
                    problems.push(format!("{at}: name: duplicate provider name"));
                }
                providers.push(p);
            }
        }

        let mut tenants = Vec::new();
        let mut tenant_ids = HashMap::new();
        for (i, rt) in raw.tenants.iter().enumerate() {
            let at = format!("tenant #{} (`{}`)", i + 1, rt.id);
            let t = build_tenant(rt, &at, &by_name, &mut problems);
            if tenant_ids.insert(t.id.clone(), tenants.len()).is_some() {
                problems.push(format!("{at}: id: duplicate tenant id"));
            }
            tenants.push(t);
        }
        let mut seen_hashes = HashSet::new();
        for t in &tenants {
            for h in &t.key_hashes {
                if !seen_hashes.insert(*h) {
                    problems.push(format!(
                        "tenant `{}`: api_key_sha256: a key hash is listed more than once",
                        t.id
                    ));
                }
            }
        }

        let default_tenant = match &raw.default_tenant {
            None => None,
            Some(id) => match tenant_ids.get(id) {
                Some(i) => Some(*i),
                None => {
                    problems.push(format!("default_tenant: no [[tenant]] has id `{id}`"));
                    None
                }
            },
        };

        if providers.is_empty() {
            warnings.push("no [[provider]] configured: every route answers 404".into());
        } else if !providers.iter().any(Provider::is_available) {
            warnings.push("no provider is available: /readyz answers 503".into());
        }

        // [detection]: compile the engine once.
        let engine = match Engine::from_config(&raw.detection) {
            Ok(e) => Arc::new(e),
            Err(e) => {
                problems.push(format!("detection: {e}"));
                Arc::new(Engine::with_detectors(Vec::new()).map_err(|e| vec![e.to_string()])?)
            }
        };
        let secrets_engine = match Engine::secrets_from_config(&raw.detection) {
            Ok(e) => Arc::new(e),
            // The full build above already reported the same problems.
            Err(_) => {
                Arc::new(Engine::with_detectors(Vec::new()).map_err(|e| vec![e.to_string()])?)
            }
        };
        // [policy]: entity names must be built-in or a custom detector's entity.
        let custom: Vec<&str> = raw
            .detection
            .custom
            .iter()
            .map(|c| c.entity.as_str())
            .collect();
        if let Err(errs) = raw.policy.validate(&custom) {
            problems.extend(errs.iter().map(ToString::to_string));
        }
        for name in raw.policy.provider.keys() {
            if !by_name.contains_key(name) {
                problems.push(format!(
                    "policy.provider.{name}: no [[provider]] is named `{name}`"
                ));
            }
        }
        for name in raw.policy.tenant.keys() {
            if !tenant_ids.contains_key(name) {
                problems.push(format!(
                    "policy.tenant.{name}: no [[tenant]] has id `{name}`"
                ));
            }
        }
        let (secret, pseudonym_key) =
            pseudonym_secret(&raw, base_dir, env, &mut problems, &mut warnings);

        if !problems.is_empty() {
            return Err(problems);
        }
        let mut policies = Vec::with_capacity(tenants.len() * providers.len());
        for t in &tenants {
            for p in &providers {
                policies.push(Arc::new(raw.policy.effective(&t.id, &p.name)));
            }
        }
        let tenant_keys = tenants
            .iter()
            .map(|t| TenantKey::derive(&secret, &t.id))
            .collect();
        Ok(Settings {
            listen,
            max_body_bytes,
            timeouts,
            use_env_proxy: raw.use_env_proxy.unwrap_or(false),
            providers,
            tenants,
            default_tenant,
            warnings,
            engine,
            secrets_engine,
            policy: raw.policy,
            pseudonym_key,
            policies,
            tenant_keys,
            by_name,
        })
    }
}

/// The pseudonym HMAC server secret: from `pseudonym_key_env` / `pseudonym_key_file`, else
/// random (with a warning). Never from the config file itself.
fn pseudonym_secret(
    raw: &RawConfig,
    base_dir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> (Vec<u8>, PseudonymKeySource) {
    let short = |at: &str, problems: &mut Vec<String>| {
        problems.push(format!(
            "{at}: the pseudonym secret must be at least {MIN_PSEUDONYM_KEY_LEN} bytes (e.g. `openssl rand -hex 32`)"
        ));
    };
    match (&raw.pseudonym_key_env, &raw.pseudonym_key_file) {
        (Some(_), Some(_)) => {
            problems
                .push("pseudonym_key_env, pseudonym_key_file: set only one of them".to_string());
            (Vec::new(), PseudonymKeySource::Generated)
        }
        (Some(var), None) => {
            let v = env(var).map(|v| v.trim().to_string()).unwrap_or_default();
            if v.is_empty() {
                problems.push(format!(
                    "pseudonym_key_env: the environment variable {var} is not set"
                ));
            } else if v.len() < MIN_PSEUDONYM_KEY_LEN {
                short("pseudonym_key_env", problems);
            }
            (v.into_bytes(), PseudonymKeySource::Env(var.clone()))
        }
        (None, Some(file)) => {
            let path = base_dir.join(file);
            let v = match std::fs::read_to_string(&path) {
                Ok(s) => s.trim().to_string(),
                Err(_) => {
                    problems.push(format!(
                        "pseudonym_key_file: cannot read {}",
                        path.display()
                    ));
                    String::new()
                }
            };
            if !v.is_empty() && v.len() < MIN_PSEUDONYM_KEY_LEN {
                short("pseudonym_key_file", problems);
            }
            (
                v.into_bytes(),
                PseudonymKeySource::File(path.display().to_string()),
            )
        }
        (None, None) => {
            warnings.push(
                "pseudonym_key_env / pseudonym_key_file not set: a random pseudonym secret was generated; placeholders are not stable across restarts or replicas".to_string(),
            );
            let mut secret = Vec::with_capacity(32);
            secret.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
            secret.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
            (secret, PseudonymKeySource::Generated)
        }
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn build_provider(
    rp: &RawProvider,
    at: &str,
    base_dir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> Option<Provider> {
    let before = problems.len();
    if !valid_name(&rp.name) {
        problems.push(format!(
            "{at}: name: use 1-64 characters from a-z, 0-9, `-`, `_` (it is the route prefix)"
        ));
    }
    if RESERVED_NAMES.contains(&rp.name.as_str()) {
        problems.push(format!("{at}: name: `{}` is reserved", rp.name));
    }
    let pre = rp.preset.map(preset);
    let kind = match (rp.kind, pre) {
        (Some(k), _) => k,
        (None, Some(p)) => p.kind,
        (None, None) => {
            problems.push(format!(
                "{at}: kind: set `kind` (openai | anthropic | gemini | echo) or a `preset`"
            ));
            RawKind::Echo
        }
    };
    let wire = match kind {
        RawKind::Openai => Some(WireFormat::OpenAi),
        RawKind::Anthropic => Some(WireFormat::Anthropic),
        RawKind::Gemini => Some(WireFormat::Gemini),
        RawKind::Echo => rp.echo_format.map(|f| match f {
            RawEchoFormat::Openai => WireFormat::OpenAi,
            RawEchoFormat::Anthropic => WireFormat::Anthropic,
            RawEchoFormat::Gemini => WireFormat::Gemini,
        }),
    };
    if kind != RawKind::Echo && rp.echo_format.is_some() {
        problems.push(format!(
            "{at}: echo_format: only valid with kind = \"echo\""
        ));
    }
    let passthrough = rp.passthrough_client_key.unwrap_or(false);

    let upstream = if kind == RawKind::Echo {
        if rp.base_url.is_some() || rp.api_key_env.is_some() || rp.api_key_file.is_some() {
            problems.push(format!(
                "{at}: an echo provider answers locally: remove base_url / api_key_env / api_key_file"
            ));
        }
        Upstream::Echo
    } else {
        let base = rp
            .base_url
            .as_deref()
            .or(pre.map(|p| p.base_url))
            .unwrap_or("");
        match check_base_url(base) {
            Ok(b) => Upstream::Remote { base_url: b },
            Err(why) => {
                problems.push(format!("{at}: base_url: {why}"));
                Upstream::Remote {
                    base_url: String::new(),
                }
            }
        }
    };

    if rp.api_key_env.is_some() && rp.api_key_file.is_some() {
        problems.push(format!(
            "{at}: set only one of api_key_env and api_key_file"
        ));
    }
    let key = if kind == RawKind::Echo || passthrough {
        KeyState::NotNeeded
    } else if let Some(file) = &rp.api_key_file {
        let path = base_dir.join(file);
        match std::fs::read_to_string(&path) {
            Ok(s) => key_state(
                s.trim(),
                &format!("api_key_file {}", path.display()),
                at,
                problems,
            ),
            Err(_) => missing(
                format!("make the file {} readable", path.display()),
                at,
                warnings,
            ),
        }
    } else {
        let var = rp.api_key_env.as_deref().or(pre.map(|p| p.api_key_env));
        match var {
            None => {
                problems.push(format!(
                    "{at}: set api_key_env or api_key_file (or passthrough_client_key = true)"
                ));
                KeyState::NotNeeded
            }
            Some(var) => match env(var) {
                Some(v) if !v.trim().is_empty() => {
                    key_state(v.trim(), &format!("env {var}"), at, problems)
                }
                _ => missing(format!("set the environment variable {var}"), at, warnings),
            },
        }
    };

    let mut gb = GlobSetBuilder::new();
    for m in rp.models.as_deref().unwrap_or(&[]) {
        match Glob::new(strip_models_prefix(m)) {
            Ok(g) => {
                gb.add(g);
            }
            Err(_) => problems.push(format!("{at}: models: `{m}` is not a valid glob")),
        }
    }
    let set = gb.build().unwrap_or_else(|_| GlobSet::empty());
    if rp.models.as_deref().is_none_or(|m| m.is_empty()) {
        warnings.push(format!(
            "{at}: models is empty: no model is allowed (use [\"*\"] to allow all)"
        ));
    }

    let anthropic_auth = match rp.anthropic_auth {
        None | Some(RawAnthropicAuth::Mirror) => AnthropicAuth::Mirror,
        Some(RawAnthropicAuth::XApiKey) => AnthropicAuth::XApiKey,
        Some(RawAnthropicAuth::Bearer) => AnthropicAuth::Bearer,
    };
    if rp.anthropic_auth.is_some() && kind != RawKind::Anthropic {
        problems.push(format!(
            "{at}: anthropic_auth: only valid for anthropic providers"
        ));
    }
    let header = |key: &str, v: &Option<String>, problems: &mut Vec<String>| {
        v.as_deref().and_then(|s| match HeaderValue::from_str(s) {
            Ok(h) => Some(h),
            Err(_) => {
                problems.push(format!("{at}: {key}: not a valid header value"));
                None
            }
        })
    };
    let openai_organization = header("openai_organization", &rp.openai_organization, problems);
    let openai_project = header("openai_project", &rp.openai_project, problems);

    if problems.len() > before {
        return None;
    }
    Some(Provider {
        name: rp.name.clone(),
        wire,
        upstream,
        key,
        models: ModelAllowlist { set },
        region: rp.region.clone(),
        passthrough_client_key: passthrough,
        anthropic_auth,
        openai_organization,
        openai_project,
    })
}

fn key_state(secret: &str, source: &str, at: &str, problems: &mut Vec<String>) -> KeyState {
    match ProviderKey::new(secret) {
        Some(k) => KeyState::Present(k),
        None => {
            problems.push(format!(
                "{at}: the key from {source} contains characters not allowed in a header"
            ));
            KeyState::NotNeeded
        }
    }
}

fn missing(hint: String, at: &str, warnings: &mut Vec<String>) -> KeyState {
    warnings.push(format!(
        "{at}: no API key ({hint}); the provider is unavailable (503)"
    ));
    KeyState::Missing { hint }
}

fn check_base_url(base: &str) -> Result<String, &'static str> {
    if base.is_empty() {
        return Err("required (or use a preset)");
    }
    let url = reqwest::Url::parse(base).map_err(|_| "not a valid URL")?;
    if url.scheme() != "https" && url.scheme() != "http" {
        return Err("must be http:// or https://");
    }
    if url.host_str().is_none() {
        return Err("has no host");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not have a query or fragment");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain credentials");
    }
    Ok(base.trim_end_matches('/').to_string())
}

fn build_tenant(
    rt: &RawTenant,
    at: &str,
    by_name: &HashMap<String, usize>,
    problems: &mut Vec<String>,
) -> Tenant {
    if rt.id.is_empty() {
        problems.push(format!("{at}: id: must not be empty"));
    }
    let mut key_hashes = Vec::new();
    for h in &rt.api_key_sha256 {
        let mut out = [0u8; 32];
        match hex::decode_to_slice(h.trim(), &mut out) {
            Ok(()) => key_hashes.push(out),
            Err(_) => problems.push(format!(
                "{at}: api_key_sha256: `{h}` is not 64 hex characters (sha256 of the key)"
            )),
        }
    }
    let mut providers = HashSet::new();
    for p in &rt.providers {
        match by_name.get(p) {
            Some(i) => {
                providers.insert(*i);
            }
            None => problems.push(format!("{at}: providers: no [[provider]] is named `{p}`")),
        }
    }
    Tenant {
        id: rt.id.clone(),
        key_hashes,
        providers,
    }
}
