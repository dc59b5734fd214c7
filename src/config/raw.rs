//! The configuration file exactly as written: serde structs, `deny_unknown_fields` everywhere.
//!
//! Owns: the TOML shape. Never: reads secrets, applies defaults or validates cross-references
//! (that is `settings.rs`). Called by: `config::load`.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

/// Top level of `promptwall.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// Socket address to listen on, e.g. `127.0.0.1:8080`.
    pub listen: Option<String>,
    /// Request body cap in bytes (default 10 MiB); larger bodies get 413.
    pub max_body_bytes: Option<u64>,
    /// Tenant used for bring-your-own-key providers when the request carries no
    /// `x-promptwall-key` header.
    pub default_tenant: Option<String>,
    /// Use `HTTP(S)_PROXY` from the environment for upstream calls (default false).
    pub use_env_proxy: Option<bool>,
    #[serde(default)]
    pub timeouts: RawTimeouts,
    #[serde(default, rename = "provider")]
    pub providers: Vec<RawProvider>,
    #[serde(default, rename = "tenant")]
    pub tenants: Vec<RawTenant>,
}

/// `[timeouts]`: humantime strings such as `"5s"`, `"2m"`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTimeouts {
    #[serde(default, with = "humantime_serde")]
    pub connect: Option<Duration>,
    #[serde(default, with = "humantime_serde")]
    pub first_byte: Option<Duration>,
    #[serde(default, with = "humantime_serde")]
    pub idle_stream: Option<Duration>,
    #[serde(default, with = "humantime_serde")]
    pub shutdown_grace: Option<Duration>,
}

/// Wire format of a provider as written in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawKind {
    Openai,
    Anthropic,
    Gemini,
    Echo,
}

/// Format an `echo` provider answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawEchoFormat {
    Openai,
    Anthropic,
    Gemini,
}

/// Provider presets: fill `kind`, `base_url` and `api_key_env` defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RawPreset {
    Openai,
    Anthropic,
    Gemini,
    Deepseek,
    Qwen,
    QwenIntl,
    Mistral,
}

/// How the provider key is sent to Anthropic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RawAnthropicAuth {
    /// Bearer if the client used Bearer, else `x-api-key` (default).
    Mirror,
    XApiKey,
    Bearer,
}

/// One `[[provider]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProvider {
    pub name: String,
    pub kind: Option<RawKind>,
    pub preset: Option<RawPreset>,
    pub base_url: Option<String>,
    pub api_key_env: Option<String>,
    pub api_key_file: Option<PathBuf>,
    pub models: Option<Vec<String>>,
    pub region: Option<String>,
    pub passthrough_client_key: Option<bool>,
    pub echo_format: Option<RawEchoFormat>,
    pub anthropic_auth: Option<RawAnthropicAuth>,
    pub openai_organization: Option<String>,
    pub openai_project: Option<String>,
}

/// One `[[tenant]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTenant {
    pub id: String,
    #[serde(default)]
    pub api_key_sha256: Vec<String>,
    #[serde(default)]
    pub providers: Vec<String>,
}
