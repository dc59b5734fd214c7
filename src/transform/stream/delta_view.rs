//! Borrowed, typed views of the text-delta events of the Anthropic and OpenAI Responses
//! streams: the events that make up almost all of a stream, read without a `serde_json::Value`
//! tree.
//!
//! Owns: [`anthropic`] (a `content_block_delta` carrying `text_delta` / `input_json_delta`)
//! and [`responses`] (a `response.*.delta` event). Never: changes anything or decides what to
//! rewrite (that is `AnthropicStream` / `ResponsesStream`). Called by: those rewriters for
//! every event that may be one of these.
//!
//! Equivalence with the `Value` walks: a view is only returned for the event kinds it
//! describes, with the same defaults (`index` / `content_index`: an unsigned integer, else 0;
//! `item_id`: a string, else empty; a text field counts only when it is a JSON string). Any
//! other event, a field of an unexpected type, duplicate keys or a `\ud...` escape gives `None`
//! and the caller takes the `Value` walk, which handles it as before.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::chat_view::{as_u64, has_surrogate_escape};

#[derive(Deserialize)]
struct Event<'a> {
    #[serde(default, borrow, rename = "type")]
    ty: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    index: Option<&'a RawValue>,
    #[serde(default, borrow)]
    delta: Option<&'a RawValue>,
    #[serde(default, borrow)]
    item_id: Option<&'a RawValue>,
    #[serde(default, borrow)]
    content_index: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct AnthropicDeltaBody<'a> {
    #[serde(default, borrow, rename = "type")]
    ty: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    text: Option<&'a RawValue>,
    #[serde(default, borrow)]
    partial_json: Option<&'a RawValue>,
}

/// Which Anthropic delta a view holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AnthropicKind {
    /// `text_delta`: plain text.
    Text,
    /// `input_json_delta`: a fragment of a tool call's JSON input.
    InputJson,
    /// `thinking_delta` / `signature_delta`: never touched (forwarded as they are).
    Untouched,
}

/// An Anthropic `content_block_delta`.
pub(super) struct AnthropicDelta<'a> {
    pub index: u64,
    pub kind: AnthropicKind,
    /// The text field (`text` / `partial_json`) when it is present.
    pub text: Option<&'a RawValue>,
}

/// The view of an Anthropic event's data, when it is a `content_block_delta` of a kind the
/// view describes.
pub(super) fn anthropic(data: &str) -> Option<AnthropicDelta<'_>> {
    if has_surrogate_escape(data) {
        return None;
    }
    let ev: Event<'_> = serde_json::from_str(data).ok()?;
    if ev.ty.as_deref() != Some("content_block_delta") {
        return None;
    }
    let body: AnthropicDeltaBody<'_> = serde_json::from_str(ev.delta?.get()).ok()?;
    let (kind, text) = match body.ty.as_deref()? {
        "text_delta" => (AnthropicKind::Text, body.text),
        "input_json_delta" => (AnthropicKind::InputJson, body.partial_json),
        "thinking_delta" | "signature_delta" => (AnthropicKind::Untouched, None),
        _ => return None,
    };
    Some(AnthropicDelta {
        index: ev.index.and_then(as_u64).unwrap_or(0),
        kind,
        text,
    })
}

/// A Responses `response.*.delta` event.
pub(super) struct ResponsesDelta<'a> {
    /// The event's `type`.
    pub ty: Cow<'a, str>,
    /// `item_id` when it is a string (raw JSON, escapes included).
    pub item_id: Option<&'a RawValue>,
    pub content_index: u64,
    /// The `delta` field when it is present.
    pub delta: Option<&'a RawValue>,
}

/// The view of a Responses event's data, when its `type` passes `is_delta`.
pub(super) fn responses(data: &str, is_delta: impl Fn(&str) -> bool) -> Option<ResponsesDelta<'_>> {
    if has_surrogate_escape(data) {
        return None;
    }
    let ev: Event<'_> = serde_json::from_str(data).ok()?;
    let ty = ev.ty?;
    if !is_delta(&ty) {
        return None;
    }
    Some(ResponsesDelta {
        ty,
        item_id: ev.item_id,
        content_index: ev.content_index.and_then(as_u64).unwrap_or(0),
        delta: ev.delta,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anthropic_deltas_only() {
        let d = anthropic(
            r#"{"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"hi"}}"#,
        )
        .unwrap();
        assert_eq!((d.index, d.kind), (2, AnthropicKind::Text));
        assert_eq!(d.text.map(RawValue::get), Some(r#""hi""#));
        let d = anthropic(
            r#"{"type":"content_block_delta","index":1.0,"delta":{"type":"input_json_delta","partial_json":"{\"a"}}"#,
        )
        .unwrap();
        assert_eq!((d.index, d.kind), (0, AnthropicKind::InputJson));
        for other in [
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"citations_delta"}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":"x"}"#,
            r#"{"type":"content_block_delta","index":0,"index":1,"delta":{"type":"text_delta"}}"#,
            r#"{"type":"content_block_delta","delta":{"type":"text_delta","text":"\ud800"}}"#,
            r#"{"type":7}"#,
        ] {
            assert!(anthropic(other).is_none(), "{other}");
        }
    }

    #[test]
    fn responses_deltas_only() {
        let is_delta = |t: &str| t.ends_with(".delta");
        let d = responses(
            r#"{"type":"response.output_text.delta","item_id":"m\u0031","content_index":3,"delta":"x","sequence_number":4}"#,
            is_delta,
        )
        .unwrap();
        assert_eq!(d.ty, "response.output_text.delta");
        assert_eq!(d.item_id.map(RawValue::get), Some(r#""m\u0031""#));
        assert_eq!(
            (d.content_index, d.delta.map(RawValue::get)),
            (3, Some(r#""x""#))
        );
        assert!(responses(
            r#"{"type":"response.output_text.done","text":"x"}"#,
            is_delta
        )
        .is_none());
        assert!(responses(r#"{"delta":"x"}"#, is_delta).is_none());
    }
}
