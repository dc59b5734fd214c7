//! Gemini generateContent / streamGenerateContent / countTokens / embedContent /
//! batchEmbedContents requests and
//! non-streaming generateContent responses (PROTOCOLS §2.6, §3.5).
//! Accepts camelCase and snake_case spellings; values are modified in place, so the client's
//! spelling is what goes upstream. Never touches parts with `thought: true` or a
//! `thoughtSignature` / `thought_signature` (the whole part stays as received),
//! `functionCall.id` / `name`, `cachedContent`, tools, `toolConfig`, `safetySettings`,
//! `generationConfig`.

use serde_json::{Map, Value};

use super::{MediaKind, TextKind, TransformError, Walker};

const CONFIG: &[&str] = &[
    "model",
    "tools",
    "toolConfig",
    "tool_config",
    "safetySettings",
    "safety_settings",
    "generationConfig",
    "generation_config",
    "cachedContent",
    "cached_content",
    "serviceTier",
    "service_tier",
];

const KNOWN: &[&str] = &[
    "contents",
    "systemInstruction",
    "system_instruction",
    "labels",
];

/// `:generateContent`, `:streamGenerateContent`
pub(super) fn generate_request(w: &mut Walker<'_>, body: &mut Value) -> Result<(), TransformError> {
    w.top_level(body, KNOWN, CONFIG, generate_fields)
}

fn generate_fields(w: &mut Walker<'_>, m: &mut Map<String, Value>) -> Result<(), TransformError> {
    w.at(m, "contents", |w, v| w.each(v, content))?;
    w.at2(
        m,
        "systemInstruction",
        "system_instruction",
        |w, v| match v {
            Value::Object(_) => content(w, v),
            _ => w.text_here(v, TextKind::Prompt),
        },
    )?;
    w.at(m, "labels", |w, v| w.identifiers(v))
}

/// `:countTokens`: `contents` or a whole `generateContentRequest`.
pub(super) fn count_tokens_request(
    w: &mut Walker<'_>,
    body: &mut Value,
) -> Result<(), TransformError> {
    let known = [
        "contents",
        "generateContentRequest",
        "generate_content_request",
    ];
    w.top_level(body, &known, CONFIG, |w, m| {
        w.at(m, "contents", |w, v| w.each(v, content))?;
        w.at2(
            m,
            "generateContentRequest",
            "generate_content_request",
            |w, v| generate_request(w, v),
        )
    })
}

/// `:embedContent`: `content`, `title`.
pub(super) fn embed_request(w: &mut Walker<'_>, body: &mut Value) -> Result<(), TransformError> {
    let config = [
        "model",
        "taskType",
        "task_type",
        "outputDimensionality",
        "output_dimensionality",
    ];
    w.top_level(body, &["content", "title"], &config, |w, m| {
        w.at(m, "content", content)?;
        w.text_at(m, "title", TextKind::Prompt)
    })
}

/// `:batchEmbedContents`: `requests[]`, each an embedContent request (`content`, `title`;
/// `model`, `taskType`, `outputDimensionality` are config). A `requests` that is not an array,
/// or an entry that is not an object, is an unexpected shape.
pub(super) fn batch_embed_request(
    w: &mut Walker<'_>,
    body: &mut Value,
) -> Result<(), TransformError> {
    w.top_level(body, &["requests"], &[], |w, m| {
        w.at(m, "requests", |w, v| w.each(v, embed_request))
    })
}

/// Non-streaming (or one streamed chunk of a) generateContent response; a JSON array of
/// responses (`streamGenerateContent` without `alt=sse`) is walked element by element.
pub(super) fn generate_response(
    w: &mut Walker<'_>,
    body: &mut Value,
) -> Result<(), TransformError> {
    if body.is_array() {
        return w.each(body, generate_response);
    }
    let m = w.object(body)?;
    w.at(m, "candidates", |w, v| {
        w.each(v, |w, c| {
            let c = w.object(c)?;
            w.at(c, "content", content)
        })
    })
}

/// A `Content` object: `{role, parts[]}`.
fn content(w: &mut Walker<'_>, v: &mut Value) -> Result<(), TransformError> {
    let c = w.object(v)?;
    w.at(c, "parts", |w, v| w.each(v, part))
}

/// Keys of a part handled explicitly (or config) and never walked generically.
const PART_KEYS: &[&str] = &[
    "text",
    "inlineData",
    "inline_data",
    "fileData",
    "file_data",
    "functionCall",
    "function_call",
    "functionResponse",
    "function_response",
    "executableCode",
    "executable_code",
    "codeExecutionResult",
    "code_execution_result",
    "thought",
    "videoMetadata",
    "video_metadata",
    "mediaResolution",
    "media_resolution",
    "partMetadata",
    "part_metadata",
];

/// One part; discriminated by which key is present.
fn part(w: &mut Walker<'_>, v: &mut Value) -> Result<(), TransformError> {
    let p = w.object(v)?;
    let thought = p.get("thought").and_then(Value::as_bool) == Some(true);
    if thought || p.contains_key("thoughtSignature") || p.contains_key("thought_signature") {
        return w.skip_opaque(p);
    }
    w.text_at(p, "text", TextKind::Prompt)?;
    w.at2(p, "inlineData", "inline_data", inline_data)?;
    w.at2(p, "fileData", "file_data", |w, _| {
        w.media_here(MediaKind::Url)
    })?;
    w.at2(p, "functionCall", "function_call", |w, v| {
        let f = w.object(v)?;
        w.at(f, "args", |w, v| w.leaves(v, TextKind::ToolArguments, true))
    })?;
    w.at2(p, "functionResponse", "function_response", |w, v| {
        let f = w.object(v)?;
        w.at(f, "response", |w, v| w.leaves(v, TextKind::Prompt, true))?;
        w.at(f, "parts", |w, v| w.each(v, part))
    })?;
    w.at2(p, "executableCode", "executable_code", |w, v| {
        let c = w.object(v)?;
        w.text_at(c, "code", TextKind::Prompt)
    })?;
    w.at2(p, "codeExecutionResult", "code_execution_result", |w, v| {
        let c = w.object(v)?;
        w.text_at(c, "output", TextKind::Prompt)
    })?;
    w.generic_fields(p, PART_KEYS, TextKind::Prompt)
}

/// `inlineData {mimeType, data}`: media kind from the MIME type.
fn inline_data(w: &mut Walker<'_>, v: &mut Value) -> Result<(), TransformError> {
    let d = w.object(v)?;
    let mime = d
        .get("mimeType")
        .or_else(|| d.get("mime_type"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let kind = if mime.starts_with("image/") {
        MediaKind::Image
    } else if mime.starts_with("audio/") {
        MediaKind::Audio
    } else {
        MediaKind::File
    };
    w.media_here(kind)
}
