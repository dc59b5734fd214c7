//! Provider presets: the few facts needed so a `[[provider]]` entry is a few lines.
//!
//! Base-path rule (all OpenAI-compatible providers): clients use `base_url =
//! http://HOST/<name>/v1`, so the route rest always starts with `/v1/...`, and the upstream URL is
//! `{base_url}{rest}`. A preset's `base_url` is therefore everything *before* `/v1`: e.g. Qwen is
//! `https://dashscope.aliyuncs.com/compatible-mode`, so `/qwen/v1/chat/completions` goes to
//! `https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions`.
//!
//! Never: holds secrets (only the *name* of the env var conventionally holding the key).

use crate::config::raw::{RawKind, RawPreset};

/// Defaults a preset fills in.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub kind: RawKind,
    pub base_url: &'static str,
    pub api_key_env: &'static str,
}

/// The defaults for `preset`.
pub fn preset(p: RawPreset) -> Preset {
    let (kind, base_url, api_key_env) = match p {
        RawPreset::Openai => (RawKind::Openai, "https://api.openai.com", "OPENAI_API_KEY"),
        RawPreset::Anthropic => (
            RawKind::Anthropic,
            "https://api.anthropic.com",
            "ANTHROPIC_API_KEY",
        ),
        RawPreset::Gemini => (
            RawKind::Gemini,
            "https://generativelanguage.googleapis.com",
            "GEMINI_API_KEY",
        ),
        RawPreset::Deepseek => (
            RawKind::Openai,
            "https://api.deepseek.com",
            "DEEPSEEK_API_KEY",
        ),
        RawPreset::Qwen => (
            RawKind::Openai,
            "https://dashscope.aliyuncs.com/compatible-mode",
            "DASHSCOPE_API_KEY",
        ),
        RawPreset::QwenIntl => (
            RawKind::Openai,
            "https://dashscope-intl.aliyuncs.com/compatible-mode",
            "DASHSCOPE_API_KEY",
        ),
        RawPreset::Mistral => (RawKind::Openai, "https://api.mistral.ai", "MISTRAL_API_KEY"),
    };
    Preset {
        kind,
        base_url,
        api_key_env,
    }
}
