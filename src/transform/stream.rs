//! Response filters: restore the request's placeholders/surrogates in whole JSON bodies and in
//! SSE streams, per endpoint.
//!
//! Owns: [`response_filter`] (endpoint + streaming -> a [`ResponseFilter`]), the per-endpoint
//! JSON restoration of generated text, the per-provider SSE stream rewriters, the
//! [`TextScanner`] hook for response scanning, and [`stream_error_frame`] (§4.4 in-band errors).
//! Never: touches thinking / reasoning / signatures / ids (PROTOCOLS §2.8), buffers a whole
//! stream, forwards what it cannot parse (errors instead: fail closed), or logs text.
//! Called by: `server::service` on the response path.
//!
//! # Streams
//!
//! One [`StreamText`] per output stream: OpenAI chat `choices[i]` x {content, refusal,
//! reasoning_content, audio.transcript, text, `tool_calls[index].function.arguments`};
//! Responses `(item_id, content_index)` x {output_text, refusal, function-call / MCP arguments,
//! custom tool input}; Anthropic content block `index` (text or `partial_json`); Gemini
//! candidate `index` (all plain text parts of the candidate, in order). Each event is rewritten
//! and sent at once; only a possibly-started placeholder is held, and re-emitted in the next
//! event of the same stream, or at its end: the chunk with `finish_reason` (chat, appended to
//! that chunk's delta), a synthetic `*.delta` event just before `*.done` / `output_item.done` /
//! `response.completed` (Responses, same `item_id`/indices as the last delta; it takes the
//! sequence number of the event that caused it, and every later event's number moves up by one),
//! a synthetic `content_block_delta` before `content_block_stop` / `message_delta` (Anthropic),
//! the chunk with `finishReason` or a non-text part (Gemini), or a synthetic chunk at `[DONE]`
//! / end of body. Argument fragments are restored JSON-escaped. Events that need no change are
//! forwarded byte-identically; changed events are re-serialized (`data: ` with one space, keys
//! in their original order: serde_json runs with `preserve_order`).
//!
//! Fast path (no scanner): while no stream holds anything, an event whose data contains no
//! byte that can start a key (`<` for placeholders, a backslash for JSON escapes, a
//! surrogate's first byte) is forwarded raw without JSON parsing; it cannot change. Such
//! events are therefore not validated as JSON (the first event of a chat stream always is).
//!
//! Chat chunks are read through a borrowed typed view first (`stream/chat_view.rs`): only the
//! text fields, `index`, `finish_reason` and the template keys, no `serde_json::Value` tree. An
//! event whose texts come out of their streams unchanged is forwarded raw. A changed one has
//! its new texts spliced into its own bytes (each raw JSON string located inside the event by
//! the view, replaced by the new text JSON-encoded; every other byte kept); only an event that
//! also receives a held tail (which may create fields) is parsed as a `Value` and
//! re-serialized. A differential property test checks that both give the `Value` walk's
//! output (spliced events: the same JSON). Shapes the view does not describe take the `Value`
//! walk. Measured with `MOCK_ECHO=1 BENCH_FINDINGS=1 bash bench/callgrind_request.sh` (the
//! mock answers with the prompt, 10 placeholders split over 19 chunks): 1.61M -> 1.16M
//! instructions per SSE request, 873k -> 754k non-streaming.
//!
//! Anthropic `content_block_delta` (text / input JSON / thinking / signature) and Responses
//! `response.*.delta` events take the same kind of typed path (`stream/delta_view.rs`):
//! forwarded raw when unchanged, spliced when changed; a Responses stream keeps the raw data of
//! its last delta as the template of a synthetic flush delta and parses it only then. Every
//! other event of those streams takes the `Value` walk (a differential property test checks
//! the two paths agree).
//!
//! Non-streaming chat / completions bodies are read through the same kind of view first: a
//! body none of whose text leaves change is forwarded raw, and changed leaves are spliced into
//! the body's bytes the same way, without a `Value` tree.
//!
//! Full-text events (`output_text.done`, `function_call_arguments.done`, `output_item.done`,
//! `content_part.done`, `response.completed`) are restored as whole strings, which gives the
//! same result as the concatenated restored deltas.
//!
//! Known drift: OpenAI annotations and Gemini citation/grounding indices are byte/char offsets
//! into the model's text; they are not recomputed after restoration.
//!
//! # Response scanning
//!
//! An optional [`TextScanner`] (the detection engine via [`EngineScanner`], filtered by the
//! policy's `scan_responses`) finds values to redact as `<ENTITY>` in generated text, before
//! restoration (so the user's own restored values are not re-flagged; a finding that is exactly
//! one of the request's replacements, e.g. a surrogate key, is left for restoration too).
//! Non-streaming bodies and full-text events: every text leaf is scanned whole. Streams: each output stream holds text
//! until a whitespace boundary (at most 1 KiB), scans it with 64 bytes of already-sent context,
//! and holds a finding that reaches the held end until it is complete (see `ScanState`).
//! Scanning therefore adds word-level latency to streams; with `scan_responses = "off"` (no
//! scanner) only placeholder-level holding remains. Thinking / reasoning is not scanned either.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::BytesMut;
use serde_json::{json, Map, Value};

use super::restore::{Escape, Restorer, TextRestorer};
use super::sse::{rewrite_event, write_event, SseEvent, SseParser, DEFAULT_MAX_EVENT};
use super::{Passthrough, ResponseFilter, TransformError};
use crate::detect::{Category, Engine, Entity, Finding, Scratch};
use crate::providers::{Endpoint, WireFormat};
use crate::transform::policy::ScanResponses;

/// "Scan this text": push the findings to redact (sorted, non-overlapping, char-boundary
/// offsets, as [`crate::detect::Engine::scan`] returns them). Each is replaced by `<ENTITY>`.
pub trait TextScanner: Send + Sync {
    fn find(&self, text: &str, out: &mut Vec<Finding>);
}

/// A few reusable engine scratches (the per-detector hit lists), shared by the request
/// sanitizer and the response scanners so neither re-allocates them per scan.
#[derive(Clone, Default)]
pub struct ScratchPool(Arc<Mutex<Vec<Scratch>>>);

impl ScratchPool {
    /// Scratches kept for reuse; more concurrent scans allocate and drop their own.
    const KEEP: usize = 64;

    pub fn take(&self, engine: &Engine) -> Scratch {
        self.0
            .lock()
            .ok()
            .and_then(|mut pool| pool.pop())
            .unwrap_or_else(|| engine.scratch())
    }

    pub fn put(&self, scratch: Scratch) {
        if let Ok(mut pool) = self.0.lock() {
            if pool.len() < Self::KEEP {
                pool.push(scratch);
            }
        }
    }
}

/// The detection engine as a response scanner, filtered by `scan_responses`.
pub struct EngineScanner {
    pub engine: Arc<Engine>,
    pub mode: ScanResponses,
    pub scratch: ScratchPool,
}

impl TextScanner for EngineScanner {
    fn find(&self, text: &str, out: &mut Vec<Finding>) {
        if self.mode == ScanResponses::Off {
            out.clear();
            return;
        }
        let mut scratch = self.scratch.take(&self.engine);
        self.engine.scan_with(text, &mut scratch, out);
        self.scratch.put(scratch);
        if self.mode == ScanResponses::Secrets {
            out.retain(|f| f.entity.category() == Category::Secret);
        }
    }
}

/// Wraps the response scanner of one request: a finding whose text is exactly one of the
/// request's restorable replacements (a surrogate the model copied, e.g. a fake key for an
/// `API_KEY = "surrogate"` policy) is left for restoration instead of being redacted.
struct SkipReplacements {
    inner: Arc<dyn TextScanner>,
    restorer: Restorer,
}

impl TextScanner for SkipReplacements {
    fn find(&self, text: &str, out: &mut Vec<Finding>) {
        let start = out.len();
        self.inner.find(text, out);
        let mut i = start;
        while i < out.len() {
            let own = out
                .get(i)
                .and_then(|f| text.get(f.start..f.end))
                .is_some_and(|v| self.restorer.is_replacement(v));
            if own {
                out.remove(i);
            } else {
                i += 1;
            }
        }
    }
}

/// Replace every finding by `<ENTITY>`; `None` when there is none (or none is valid).
pub fn redact_findings(text: &str, findings: &[Finding]) -> Option<String> {
    if findings.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for f in findings {
        if f.start < last || f.end <= f.start {
            continue;
        }
        let (Some(before), true) = (text.get(last..f.start), text.is_char_boundary(f.end)) else {
            continue;
        };
        out.push_str(before);
        out.push('<');
        out.push_str(f.entity.name());
        out.push('>');
        last = f.end;
    }
    if last == 0 {
        return None;
    }
    out.push_str(text.get(last..).unwrap_or_default());
    Some(out)
}

/// Default cap on a non-streaming response body (32 MiB).
pub const DEFAULT_MAX_BODY: usize = 32 << 20;

/// What a response filter needs from the request.
#[derive(Clone)]
pub struct FilterOptions {
    /// From [`crate::transform::vault::Vault::restorer`]; [`Restorer::empty`] when the policy
    /// says `restore = false`.
    pub restorer: Restorer,
    pub scanner: Option<Arc<dyn TextScanner>>,
    /// Cap on a buffered non-streaming body.
    pub max_body: usize,
    /// Cap on one SSE event.
    pub max_event: usize,
}

impl FilterOptions {
    pub fn new(restorer: Restorer) -> Self {
        FilterOptions {
            restorer,
            scanner: None,
            max_body: DEFAULT_MAX_BODY,
            max_event: DEFAULT_MAX_EVENT,
        }
    }

    pub fn with_scanner(mut self, scanner: Arc<dyn TextScanner>) -> Self {
        self.scanner = Some(scanner);
        self
    }
}

/// The response filter for an endpoint. `streaming` means the upstream answers with SSE
/// (`stream: true`, Gemini `:streamGenerateContent?alt=sse`); Gemini's streaming endpoint
/// without `alt=sse` returns one JSON array: pass `streaming = false` for it.
/// Returns [`Passthrough`] when there is nothing to restore or scan, or the endpoint carries
/// no generated text.
pub fn response_filter(
    endpoint: Endpoint,
    streaming: bool,
    mut opts: FilterOptions,
) -> Box<dyn ResponseFilter> {
    if !opts.restorer.is_empty() {
        opts.scanner = opts.scanner.take().map(|inner| {
            Arc::new(SkipReplacements {
                inner,
                restorer: opts.restorer.clone(),
            }) as Arc<dyn TextScanner>
        });
    }
    let generates = matches!(
        endpoint,
        Endpoint::OpenAiChat
            | Endpoint::OpenAiCompletions
            | Endpoint::OpenAiResponses
            | Endpoint::AnthropicMessages
            | Endpoint::GeminiGenerate
            | Endpoint::GeminiStreamGenerate
    );
    if !generates {
        return Box::new(Passthrough);
    }
    if !streaming {
        if opts.restorer.is_empty() && opts.scanner.is_none() {
            return Box::new(Passthrough);
        }
        return Box::new(JsonBodyFilter {
            endpoint,
            opts,
            buf: Vec::new(),
        });
    }
    if opts.restorer.is_empty() && opts.scanner.is_none() {
        return Box::new(Passthrough);
    }
    let parser = SseParser::new(opts.max_event);
    let r = Maker {
        r: opts.restorer,
        scanner: opts.scanner,
    };
    let m = r.clone();
    match endpoint {
        Endpoint::OpenAiResponses => Box::new(SseFilter::new(parser, ResponsesStream::new(r), &m)),
        Endpoint::AnthropicMessages => {
            Box::new(SseFilter::new(parser, AnthropicStream::new(r), &m))
        }
        Endpoint::GeminiGenerate | Endpoint::GeminiStreamGenerate => Box::new(SseFilter::new(
            parser,
            GeminiStream {
                st: GeminiState::new(r),
            },
            &m,
        )),
        _ => Box::new(SseFilter::new(parser, ChatStream::new(r), &m)),
    }
}

/// The in-band error frame to send when a stream fails after it started (PROTOCOLS §4.4),
/// then close the connection. `message` must be content-free.
pub fn stream_error_frame(endpoint: Endpoint, code: &str, message: &str) -> Vec<u8> {
    let mut out = BytesMut::new();
    match (endpoint, endpoint.wire_format()) {
        (Endpoint::OpenAiResponses, _) => {
            let v = json!({"type": "error", "code": code, "message": message, "param": null});
            write_event(&mut out, Some("error"), &v.to_string());
        }
        (_, WireFormat::OpenAi) => {
            let v = json!({"error": {"message": message, "type": "invalid_request_error", "param": null, "code": code}});
            write_event(&mut out, None, &v.to_string());
        }
        (_, WireFormat::Anthropic) => {
            let v = json!({"type": "error", "error": {"type": "api_error", "message": message}});
            write_event(&mut out, Some("error"), &v.to_string());
        }
        (_, WireFormat::Gemini) => {
            // `error` must be the first key: written by hand.
            let inner = json!({"code": 500, "message": message, "status": "INTERNAL"});
            write_event(&mut out, None, &format!("{{\"error\":{inner}}}"));
        }
    }
    out.to_vec()
}

// ---------------------------------------------------------------------------------------------
// Whole-value restoration (non-streaming bodies and full-text events)

struct Cx<'a> {
    r: &'a Restorer,
    scanner: Option<&'a Arc<dyn TextScanner>>,
}

impl Cx<'_> {
    fn string(&self, s: &mut String, escape: Escape) -> bool {
        match self.transformed(s, escape) {
            Some(new) => {
                *s = new;
                true
            }
            None => false,
        }
    }

    /// What [`Cx::string`] makes of `s`: response findings redacted, then placeholders
    /// restored; `None` when that changes nothing.
    fn transformed(&self, s: &str, escape: Escape) -> Option<String> {
        let mut redacted = None;
        if let Some(sc) = self.scanner {
            let mut found = Vec::new();
            sc.find(s, &mut found);
            redacted = redact_findings(s, &found);
        }
        let base = redacted.as_deref().unwrap_or(s);
        let restored = self.r.restore_with(base, escape);
        if restored != base {
            return Some(restored.into_owned());
        }
        redacted
    }

    fn at(&self, obj: &mut Value, key: &str, escape: Escape) -> bool {
        match obj.get_mut(key) {
            Some(Value::String(s)) => self.string(s, escape),
            _ => false,
        }
    }

    fn text(&self, obj: &mut Value, key: &str) -> bool {
        self.at(obj, key, Escape::None)
    }

    fn json_text(&self, obj: &mut Value, key: &str) -> bool {
        self.at(obj, key, Escape::Json)
    }

    /// Every string leaf (tool inputs / function-call args), keys untouched.
    fn leaves(&self, v: &mut Value) -> bool {
        match v {
            Value::String(s) => self.string(s, Escape::None),
            Value::Array(a) => a.iter_mut().fold(false, |c, x| self.leaves(x) | c),
            Value::Object(o) => o.values_mut().fold(false, |c, x| self.leaves(x) | c),
            _ => false,
        }
    }
}

fn arr_mut<'v>(v: &'v mut Value, key: &str) -> impl Iterator<Item = &'v mut Value> {
    v.get_mut(key)
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
}

fn type_of(v: &Value) -> &str {
    v.get("type").and_then(Value::as_str).unwrap_or_default()
}

fn restore_chat_body(v: &mut Value, cx: &Cx<'_>) -> bool {
    let mut ch = false;
    for choice in arr_mut(v, "choices") {
        ch |= cx.text(choice, "text");
        if let Some(m) = choice.get_mut("message") {
            ch |= cx.text(m, "content");
            for part in arr_mut(m, "content") {
                ch |= cx.text(part, "text");
            }
            ch |= cx.text(m, "refusal");
            ch |= cx.text(m, "reasoning_content");
            ch |= cx.text(m, "reasoning");
            if let Some(a) = m.get_mut("audio") {
                ch |= cx.text(a, "transcript");
            }
            for tc in arr_mut(m, "tool_calls") {
                if let Some(f) = tc.get_mut("function") {
                    ch |= cx.json_text(f, "arguments");
                }
            }
            if let Some(f) = m.get_mut("function_call") {
                ch |= cx.json_text(f, "arguments");
            }
        }
    }
    ch
}

fn restore_responses_part(part: &mut Value, cx: &Cx<'_>) -> bool {
    match type_of(part) {
        "output_text" => cx.text(part, "text"),
        "refusal" => cx.text(part, "refusal"),
        _ => false,
    }
}

fn restore_responses_item(item: &mut Value, cx: &Cx<'_>) -> bool {
    match type_of(item) {
        "message" => arr_mut(item, "content").fold(false, |c, p| restore_responses_part(p, cx) | c),
        "function_call" | "mcp_call" => cx.json_text(item, "arguments"),
        "custom_tool_call" => cx.text(item, "input"),
        _ => false, // reasoning (opaque), tool results, ...
    }
}

fn restore_responses_body(v: &mut Value, cx: &Cx<'_>) -> bool {
    arr_mut(v, "output").fold(false, |c, item| restore_responses_item(item, cx) | c)
}

fn restore_anthropic_block(b: &mut Value, cx: &Cx<'_>) -> bool {
    match type_of(b) {
        "text" => {
            let mut ch = cx.text(b, "text");
            for c in arr_mut(b, "citations") {
                ch |= cx.text(c, "cited_text");
            }
            ch
        }
        "tool_use" => b.get_mut("input").is_some_and(|i| cx.leaves(i)),
        _ => false, // thinking, redacted_thinking, server tool blocks: never touched
    }
}

fn restore_anthropic_message(v: &mut Value, cx: &Cx<'_>) -> bool {
    arr_mut(v, "content").fold(false, |c, b| restore_anthropic_block(b, cx) | c)
}

fn restore_body(endpoint: Endpoint, v: &mut Value, cx: &Cx<'_>) -> bool {
    match endpoint {
        Endpoint::OpenAiChat | Endpoint::OpenAiCompletions => restore_chat_body(v, cx),
        Endpoint::OpenAiResponses => restore_responses_body(v, cx),
        Endpoint::AnthropicMessages => restore_anthropic_message(v, cx),
        Endpoint::GeminiGenerate | Endpoint::GeminiStreamGenerate => {
            let mut st = GeminiState::new(Maker {
                r: cx.r.clone(),
                scanner: cx.scanner.cloned(),
            });
            match v {
                Value::Array(chunks) => {
                    let mut ch = false;
                    for c in chunks.iter_mut() {
                        ch |= st.process(c, cx);
                    }
                    if let Some(last) = chunks.last_mut() {
                        ch |= st.flush_into(last);
                    }
                    ch
                }
                _ => {
                    let ch = st.process(v, cx);
                    st.flush_into(v) | ch
                }
            }
        }
        _ => false,
    }
}

/// What `restore_chat_body` changes in a chat / completions body, read through the typed view
/// (no `Value` tree): each changed text leaf as (offset, length) of its raw JSON string in
/// `text` and its new text; empty when nothing changes. `None` when the view cannot tell (odd
/// shapes, escapes it leaves to serde_json, a leaf it cannot locate): the caller then takes
/// the `Value` path, which handles the body as before.
fn chat_body_edits(text: &str, cx: &Cx<'_>) -> Option<Vec<(usize, usize, String)>> {
    let leaves = chat_view::parse_body(text).and_then(|b| b.leaves())?;
    let mut edits = Vec::new();
    for (kind, raw) in leaves {
        let Some(s) = chat_view::as_str(raw).ok()? else {
            continue;
        };
        let escape = match kind {
            chat_view::LeafKind::Text => Escape::None,
            chat_view::LeafKind::Json => Escape::Json,
        };
        if let Some(new) = cx.transformed(&s, escape) {
            edits.push((chat_view::offset_in(text, raw)?, raw.get().len(), new));
        }
    }
    Some(edits)
}

/// Non-streaming bodies: buffered under a cap, restored once at the end.
struct JsonBodyFilter {
    endpoint: Endpoint,
    opts: FilterOptions,
    buf: Vec<u8>,
}

impl ResponseFilter for JsonBodyFilter {
    fn chunk(&mut self, input: &[u8], _out: &mut BytesMut) -> Result<(), TransformError> {
        if self.buf.len() + input.len() > self.opts.max_body {
            return Err(TransformError::MalformedStream(
                "response body exceeds the size cap",
            ));
        }
        self.buf.extend_from_slice(input);
        Ok(())
    }

    fn finish(&mut self, out: &mut BytesMut) -> Result<(), TransformError> {
        if self.buf.iter().all(u8::is_ascii_whitespace) {
            out.extend_from_slice(&self.buf);
            return Ok(());
        }
        let cx = Cx {
            r: &self.opts.restorer,
            scanner: self.opts.scanner.as_ref(),
        };
        if matches!(
            self.endpoint,
            Endpoint::OpenAiChat | Endpoint::OpenAiCompletions
        ) {
            // The typed view: unchanged bodies pass raw, changed leaves are spliced into the
            // body's own bytes (no `Value` round trip).
            let text = std::str::from_utf8(&self.buf).ok();
            if let Some((text, edits)) = text.and_then(|t| Some((t, chat_body_edits(t, &cx)?))) {
                if edits.is_empty() {
                    out.extend_from_slice(&self.buf);
                    self.buf.clear();
                    return Ok(());
                }
                let located = edits.iter().map(|(at, len, t)| (*at, *len, t.as_str()));
                if let Some(spliced) = chat_view::splice(text, located.collect()) {
                    out.extend_from_slice(spliced.as_bytes());
                    self.buf.clear();
                    return Ok(());
                }
            }
        }
        let mut v: Value =
            serde_json::from_slice(&self.buf).map_err(|_| TransformError::InvalidJson)?;
        if restore_body(self.endpoint, &mut v, &cx) {
            let bytes = serde_json::to_vec(&v).map_err(|_| TransformError::InvalidJson)?;
            out.extend_from_slice(&bytes);
        } else {
            out.extend_from_slice(&self.buf);
        }
        self.buf.clear();
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// SSE plumbing

trait Rewriter: Send {
    /// Whether no output stream holds anything back (so an event without key bytes passes).
    fn idle(&self) -> bool;
    fn event(&mut self, ev: &SseEvent, out: &mut BytesMut) -> Result<(), TransformError>;
    fn finish(&mut self, out: &mut BytesMut) -> Result<(), TransformError>;
}

struct SseFilter<R> {
    parser: SseParser,
    events: Vec<SseEvent>,
    rw: R,
    /// Set when there is no scanner: events that cannot contain a key while every stream is
    /// idle are forwarded without being JSON-parsed (the common case, and the fast one).
    fast: Option<Restorer>,
}

impl<R: Rewriter> SseFilter<R> {
    fn new(parser: SseParser, rw: R, maker: &Maker) -> Self {
        SseFilter {
            parser,
            events: Vec::new(),
            rw,
            fast: maker.scanner.is_none().then(|| maker.r.clone()),
        }
    }

    fn drain(&mut self, out: &mut BytesMut) -> Result<(), TransformError> {
        let mut evs = std::mem::take(&mut self.events);
        let res = evs.drain(..).try_for_each(|ev| {
            if let Some(r) = &self.fast {
                let inert = ev.data.as_deref().is_none_or(|d| !r.may_occur_in(d));
                if inert && self.rw.idle() {
                    out.extend_from_slice(&ev.raw);
                    return Ok(());
                }
            }
            self.rw.event(&ev, out)
        });
        self.events = evs;
        res
    }
}

impl<R: Rewriter> ResponseFilter for SseFilter<R> {
    fn chunk(&mut self, input: &[u8], out: &mut BytesMut) -> Result<(), TransformError> {
        self.parser.push(input, &mut self.events)?;
        self.drain(out)
    }

    fn finish(&mut self, out: &mut BytesMut) -> Result<(), TransformError> {
        self.parser.finish(&mut self.events)?;
        self.drain(out)?;
        self.rw.finish(out)
    }
}

fn parse_data(ev: &SseEvent) -> Result<Option<Value>, TransformError> {
    match &ev.data {
        None => Ok(None),
        Some(d) => serde_json::from_str(d)
            .map(Some)
            .map_err(|_| TransformError::InvalidJson),
    }
}

fn emit(out: &mut BytesMut, ev: &SseEvent, v: &Value, changed: bool) {
    if changed {
        rewrite_event(out, ev, &v.to_string());
    } else {
        out.extend_from_slice(&ev.raw);
    }
}

/// Write the typed path's result for one text field: `new` spliced over the raw JSON string
/// at `at` (its length `len`) in `data`, or, when the raw string cannot be located, the event
/// parsed as a `Value` with `new` written at `path` (the stream already consumed the text, so
/// it must not be pushed again).
fn write_spliced(
    out: &mut BytesMut,
    ev: &SseEvent,
    data: &str,
    at: Option<(usize, usize)>,
    path: &[&str],
    new: String,
) -> Result<(), TransformError> {
    if let Some(spliced) = at.and_then(|(at, len)| chat_view::splice(data, vec![(at, len, &new)])) {
        rewrite_event(out, ev, &spliced);
        return Ok(());
    }
    let mut v: Value = serde_json::from_str(data).map_err(|_| TransformError::InvalidJson)?;
    let slot = path.iter().try_fold(&mut v, |v, k| v.get_mut(*k));
    match slot {
        Some(slot) => *slot = Value::String(new),
        None => return Err(TransformError::InvalidJson),
    }
    rewrite_event(out, ev, &v.to_string());
    Ok(())
}

/// Push the raw JSON string `raw` (a field of `data`) through `st`. Forwards the event as it
/// is when the text does not change, else writes it with [`write_spliced`].
fn push_raw(
    st: &mut StreamText,
    out: &mut BytesMut,
    ev: &SseEvent,
    data: &str,
    raw: &serde_json::value::RawValue,
    path: &[&str],
) -> Result<(), TransformError> {
    let Some(text) = chat_view::as_str(raw)? else {
        out.extend_from_slice(&ev.raw);
        return Ok(());
    };
    let mut o = String::with_capacity(text.len());
    st.push(&text, &mut o);
    if o == *text {
        out.extend_from_slice(&ev.raw);
        return Ok(());
    }
    let at = chat_view::offset_in(data, raw).map(|at| (at, raw.get().len()));
    write_spliced(out, ev, data, at, path, o)
}

/// Push the string at `v` through `st`; true when the text changed.
fn push_value(st: &mut StreamText, v: Option<&mut Value>) -> bool {
    let Some(Value::String(s)) = v else {
        return false;
    };
    let mut o = String::with_capacity(s.len());
    st.push(s, &mut o);
    if o != *s {
        *s = o;
        true
    } else {
        false
    }
}

fn take_held(st: &mut StreamText) -> String {
    let mut held = String::new();
    st.finish(&mut held);
    held
}

/// Append `s` to the string at `obj[key]` (creating `obj` / the key as needed).
fn append_at(obj: &mut Value, key: &str, s: &str) {
    if !obj.is_object() {
        *obj = Value::Object(Map::new());
    }
    if let Value::Object(m) = obj {
        match m.get_mut(key) {
            Some(Value::String(t)) => t.push_str(s),
            _ => {
                m.insert(key.to_owned(), Value::String(s.to_owned()));
            }
        }
    }
}

fn child<'v>(obj: &'v mut Value, key: &str) -> &'v mut Value {
    if !obj.is_object() {
        *obj = Value::Object(Map::new());
    }
    match obj {
        Value::Object(m) => m.entry(key.to_owned()).or_insert(Value::Null),
        other => other, // unreachable: `obj` was made an object above
    }
}

/// Creates the per-output-stream state: optional scanning, then restoration.
#[derive(Clone)]
struct Maker {
    r: Restorer,
    scanner: Option<Arc<dyn TextScanner>>,
}

impl Maker {
    fn stream(&self, escape: Escape) -> StreamText {
        StreamText {
            scan: self.scanner.clone().map(ScanState::new),
            restore: self.r.stream(escape),
            buf: String::new(),
        }
    }

    fn cx(&self) -> Cx<'_> {
        Cx {
            r: &self.r,
            scanner: self.scanner.as_ref(),
        }
    }
}

/// One output stream: [`ScanState`] (when scanning) feeding a [`TextRestorer`].
struct StreamText {
    scan: Option<ScanState>,
    restore: TextRestorer,
    buf: String,
}

impl StreamText {
    fn push(&mut self, fragment: &str, out: &mut String) {
        match &mut self.scan {
            None => self.restore.push(fragment, out),
            Some(s) => {
                self.buf.clear();
                s.push(fragment, &mut self.buf, false);
                self.restore.push(&self.buf, out);
            }
        }
    }

    fn finish(&mut self, out: &mut String) {
        if let Some(s) = &mut self.scan {
            self.buf.clear();
            s.push("", &mut self.buf, true);
            self.restore.push(&self.buf, out);
        }
        self.restore.finish(out);
    }

    fn escape(&self) -> Escape {
        self.restore.escape()
    }

    fn is_idle(&self) -> bool {
        self.restore.held_len() == 0 && self.scan.as_ref().is_none_or(|s| s.pending.is_empty())
    }
}

/// Bytes of already-sent text kept as context for the next scan (keyword anchors).
const SCAN_CONTEXT: usize = 64;
/// Longest text held back waiting for a word boundary before it is scanned and sent anyway.
const SCAN_MAX_HOLD: usize = 1024;
/// Longest text held back while a finding in it is still open (runs up to the held end): a
/// streamed PEM key (2–4 KiB, whitespace on every line) is held whole and redacted whole.
const SCAN_MAX_OPEN: usize = 64 * 1024;

/// Streaming response scanning: text is held until a whitespace boundary (at most
/// [`SCAN_MAX_HOLD`] bytes), scanned together with [`SCAN_CONTEXT`] bytes of what was already
/// sent, and findings inside the new text are redacted. A finding that runs up to the held end
/// stays held until it is complete, up to [`SCAN_MAX_OPEN`] bytes; beyond that it is redacted
/// up to where it is cut and the rest flows on (a value whose detection needs text after it can
/// then be only partly redacted). While more than [`SCAN_MAX_HOLD`] bytes are held, the text is
/// rescanned only after it grew by a quarter, so holding stays linear overall.
struct ScanState {
    scanner: Arc<dyn TextScanner>,
    context: String,
    pending: String,
    found: Vec<Finding>,
    /// Scratch: context + pending, the text of one scan (kept to reuse its allocation).
    text: String,
    /// Held length below which no rescan happens (an open finding longer than
    /// [`SCAN_MAX_HOLD`] is being held; 0 otherwise).
    rescan_at: usize,
}

impl ScanState {
    fn new(scanner: Arc<dyn TextScanner>) -> Self {
        ScanState {
            scanner,
            context: String::new(),
            pending: String::new(),
            found: Vec::new(),
            text: String::new(),
            rescan_at: 0,
        }
    }

    fn push(&mut self, fragment: &str, out: &mut String, last: bool) {
        self.pending.push_str(fragment);
        if self.pending.is_empty() {
            // Nothing new: a scan of the context alone could redact nothing (findings are
            // clipped to the new text) and would leave the context as it is.
            return;
        }
        if !last && self.pending.len() < self.rescan_at {
            return;
        }
        let forced = last || self.pending.len() > SCAN_MAX_HOLD;
        let cut = if forced {
            self.pending.len()
        } else {
            match self
                .pending
                .char_indices()
                .rev()
                .find(|(_, c)| c.is_whitespace())
            {
                Some((i, c)) => i + c.len_utf8(),
                None => return,
            }
        };
        let ctx = self.context.len();
        let mut text = std::mem::take(&mut self.text);
        text.clear();
        text.push_str(&self.context);
        text.push_str(&self.pending);
        self.found.clear();
        self.scanner.find(&text, &mut self.found);
        let mut cut_abs = ctx + cut;
        if !last && self.pending.len() <= SCAN_MAX_OPEN {
            // Hold a finding that is not known to be complete yet (one that started in the
            // already-sent context is held from the start of the new text).
            for f in &self.found {
                if f.start < cut_abs && (f.end >= cut_abs || may_grow(&text, f)) {
                    cut_abs = cut_abs.min(f.start.max(ctx));
                }
            }
        }
        let mut last_pos = ctx;
        for f in &self.found {
            let (s, e) = (f.start.max(ctx), f.end.min(cut_abs));
            if s < last_pos || e <= s || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
                continue;
            }
            out.push_str(text.get(last_pos..s).unwrap_or_default());
            out.push('<');
            out.push_str(f.entity.name());
            out.push('>');
            last_pos = e;
        }
        out.push_str(text.get(last_pos..cut_abs).unwrap_or_default());
        // New context: the tail of what was sent (originals, so anchors still match).
        let mut cstart = cut_abs.saturating_sub(SCAN_CONTEXT);
        while !text.is_char_boundary(cstart) {
            cstart += 1;
        }
        self.context.clear();
        self.context
            .push_str(text.get(cstart..cut_abs).unwrap_or_default());
        self.pending.clear();
        self.pending
            .push_str(text.get(cut_abs..).unwrap_or_default());
        let held = self.pending.len();
        self.rescan_at = if held > SCAN_MAX_HOLD {
            held + held / 4
        } else {
            0
        };
        self.text = text;
    }
}

/// A private key found without its closing line (PEM `-----END …-----`, PuTTY `Private-MAC:`)
/// is a truncated block: its body lines end at newlines, so the whitespace cut does not tell
/// that it is complete. It stays open until its closing line has arrived.
fn may_grow(text: &str, f: &Finding) -> bool {
    if f.entity != Entity::PrivateKey {
        return false;
    }
    let value = text.get(f.start..f.end).unwrap_or_default().trim_end();
    if value.starts_with("-----BEGIN") {
        !value.ends_with("-----")
    } else {
        value.starts_with("PuTTY-User-Key-File") && !value.contains("Private-MAC:")
    }
}

// ---------------------------------------------------------------------------------------------
// OpenAI chat completions (and legacy completions)

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum ChatField {
    Text,
    Content,
    Refusal,
    Reasoning,
    /// `reasoning` (OpenRouter-style compat field).
    ReasoningAlt,
    Transcript,
    Tool(u64),
}

struct ChatStream {
    r: Maker,
    streams: HashMap<(u64, ChatField), StreamText>,
    template: Map<String, Value>,
    /// The raw JSON each [`TEMPLATE_KEYS`] entry of `template` was last parsed from by the
    /// typed path (`None`: set by the `Value` path, or never seen), so an unchanged `id` /
    /// `model` / ... is not parsed and inserted again for every chunk.
    template_raw: [Option<String>; 5],
    /// Test switch: every event through the `Value` path (the reference for the typed one).
    #[cfg(test)]
    value_only: bool,
}

/// Top-level chunk keys copied into the template of synthetic chunks.
const TEMPLATE_KEYS: [&str; 5] = ["id", "object", "created", "model", "system_fingerprint"];

impl ChatStream {
    fn new(r: Maker) -> Self {
        ChatStream {
            r,
            streams: HashMap::new(),
            template: Map::new(),
            template_raw: Default::default(),
            #[cfg(test)]
            value_only: false,
        }
    }

    fn stream(&mut self, key: (u64, ChatField)) -> &mut StreamText {
        let escape = if matches!(key.1, ChatField::Tool(_)) {
            Escape::Json
        } else {
            Escape::None
        };
        let r = &self.r;
        self.streams.entry(key).or_insert_with(|| r.stream(escape))
    }

    /// Push a string field through its stream (created on first use only).
    fn push(&mut self, key: (u64, ChatField), v: Option<&mut Value>) -> bool {
        match v {
            Some(v @ Value::String(_)) => push_value(self.stream(key), Some(v)),
            _ => false,
        }
    }

    fn process_choice(&mut self, pos: usize, choice: &mut Value) -> bool {
        let idx = choice
            .get("index")
            .and_then(Value::as_u64)
            .unwrap_or(pos as u64);
        let mut ch = self.push((idx, ChatField::Text), choice.get_mut("text"));
        if let Some(d) = choice.get_mut("delta") {
            ch |= self.push((idx, ChatField::Content), d.get_mut("content"));
            ch |= self.push((idx, ChatField::Refusal), d.get_mut("refusal"));
            ch |= self.push((idx, ChatField::Reasoning), d.get_mut("reasoning_content"));
            ch |= self.push((idx, ChatField::ReasoningAlt), d.get_mut("reasoning"));
            if let Some(a) = d.get_mut("audio") {
                ch |= self.push((idx, ChatField::Transcript), a.get_mut("transcript"));
            }
            for (tpos, tc) in arr_mut(d, "tool_calls").enumerate() {
                let ti = tc
                    .get("index")
                    .and_then(Value::as_u64)
                    .unwrap_or(tpos as u64);
                if let Some(f) = tc.get_mut("function") {
                    ch |= self.push((idx, ChatField::Tool(ti)), f.get_mut("arguments"));
                }
            }
        }
        let finished = choice.get("finish_reason").is_some_and(|f| !f.is_null());
        if finished {
            ch |= self.flush_choice(idx, choice);
        }
        ch
    }

    /// Move every held tail of choice `idx` into `choice` (its delta / text).
    fn flush_choice(&mut self, idx: u64, choice: &mut Value) -> bool {
        let tails = self.take_tails(idx);
        apply_tails(choice, tails)
    }

    /// Ends every stream of choice `idx` (in key order): the non-empty held tails.
    fn take_tails(&mut self, idx: u64) -> Vec<(ChatField, String)> {
        let mut keys: Vec<(u64, ChatField)> = self
            .streams
            .keys()
            .filter(|k| k.0 == idx)
            .copied()
            .collect();
        keys.sort();
        let mut tails = Vec::new();
        for key in keys {
            let Some(mut st) = self.streams.remove(&key) else {
                continue;
            };
            let held = take_held(&mut st);
            if !held.is_empty() {
                tails.push((key.1, held));
            }
        }
        tails
    }

    /// The typed path: reads only the fields it rewrites from a borrowed view (no `Value`
    /// tree), pushes them through their streams exactly as [`ChatStream::process_choice`]
    /// would, and forwards the event byte-identically when nothing changed. When something
    /// did, the event is parsed as a `Value` once and the results are written into it.
    fn event_view(
        &mut self,
        ev: &SseEvent,
        data: &str,
        view: &chat_view::Chunk<'_>,
        out: &mut BytesMut,
    ) -> Result<(), TransformError> {
        for (i, raw) in view.template().into_iter().enumerate() {
            let (Some(raw), Some(key), Some(seen)) =
                (raw, TEMPLATE_KEYS.get(i), self.template_raw.get_mut(i))
            else {
                continue;
            };
            if seen.as_deref() == Some(raw.get()) {
                continue;
            }
            let Ok(v) = serde_json::from_str::<Value>(raw.get()) else {
                return Err(TransformError::InvalidJson);
            };
            self.template.insert((*key).to_owned(), v);
            let s = seen.get_or_insert_with(String::new);
            s.clear();
            s.push_str(raw.get());
        }
        // (choice position, field, the new text, where its raw string sits in `data`)
        let mut edits: Vec<(usize, chat_view::Loc, String)> = Vec::new();
        let mut spans: Vec<Option<(usize, usize)>> = Vec::new();
        let mut tails: Vec<(usize, Vec<(ChatField, String)>)> = Vec::new();
        let mut o = String::new();
        for (pos, choice) in view.choices.iter().flatten().enumerate() {
            let idx = choice
                .index
                .and_then(chat_view::as_u64)
                .unwrap_or(pos as u64);
            for (loc, raw) in choice.texts() {
                let Some(text) = chat_view::as_str(raw)? else {
                    continue;
                };
                o.clear();
                self.stream((idx, loc.field())).push(&text, &mut o);
                if o != *text {
                    spans.push(chat_view::offset_in(data, raw).map(|at| (at, raw.get().len())));
                    edits.push((pos, loc, std::mem::take(&mut o)));
                }
            }
            if choice.finish_reason.is_some() {
                let t = self.take_tails(idx);
                if !t.is_empty() {
                    tails.push((pos, t));
                }
            }
        }
        if edits.is_empty() && tails.is_empty() {
            out.extend_from_slice(&ev.raw);
            return Ok(());
        }
        // Only texts replaced in place (no held tail to add, which may create fields): splice
        // the new strings into the event's own bytes instead of a `Value` round trip.
        if tails.is_empty() {
            let located: Option<Vec<(usize, usize, &str)>> = spans
                .iter()
                .zip(&edits)
                .map(|(span, e)| span.map(|(at, len)| (at, len, e.2.as_str())))
                .collect();
            if let Some(spliced) = located.and_then(|l| chat_view::splice(data, l)) {
                rewrite_event(out, ev, &spliced);
                return Ok(());
            }
        }
        self.event_value(ev, data, edits, tails, out)
    }

    /// The `Value` path: the whole event parsed and walked. With `edits` / `tails` from the
    /// typed path (which already pushed the texts), only writes those results.
    fn event_value(
        &mut self,
        ev: &SseEvent,
        data: &str,
        edits: Vec<(usize, chat_view::Loc, String)>,
        tails: Vec<(usize, Vec<(ChatField, String)>)>,
        out: &mut BytesMut,
    ) -> Result<(), TransformError> {
        let mut v: Value = serde_json::from_str(data).map_err(|_| TransformError::InvalidJson)?;
        let typed = !edits.is_empty() || !tails.is_empty();
        let mut changed = false;
        if typed {
            let Some(Value::Array(choices)) = v.get_mut("choices") else {
                return Err(TransformError::InvalidJson);
            };
            for (pos, loc, text) in edits {
                if let Some(Value::String(s)) = choices.get_mut(pos).and_then(|c| loc.get_mut(c)) {
                    *s = text;
                    changed = true;
                }
            }
            for (pos, t) in tails {
                if let Some(c) = choices.get_mut(pos) {
                    changed |= apply_tails(c, t);
                }
            }
        } else {
            if let Value::Object(m) = &v {
                for (i, k) in TEMPLATE_KEYS.iter().enumerate() {
                    if let Some(x) = m.get(*k) {
                        self.template.insert((*k).to_owned(), x.clone());
                        if let Some(seen) = self.template_raw.get_mut(i) {
                            *seen = None;
                        }
                    }
                }
            }
            if let Some(Value::Array(choices)) = v.get_mut("choices") {
                for (pos, choice) in choices.iter_mut().enumerate() {
                    changed |= self.process_choice(pos, choice);
                }
            }
        }
        emit(out, ev, &v, changed);
        Ok(())
    }

    /// A synthetic chunk carrying every held tail (before `[DONE]` / at end of body).
    fn flush_all(&mut self, out: &mut BytesMut) {
        let mut idxs: Vec<u64> = self.streams.keys().map(|k| k.0).collect();
        idxs.sort_unstable();
        idxs.dedup();
        let mut choices = Vec::new();
        for idx in idxs {
            let mut choice = json!({"index": idx});
            if self.flush_choice(idx, &mut choice) {
                if let Value::Object(m) = &mut choice {
                    m.insert("finish_reason".into(), Value::Null);
                }
                choices.push(choice);
            }
        }
        if choices.is_empty() {
            return;
        }
        let mut chunk = self.template.clone();
        chunk.insert("choices".into(), Value::Array(choices));
        write_event(out, None, &Value::Object(chunk).to_string());
    }
}

/// Append held tails to a chat `choice` (its delta / text); true when there was any.
fn apply_tails(choice: &mut Value, tails: Vec<(ChatField, String)>) -> bool {
    let mut ch = false;
    for (field, held) in tails {
        ch = true;
        match field {
            ChatField::Text => append_at(choice, "text", &held),
            ChatField::Content => append_at(child(choice, "delta"), "content", &held),
            ChatField::Refusal => append_at(child(choice, "delta"), "refusal", &held),
            ChatField::Reasoning => append_at(child(choice, "delta"), "reasoning_content", &held),
            ChatField::ReasoningAlt => append_at(child(choice, "delta"), "reasoning", &held),
            ChatField::Transcript => {
                append_at(child(child(choice, "delta"), "audio"), "transcript", &held)
            }
            ChatField::Tool(ti) => {
                let calls = child(child(choice, "delta"), "tool_calls");
                if !calls.is_array() {
                    *calls = Value::Array(Vec::new());
                }
                if let Value::Array(list) = calls {
                    let found = list
                        .iter_mut()
                        .find(|c| c.get("index").and_then(Value::as_u64) == Some(ti));
                    match found {
                        Some(c) => append_at(child(c, "function"), "arguments", &held),
                        None => list.push(json!({"index": ti, "function": {"arguments": held}})),
                    }
                }
            }
        }
    }
    ch
}

impl Rewriter for ChatStream {
    fn idle(&self) -> bool {
        // The first event is always parsed: it gives the template for synthetic chunks.
        !self.template.is_empty() && self.streams.values().all(StreamText::is_idle)
    }

    fn event(&mut self, ev: &SseEvent, out: &mut BytesMut) -> Result<(), TransformError> {
        if ev.data.as_deref().map(str::trim) == Some("[DONE]") {
            self.flush_all(out);
            out.extend_from_slice(&ev.raw);
            return Ok(());
        }
        let Some(data) = ev.data.as_deref() else {
            out.extend_from_slice(&ev.raw);
            return Ok(());
        };
        #[cfg(test)]
        if self.value_only {
            return self.event_value(ev, data, Vec::new(), Vec::new(), out);
        }
        if let Some(view) = chat_view::parse(data) {
            return self.event_view(ev, data, &view, out);
        }
        self.event_value(ev, data, Vec::new(), Vec::new(), out)
    }

    fn finish(&mut self, out: &mut BytesMut) -> Result<(), TransformError> {
        self.flush_all(out);
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// OpenAI Responses

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum RKind {
    Text,
    Refusal,
    Args,
    CustomInput,
    McpArgs,
}

impl RKind {
    /// The `type` of this kind's delta events (the inverse of `responses_kind` for deltas).
    fn delta_type(self) -> &'static str {
        match self {
            RKind::Text => "response.output_text.delta",
            RKind::Refusal => "response.refusal.delta",
            RKind::Args => "response.function_call_arguments.delta",
            RKind::CustomInput => "response.custom_tool_call_input.delta",
            RKind::McpArgs => "response.mcp_call_arguments.delta",
        }
    }

    fn escape(self) -> Escape {
        match self {
            RKind::Args | RKind::McpArgs => Escape::Json,
            _ => Escape::None,
        }
    }
}

struct RStream {
    st: StreamText,
    /// The data of the last delta event of this stream, as received (parsed and its `delta`
    /// replaced when a synthetic delta is made from it).
    template: String,
    event: Option<String>,
}

struct ResponsesStream {
    r: Maker,
    streams: HashMap<(String, u64, RKind), RStream>,
    /// Synthetic flush deltas emitted so far with a `sequence_number`: every later event's
    /// number is raised by this much, so numbers stay unique and increasing.
    seq_shift: u64,
    /// Test switch: every event through the `Value` path (the reference for the typed one).
    #[cfg(test)]
    value_only: bool,
}

fn responses_kind(ty: &str) -> Option<(RKind, bool, &'static str)> {
    // (kind, is_delta, full-text field of the .done event)
    Some(match ty {
        "response.output_text.delta" => (RKind::Text, true, "delta"),
        "response.output_text.done" => (RKind::Text, false, "text"),
        "response.refusal.delta" => (RKind::Refusal, true, "delta"),
        "response.refusal.done" => (RKind::Refusal, false, "refusal"),
        "response.function_call_arguments.delta" => (RKind::Args, true, "delta"),
        "response.function_call_arguments.done" => (RKind::Args, false, "arguments"),
        "response.custom_tool_call_input.delta" => (RKind::CustomInput, true, "delta"),
        "response.custom_tool_call_input.done" => (RKind::CustomInput, false, "input"),
        "response.mcp_call_arguments.delta" => (RKind::McpArgs, true, "delta"),
        "response.mcp_call_arguments.done" => (RKind::McpArgs, false, "arguments"),
        _ => return None,
    })
}

impl ResponsesStream {
    fn new(r: Maker) -> Self {
        ResponsesStream {
            r,
            streams: HashMap::new(),
            seq_shift: 0,
            #[cfg(test)]
            value_only: false,
        }
    }

    /// The stream of a delta event (created on first use), with the event kept as the
    /// template of synthetic deltas.
    fn delta_stream(
        &mut self,
        key: (String, u64, RKind),
        ev: &SseEvent,
        data: &str,
    ) -> &mut RStream {
        let r = &self.r;
        let escape = key.2.escape();
        let s = self.streams.entry(key).or_insert_with(|| RStream {
            st: r.stream(escape),
            template: String::new(),
            event: None,
        });
        s.template.clear();
        s.template.push_str(data);
        s.event.clone_from(&ev.event);
        s
    }

    /// The typed path of a delta event (see `delta_view`): no `Value` tree; the event is
    /// forwarded as it is or with its `delta` spliced.
    fn event_view(
        &mut self,
        ev: &SseEvent,
        data: &str,
        d: &delta_view::ResponsesDelta<'_>,
        out: &mut BytesMut,
    ) -> Result<(), TransformError> {
        let Some((kind, true, _)) = responses_kind(&d.ty) else {
            return Err(TransformError::InvalidJson);
        };
        let item = match d.item_id {
            Some(raw) => chat_view::as_str(raw)?
                .map(Cow::into_owned)
                .unwrap_or_default(),
            None => String::new(),
        };
        let s = self.delta_stream((item, d.content_index, kind), ev, data);
        match d.delta {
            Some(raw) => push_raw(&mut s.st, out, ev, data, raw, &["delta"]),
            None => {
                out.extend_from_slice(&ev.raw);
                Ok(())
            }
        }
    }

    /// Emit a synthetic delta event for every held tail matching `which`.
    fn flush(
        &mut self,
        out: &mut BytesMut,
        which: impl Fn(&(String, u64, RKind)) -> bool,
        seq: Option<u64>,
    ) {
        let mut keys: Vec<(String, u64, RKind)> =
            self.streams.keys().filter(|k| which(k)).cloned().collect();
        keys.sort();
        for key in keys {
            let Some(mut s) = self.streams.remove(&key) else {
                continue;
            };
            let held = take_held(&mut s.st);
            if held.is_empty() {
                continue;
            }
            // The template parsed when it was a delta the typed path accepted; a field the
            // `Value` model cannot hold (e.g. a number out of range) gives a minimal event.
            let mut ev = serde_json::from_str::<Value>(&s.template)
                .ok()
                .filter(Value::is_object)
                .unwrap_or_else(|| {
                    json!({"type": key.2.delta_type(), "item_id": key.0, "content_index": key.1})
                });
            if let Value::Object(m) = &mut ev {
                m.insert("delta".into(), Value::String(held));
                // Numbered just before the event that caused the flush, which moves up by one.
                if let Some(n) = seq {
                    m.insert(
                        "sequence_number".into(),
                        json!(n.saturating_add(self.seq_shift)),
                    );
                    self.seq_shift += 1;
                }
            }
            write_event(out, s.event.as_deref(), &ev.to_string());
        }
    }
}

impl Rewriter for ResponsesStream {
    fn idle(&self) -> bool {
        // Renumbering after a synthetic delta needs every event parsed: never idle again.
        self.seq_shift == 0 && self.streams.values().all(|s| s.st.is_idle())
    }

    fn event(&mut self, ev: &SseEvent, out: &mut BytesMut) -> Result<(), TransformError> {
        #[cfg(test)]
        let typed = !self.value_only;
        #[cfg(not(test))]
        let typed = true;
        // After a synthetic delta every numbered event is renumbered: the `Value` path (rare:
        // only a stream whose text ended inside a possible placeholder gets a synthetic delta).
        let typed = typed && self.seq_shift == 0;
        // The event name is only a hint of which events to try the view on.
        if let (true, Some(data)) = (typed, ev.data.as_deref()) {
            if ev.event.as_deref().is_none_or(|e| e.ends_with(".delta")) {
                let is_delta = |t: &str| matches!(responses_kind(t), Some((_, true, _)));
                if let Some(d) = delta_view::responses(data, is_delta) {
                    return self.event_view(ev, data, &d, out);
                }
            }
        }
        let Some(mut v) = parse_data(ev)? else {
            out.extend_from_slice(&ev.raw);
            return Ok(());
        };
        let ty = type_of(&v).to_owned();
        let m = self.r.clone();
        let cx = m.cx();
        let seq = v.get("sequence_number").and_then(Value::as_u64);
        let mut changed = false;
        if let Some((kind, is_delta, field)) = responses_kind(&ty) {
            let item = v
                .get("item_id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let ci = v.get("content_index").and_then(Value::as_u64).unwrap_or(0);
            let key = (item, ci, kind);
            if is_delta {
                let data = ev.data.as_deref().unwrap_or_default();
                let s = self.delta_stream(key, ev, data);
                changed = push_value(&mut s.st, v.get_mut(field));
            } else {
                self.flush(out, |k| *k == key, seq);
                changed = cx.at(&mut v, field, kind.escape());
            }
        } else {
            match ty.as_str() {
                "response.content_part.added" | "response.content_part.done" => {
                    if let Some(p) = v.get_mut("part") {
                        changed = restore_responses_part(p, &cx);
                    }
                }
                "response.output_item.added" | "response.output_item.done" => {
                    if ty.ends_with(".done") {
                        let id = v
                            .get("item")
                            .and_then(|i| i.get("id"))
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned();
                        self.flush(out, |k| k.0 == id, seq);
                    }
                    if let Some(i) = v.get_mut("item") {
                        changed = restore_responses_item(i, &cx);
                    }
                }
                "response.completed" | "response.incomplete" | "response.failed" => {
                    self.flush(out, |_| true, seq);
                    if let Some(r) = v.get_mut("response") {
                        changed = restore_responses_body(r, &cx);
                    }
                }
                _ => {} // created / in_progress snapshots have no output yet; reasoning: never
            }
        }
        if let (Some(n), true) = (seq, self.seq_shift > 0) {
            if let Value::Object(m) = &mut v {
                m.insert(
                    "sequence_number".into(),
                    json!(n.saturating_add(self.seq_shift)),
                );
                changed = true;
            }
        }
        emit(out, ev, &v, changed);
        Ok(())
    }

    fn finish(&mut self, out: &mut BytesMut) -> Result<(), TransformError> {
        self.flush(out, |_| true, None);
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Anthropic messages

struct AnthropicStream {
    r: Maker,
    /// Block index -> restorer (JSON-escaped for `tool_use` blocks).
    streams: HashMap<u64, StreamText>,
    /// Test switch: every event through the `Value` path (the reference for the typed one).
    #[cfg(test)]
    value_only: bool,
}

impl AnthropicStream {
    fn new(r: Maker) -> Self {
        AnthropicStream {
            r,
            streams: HashMap::new(),
            #[cfg(test)]
            value_only: false,
        }
    }

    /// The typed path of a `content_block_delta` (see `delta_view`): no `Value` tree; the
    /// event is forwarded as it is or with its text spliced.
    fn event_view(
        &mut self,
        ev: &SseEvent,
        data: &str,
        d: &delta_view::AnthropicDelta<'_>,
        out: &mut BytesMut,
    ) -> Result<(), TransformError> {
        let (escape, field) = match d.kind {
            delta_view::AnthropicKind::Text => (Escape::None, "text"),
            delta_view::AnthropicKind::InputJson => (Escape::Json, "partial_json"),
            delta_view::AnthropicKind::Untouched => {
                out.extend_from_slice(&ev.raw);
                return Ok(());
            }
        };
        let st = self.stream(d.index, escape);
        match d.text {
            Some(raw) => push_raw(st, out, ev, data, raw, &["delta", field]),
            None => {
                out.extend_from_slice(&ev.raw);
                Ok(())
            }
        }
    }

    fn stream(&mut self, idx: u64, escape: Escape) -> &mut StreamText {
        let r = &self.r;
        self.streams.entry(idx).or_insert_with(|| r.stream(escape))
    }

    fn flush(&mut self, out: &mut BytesMut, only: Option<u64>) {
        let mut keys: Vec<u64> = self
            .streams
            .keys()
            .filter(|k| only.is_none_or(|o| o == **k))
            .copied()
            .collect();
        keys.sort_unstable();
        for idx in keys {
            let Some(mut st) = self.streams.remove(&idx) else {
                continue;
            };
            let held = take_held(&mut st);
            if held.is_empty() {
                continue;
            }
            let delta = match st.escape() {
                Escape::Json => json!({"type": "input_json_delta", "partial_json": held}),
                Escape::None => json!({"type": "text_delta", "text": held}),
            };
            let ev = json!({"type": "content_block_delta", "index": idx, "delta": delta});
            write_event(out, Some("content_block_delta"), &ev.to_string());
        }
    }
}

impl Rewriter for AnthropicStream {
    fn idle(&self) -> bool {
        self.streams.values().all(StreamText::is_idle)
    }

    fn event(&mut self, ev: &SseEvent, out: &mut BytesMut) -> Result<(), TransformError> {
        #[cfg(test)]
        let typed = !self.value_only;
        #[cfg(not(test))]
        let typed = true;
        // The event name is only a hint of which events to try the view on.
        if let (true, Some(data)) = (typed, ev.data.as_deref()) {
            if ev
                .event
                .as_deref()
                .is_none_or(|e| e == "content_block_delta")
            {
                if let Some(d) = delta_view::anthropic(data) {
                    return self.event_view(ev, data, &d, out);
                }
            }
        }
        let Some(mut v) = parse_data(ev)? else {
            out.extend_from_slice(&ev.raw);
            return Ok(());
        };
        let idx = v.get("index").and_then(Value::as_u64).unwrap_or(0);
        let m = self.r.clone();
        let cx = m.cx();
        let mut changed = false;
        match type_of(&v) {
            "message_start" => {
                if let Some(m) = v.get_mut("message") {
                    changed = restore_anthropic_message(m, &cx);
                }
            }
            "content_block_start" => {
                if let Some(b) = v.get_mut("content_block") {
                    match type_of(b) {
                        "text" => {
                            changed = push_value(self.stream(idx, Escape::None), b.get_mut("text"));
                        }
                        "tool_use" => {
                            self.stream(idx, Escape::Json);
                            changed = b.get_mut("input").is_some_and(|i| cx.leaves(i));
                        }
                        _ => {}
                    }
                }
            }
            "content_block_delta" => {
                if let Some(d) = v.get_mut("delta") {
                    match type_of(d) {
                        "text_delta" => {
                            changed = push_value(self.stream(idx, Escape::None), d.get_mut("text"));
                        }
                        "input_json_delta" => {
                            changed = push_value(
                                self.stream(idx, Escape::Json),
                                d.get_mut("partial_json"),
                            );
                        }
                        "citations_delta" => {
                            if let Some(c) = d.get_mut("citation") {
                                changed = cx.text(c, "cited_text");
                            }
                        }
                        _ => {} // thinking_delta, signature_delta: never touched
                    }
                }
            }
            "content_block_stop" => self.flush(out, Some(idx)),
            "message_delta" | "message_stop" => self.flush(out, None),
            _ => {}
        }
        emit(out, ev, &v, changed);
        Ok(())
    }

    fn finish(&mut self, out: &mut BytesMut) -> Result<(), TransformError> {
        self.flush(out, None);
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Gemini

/// Restoration state across Gemini chunks (SSE events or elements of the JSON array).
struct GeminiState {
    r: Maker,
    /// Candidate index -> restorer over its plain text parts.
    streams: HashMap<u64, StreamText>,
}

fn gemini_plain_text(part: &Value) -> bool {
    part.get("text").is_some_and(Value::is_string)
        && part.get("thought").and_then(Value::as_bool) != Some(true)
        && part.get("thoughtSignature").is_none()
}

impl GeminiState {
    fn new(r: Maker) -> Self {
        GeminiState {
            r,
            streams: HashMap::new(),
        }
    }

    /// Restore one `GenerateContentResponse` chunk in place.
    fn process(&mut self, v: &mut Value, cx: &Cx<'_>) -> bool {
        let mut ch = false;
        for (pos, cand) in arr_mut(v, "candidates").enumerate() {
            let idx = cand
                .get("index")
                .and_then(Value::as_u64)
                .unwrap_or(pos as u64);
            let r = &self.r;
            let st = self
                .streams
                .entry(idx)
                .or_insert_with(|| r.stream(Escape::None));
            let finished = cand.get("finishReason").is_some_and(|f| !f.is_null());
            let mut last_text: Option<usize> = None;
            if let Some(Value::Array(parts)) =
                cand.get_mut("content").and_then(|c| c.get_mut("parts"))
            {
                let mut i = 0;
                while i < parts.len() {
                    let Some(part) = parts.get_mut(i) else { break };
                    if gemini_plain_text(part) {
                        ch |= push_value(st, part.get_mut("text"));
                        last_text = Some(i);
                    } else {
                        // A boundary (function call, thought, media): flush before it.
                        let untouchable = part.get("thoughtSignature").is_some()
                            || part.get("thought").and_then(Value::as_bool) == Some(true);
                        if !untouchable {
                            if let Some(args) =
                                part.get_mut("functionCall").and_then(|f| f.get_mut("args"))
                            {
                                ch |= cx.leaves(args);
                            }
                        }
                        let held = take_held(st);
                        if !held.is_empty() {
                            ch = true;
                            match last_text.and_then(|j| parts.get_mut(j)) {
                                Some(p) => append_at(p, "text", &held),
                                None => {
                                    parts.insert(i, json!({"text": held}));
                                    i += 1;
                                }
                            }
                        }
                    }
                    i += 1;
                }
            }
            if finished {
                let held = take_held(st);
                if !held.is_empty() {
                    ch = true;
                    gemini_append(cand, last_text, held);
                }
            }
        }
        ch
    }

    /// Move every held tail into `v` (the last chunk).
    fn flush_into(&mut self, v: &mut Value) -> bool {
        let mut idxs: Vec<u64> = self.streams.keys().copied().collect();
        idxs.sort_unstable();
        let mut ch = false;
        for idx in idxs {
            let Some(mut st) = self.streams.remove(&idx) else {
                continue;
            };
            let held = take_held(&mut st);
            if held.is_empty() {
                continue;
            }
            ch = true;
            let cands = child(v, "candidates");
            if !cands.is_array() {
                *cands = Value::Array(Vec::new());
            }
            if let Value::Array(list) = cands {
                let pos = list
                    .iter()
                    .position(|c| c.get("index").and_then(Value::as_u64) == Some(idx));
                match pos.and_then(|p| list.get_mut(p)) {
                    Some(c) => gemini_append(c, None, held),
                    None => list.push(json!({
                        "index": idx,
                        "content": {"role": "model", "parts": [{"text": held}]}
                    })),
                }
            }
        }
        ch
    }
}

/// Append `held` to the candidate's text part `last_text`, or as a new last part.
fn gemini_append(cand: &mut Value, last_text: Option<usize>, held: String) {
    let parts = child(child(cand, "content"), "parts");
    if !parts.is_array() {
        *parts = Value::Array(Vec::new());
    }
    if let Value::Array(list) = parts {
        match last_text.and_then(|j| list.get_mut(j)) {
            Some(p) => append_at(p, "text", &held),
            None => list.push(json!({"text": held})),
        }
    }
}

struct GeminiStream {
    st: GeminiState,
}

impl Rewriter for GeminiStream {
    fn idle(&self) -> bool {
        self.st.streams.values().all(StreamText::is_idle)
    }

    fn event(&mut self, ev: &SseEvent, out: &mut BytesMut) -> Result<(), TransformError> {
        let Some(mut v) = parse_data(ev)? else {
            out.extend_from_slice(&ev.raw);
            return Ok(());
        };
        let m = self.st.r.clone();
        let cx = m.cx();
        let changed = self.st.process(&mut v, &cx);
        emit(out, ev, &v, changed);
        Ok(())
    }

    fn finish(&mut self, out: &mut BytesMut) -> Result<(), TransformError> {
        let mut v = json!({"candidates": []});
        if self.st.flush_into(&mut v) {
            write_event(out, None, &v.to_string());
        }
        Ok(())
    }
}

mod chat_view;
mod delta_view;

#[cfg(test)]
mod tests;
