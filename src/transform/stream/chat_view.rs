//! A borrowed, typed view of one OpenAI chat-completions chunk: only the fields the chat
//! stream rewriter reads, every other value skipped without building a `serde_json::Value`.
//!
//! Owns: [`parse`] (data -> [`Chunk`], or `None` when the view cannot stand in for the `Value`
//! walk) and the [`Loc`] of each generated-text field. Never: changes anything, or decides
//! what to rewrite (that is `ChatStream`). Called by: `ChatStream::event` for every chunk.
//!
//! Equivalence with the `Value` walk (`ChatStream::process_choice`): a text field is pushed
//! only when it is a JSON string; `index` counts only when it is an unsigned integer;
//! `finish_reason` counts when present and not `null`. Any shape the view does not describe
//! (duplicate keys, a non-object choice / delta / tool call, a non-array `choices`) makes
//! [`parse`] answer `None` and the caller takes the `Value` path, which handles it as before.
//! A `\ud...` escape (UTF-16 surrogate) anywhere also takes the `Value` path, so lone surrogates
//! fail exactly as before. Cost model: one pass of serde_json's parser over the data, no
//! allocation unless a text field has escapes; numbers in skipped fields are checked for syntax,
//! not for range (the `Value` path would reject e.g. `1e400` in a field nobody reads).

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::ChatField;
use crate::transform::TransformError;

/// One chunk. Template fields keep their raw JSON (`null` included).
#[derive(Deserialize)]
pub(super) struct Chunk<'a> {
    #[serde(default, borrow, deserialize_with = "present")]
    id: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    object: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    created: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    model: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    system_fingerprint: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub choices: Option<Vec<Choice<'a>>>,
}

impl<'a> Chunk<'a> {
    /// The template fields in the order of `TEMPLATE_KEYS`.
    pub fn template(&self) -> [Option<&'a RawValue>; 5] {
        [
            self.id,
            self.object,
            self.created,
            self.model,
            self.system_fingerprint,
        ]
    }
}

#[derive(Deserialize)]
pub(super) struct Choice<'a> {
    #[serde(default, borrow)]
    pub index: Option<&'a RawValue>,
    #[serde(default, borrow)]
    text: Option<&'a RawValue>,
    #[serde(default, borrow)]
    delta: Option<Delta<'a>>,
    /// `None` also for `null`.
    #[serde(default, borrow)]
    pub finish_reason: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(default, borrow)]
    content: Option<&'a RawValue>,
    #[serde(default, borrow)]
    refusal: Option<&'a RawValue>,
    #[serde(default, borrow)]
    reasoning_content: Option<&'a RawValue>,
    #[serde(default, borrow)]
    reasoning: Option<&'a RawValue>,
    #[serde(default, borrow)]
    audio: Option<Audio<'a>>,
    #[serde(default, borrow)]
    tool_calls: Option<Vec<ToolCall<'a>>>,
}

#[derive(Deserialize)]
struct Audio<'a> {
    #[serde(default, borrow)]
    transcript: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct ToolCall<'a> {
    #[serde(default, borrow)]
    index: Option<&'a RawValue>,
    #[serde(default, borrow)]
    function: Option<Function<'a>>,
}

#[derive(Deserialize)]
struct Function<'a> {
    #[serde(default, borrow)]
    arguments: Option<&'a RawValue>,
}

/// A present field as `Some`, `null` included (plain `Option` would map `null` to `None`).
fn present<'de, D>(d: D) -> Result<Option<&'de RawValue>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    <&RawValue>::deserialize(d).map(Some)
}

/// Where a generated-text field sits inside its choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Loc {
    Text,
    Content,
    Refusal,
    Reasoning,
    ReasoningAlt,
    Transcript,
    /// Position in `delta.tool_calls`, and its `index` field when that is an unsigned integer.
    Tool(usize, Option<u64>),
}

impl Loc {
    /// The stream field (tool calls are resolved by the caller: they need the position).
    pub fn field(self) -> ChatField {
        match self {
            Loc::Text => ChatField::Text,
            Loc::Content => ChatField::Content,
            Loc::Refusal => ChatField::Refusal,
            Loc::Reasoning => ChatField::Reasoning,
            Loc::ReasoningAlt => ChatField::ReasoningAlt,
            Loc::Transcript => ChatField::Transcript,
            Loc::Tool(pos, ti) => ChatField::Tool(ti.unwrap_or(pos as u64)),
        }
    }

    /// The same field in the parsed choice.
    pub fn get_mut(self, choice: &mut Value) -> Option<&mut Value> {
        match self {
            Loc::Text => choice.get_mut("text"),
            Loc::Content => choice.get_mut("delta")?.get_mut("content"),
            Loc::Refusal => choice.get_mut("delta")?.get_mut("refusal"),
            Loc::Reasoning => choice.get_mut("delta")?.get_mut("reasoning_content"),
            Loc::ReasoningAlt => choice.get_mut("delta")?.get_mut("reasoning"),
            Loc::Transcript => choice
                .get_mut("delta")?
                .get_mut("audio")?
                .get_mut("transcript"),
            Loc::Tool(pos, _) => choice
                .get_mut("delta")?
                .get_mut("tool_calls")?
                .get_mut(pos)?
                .get_mut("function")?
                .get_mut("arguments"),
        }
    }
}

impl<'a> Choice<'a> {
    /// The text fields present, in the order the `Value` walk pushes them.
    pub fn texts(&self) -> Vec<(Loc, &'a RawValue)> {
        let mut v = Vec::new();
        if let Some(t) = self.text {
            v.push((Loc::Text, t));
        }
        if let Some(d) = &self.delta {
            for (loc, raw) in [
                (Loc::Content, d.content),
                (Loc::Refusal, d.refusal),
                (Loc::Reasoning, d.reasoning_content),
                (Loc::ReasoningAlt, d.reasoning),
                (Loc::Transcript, d.audio.as_ref().and_then(|a| a.transcript)),
            ] {
                if let Some(r) = raw {
                    v.push((loc, r));
                }
            }
            for (tpos, tc) in d.tool_calls.iter().flatten().enumerate() {
                if let Some(r) = tc.function.as_ref().and_then(|f| f.arguments) {
                    v.push((Loc::Tool(tpos, tc.index.and_then(as_u64)), r));
                }
            }
        }
        v
    }
}

/// The view of `data`, or `None` when the `Value` walk must handle it (see the module doc).
pub(super) fn parse(data: &str) -> Option<Chunk<'_>> {
    if has_surrogate_escape(data) {
        return None;
    }
    serde_json::from_str(data).ok()
}

/// Whether `data` holds a `\uD...` escape: a `\u` whose backslash is not itself escaped
/// (an even run of backslashes before it), followed by `d`/`D`. An escaped backslash followed
/// by the letters `uD` (JSON `"\\uD"`) is text, not a surrogate.
pub(super) fn has_surrogate_escape(data: &str) -> bool {
    let b = data.as_bytes();
    memchr::memmem::find_iter(b, b"\\u").any(|i| {
        let before = b
            .get(..i)
            .unwrap_or_default()
            .iter()
            .rev()
            .take_while(|&&c| c == b'\\')
            .count();
        before % 2 == 0 && matches!(b.get(i + 2), Some(b'd' | b'D'))
    })
}

/// Byte offset of `raw` inside `data` when `raw` was parsed out of `data` (it borrows from it),
/// else `None`.
pub(super) fn offset_in(data: &str, raw: &RawValue) -> Option<usize> {
    let r = raw.get();
    let off = r.as_ptr().addr().checked_sub(data.as_ptr().addr())?;
    (data.get(off..off.checked_add(r.len())?) == Some(r)).then_some(off)
}

/// `data` with each edit `(offset, len, text)` (a raw JSON string of `data` located with
/// [`offset_in`]) replaced by `text` encoded as a JSON string; every other byte is kept as it
/// was. `None` when two edits overlap or an edit is out of range (the caller takes the
/// `Value` path). The result parses to the same `Value` the `Value` path would write.
pub(super) fn splice(data: &str, mut edits: Vec<(usize, usize, &str)>) -> Option<String> {
    edits.sort_unstable_by_key(|e| e.0);
    let extra: usize = edits.iter().map(|e| e.2.len() + 2).sum();
    let mut out = Vec::with_capacity(data.len() + extra + extra / 8);
    let mut at = 0;
    for (off, len, text) in &edits {
        out.extend_from_slice(data.as_bytes().get(at..*off)?);
        serde_json::to_writer(&mut out, text).ok()?;
        at = off.checked_add(*len)?;
    }
    out.extend_from_slice(data.as_bytes().get(at..)?);
    String::from_utf8(out).ok()
}

/// `Value::as_u64` on a raw value: an integer token that fits.
pub(super) fn as_u64(raw: &RawValue) -> Option<u64> {
    raw.get().parse().ok()
}

/// The string a raw value holds (`None` when it is not a string), borrowed unless escaped.
pub(super) fn as_str(raw: &RawValue) -> Result<Option<Cow<'_, str>>, TransformError> {
    let s = raw.get();
    let Some(inner) = s.strip_prefix('"').and_then(|x| x.strip_suffix('"')) else {
        return Ok(None);
    };
    if !inner.contains('\\') {
        return Ok(Some(Cow::Borrowed(inner)));
    }
    serde_json::from_str::<String>(s)
        .map(|x| Some(Cow::Owned(x)))
        .map_err(|_| TransformError::InvalidJson)
}

/// A whole (non-streaming) chat-completions or completions body: only the generated-text
/// fields `restore_chat_body` reads. Same equivalence rules as [`Chunk`].
#[derive(Deserialize)]
pub(super) struct Body<'a> {
    #[serde(default, borrow)]
    choices: Option<Vec<BodyChoice<'a>>>,
}

#[derive(Deserialize)]
struct BodyChoice<'a> {
    #[serde(default, borrow)]
    text: Option<&'a RawValue>,
    #[serde(default, borrow)]
    message: Option<Message<'a>>,
}

#[derive(Deserialize)]
struct Message<'a> {
    /// A string, or an array of parts with `text` (anything else: ignored).
    #[serde(default, borrow)]
    content: Option<&'a RawValue>,
    #[serde(default, borrow)]
    refusal: Option<&'a RawValue>,
    #[serde(default, borrow)]
    reasoning_content: Option<&'a RawValue>,
    #[serde(default, borrow)]
    reasoning: Option<&'a RawValue>,
    #[serde(default, borrow)]
    audio: Option<Audio<'a>>,
    #[serde(default, borrow)]
    tool_calls: Option<Vec<ToolCall<'a>>>,
    #[serde(default, borrow)]
    function_call: Option<Function<'a>>,
}

#[derive(Deserialize)]
struct Part<'a> {
    #[serde(default, borrow)]
    text: Option<&'a RawValue>,
}

/// Whether a text leaf of a chat body is plain text or JSON text (tool arguments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LeafKind {
    Text,
    Json,
}

impl<'a> Body<'a> {
    /// Every generated-text leaf (raw JSON), or `None` when a `content` array has a shape the
    /// view does not describe (the caller takes the `Value` path).
    pub fn leaves(&self) -> Option<Vec<(LeafKind, &'a RawValue)>> {
        let mut v = Vec::new();
        for c in self.choices.iter().flatten() {
            if let Some(t) = c.text {
                v.push((LeafKind::Text, t));
            }
            let Some(m) = &c.message else { continue };
            if let Some(content) = m.content {
                if content.get().starts_with('[') {
                    let parts: Vec<Part<'a>> = serde_json::from_str(content.get()).ok()?;
                    v.extend(
                        parts
                            .iter()
                            .filter_map(|p| p.text)
                            .map(|t| (LeafKind::Text, t)),
                    );
                } else {
                    v.push((LeafKind::Text, content));
                }
            }
            for r in [m.refusal, m.reasoning_content, m.reasoning]
                .into_iter()
                .chain([m.audio.as_ref().and_then(|a| a.transcript)])
                .flatten()
            {
                v.push((LeafKind::Text, r));
            }
            for tc in m.tool_calls.iter().flatten() {
                if let Some(a) = tc.function.as_ref().and_then(|f| f.arguments) {
                    v.push((LeafKind::Json, a));
                }
            }
            if let Some(a) = m.function_call.as_ref().and_then(|f| f.arguments) {
                v.push((LeafKind::Json, a));
            }
        }
        Some(v)
    }
}

/// The body view of `data`, or `None` when the `Value` walk must handle it.
pub(super) fn parse_body(data: &str) -> Option<Body<'_>> {
    if has_surrogate_escape(data) {
        return None;
    }
    serde_json::from_str(data).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surrogate_escapes_are_told_from_escaped_backslashes() {
        assert!(has_surrogate_escape(r#"{"a":"\ud83d\ude00"}"#));
        assert!(has_surrogate_escape(r#"{"a":"x\\\uDC00"}"#));
        assert!(!has_surrogate_escape(r#"{"a":"\\uD"}"#));
        assert!(!has_surrogate_escape(r#"{"a":"\\\\ud83d"}"#));
        assert!(!has_surrogate_escape(r#"{"a":"\u00e9"}"#));
    }

    #[test]
    fn splice_replaces_located_strings_and_keeps_every_other_byte() {
        let data = r#"{ "a" : "x\u00e9", "choices":[{"delta":{"content":"one"}},{"text":"two"}]}"#;
        let chunk = parse(data).unwrap();
        let choices = chunk.choices.as_ref().unwrap();
        let (_, one) = choices[0].texts()[0];
        let (_, two) = choices[1].texts()[0];
        let at_one = offset_in(data, one).unwrap();
        let at_two = offset_in(data, two).unwrap();
        assert_eq!(&data[at_one..at_one + 5], r#""one""#);
        // Out of order on purpose; the new texts need escaping.
        let out = splice(
            data,
            vec![(at_two, 5, "2 \"quoted\""), (at_one, 5, "line\nnext")],
        )
        .unwrap();
        assert_eq!(
            out,
            r#"{ "a" : "x\u00e9", "choices":[{"delta":{"content":"line\nnext"}},{"text":"2 \"quoted\""}]}"#
        );
        // Overlapping or out-of-range edits are refused.
        assert!(splice(data, vec![(at_one, 5, "a"), (at_one + 2, 5, "b")]).is_none());
        assert!(splice(data, vec![(data.len(), 5, "a")]).is_none());
        // A raw value parsed from another buffer is not located in this one.
        let other = data.to_owned();
        assert!(offset_in(&other, one).is_none());
    }
}
