//! `scan`: JSON Lines in, the same records plus `"findings"` out, one line per input line.
//!
//! Input: one JSON object per line with a string field `"text"`. Every other field is passed
//! through unchanged, in its original order and with its original encoding (fields are kept as
//! raw JSON, never re-serialized). Output: the same object plus
//! `"findings": [{"entity","start","end","score"}]` with UTF-8 byte offsets into the decoded
//! `text` (an input `"findings"` field is replaced). Blank lines are skipped (they still count
//! for line numbers). A malformed line yields `{"line": N, "error": "<category>"}` and the scan
//! goes on; error categories never quote the input.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, BufRead, Write};

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::detect::{Engine, Finding};

/// Longest accepted input line (bytes, newline excluded); longer lines become error records.
pub const MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

/// Counts of one `scan` run (content-free).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanSummary {
    /// Input lines read, blank ones included.
    pub lines: u64,
    /// Records scanned successfully.
    pub documents: u64,
    /// Lines answered with an error record.
    pub errors: u64,
    /// Blank lines skipped.
    pub blank: u64,
    /// Findings over all records.
    pub findings: u64,
    /// Findings per entity name.
    pub by_entity: BTreeMap<String, u64>,
}

/// Scan JSON Lines from `input`, writing one output line per non-blank input line and flushing
/// after each. Only I/O errors abort; malformed records become error lines.
pub fn scan(
    engine: &Engine,
    mut input: impl BufRead,
    mut output: impl Write,
) -> io::Result<ScanSummary> {
    let mut summary = ScanSummary::default();
    let mut line = Vec::new();
    let mut out = Vec::new();
    let mut findings = Vec::new();
    while let Some(overflow) = read_line_bounded(&mut input, &mut line, MAX_LINE_BYTES)? {
        summary.lines += 1;
        out.clear();
        let result = if overflow {
            Err(RecordError::TooLong)
        } else {
            let body = trim_line_end(&line);
            if body.iter().all(|b| b.is_ascii_whitespace()) {
                summary.blank += 1;
                continue;
            }
            scan_record(engine, body, &mut out, &mut findings)
        };
        match result {
            Ok(()) => {
                summary.documents += 1;
                summary.findings += findings.len() as u64;
                for f in &findings {
                    *summary
                        .by_entity
                        .entry(f.entity.name().to_owned())
                        .or_default() += 1;
                }
            }
            Err(e) => {
                summary.errors += 1;
                out.clear();
                write_error(&mut out, summary.lines, e)?;
            }
        }
        output.write_all(&out)?;
        output.flush()?;
    }
    Ok(summary)
}

/// Why a line could not be scanned. Messages are categories: never input content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RecordError {
    TooLong,
    NotUtf8,
    NotJson,
    NotObject,
    NoText,
    TextNotString,
    DuplicateText,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RecordError::TooLong => "line too long",
            RecordError::NotUtf8 => "line is not valid UTF-8",
            RecordError::NotJson => "line is not valid JSON",
            RecordError::NotObject => "line is not a JSON object",
            RecordError::NoText => "object has no \"text\" field",
            RecordError::TextNotString => "field \"text\" is not a string",
            RecordError::DuplicateText => "object has more than one \"text\" field",
        })
    }
}

fn scan_record(
    engine: &Engine,
    line: &[u8],
    out: &mut Vec<u8>,
    findings: &mut Vec<Finding>,
) -> Result<(), RecordError> {
    findings.clear();
    let line = std::str::from_utf8(line).map_err(|_| RecordError::NotUtf8)?;
    let RawObject(fields) = serde_json::from_str::<RawObject>(line).map_err(|e| {
        if e.classify() == serde_json::error::Category::Data {
            RecordError::NotObject
        } else {
            RecordError::NotJson
        }
    })?;
    let mut text_fields = fields.iter().filter(|(k, _)| k == "text");
    let raw_text = text_fields.next().ok_or(RecordError::NoText)?;
    if text_fields.next().is_some() {
        return Err(RecordError::DuplicateText);
    }
    let text: String =
        serde_json::from_str(raw_text.1.get()).map_err(|_| RecordError::TextNotString)?;
    engine.scan_into(&text, findings);

    // Writing into a Vec cannot fail; keep the error type anyway.
    let io = |_: io::Error| RecordError::NotJson;
    out.push(b'{');
    for (key, value) in fields.iter().filter(|(k, _)| k != "findings") {
        serde_json::to_writer(&mut *out, key).map_err(|_| RecordError::NotJson)?;
        out.push(b':');
        out.extend_from_slice(value.get().as_bytes());
        out.push(b',');
    }
    out.extend_from_slice(b"\"findings\":[");
    for (i, f) in findings.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write!(
            out,
            "{{\"entity\":{},\"start\":{},\"end\":{},\"score\":{}}}",
            serde_json::to_string(f.entity.name()).map_err(|_| RecordError::NotJson)?,
            f.start,
            f.end,
            serde_json::to_string(&f.score).map_err(|_| RecordError::NotJson)?,
        )
        .map_err(io)?;
    }
    out.extend_from_slice(b"]}\n");
    Ok(())
}

fn write_error(out: &mut Vec<u8>, line: u64, e: RecordError) -> io::Result<()> {
    let msg = serde_json::to_string(&e.to_string()).map_err(io::Error::other)?;
    writeln!(out, "{{\"line\":{line},\"error\":{msg}}}")
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && matches!(line[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    &line[..end]
}

/// Read one line (up to and including `\n`) into `buf`. `Ok(None)` at end of input;
/// `Ok(Some(true))` when the line exceeded `cap` (its bytes are consumed and discarded).
pub(crate) fn read_line_bounded(
    input: &mut impl BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
) -> io::Result<Option<bool>> {
    buf.clear();
    let mut overflow = false;
    let mut any = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(any.then_some(overflow));
        }
        any = true;
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if !overflow {
            let content = if done { take - 1 } else { take };
            if buf.len() + content > cap {
                overflow = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        input.consume(take);
        if done {
            return Ok(Some(overflow));
        }
    }
}

/// A JSON object as an ordered list of (key, raw value): keeps order and original encoding.
struct RawObject(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for RawObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = RawObject;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawObject, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                    fields.push(entry);
                }
                Ok(RawObject(fields))
            }
        }
        d.deserialize_map(ObjectVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::test_support::engine;

    fn run(input: &str) -> (Vec<serde_json::Value>, ScanSummary) {
        let engine = engine();
        let mut out = Vec::new();
        let summary = scan(&engine, input.as_bytes(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (lines, summary)
    }

    #[test]
    fn findings_appended_and_fields_kept_in_order() {
        let engine = engine();
        let mut out = Vec::new();
        let input = "{\"zid\":7,\"text\":\"key TOKEN42 here\",\"a\":{\"b\":[1,2]}}\n";
        scan(&engine, input.as_bytes(), &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(
            out,
            "{\"zid\":7,\"text\":\"key TOKEN42 here\",\"a\":{\"b\":[1,2]},\"findings\":\
             [{\"entity\":\"API_KEY\",\"start\":4,\"end\":11,\"score\":0.9}]}\n"
        );
    }

    #[test]
    fn offsets_are_bytes_of_the_decoded_text() {
        // "é" is 2 bytes; the escaped form in JSON is 6 bytes: offsets follow the decoded text.
        let (lines, _) = run("{\"text\":\"\\u00e9\\n TOKEN42\"}\n");
        let f = &lines[0]["findings"][0];
        assert_eq!(f["start"], 4);
        assert_eq!(f["end"], 11);
    }

    #[test]
    fn malformed_lines_become_error_records_and_scan_continues() {
        let input = concat!(
            "not json\n",
            "[1,2]\n",
            "{\"id\":1}\n",
            "{\"text\":5}\n",
            "\n",
            "{\"text\":\"a\",\"text\":\"b\"}\n",
            "{\"id\":2,\"text\":\"TOKEN42\"}\n",
            "{\"text\":\"tail without newline TOKEN42\"}"
        );
        let (lines, summary) = run(input);
        assert_eq!(lines.len(), 7);
        assert_eq!(lines[0]["line"], 1);
        assert_eq!(lines[0]["error"], "line is not valid JSON");
        assert_eq!(lines[1]["error"], "line is not a JSON object");
        assert_eq!(lines[2]["error"], "object has no \"text\" field");
        assert_eq!(lines[3]["error"], "field \"text\" is not a string");
        assert_eq!(lines[4]["line"], 6);
        assert_eq!(lines[4]["error"], "object has more than one \"text\" field");
        assert_eq!(lines[5]["id"], 2);
        assert_eq!(lines[5]["findings"].as_array().unwrap().len(), 1);
        assert_eq!(lines[6]["findings"][0]["start"], 21);
        assert_eq!(summary.lines, 8);
        assert_eq!(summary.blank, 1);
        assert_eq!(summary.errors, 5);
        assert_eq!(summary.documents, 2);
        assert_eq!(summary.findings, 2);
        assert_eq!(summary.by_entity.get("API_KEY"), Some(&2));
    }

    #[test]
    fn invalid_utf8_and_crlf() {
        let engine = engine();
        let mut input = b"{\"text\":\"\xff\"}\r\n".to_vec();
        input.extend_from_slice(b"{\"text\":\"ok\"}\r\n");
        let mut out = Vec::new();
        let s = scan(&engine, &input[..], &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            "{\"line\":1,\"error\":\"line is not valid UTF-8\"}"
        );
        assert_eq!(lines[1], "{\"text\":\"ok\",\"findings\":[]}");
        assert_eq!(s.errors, 1);
    }

    #[test]
    fn error_records_never_quote_the_input() {
        let (lines, _) = run("{\"text\": \"TOKEN42\" oops\n");
        let err = lines[0]["error"].as_str().unwrap();
        assert!(!err.contains("TOKEN42"));
    }

    #[test]
    fn existing_findings_field_is_replaced() {
        let (lines, _) = run("{\"findings\":\"x\",\"text\":\"TOKEN42\"}\n");
        assert_eq!(lines[0]["findings"][0]["entity"], "API_KEY");
    }

    #[test]
    fn builtin_engine_end_to_end() {
        let engine = crate::detect::Engine::builtin().unwrap();
        let input = "{\"id\":\"a\",\"text\":\"write to maria.silva@sapo.pt please\"}\n";
        let mut out = Vec::new();
        let s = scan(&engine, input.as_bytes(), &mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["id"], "a");
        assert_eq!(v["findings"][0]["entity"], "EMAIL_ADDRESS");
        assert_eq!(v["findings"][0]["start"], 9);
        assert_eq!(v["findings"][0]["end"], 28);
        assert_eq!(s.findings, 1);
    }

    #[test]
    fn bounded_reader_flags_overlong_lines_and_recovers() {
        let mut input = &b"0123456789\nabc\n"[..];
        let mut buf = Vec::new();
        assert_eq!(
            read_line_bounded(&mut input, &mut buf, 5).unwrap(),
            Some(true)
        );
        assert_eq!(
            read_line_bounded(&mut input, &mut buf, 5).unwrap(),
            Some(false)
        );
        assert_eq!(buf, b"abc\n");
        assert_eq!(read_line_bounded(&mut input, &mut buf, 5).unwrap(), None);
    }
}
