//! Anthropic Messages and count_tokens requests, non-streaming Messages responses
//! (PROTOCOLS §2.5, §3.4).
//! Never touches `thinking` / `redacted_thinking` blocks (signed), server-tool result blocks
//! (`web_search_tool_result`, `web_fetch_tool_result`, code-execution results: encrypted or
//! provider-owned), ids (`id`, `tool_use_id`), `cache_control`, tools, `thinking` config,
//! `mcp_servers` (intentional secrets: policy, not sanitizing).

use serde_json::Value;

use super::{kind_of, MediaKind, TextKind, TransformError, Walker};

const CONFIG: &[&str] = &[
    "model",
    "max_tokens",
    "stop_sequences",
    "stream",
    "temperature",
    "top_k",
    "top_p",
    "tools",
    "tool_choice",
    "thinking",
    "output_config",
    "output_format",
    "mcp_servers",
    "container",
    "service_tier",
    "context_management",
    "inference_geo",
];

const KNOWN: &[&str] = &["system", "messages", "metadata"];

/// `POST /v1/messages`, `POST /v1/messages/count_tokens`
pub(super) fn request(w: &mut Walker<'_>, body: &mut Value) -> Result<(), TransformError> {
    w.top_level(body, KNOWN, CONFIG, |w, m| {
        w.at(m, "system", content)?;
        w.at(m, "messages", |w, v| {
            w.each(v, |w, msg| {
                let msg = w.object(msg)?;
                w.at(msg, "content", content)?;
                w.generic_fields(msg, &["content"], TextKind::Prompt)
            })
        })?;
        w.at(m, "metadata", |w, v| w.identifiers(v))
    })
}

/// Non-streaming response: `content[]` blocks.
pub(super) fn response(w: &mut Walker<'_>, body: &mut Value) -> Result<(), TransformError> {
    let m = w.object(body)?;
    w.at(m, "content", |w, v| w.each(v, block))
}

/// `system`, `messages[].content`, `tool_result.content`, `document.source.content`: a
/// string or a list of blocks.
fn content(w: &mut Walker<'_>, v: &mut Value) -> Result<(), TransformError> {
    match v {
        Value::Array(_) => w.each(v, block),
        _ => w.text_here(v, TextKind::Prompt),
    }
}

const BLOCKS: &[&str] = &[
    "text",
    "image",
    "document",
    "search_result",
    "tool_use",
    "server_tool_use",
    "mcp_tool_use",
    "tool_result",
    "mcp_tool_result",
    "container_upload",
    "thinking",
    "redacted_thinking",
];

/// One content block.
pub(super) fn block(w: &mut Walker<'_>, v: &mut Value) -> Result<(), TransformError> {
    let b = w.object(v)?;
    let Some(kind) = kind_of(b, BLOCKS) else {
        return Err(w.shape_at("type"));
    };
    match kind {
        "text" => {
            w.text_at(b, "text", TextKind::Prompt)?;
            w.at(b, "citations", |w, v| w.each(v, citation))?;
            w.generic_fields(b, &["text", "citations"], TextKind::Prompt)
        }
        "image" => w.media_at("source", MediaKind::Image),
        "document" => {
            w.at(b, "source", document_source)?;
            w.text_at(b, "title", TextKind::Name)?;
            w.text_at(b, "context", TextKind::Prompt)?;
            w.generic_fields(
                b,
                &["source", "title", "context", "citations"],
                TextKind::Prompt,
            )
        }
        "search_result" => {
            w.text_at(b, "source", TextKind::Name)?;
            w.text_at(b, "title", TextKind::Name)?;
            w.at(b, "content", content)?;
            w.generic_fields(
                b,
                &["source", "title", "content", "citations"],
                TextKind::Prompt,
            )
        }
        "tool_use" | "server_tool_use" | "mcp_tool_use" => {
            w.at(b, "input", |w, v| match v {
                Value::String(_) => w.json_string(v),
                _ => w.leaves(v, TextKind::ToolArguments, true),
            })?;
            // `name`, `server_name` are tool identities; `caller` is routing.
            w.generic_fields(
                b,
                &["input", "name", "server_name", "caller"],
                TextKind::Prompt,
            )
        }
        "tool_result" | "mcp_tool_result" => {
            w.at(b, "content", content)?;
            w.generic_fields(b, &["content", "is_error"], TextKind::Prompt)
        }
        "container_upload" => w.media_at("file_id", MediaKind::File),
        "thinking" | "redacted_thinking" => w.skip_opaque(b),
        // Server-tool results (`*_tool_result` other than the two above) stay byte-identical.
        _ if b
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.ends_with("_tool_result")) =>
        {
            w.skip_provider();
            Ok(())
        }
        _ => w.generic_fields(b, &[], TextKind::Prompt),
    }
}

/// `citations[]` on text blocks: the quoted text and titles.
fn citation(w: &mut Walker<'_>, v: &mut Value) -> Result<(), TransformError> {
    let c = w.object(v)?;
    w.text_at(c, "cited_text", TextKind::Prompt)?;
    w.text_at(c, "document_title", TextKind::Name)?;
    w.text_at(c, "title", TextKind::Name)
}

/// `document.source`: binary / reference, plain text, or nested content.
fn document_source(w: &mut Walker<'_>, v: &mut Value) -> Result<(), TransformError> {
    let s = w.object(v)?;
    match kind_of(s, &["text", "content", "url", "base64", "file"]) {
        Some("text") => w.text_at(s, "data", TextKind::Prompt),
        Some("content") => w.at(s, "content", content),
        Some("url") => w.media_here(MediaKind::Url),
        _ => w.media_here(MediaKind::File),
    }
}
