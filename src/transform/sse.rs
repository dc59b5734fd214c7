//! Server-sent events: an incremental, bounded parser and the writer.
//!
//! Owns: [`SseParser`] (bytes in any split; `\n`, `\r\n` and `\r` line endings; comments;
//! multi-line `data:`; `event:`, `id:`, `retry:`) and the writer functions.
//! Never: JSON-parses anything, buffers more than one event (`max_event` bytes, then an error:
//! fail closed), or logs event contents.
//! Called by: `transform::stream` (the SSE response filters).
//!
//! Every parsed [`SseEvent`] keeps its exact `raw` bytes (including the terminating blank line),
//! so a filter can forward events it does not change byte-identically. Blank lines that end
//! no event and comment-only blocks are events too (no fields), forwarded raw.
//!
//! A `\r` at the very end of the input is held until the next byte shows whether it is a
//! `\r\n` pair (or until [`SseParser::finish`]); with `\r`-only line endings this delays the
//! dispatch of an event until the next byte arrives.

use bytes::BytesMut;

use super::TransformError;

/// Default cap on one event's size (8 MiB: a Responses `response.completed` event repeats the
/// whole output, so it must hold the longest answer a model can give).
pub const DEFAULT_MAX_EVENT: usize = 8 << 20;

/// One event (or a comment-only / blank block) as parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseEvent {
    /// Exact bytes of the block, including the blank line that ended it (absent only for a
    /// final block the upstream did not terminate).
    pub raw: Vec<u8>,
    pub event: Option<String>,
    /// `data:` lines joined with `\n`; `None` when there was no `data:` line.
    pub data: Option<String>,
    pub id: Option<String>,
    pub retry: Option<String>,
    /// Comment lines, without the leading `:`.
    pub comments: Vec<String>,
}

impl SseEvent {
    /// Whether the block carries no field (blank line or comments only).
    pub fn is_fieldless(&self) -> bool {
        self.event.is_none() && self.data.is_none() && self.id.is_none() && self.retry.is_none()
    }
}

/// Incremental SSE parser.
#[derive(Debug)]
pub struct SseParser {
    buf: Vec<u8>,
    /// Start of the current (undispatched) event within `buf`: dispatched events are cut off
    /// the front once per [`SseParser::push`], not one at a time.
    ev_start: usize,
    /// Start of the current (unterminated) line within `buf`.
    line_start: usize,
    cur: SseEvent,
    max_event: usize,
}

impl Default for SseParser {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_EVENT)
    }
}

impl SseParser {
    pub fn new(max_event: usize) -> Self {
        SseParser {
            buf: Vec::new(),
            ev_start: 0,
            line_start: 0,
            cur: SseEvent::default(),
            max_event,
        }
    }

    /// Feed bytes; completed events are appended to `out`.
    pub fn push(&mut self, input: &[u8], out: &mut Vec<SseEvent>) -> Result<(), TransformError> {
        self.buf.extend_from_slice(input);
        self.scan(out, false)?;
        self.compact();
        if self.buf.len() > self.max_event {
            return Err(TransformError::MalformedStream(
                "event exceeds the size cap",
            ));
        }
        Ok(())
    }

    /// The body ended: dispatch a final unterminated event, if any.
    pub fn finish(&mut self, out: &mut Vec<SseEvent>) -> Result<(), TransformError> {
        self.scan(out, true)?;
        self.compact();
        if self.line_start < self.buf.len() {
            // A last line without a line ending.
            let line = self.buf.get(self.line_start..).unwrap_or_default();
            field(&mut self.cur, line)?;
            self.line_start = self.buf.len();
        }
        if !self.buf.is_empty() {
            let mut ev = std::mem::take(&mut self.cur);
            ev.raw = std::mem::take(&mut self.buf);
            self.line_start = 0;
            out.push(ev);
        }
        Ok(())
    }

    fn scan(&mut self, out: &mut Vec<SseEvent>, eof: bool) -> Result<(), TransformError> {
        loop {
            let rest = self.buf.get(self.line_start..).unwrap_or_default();
            let Some(rel) = memchr::memchr2(b'\n', b'\r', rest) else {
                return Ok(());
            };
            let end = self.line_start + rel;
            let next = match self.buf.get(end) {
                Some(b'\r') => match self.buf.get(end + 1) {
                    Some(b'\n') => end + 2,
                    Some(_) => end + 1,
                    None if eof => end + 1,
                    None => return Ok(()),
                },
                _ => end + 1,
            };
            if end == self.line_start {
                // Blank line: dispatch.
                let mut ev = std::mem::take(&mut self.cur);
                ev.raw = self
                    .buf
                    .get(self.ev_start..next)
                    .unwrap_or_default()
                    .to_vec();
                self.ev_start = next;
                self.line_start = next;
                out.push(ev);
            } else {
                let line = self.buf.get(self.line_start..end).unwrap_or_default();
                field(&mut self.cur, line)?;
                self.line_start = next;
            }
        }
    }

    /// Drops the dispatched events' bytes from the front of `buf`.
    fn compact(&mut self) {
        if self.ev_start > 0 {
            self.buf.drain(..self.ev_start);
            self.line_start -= self.ev_start;
            self.ev_start = 0;
        }
    }
}

/// Applies one non-blank line to the event being built.
fn field(cur: &mut SseEvent, line: &[u8]) -> Result<(), TransformError> {
    let line = std::str::from_utf8(line)
        .map_err(|_| TransformError::MalformedStream("event is not valid UTF-8"))?;
    if let Some(comment) = line.strip_prefix(':') {
        cur.comments.push(comment.to_owned());
        return Ok(());
    }
    let (name, value) = match line.split_once(':') {
        Some((n, v)) => (n, v.strip_prefix(' ').unwrap_or(v)),
        None => (line, ""),
    };
    match name {
        "data" => match &mut cur.data {
            Some(d) => {
                d.push('\n');
                d.push_str(value);
            }
            None => cur.data = Some(value.to_owned()),
        },
        "event" => cur.event = Some(value.to_owned()),
        "id" => cur.id = Some(value.to_owned()),
        "retry" => cur.retry = Some(value.to_owned()),
        _ => {} // unknown fields are ignored (and kept in `raw`)
    }
    Ok(())
}

/// Write an event with `event:` (if any), `data: ` lines (one space) and a blank line.
pub fn write_event(out: &mut BytesMut, event: Option<&str>, data: &str) {
    if let Some(e) = event {
        out.extend_from_slice(b"event: ");
        out.extend_from_slice(e.as_bytes());
        out.extend_from_slice(b"\n");
    }
    for line in data.split('\n') {
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\n");
    }
    out.extend_from_slice(b"\n");
}

/// Re-write a parsed event with new `data`, keeping its comments, `event`, `id` and `retry`.
pub fn rewrite_event(out: &mut BytesMut, ev: &SseEvent, data: &str) {
    for c in &ev.comments {
        out.extend_from_slice(b":");
        out.extend_from_slice(c.as_bytes());
        out.extend_from_slice(b"\n");
    }
    if let Some(id) = &ev.id {
        out.extend_from_slice(b"id: ");
        out.extend_from_slice(id.as_bytes());
        out.extend_from_slice(b"\n");
    }
    if let Some(r) = &ev.retry {
        out.extend_from_slice(b"retry: ");
        out.extend_from_slice(r.as_bytes());
        out.extend_from_slice(b"\n");
    }
    write_event(out, ev.event.as_deref(), data);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_split(input: &[u8], splits: &[usize]) -> Vec<SseEvent> {
        let mut p = SseParser::default();
        let mut out = Vec::new();
        let mut last = 0;
        for &s in splits {
            p.push(&input[last..s], &mut out).unwrap();
            last = s;
        }
        p.push(&input[last..], &mut out).unwrap();
        p.finish(&mut out).unwrap();
        out
    }

    #[test]
    fn fields_comments_and_line_endings() {
        for nl in ["\n", "\r\n", "\r"] {
            let text = format!(
                ": keep-alive{nl}{nl}event: message_start{nl}id: 7{nl}retry: 100{nl}data: {{\"a\":1}}{nl}data:second{nl}{nl}data: x{nl}{nl}"
            );
            let bytes = text.as_bytes();
            for split in 0..=bytes.len() {
                let evs = parse_split(bytes, &[split]);
                assert_eq!(evs.len(), 3, "nl {nl:?} split {split}");
                assert_eq!(evs[0].comments, vec![" keep-alive".to_string()]);
                assert!(evs[0].is_fieldless());
                assert_eq!(evs[1].event.as_deref(), Some("message_start"));
                assert_eq!(evs[1].id.as_deref(), Some("7"));
                assert_eq!(evs[1].retry.as_deref(), Some("100"));
                assert_eq!(evs[1].data.as_deref(), Some("{\"a\":1}\nsecond"));
                assert_eq!(evs[2].data.as_deref(), Some("x"));
                let raw: Vec<u8> = evs.iter().flat_map(|e| e.raw.clone()).collect();
                assert_eq!(raw, bytes, "raw bytes are kept exactly");
            }
        }
    }

    #[test]
    fn crlf_split_between_cr_and_lf_is_one_line_ending() {
        let bytes = b"data: a\r\n\r\ndata: b\r\n\r\n";
        for split in 0..=bytes.len() {
            let evs = parse_split(bytes, &[split]);
            assert_eq!(evs.len(), 2, "split {split}");
            assert_eq!(evs[0].raw, b"data: a\r\n\r\n");
        }
    }

    #[test]
    fn unterminated_last_event_is_dispatched_at_finish() {
        let evs = parse_split(b"data: a\n\ndata: tail", &[]);
        assert_eq!(evs.len(), 2);
        assert_eq!(evs[1].data.as_deref(), Some("tail"));
        assert_eq!(evs[1].raw, b"data: tail");
    }

    #[test]
    fn oversized_event_fails_closed() {
        let mut p = SseParser::new(16);
        let mut out = Vec::new();
        assert!(p.push(b"data: 0123456789", &mut out).is_ok());
        assert!(p.push(b"abcdef", &mut out).is_err());
        // Many small complete events are fine.
        let mut p = SseParser::new(16);
        for _ in 0..100 {
            p.push(b"data: x\n\n", &mut out).unwrap();
        }
        assert_eq!(out.len(), 100);
    }

    #[test]
    fn invalid_utf8_fails_closed() {
        let mut p = SseParser::default();
        let mut out = Vec::new();
        assert!(p.push(b"data: \xff\n\n", &mut out).is_err());
    }

    #[test]
    fn writer_round_trip() {
        let mut out = BytesMut::new();
        let ev = SseEvent {
            event: Some("e".into()),
            id: Some("1".into()),
            comments: vec![" c".into()],
            ..Default::default()
        };
        rewrite_event(&mut out, &ev, "l1\nl2");
        assert_eq!(&out[..], b": c\nid: 1\nevent: e\ndata: l1\ndata: l2\n\n");
        let evs = parse_split(&out, &[]);
        assert_eq!(evs[0].data.as_deref(), Some("l1\nl2"));
        assert_eq!(evs[0].event.as_deref(), Some("e"));
    }
}
