//! OpenAI Chat Completions (and the OpenAI-compatible dialects: DeepSeek, Qwen, Mistral,
//! Groq, OpenRouter, Azure), embeddings and legacy completions (PROTOCOLS §2.2, §2.4, §2.7).
//! Never touches ids (`tool_calls[].id`, `tool_call_id`, `audio.id`), `model`, tools,
//! `response_format` or sampling config; never restores or scans embedding vectors.

use serde_json::{Map, Value};

use super::{kind_of, type_of, MediaKind, TextKind, TransformError, Walker, PRE_TOKENIZED};

/// Top-level keys that are developer config or routing: left alone.
const CHAT_CONFIG: &[&str] = &[
    "model",
    "stream",
    "stream_options",
    "tools",
    "tool_choice",
    "response_format",
    "functions",
    "function_call",
    "logit_bias",
    "logprobs",
    "top_logprobs",
    "max_tokens",
    "max_completion_tokens",
    "n",
    "seed",
    "stop",
    "temperature",
    "top_p",
    "top_k",
    "min_p",
    "frequency_penalty",
    "presence_penalty",
    "repetition_penalty",
    "modalities",
    "audio",
    "parallel_tool_calls",
    "reasoning_effort",
    "service_tier",
    "store",
    "verbosity",
    "prompt_cache_retention",
    // compat extras (DeepSeek, Qwen, Mistral, OpenRouter)
    "enable_thinking",
    "thinking_budget",
    "thinking",
    "safe_prompt",
    "random_seed",
    "prompt_mode",
    "provider",
    "transforms",
    "models",
    "route",
    "plugins",
    "reasoning",
    "include_reasoning",
    "usage",
];

const CHAT_KNOWN: &[&str] = &[
    "messages",
    "prediction",
    "web_search_options",
    "user",
    "safety_identifier",
    "prompt_cache_key",
    "metadata",
];

/// `POST .../chat/completions`
pub(super) fn chat_request(w: &mut Walker<'_>, body: &mut Value) -> Result<(), TransformError> {
    w.top_level(body, CHAT_KNOWN, CHAT_CONFIG, |w, m| {
        w.at(m, "messages", |w, v| w.each(v, message))?;
        w.at(m, "prediction", |w, v| {
            let p = w.object(v)?;
            w.at(p, "content", content)
        })?;
        w.at(m, "web_search_options", web_search_options)?;
        identifier_fields(w, m)
    })
}

/// `user`, `safety_identifier`, `prompt_cache_key`, `metadata` (shared with Responses).
pub(super) fn identifier_fields(
    w: &mut Walker<'_>,
    m: &mut Map<String, Value>,
) -> Result<(), TransformError> {
    w.text_at(m, "user", TextKind::Identifier)?;
    w.text_at(m, "safety_identifier", TextKind::Identifier)?;
    w.text_at(m, "prompt_cache_key", TextKind::Identifier)?;
    w.at(m, "metadata", |w, v| w.identifiers(v))
}

fn web_search_options(w: &mut Walker<'_>, v: &mut Value) -> Result<(), TransformError> {
    let o = w.object(v)?;
    w.at(o, "user_location", |w, v| {
        let loc = w.object(v)?;
        w.at(loc, "approximate", |w, v| {
            let a = w.object(v)?;
            for key in ["city", "region", "country", "timezone"] {
                w.text_at(a, key, TextKind::Prompt)?;
            }
            w.generic_fields(
                a,
                &["city", "region", "country", "timezone"],
                TextKind::Prompt,
            )
        })
    })
}

const MESSAGE_KEYS: &[&str] = &[
    "content",
    "name",
    "tool_calls",
    "function_call",
    "refusal",
    "reasoning_content",
    "reasoning",
    "reasoning_details",
    "audio",
    "prefix",
];

/// One `messages[]` entry, any role.
fn message(w: &mut Walker<'_>, v: &mut Value) -> Result<(), TransformError> {
    let m = w.object(v)?;
    w.at(m, "content", content)?;
    w.text_at(m, "name", TextKind::Name)?;
    w.text_at(m, "refusal", TextKind::Prompt)?;
    w.text_at(m, "reasoning_content", TextKind::Prompt)?;
    w.text_at(m, "reasoning", TextKind::Prompt)?;
    w.at(m, "reasoning_details", |w, v| w.each(v, reasoning_detail))?;
    w.at(m, "tool_calls", |w, v| w.each(v, tool_call))?;
    w.at(m, "function_call", |w, v| {
        let f = w.object(v)?;
        w.at(f, "arguments", |w, v| w.json_string(v))
    })?;
    // `audio: {id}` is a reference; `prefix` a flag; ids and role are opaque.
    w.generic_fields(m, MESSAGE_KEYS, TextKind::Prompt)
}

/// OpenRouter `reasoning_details[]`: signed or encrypted entries are opaque; plain text and
/// summaries are scanned.
fn reasoning_detail(w: &mut Walker<'_>, v: &mut Value) -> Result<(), TransformError> {
    let d = w.object(v)?;
    let encrypted = type_of(d) == Some("reasoning.encrypted");
    let signed = d.get("signature").is_some_and(|s| !s.is_null());
    if encrypted || signed {
        return w.skip_opaque(d);
    }
    w.text_at(d, "text", TextKind::Prompt)?;
    w.text_at(d, "summary", TextKind::Prompt)?;
    w.generic_fields(
        d,
        &["text", "summary", "data", "format", "index"],
        TextKind::Prompt,
    )
}

/// `tool_calls[]`: `function.arguments` (JSON string) or `custom.input` (free text).
fn tool_call(w: &mut Walker<'_>, v: &mut Value) -> Result<(), TransformError> {
    let c = w.object(v)?;
    w.at(c, "function", |w, v| {
        let f = w.object(v)?;
        w.at(f, "arguments", |w, v| w.json_string(v))
    })?;
    w.at(c, "custom", |w, v| {
        let f = w.object(v)?;
        w.text_at(f, "input", TextKind::ToolArguments)
    })?;
    // `function.name`, `custom.name`, `id`, `type`, `index` stay; nothing else is known.
    w.generic_fields(c, &["function", "custom", "index"], TextKind::ToolArguments)
}

/// `content`: a string, `null`, or an array of parts.
pub(super) fn content(w: &mut Walker<'_>, v: &mut Value) -> Result<(), TransformError> {
    match v {
        Value::String(_) | Value::Null => w.text_here(v, TextKind::Prompt),
        Value::Array(_) => w.each(v, part),
        _ => Err(w.shape()),
    }
}

const PART_TYPES: &[&str] = &[
    "text",
    "refusal",
    "image_url",
    "input_audio",
    "file",
    "document_url",
    "reference",
];

/// One chat content part (OpenAI and Mistral chunk types).
fn part(w: &mut Walker<'_>, v: &mut Value) -> Result<(), TransformError> {
    let p = w.object(v)?;
    match kind_of(p, PART_TYPES) {
        Some("text") => {
            w.text_at(p, "text", TextKind::Prompt)?;
            w.generic_fields(p, &["text"], TextKind::Prompt)
        }
        Some("refusal") => w.text_at(p, "refusal", TextKind::Prompt),
        Some("image_url") => w.media_at("image_url", MediaKind::Image),
        Some("input_audio") => w.media_at("input_audio", MediaKind::Audio),
        Some("file") => {
            w.media_at("file", MediaKind::File)?;
            w.at(p, "file", |w, v| {
                let f = w.object(v)?;
                w.text_at(f, "filename", TextKind::Name)
            })
        }
        Some("document_url") => {
            w.media_at("document_url", MediaKind::Url)?;
            w.text_at(p, "document_name", TextKind::Name)
        }
        // Mistral `reference` chunks carry only numeric ids.
        Some("reference") => Ok(()),
        _ => w.generic_fields(p, &[], TextKind::Prompt),
    }
}

const EMBED_CONFIG: &[&str] = &["model", "encoding_format", "dimensions"];

/// `POST .../embeddings`: `input` string or string array; token arrays are refused.
pub(super) fn embeddings_request(
    w: &mut Walker<'_>,
    body: &mut Value,
) -> Result<(), TransformError> {
    w.top_level(body, &["input", "user"], EMBED_CONFIG, |w, m| {
        w.at(m, "input", string_or_strings)?;
        w.text_at(m, "user", TextKind::Identifier)
    })
}

const COMPLETIONS_CONFIG: &[&str] = &[
    "model",
    "best_of",
    "echo",
    "frequency_penalty",
    "logit_bias",
    "logprobs",
    "max_tokens",
    "n",
    "presence_penalty",
    "seed",
    "stop",
    "stream",
    "stream_options",
    "temperature",
    "top_p",
];

/// `POST .../completions` (legacy): `prompt` (strings only), `suffix`.
pub(super) fn completions_request(
    w: &mut Walker<'_>,
    body: &mut Value,
) -> Result<(), TransformError> {
    w.top_level(
        body,
        &["prompt", "suffix", "user"],
        COMPLETIONS_CONFIG,
        |w, m| {
            w.at(m, "prompt", string_or_strings)?;
            w.text_at(m, "suffix", TextKind::Prompt)?;
            w.text_at(m, "user", TextKind::Identifier)
        },
    )
}

/// A string or an array of strings. Numbers or nested arrays are pre-tokenized input.
fn string_or_strings(w: &mut Walker<'_>, v: &mut Value) -> Result<(), TransformError> {
    match v {
        Value::Array(items) => {
            if items
                .iter()
                .any(|i| matches!(i, Value::Number(_) | Value::Array(_)))
            {
                return Err(TransformError::Refused(PRE_TOKENIZED.to_owned()));
            }
            w.each(v, |w, i| match i {
                Value::String(_) => w.text_here(i, TextKind::Prompt),
                _ => Err(w.shape()),
            })
        }
        Value::String(_) | Value::Null => w.text_here(v, TextKind::Prompt),
        Value::Number(_) => Err(TransformError::Refused(PRE_TOKENIZED.to_owned())),
        _ => Err(w.shape()),
    }
}

/// Non-streaming chat response: `choices[].message`.
pub(super) fn chat_response(w: &mut Walker<'_>, body: &mut Value) -> Result<(), TransformError> {
    let m = w.object(body)?;
    w.at(m, "choices", |w, v| {
        w.each(v, |w, c| {
            let c = w.object(c)?;
            w.at(c, "message", |w, v| {
                let msg = w.object(v)?;
                w.at(msg, "content", content)?;
                w.text_at(msg, "refusal", TextKind::Prompt)?;
                w.text_at(msg, "reasoning_content", TextKind::Prompt)?;
                w.text_at(msg, "reasoning", TextKind::Prompt)?;
                w.at(msg, "reasoning_details", |w, v| w.each(v, reasoning_detail))?;
                w.at(msg, "tool_calls", |w, v| w.each(v, tool_call))?;
                w.at(msg, "function_call", |w, v| {
                    let f = w.object(v)?;
                    w.at(f, "arguments", |w, v| w.json_string(v))
                })?;
                w.at(msg, "audio", |w, v| {
                    let a = w.object(v)?;
                    w.text_at(a, "transcript", TextKind::Prompt)
                })
            })
        })
    })
}

/// Non-streaming legacy completions response: `choices[].text`.
pub(super) fn completions_response(
    w: &mut Walker<'_>,
    body: &mut Value,
) -> Result<(), TransformError> {
    let m = w.object(body)?;
    w.at(m, "choices", |w, v| {
        w.each(v, |w, c| {
            let c = w.object(c)?;
            w.text_at(c, "text", TextKind::Prompt)
        })
    })
}
