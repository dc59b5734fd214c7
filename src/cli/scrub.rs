//! `scrub`: plain text in, the same text with every finding replaced by `<ENTITY>` out.
//!
//! Blocking: the input is cut into blocks at blank lines (paragraph boundaries), so context
//! cues (a salutation, a YAML key, a signature line) stay with their values, while memory stays
//! bounded. A block grows past [`BLOCK_SOFT_CAP`] only up to the next line end; inside a PEM
//! block (`-----BEGIN` seen, `-----END` not yet) blank lines and the soft cap are ignored so a
//! key is never split. [`BLOCK_HARD_CAP`] bounds every block: a block that reaches it is cut at
//! its last whitespace (or char boundary) — a value straddling such a cut in a multi-megabyte
//! line without whitespace may be missed; that is the documented price of bounded memory.
//! Invalid UTF-8 is replaced by U+FFFD.

use std::io::{self, BufRead, BufReader, Read, Write};

use crate::detect::Engine;

/// Flush a block at the next line end once it is this large (outside PEM blocks).
pub const BLOCK_SOFT_CAP: usize = 256 * 1024;
/// No block is ever larger than this.
pub const BLOCK_HARD_CAP: usize = 8 * 1024 * 1024;

/// Counts of one `scrub` run (content-free).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScrubSummary {
    pub bytes_in: u64,
    pub blocks: u64,
    pub findings: u64,
}

/// Scrub `input` into `output`, block by block (flushing after each block).
pub fn scrub(engine: &Engine, input: impl Read, output: impl Write) -> io::Result<ScrubSummary> {
    scrub_with_caps(engine, input, output, BLOCK_SOFT_CAP, BLOCK_HARD_CAP)
}

/// Replace every finding in `text` with `<ENTITY>`; returns the new text and the finding count.
pub fn scrub_text(engine: &Engine, text: &str) -> (String, usize) {
    let findings = engine.scan(text);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for f in &findings {
        if f.start < pos || f.end > text.len() {
            continue; // the engine guarantees order; never panic if it did not
        }
        out.push_str(text.get(pos..f.start).unwrap_or_default());
        out.push('<');
        out.push_str(f.entity.name());
        out.push('>');
        pos = f.end;
    }
    out.push_str(text.get(pos..).unwrap_or_default());
    (out, findings.len())
}

fn scrub_with_caps(
    engine: &Engine,
    input: impl Read,
    mut output: impl Write,
    soft: usize,
    hard: usize,
) -> io::Result<ScrubSummary> {
    let mut input = BufReader::new(input);
    let mut summary = ScrubSummary::default();
    let mut block: Vec<u8> = Vec::new();
    let mut in_pem = false;
    loop {
        let line_start = block.len();
        let (n, newline) = read_piece(&mut input, &mut block, hard.saturating_sub(line_start))?;
        summary.bytes_in += n as u64;
        if n == 0 && !newline && block.len() < hard {
            // End of input.
            let all = block.len();
            flush(engine, &mut block, all, &mut output, &mut summary)?;
            return Ok(summary);
        }
        if newline {
            let line = &block[line_start..];
            update_pem_state(line, &mut in_pem);
            let blank = line.iter().all(|b| b.is_ascii_whitespace());
            if !in_pem && (blank || block.len() >= soft) {
                let all = block.len();
                flush(engine, &mut block, all, &mut output, &mut summary)?;
            }
        } else if block.len() >= hard {
            let cut = forced_cut(&block);
            flush(engine, &mut block, cut, &mut output, &mut summary)?;
            in_pem = false;
        }
    }
}

/// Scan and write `block[..cut]`, keep the rest.
fn flush(
    engine: &Engine,
    block: &mut Vec<u8>,
    cut: usize,
    output: &mut impl Write,
    summary: &mut ScrubSummary,
) -> io::Result<()> {
    if cut == 0 {
        return Ok(());
    }
    let text = String::from_utf8_lossy(&block[..cut]);
    let (scrubbed, count) = scrub_text(engine, &text);
    output.write_all(scrubbed.as_bytes())?;
    output.flush()?;
    summary.blocks += 1;
    summary.findings += count as u64;
    block.drain(..cut);
    Ok(())
}

/// Where to cut a full block: after its last newline or whitespace, else at the last char
/// boundary.
fn forced_cut(block: &[u8]) -> usize {
    if let Some(i) = block.iter().rposition(|b| b.is_ascii_whitespace()) {
        if i > 0 {
            return i + 1;
        }
    }
    // Largest cut whose next byte starts a char (is not a UTF-8 continuation byte).
    (1..block.len())
        .rev()
        .find(|&i| block.get(i).is_some_and(|b| (b & 0xC0) != 0x80))
        .unwrap_or(block.len())
}

fn update_pem_state(line: &[u8], in_pem: &mut bool) {
    let begin = memchr::memmem::rfind(line, b"-----BEGIN ");
    let end = memchr::memmem::rfind(line, b"-----END ");
    match (begin, end) {
        (Some(b), Some(e)) => *in_pem = b > e,
        (Some(_), None) => *in_pem = true,
        (None, Some(_)) => *in_pem = false,
        (None, None) => {}
    }
}

/// Append up to `room` bytes of the current line to `buf`. Returns (bytes read, whether the
/// line ended with `\n`).
fn read_piece(
    input: &mut impl BufRead,
    buf: &mut Vec<u8>,
    room: usize,
) -> io::Result<(usize, bool)> {
    let mut read = 0;
    loop {
        if read >= room {
            return Ok((read, false));
        }
        let chunk = match input.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok((read, false));
        }
        let limit = chunk.len().min(room - read);
        let (take, done) = match memchr::memchr(b'\n', &chunk[..limit]) {
            Some(i) => (i + 1, true),
            None => (limit, false),
        };
        buf.extend_from_slice(&chunk[..take]);
        input.consume(take);
        read += take;
        if done {
            return Ok((read, true));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::test_support::engine;

    fn run(input: &[u8], soft: usize, hard: usize) -> (String, ScrubSummary) {
        let engine = engine();
        let mut out = Vec::new();
        let s = scrub_with_caps(&engine, input, &mut out, soft, hard).unwrap();
        (String::from_utf8(out).unwrap(), s)
    }

    #[test]
    fn replaces_findings_and_keeps_everything_else() {
        let input = "hello TOKEN42 world\n\nsecond TOKEN42\nno newline at end";
        let (out, s) = run(input.as_bytes(), BLOCK_SOFT_CAP, BLOCK_HARD_CAP);
        assert_eq!(
            out,
            "hello <API_KEY> world\n\nsecond <API_KEY>\nno newline at end"
        );
        assert_eq!(s.findings, 2);
        assert_eq!(s.blocks, 2);
        assert_eq!(s.bytes_in, input.len() as u64);
    }

    #[test]
    fn empty_input() {
        let (out, s) = run(b"", 10, 100);
        assert_eq!(out, "");
        assert_eq!(s.blocks, 0);
    }

    #[test]
    fn pem_block_is_never_split_at_blank_lines_or_soft_cap() {
        // The test detector flags a whole BEGIN..END block only if it sees both in one text.
        let input = "intro\n-----BEGIN TEST KEY-----\nAAAA\n\nBBBB\nCCCC\n-----END TEST KEY-----\nafter\n\nnext para\n";
        let (out, s) = run(input.as_bytes(), 8, 1 << 20);
        assert_eq!(out, "intro\n<PRIVATE_KEY>\nafter\n\nnext para\n");
        assert_eq!(s.findings, 1);
    }

    #[test]
    fn hard_cap_cuts_at_whitespace_and_never_splits_chars() {
        let line = "é TOKEN42 ".repeat(50);
        let (out, _) = run(line.as_bytes(), 16, 32);
        assert_eq!(out, "é <API_KEY> ".repeat(50));
        let no_space = "é".repeat(100);
        let (out, s) = run(no_space.as_bytes(), 16, 33);
        assert_eq!(out, no_space);
        assert!(s.blocks >= 6);
    }

    #[test]
    fn invalid_utf8_is_replaced_not_fatal() {
        let (out, s) = run(b"a\xffb TOKEN42\n", 1024, 4096);
        assert_eq!(out, "a\u{fffd}b <API_KEY>\n");
        assert_eq!(s.findings, 1);
    }

    #[test]
    fn builtin_engine_scrubs_email() {
        let engine = crate::detect::Engine::builtin().unwrap();
        let mut out = Vec::new();
        scrub(&engine, &b"mail maria.silva@sapo.pt now\n"[..], &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "mail <EMAIL_ADDRESS> now\n"
        );
    }

    #[test]
    fn scrub_text_handles_adjacent_findings() {
        let engine = engine();
        let (out, n) = scrub_text(&engine, "TOKEN42TOKEN42");
        assert_eq!(out, "<API_KEY><API_KEY>");
        assert_eq!(n, 2);
    }
}
