//! OpenAI Responses API requests and non-streaming responses (PROTOCOLS §2.3, §3.3).
//! Never touches `reasoning` / `compaction` items, `item_reference`, server-side tool history
//! (`web_search_call`, `file_search_call`, `code_interpreter_call`, `image_generation_call`,
//! `mcp_list_tools`), ids and `call_id`s, `previous_response_id`, `conversation`, tools or
//! `text.format`.
//!
//! Annotations on `output_text` parts (`start_index` / `end_index`) are kept as they are:
//! they go stale when a placeholder changes a length. They only matter for rendering citations
//! in the client; the model does not rely on them in history. Documented drift.

use serde_json::Value;

use super::openai::identifier_fields;
use super::{kind_of, MediaKind, TextKind, TransformError, Walker};

const CONFIG: &[&str] = &[
    "model",
    "tools",
    "tool_choice",
    "text",
    "reasoning",
    "include",
    "store",
    "background",
    "stream",
    "stream_options",
    "max_output_tokens",
    "max_tool_calls",
    "parallel_tool_calls",
    "previous_response_id",
    "conversation",
    "service_tier",
    "temperature",
    "top_p",
    "top_logprobs",
    "truncation",
    "prompt_cache_retention",
    "context_management",
];

const KNOWN: &[&str] = &[
    "input",
    "instructions",
    "prompt",
    "user",
    "safety_identifier",
    "prompt_cache_key",
    "metadata",
];

/// `POST .../responses`
pub(super) fn request(w: &mut Walker<'_>, body: &mut Value) -> Result<(), TransformError> {
    w.top_level(body, KNOWN, CONFIG, |w, m| {
        w.at(m, "input", input)?;
        w.at(m, "instructions", input)?;
        w.at(m, "prompt", |w, v| {
            let p = w.object(v)?;
            w.at(p, "variables", |w, v| {
                let vars = w.object(v)?;
                for (_, var) in vars.iter_mut() {
                    w.path.push(super::Seg::AnyKey);
                    let r = match var {
                        Value::Object(_) => part(w, var),
                        _ => w.text_here(var, TextKind::Prompt),
                    };
                    w.path.pop();
                    r?;
                }
                Ok(())
            })
        })?;
        identifier_fields(w, m)
    })
}

/// `input` / `instructions`: a string or a list of items.
fn input(w: &mut Walker<'_>, v: &mut Value) -> Result<(), TransformError> {
    match v {
        Value::Array(_) => w.each(v, item),
        _ => w.text_here(v, TextKind::Prompt),
    }
}

/// Non-streaming response: `output[]` items, walked like request items.
pub(super) fn response(w: &mut Walker<'_>, body: &mut Value) -> Result<(), TransformError> {
    let m = w.object(body)?;
    w.at(m, "output", |w, v| w.each(v, item))
}

const ITEM_TYPES: &[&str] = &[
    "message",
    "function_call",
    "mcp_approval_request",
    "mcp_call",
    "function_call_output",
    "custom_tool_call_output",
    "custom_tool_call",
    "local_shell_call",
    "shell_call",
    "local_shell_call_output",
    "apply_patch_call_output",
    "shell_call_output",
    "apply_patch_call",
    "computer_call",
    "computer_call_output",
    "mcp_approval_response",
    "reasoning",
    "compaction",
    "item_reference",
    "mcp_list_tools",
    "web_search_call",
    "file_search_call",
    "code_interpreter_call",
    "image_generation_call",
];

const PART_TYPES: &[&str] = &[
    "input_text",
    "output_text",
    "text",
    "summary_text",
    "reasoning_text",
    "refusal",
    "input_image",
    "input_audio",
    "input_file",
];

/// One input / output item.
pub(super) fn item(w: &mut Walker<'_>, v: &mut Value) -> Result<(), TransformError> {
    let it = w.object(v)?;
    let kind = match kind_of(it, ITEM_TYPES) {
        Some(t) => t,
        None if it.contains_key("role") => "message",
        None => return Err(w.shape_at("type")),
    };
    match kind {
        "message" => {
            w.at(it, "content", content)?;
            w.generic_fields(it, &["content", "status"], TextKind::Prompt)
        }
        "function_call" | "mcp_approval_request" => {
            w.at(it, "arguments", |w, v| w.json_string(v))?;
            w.generic_fields(
                it,
                &["arguments", "name", "status", "server_label", "namespace"],
                TextKind::Prompt,
            )
        }
        "mcp_call" => {
            w.at(it, "arguments", |w, v| w.json_string(v))?;
            w.text_at(it, "output", TextKind::Prompt)?;
            w.text_at(it, "error", TextKind::Prompt)
        }
        "function_call_output" | "custom_tool_call_output" => w.at(it, "output", output),
        "custom_tool_call" => w.text_at(it, "input", TextKind::ToolArguments),
        "local_shell_call" | "shell_call" => w.at(it, "action", |w, v| {
            let a = w.object(v)?;
            w.generic_fields(a, &[], TextKind::ToolArguments)
        }),
        "local_shell_call_output" | "apply_patch_call_output" => {
            w.text_at(it, "output", TextKind::Prompt)
        }
        "shell_call_output" => w.at(it, "output", |w, v| {
            w.each(v, |w, o| {
                let o = w.object(o)?;
                w.text_at(o, "stdout", TextKind::Prompt)?;
                w.text_at(o, "stderr", TextKind::Prompt)
            })
        }),
        "apply_patch_call" => w.at(it, "operation", |w, v| {
            let op = w.object(v)?;
            w.text_at(op, "path", TextKind::Name)?;
            w.text_at(op, "diff", TextKind::ToolArguments)
        }),
        "computer_call" => w.at(it, "action", |w, v| {
            let a = w.object(v)?;
            w.text_at(a, "text", TextKind::ToolArguments)
        }),
        "computer_call_output" => w.media_at("output", MediaKind::Image),
        "mcp_approval_response" => w.text_at(it, "reason", TextKind::Prompt),
        "reasoning" => w.skip_opaque(it),
        "compaction"
        | "item_reference"
        | "mcp_list_tools"
        | "web_search_call"
        | "file_search_call"
        | "code_interpreter_call"
        | "image_generation_call" => {
            w.skip_provider();
            Ok(())
        }
        _ => w.generic_fields(it, &[], TextKind::Prompt),
    }
}

/// A tool output: a string or a list of input parts.
fn output(w: &mut Walker<'_>, v: &mut Value) -> Result<(), TransformError> {
    match v {
        Value::Array(_) => w.each(v, part),
        _ => w.text_here(v, TextKind::Prompt),
    }
}

/// Message content: a string or a list of parts.
fn content(w: &mut Walker<'_>, v: &mut Value) -> Result<(), TransformError> {
    match v {
        Value::Array(_) => w.each(v, part),
        _ => w.text_here(v, TextKind::Prompt),
    }
}

/// One content part.
fn part(w: &mut Walker<'_>, v: &mut Value) -> Result<(), TransformError> {
    let p = w.object(v)?;
    match kind_of(p, PART_TYPES) {
        Some("input_text" | "output_text" | "text" | "summary_text" | "reasoning_text") => {
            w.text_at(p, "text", TextKind::Prompt)?;
            // Annotations keep their (possibly stale) offsets; see the module doc.
            w.generic_fields(p, &["text", "annotations", "logprobs"], TextKind::Prompt)
        }
        Some("refusal") => w.text_at(p, "refusal", TextKind::Prompt),
        Some("input_image") => w.media_here(MediaKind::Image),
        Some("input_audio") => w.media_here(MediaKind::Audio),
        Some("input_file") => {
            w.media_here(MediaKind::File)?;
            w.text_at(p, "filename", TextKind::Name)
        }
        _ => w.generic_fields(p, &[], TextKind::Prompt),
    }
}
