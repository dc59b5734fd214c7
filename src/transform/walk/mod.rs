//! Structure-aware walkers over parsed provider bodies (`serde_json::Value`).
//!
//! Owns: knowing, per [`Endpoint`], which JSON fields carry user or tool text (handed to a
//! [`Visitor`] as `&mut String`, rewritten in place), which carry binary media or references
//! (announced to the visitor so policy can refuse them), and which must never change (ids,
//! model names, thinking / reasoning / signed state, server-tool results, developer config such
//! as tool schemas and `response_format`). PROTOCOLS.md §2 is the source of truth.
//! Never: detects, replaces or logs anything itself; never puts text into errors or paths
//! (unknown object keys render as `*`); never changes a field it does not hand to the visitor.
//! Called by: the request sanitizer (`walk_request`) and the whole-body response restorer /
//! response scanner (`walk_response`), both assembled in `server::service`.
//!
//! # Contract
//!
//! * The visitor sees every text leaf exactly once, with a [`TextKind`] and a lazily rendered
//!   [`Path`] (a stack of static segments; rendered only when someone formats it).
//! * JSON-encoded argument strings (OpenAI `function.arguments`, Responses `arguments`) are
//!   parsed and their string leaves (values *and* object keys) visited as
//!   [`TextKind::ToolArguments`]; the string is re-serialized only when a leaf changed, so an
//!   untouched argument string stays byte-identical. A string that does not parse as JSON is
//!   visited as plain text.
//! * Structured tool payloads (Anthropic `tool_use.input`, Gemini `functionCall.args`,
//!   `functionResponse.response`) are walked leaf by leaf, object keys included (a renamed key
//!   keeps its value; a rename that collides with an existing key is refused).
//! * Fail closed: where content is expected but the shape is wrong (e.g. `messages` not an
//!   array, a content part that is not an object, a text field that is a number), the walk
//!   stops with [`TransformError::UnexpectedShape`]. Missing or `null` optional fields are fine.
//!   Pre-tokenized input (token arrays in embeddings / legacy completions) cannot be scanned
//!   and yields [`TransformError::Refused`] with reason [`PRE_TOKENIZED`].
//!
//! # Unknown fields (the rule)
//!
//! * Top-level keys an endpoint lists as developer config (`model`, `tools`, `response_format`,
//!   `generationConfig`, sampling, ...) are left alone.
//! * Any other top-level key (vendor extras, new fields) is walked generically: every string
//!   leaf is visited as [`TextKind::Prompt`], skipping opaque keys (see `is_opaque_key`:
//!   `type`, `id`, `*_id`, `*Id`, signatures, `encrypted_content`, `cache_control`, MIME
//!   types). Object keys are not visited there.
//! * An unknown content part / block / item type, or an unknown key inside a known part, is
//!   walked by the same generic rule, so new content kinds are scanned rather than leaked.
//!
//! # Coverage (P = Prompt, T = ToolArguments, N = Name, I = Identifier, M = media, `-` = kept)
//!
//! | Endpoint | Scanned | Left alone |
//! |---|---|---|
//! | OpenAI chat | `messages[].content` (string / `text` / `refusal` parts) P, `name` N, `refusal`, `reasoning_content`, `reasoning`, unsigned `reasoning_details[]` P, `tool_calls[].function.arguments` (JSON string or object) T, `custom.input` T, `function_call.arguments` T, `prediction.content` P, `web_search_options.user_location.approximate.*` P, `file.filename` / `document_name` N, `user` `safety_identifier` `prompt_cache_key` `metadata.*` I; media: `image_url`, `input_audio`, `file`, `document_url` | ids, `role`, `audio.id`, signed / encrypted `reasoning_details`, `reference` chunks, `tools`, `response_format`, sampling, `stop`, `stream_options`, compat config (`enable_thinking`, `thinking`, `provider`, ...) |
//! | OpenAI Responses | `input` / `instructions` (string or items): message parts `input_text` / `output_text` / `refusal` P, `input_file.filename` N, `function_call` / `mcp_call` / `mcp_approval_request` `arguments` T, `function_call_output` / `custom_tool_call_output` `output` (string or parts) P, `custom_tool_call.input` T, `mcp_call.output` / `error` P, `local_shell_call` / `shell_call` `action` leaves T, `*_output.output`, `shell_call_output.output[].stdout/stderr` P, `apply_patch_call.operation.diff` T / `path` N, `computer_call.action.text` T, `prompt.variables.*` P, identifiers I; media: `input_image`, `input_file`, `input_audio`, `computer_call_output` | `reasoning` (text shown read-only), `compaction`, `item_reference`, `mcp_list_tools`, server-tool calls (`web_search_call`, `file_search_call`, `code_interpreter_call`, `image_generation_call`), annotations (offsets go stale), `tools`, `text`, `previous_response_id`, `conversation` |
//! | OpenAI embeddings / completions | `input` / `prompt` strings P, `suffix` P, `user` I; token arrays → `Refused(PRE_TOKENIZED)` | `encoding_format`, `dimensions`, sampling, `stop`, `echo` |
//! | Anthropic messages / count_tokens | `system`, `messages[].content` (any role, incl. `system`): `text` (+ `citations[].cited_text` P / `document_title` N), `document` `source.type=text` `data` / `source.type=content` P, `title` N, `context` P, `search_result` (`source`, `title` N, `content` P), `tool_use` / `server_tool_use` / `mcp_tool_use` `input` leaves + keys T, `tool_result` / `mcp_tool_result` `content` (recursive) P, `metadata.*` I; media: `image`, `document` base64/url/file, `container_upload` | `thinking` / `redacted_thinking` (thinking text shown read-only), other `*_tool_result` blocks byte-identical, ids, `cache_control`, `tools`, `thinking` config, `mcp_servers`, `container` |
//! | Gemini generate / stream / countTokens / embed / batchEmbed | `contents[].parts[]` `text` P, `functionCall.args` leaves + keys T, `functionResponse.response` leaves + keys P, `executableCode.code` P, `codeExecutionResult.output` P, `systemInstruction`, `generateContentRequest.*`, embed `content` + `title` P (batch: the same per `requests[]` entry), `labels.*` I; media: `inlineData` (by MIME), `fileData` (Url), `functionResponse.parts[]` — both spellings | parts with `thought: true` or a `thoughtSignature` (whole part; text shown read-only), `role`, `functionCall.id/name`, `tools`, `toolConfig`, `safetySettings`, `generationConfig`, `cachedContent` |
//!
//! Responses ([`walk_response`]): chat `choices[].message.{content, refusal, reasoning_content,
//! reasoning, tool_calls[].function.arguments, function_call.arguments, audio.transcript}`,
//! completions `choices[].text`, Responses `output[]` (same item rules as requests), Anthropic
//! `content[]` (same block rules), Gemini `candidates[].content.parts[]` (same part rules; a JSON
//! array of responses is walked element by element).
//!
//! # Serialization note
//!
//! The crate's `serde_json` has `preserve_order`: re-serializing a `Value` keeps the client's
//! key order, so a rewritten body differs from the original only in the rewritten strings and
//! in whitespace (output is compact). When a walk changed nothing the caller forwards the
//! original bytes.

mod anthropic;
mod gemini;
mod openai;
mod responses;
#[cfg(test)]
mod tests;

use std::fmt;

use serde_json::{Map, Value};

use super::TransformError;
use crate::providers::endpoint::Endpoint;

/// The reason carried by [`TransformError::Refused`] for token-array input.
pub const PRE_TOKENIZED: &str = "pre_tokenized_input";

/// What a text leaf is, so the visitor can pick a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextKind {
    /// System / developer / user / assistant text, tool results, document text.
    Prompt,
    /// String leaves (and object keys) inside tool-call arguments, free-form tool input.
    ToolArguments,
    /// Participant names, filenames, titles: short labels, often a real name.
    Name,
    /// `user`, `safety_identifier`, `prompt_cache_key`, `metadata.*`, `labels.*`:
    /// hash or tokenize; never restore.
    Identifier,
}

/// What a media / reference part is. Its bytes are never handed over: policy decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    Image,
    Audio,
    /// A document / file (base64, file id or URL to a file).
    File,
    /// A bare reference by URL or URI (Gemini `fileData`, Mistral `document_url`).
    Url,
}

/// Receives every text leaf and every media part of a body.
pub trait Visitor {
    /// A text leaf. The visitor may rewrite `text` in place; it must not put `text` into
    /// errors.
    fn text(
        &mut self,
        text: &mut String,
        kind: TextKind,
        path: &Path,
    ) -> Result<(), TransformError>;
    /// A media part at `path` (not rewritten). Return an error to refuse the body.
    fn media(&mut self, kind: MediaKind, path: &Path) -> Result<(), TransformError>;
    /// Read-only text inside content that must never change (thinking, signed Gemini parts,
    /// Responses reasoning summaries): policy may detect and refuse, never rewrite. Encrypted
    /// blobs and signatures are not passed. Default: ignore.
    fn opaque_text(&mut self, text: &str, path: &Path) -> Result<(), TransformError> {
        let _ = (text, path);
        Ok(())
    }
}

/// Counters of one walk (content-free).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WalkStats {
    /// Text leaves handed to the visitor.
    pub fields_scanned: usize,
    /// Media parts announced to the visitor.
    pub media_parts: usize,
    /// Parts / blocks / items left untouched on purpose (thinking, signed, reasoning,
    /// server-tool results, item references).
    pub opaque_skipped: usize,
    /// JSON-encoded argument strings parsed and walked.
    pub json_arguments: usize,
    /// Argument strings that did not parse as JSON and were scanned as plain text.
    pub json_arguments_unparsed: usize,
}

/// One step of a [`Path`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seg {
    Key(&'static str),
    Index(usize),
    /// A key taken from the body (never rendered: it may be user text).
    AnyKey,
    /// The name of such a key, when the key itself is the visited leaf.
    KeyName,
    /// Inside a JSON-encoded string.
    Decoded,
}

/// A JSON path rendered on demand, e.g. `messages[3].content[0].text`. Keys not known in
/// advance render as `*`, so a rendered path never contains body text.
#[derive(Debug, Clone, Default)]
pub struct Path {
    segs: Vec<Seg>,
}

impl Path {
    fn push(&mut self, seg: Seg) {
        self.segs.push(seg);
    }
    fn pop(&mut self) {
        self.segs.pop();
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segs.is_empty() {
            return f.write_str("$");
        }
        for (i, seg) in self.segs.iter().enumerate() {
            match seg {
                Seg::Key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Seg::AnyKey => f.write_str(if i > 0 { ".*" } else { "*" })?,
                Seg::KeyName => f.write_str(if i > 0 { ".{key}" } else { "{key}" })?,
                Seg::Index(n) => write!(f, "[{n}]")?,
                Seg::Decoded => f.write_str("<json>")?,
            }
        }
        Ok(())
    }
}

/// Walk a request body of `endpoint`, handing every text leaf and media part to `v`.
///
/// # Errors
/// [`TransformError::UnexpectedShape`] where content sits in an unexpected shape,
/// [`TransformError::Refused`] (`PRE_TOKENIZED`) for token-array input, and whatever the
/// visitor returns.
pub fn walk_request(
    endpoint: Endpoint,
    body: &mut Value,
    v: &mut dyn Visitor,
) -> Result<WalkStats, TransformError> {
    let mut w = Walker::new(v);
    match endpoint {
        Endpoint::OpenAiChat => openai::chat_request(&mut w, body)?,
        Endpoint::OpenAiEmbeddings => openai::embeddings_request(&mut w, body)?,
        Endpoint::OpenAiCompletions => openai::completions_request(&mut w, body)?,
        Endpoint::OpenAiResponses => responses::request(&mut w, body)?,
        Endpoint::AnthropicMessages | Endpoint::AnthropicCountTokens => {
            anthropic::request(&mut w, body)?
        }
        Endpoint::GeminiGenerate | Endpoint::GeminiStreamGenerate => {
            gemini::generate_request(&mut w, body)?
        }
        Endpoint::GeminiCountTokens => gemini::count_tokens_request(&mut w, body)?,
        Endpoint::GeminiEmbed => gemini::embed_request(&mut w, body)?,
        Endpoint::GeminiBatchEmbed => gemini::batch_embed_request(&mut w, body)?,
        Endpoint::OpenAiModels | Endpoint::AnthropicModels | Endpoint::GeminiModels => {
            no_content(&mut w, body)?
        }
    }
    Ok(w.stats)
}

/// Walk a non-streaming response body of `endpoint`: the text leaves to restore or scan.
/// Visits exactly the response counterparts of what [`walk_request`] scans, and skips what it
/// leaves alone (thinking, reasoning, signed parts), so nothing restored escapes re-scanning
/// when the client sends it back.
///
/// # Errors
/// As [`walk_request`].
pub fn walk_response(
    endpoint: Endpoint,
    body: &mut Value,
    v: &mut dyn Visitor,
) -> Result<WalkStats, TransformError> {
    let mut w = Walker::new(v);
    match endpoint {
        Endpoint::OpenAiChat => openai::chat_response(&mut w, body)?,
        Endpoint::OpenAiCompletions => openai::completions_response(&mut w, body)?,
        Endpoint::OpenAiResponses => responses::response(&mut w, body)?,
        Endpoint::AnthropicMessages => anthropic::response(&mut w, body)?,
        Endpoint::GeminiGenerate | Endpoint::GeminiStreamGenerate => {
            gemini::generate_response(&mut w, body)?
        }
        // Vectors, token counts and model lists carry no text to restore.
        Endpoint::OpenAiEmbeddings
        | Endpoint::AnthropicCountTokens
        | Endpoint::GeminiCountTokens
        | Endpoint::GeminiEmbed
        | Endpoint::GeminiBatchEmbed
        | Endpoint::OpenAiModels
        | Endpoint::AnthropicModels
        | Endpoint::GeminiModels => {}
    }
    Ok(w.stats)
}

/// A piece of a streamed response that arrives whole, for the streaming restorer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamPiece {
    /// Responses `response.output_item.done` `.item` (also `.added`): one output item.
    ResponsesItem,
    /// Anthropic `content_block_start` `.content_block`: one content block.
    AnthropicBlock,
}

/// Walk one whole piece of a stream with the same rules as [`walk_response`] (reasoning
/// items, thinking blocks and server-tool results are skipped). Snapshots that carry a whole
/// response (`response.completed` `.response`, Gemini chunks) go through [`walk_response`].
///
/// # Errors
/// As [`walk_request`].
pub fn walk_stream_piece(
    piece: StreamPiece,
    value: &mut Value,
    v: &mut dyn Visitor,
) -> Result<WalkStats, TransformError> {
    let mut w = Walker::new(v);
    match piece {
        StreamPiece::ResponsesItem => responses::item(&mut w, value)?,
        StreamPiece::AnthropicBlock => anthropic::block(&mut w, value)?,
    }
    Ok(w.stats)
}

/// Body-less endpoints: nothing or an empty object is fine; anything else is refused.
fn no_content(w: &mut Walker<'_>, body: &mut Value) -> Result<(), TransformError> {
    match body {
        Value::Null => Ok(()),
        Value::Object(m) if m.is_empty() => Ok(()),
        _ => Err(w.shape()),
    }
}

/// Keys never visited by the generic (unknown-field) walk.
fn is_opaque_key(k: &str) -> bool {
    matches!(
        k,
        "type"
            | "id"
            | "role"
            | "signature"
            | "thoughtSignature"
            | "thought_signature"
            | "encrypted_content"
            | "encrypted_index"
            | "cache_control"
            | "mime_type"
            | "mimeType"
            | "media_type"
            | "mediaType"
    ) || k.ends_with("_id")
        || k.ends_with("Id")
}

/// The walk state: the visitor, the current path, counters.
pub(crate) struct Walker<'v> {
    v: &'v mut dyn Visitor,
    path: Path,
    stats: WalkStats,
    /// Inside a JSON-encoded string: record whether any leaf changed.
    tracking: bool,
    changed: bool,
}

impl<'v> Walker<'v> {
    fn new(v: &'v mut dyn Visitor) -> Self {
        Walker {
            v,
            path: Path {
                segs: Vec::with_capacity(16),
            },
            stats: WalkStats::default(),
            tracking: false,
            changed: false,
        }
    }

    /// The error for the current position.
    fn shape(&self) -> TransformError {
        TransformError::UnexpectedShape {
            path: self.path.to_string(),
        }
    }

    fn shape_at(&mut self, key: &'static str) -> TransformError {
        self.path.push(Seg::Key(key));
        let e = self.shape();
        self.path.pop();
        e
    }

    /// Hand one string to the visitor.
    fn visit(&mut self, s: &mut String, kind: TextKind) -> Result<(), TransformError> {
        self.stats.fields_scanned += 1;
        if self.tracking {
            let before = s.clone();
            self.v.text(s, kind, &self.path)?;
            if *s != before {
                self.changed = true;
            }
            Ok(())
        } else {
            self.v.text(s, kind, &self.path)
        }
    }

    fn media_here(&mut self, kind: MediaKind) -> Result<(), TransformError> {
        self.stats.media_parts += 1;
        self.v.media(kind, &self.path)
    }

    fn media_at(&mut self, key: &'static str, kind: MediaKind) -> Result<(), TransformError> {
        self.path.push(Seg::Key(key));
        let r = self.media_here(kind);
        self.path.pop();
        r
    }

    /// Leave `val` untouched, but show its readable string leaves to
    /// [`Visitor::opaque_text`] (skipping opaque keys and base64 `data`).
    fn skip_opaque(&mut self, m: &Map<String, Value>) -> Result<(), TransformError> {
        self.stats.opaque_skipped += 1;
        self.read_only_fields(m)
    }

    /// Leave a provider-owned part (server-tool results, references, encrypted state)
    /// untouched and unseen.
    fn skip_provider(&mut self) {
        self.stats.opaque_skipped += 1;
    }

    fn read_only_fields(&mut self, m: &Map<String, Value>) -> Result<(), TransformError> {
        for (k, item) in m {
            if is_opaque_key(k) || k == "data" {
                continue;
            }
            self.path.push(Seg::AnyKey);
            let r = self.read_only(item);
            self.path.pop();
            r?;
        }
        Ok(())
    }

    fn read_only(&mut self, val: &Value) -> Result<(), TransformError> {
        match val {
            Value::String(s) => self.v.opaque_text(s, &self.path),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.path.push(Seg::Index(i));
                    let r = self.read_only(item);
                    self.path.pop();
                    r?;
                }
                Ok(())
            }
            Value::Object(m) => self.read_only_fields(m),
            Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
        }
    }

    /// A text field at the current position: a string is visited, `null` skipped, anything
    /// else is an unexpected shape.
    fn text_here(&mut self, val: &mut Value, kind: TextKind) -> Result<(), TransformError> {
        match val {
            Value::String(s) => self.visit(s, kind),
            Value::Null => Ok(()),
            _ => Err(self.shape()),
        }
    }

    /// The text field `key` of `obj`, if present.
    fn text_at(
        &mut self,
        obj: &mut Map<String, Value>,
        key: &'static str,
        kind: TextKind,
    ) -> Result<(), TransformError> {
        if let Some(val) = obj.get_mut(key) {
            self.path.push(Seg::Key(key));
            let r = self.text_here(val, kind);
            self.path.pop();
            r?;
        }
        Ok(())
    }

    /// Run `f` on `obj[key]` (if present) with the path extended by `key`.
    fn at<F>(
        &mut self,
        obj: &mut Map<String, Value>,
        key: &'static str,
        f: F,
    ) -> Result<(), TransformError>
    where
        F: FnOnce(&mut Self, &mut Value) -> Result<(), TransformError>,
    {
        if let Some(val) = obj.get_mut(key) {
            self.path.push(Seg::Key(key));
            let r = f(self, val);
            self.path.pop();
            r?;
        }
        Ok(())
    }

    /// Like [`Walker::at`], trying the camelCase key first, then the snake_case one (Gemini
    /// accepts both; a body carrying both gets both walked).
    fn at2<F>(
        &mut self,
        obj: &mut Map<String, Value>,
        camel: &'static str,
        snake: &'static str,
        f: F,
    ) -> Result<(), TransformError>
    where
        F: Fn(&mut Self, &mut Value) -> Result<(), TransformError>,
    {
        self.at(obj, camel, &f)?;
        self.at(obj, snake, &f)
    }

    /// `val` must be an array (or `null`); run `f` on every element.
    fn each<F>(&mut self, val: &mut Value, mut f: F) -> Result<(), TransformError>
    where
        F: FnMut(&mut Self, &mut Value) -> Result<(), TransformError>,
    {
        match val {
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.path.push(Seg::Index(i));
                    let r = f(self, item);
                    self.path.pop();
                    r?;
                }
                Ok(())
            }
            Value::Null => Ok(()),
            _ => Err(self.shape()),
        }
    }

    /// `val` must be an object (a part, block, item); anything else is unexpected.
    fn object<'a>(&self, val: &'a mut Value) -> Result<&'a mut Map<String, Value>, TransformError> {
        match val {
            Value::Object(m) => Ok(m),
            _ => Err(self.shape()),
        }
    }

    /// Every string leaf under `val` (object values and, if `keys`, object keys) as `kind`.
    fn leaves(
        &mut self,
        val: &mut Value,
        kind: TextKind,
        keys: bool,
    ) -> Result<(), TransformError> {
        match val {
            Value::String(s) => self.visit(s, kind),
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.path.push(Seg::Index(i));
                    let r = self.leaves(item, kind, keys);
                    self.path.pop();
                    r?;
                }
                Ok(())
            }
            Value::Object(m) => {
                if keys {
                    self.rename_keys(m, kind)?;
                }
                for (_, item) in m.iter_mut() {
                    self.path.push(Seg::AnyKey);
                    let r = self.leaves(item, kind, keys);
                    self.path.pop();
                    r?;
                }
                Ok(())
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
        }
    }

    /// Visit every key of `m`; rebuild the map only when a key changed.
    fn rename_keys(
        &mut self,
        m: &mut Map<String, Value>,
        kind: TextKind,
    ) -> Result<(), TransformError> {
        let mut renames: Vec<(String, String)> = Vec::new();
        for k in m.keys() {
            let mut key = k.clone();
            self.path.push(Seg::KeyName);
            let r = self.visit(&mut key, kind);
            self.path.pop();
            r?;
            if key != *k {
                renames.push((k.clone(), key));
            }
        }
        if renames.is_empty() {
            return Ok(());
        }
        self.changed = true;
        // Rebuild in the original order (the map preserves insertion order) so a renamed key
        // keeps its position and the rest of the object stays byte-identical.
        let old = std::mem::take(m);
        for (k, val) in old {
            let key = match renames.iter().position(|(o, _)| *o == k) {
                Some(i) => std::mem::take(&mut renames[i].1),
                None => k,
            };
            if m.contains_key(&key) {
                return Err(self.shape());
            }
            m.insert(key, val);
        }
        Ok(())
    }

    /// A JSON-encoded argument string (or, for lenient providers, an already-decoded value).
    fn json_string(&mut self, val: &mut Value) -> Result<(), TransformError> {
        match val {
            Value::String(s) => {
                let Ok(mut parsed) = serde_json::from_str::<Value>(s) else {
                    self.stats.json_arguments_unparsed += 1;
                    return self.visit(s, TextKind::ToolArguments);
                };
                self.stats.json_arguments += 1;
                let (outer_tracking, outer_changed) = (self.tracking, self.changed);
                self.tracking = true;
                self.changed = false;
                self.path.push(Seg::Decoded);
                let r = self.leaves(&mut parsed, TextKind::ToolArguments, true);
                self.path.pop();
                let changed = self.changed;
                self.tracking = outer_tracking;
                self.changed = outer_changed || changed;
                r?;
                if changed {
                    *s = serde_json::to_string(&parsed).map_err(|_| self.shape())?;
                }
                Ok(())
            }
            Value::Null => Ok(()),
            // Mistral and some compat providers accept `arguments` as an object.
            Value::Object(_) | Value::Array(_) => self.leaves(val, TextKind::ToolArguments, true),
            _ => Err(self.shape()),
        }
    }

    /// The generic rule for unknown fields: string leaves as `kind`, skipping opaque keys.
    fn generic(&mut self, val: &mut Value, kind: TextKind) -> Result<(), TransformError> {
        match val {
            Value::String(s) => self.visit(s, kind),
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.path.push(Seg::Index(i));
                    let r = self.generic(item, kind);
                    self.path.pop();
                    r?;
                }
                Ok(())
            }
            Value::Object(m) => self.generic_fields(m, &[], kind),
            Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
        }
    }

    /// The generic rule over the fields of `m` not named in `handled`.
    fn generic_fields(
        &mut self,
        m: &mut Map<String, Value>,
        handled: &[&str],
        kind: TextKind,
    ) -> Result<(), TransformError> {
        for (k, item) in m.iter_mut() {
            if is_opaque_key(k) || handled.contains(&k.as_str()) {
                continue;
            }
            self.path.push(Seg::AnyKey);
            let r = self.generic(item, kind);
            self.path.pop();
            r?;
        }
        Ok(())
    }

    /// Identifier fields: every string leaf as [`TextKind::Identifier`] (values only).
    fn identifiers(&mut self, val: &mut Value) -> Result<(), TransformError> {
        self.leaves(val, TextKind::Identifier, false)
    }

    /// The top level of a request: run the endpoint's known handlers via `known`, leave
    /// `config` keys alone, walk everything else generically as [`TextKind::Prompt`].
    fn top_level(
        &mut self,
        body: &mut Value,
        known: &[&str],
        config: &[&str],
        f: impl FnOnce(&mut Self, &mut Map<String, Value>) -> Result<(), TransformError>,
    ) -> Result<(), TransformError> {
        let m = self.object(body)?;
        f(self, m)?;
        for (k, item) in m.iter_mut() {
            if known.contains(&k.as_str()) || config.contains(&k.as_str()) || is_opaque_key(k) {
                continue;
            }
            self.path.push(Seg::AnyKey);
            let r = self.generic(item, TextKind::Prompt);
            self.path.pop();
            r?;
        }
        Ok(())
    }
}

/// The `type` of a part / block / item, if it is a string.
fn type_of(m: &Map<String, Value>) -> Option<&str> {
    m.get("type").and_then(Value::as_str)
}

/// Stands for any `type` not in the caller's list (never equal to a real type name).
const UNKNOWN_TYPE: &str = "\u{0}unknown";

/// The `type` of `m` as one of the `known` static names (so the map can be borrowed mutably
/// afterwards): `None` when there is no string `type`, [`UNKNOWN_TYPE`] when it is not listed.
fn kind_of(m: &Map<String, Value>, known: &[&'static str]) -> Option<&'static str> {
    let t = type_of(m)?;
    Some(
        known
            .iter()
            .copied()
            .find(|k| *k == t)
            .unwrap_or(UNKNOWN_TYPE),
    )
}
