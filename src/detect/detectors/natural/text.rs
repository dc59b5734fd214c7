//! Small, panic-free text helpers shared by the natural-language detectors: char-boundary safe
//! neighbours, word boundaries, line bounds, bounded windows.
//!
//! Never allocates on the common path; every index it returns is a char boundary of the input.

/// The char that ends just before byte `pos` (`None` at the start or on a bad boundary).
pub(crate) fn prev_char(text: &str, pos: usize) -> Option<char> {
    text.get(..pos)?.chars().next_back()
}

/// The char that starts at byte `pos`.
pub(crate) fn next_char(text: &str, pos: usize) -> Option<char> {
    text.get(pos..)?.chars().next()
}

/// True when `pos` is not inside a word (the char before it is not alphanumeric).
pub(crate) fn boundary_before(text: &str, pos: usize) -> bool {
    !prev_char(text, pos).is_some_and(|c| c.is_alphanumeric())
}

/// True when the char at `pos` is not alphanumeric (or the text ends).
pub(crate) fn boundary_after(text: &str, pos: usize) -> bool {
    !next_char(text, pos).is_some_and(|c| c.is_alphanumeric())
}

/// How far [`line_bounds`] looks for a line break on each side: detectors only need local
/// context, and an unbounded search would make every hit on a long single-line text (minified
/// JSON, base64) cost the whole line.
pub(crate) const LINE_CAP: usize = 512;

/// Byte range of the line containing `pos` (without the line break), clipped to
/// [`LINE_CAP`] bytes on each side (and to char boundaries).
pub(crate) fn line_bounds(text: &str, pos: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let pos = pos.min(bytes.len());
    let lo = pos.saturating_sub(LINE_CAP);
    let hi = pos.saturating_add(LINE_CAP).min(bytes.len());
    let start = bytes
        .get(lo..pos)
        .and_then(|b| memchr::memrchr(b'\n', b))
        .map_or_else(|| ceil_boundary(text, lo), |i| lo + i + 1);
    let end = bytes
        .get(pos..hi)
        .and_then(|b| memchr::memchr(b'\n', b))
        .map_or_else(|| floor_boundary(text, hi), |i| pos + i);
    // Drop a trailing '\r' of CRLF text.
    let end = if end > start && bytes.get(end - 1) == Some(&b'\r') {
        end - 1
    } else {
        end
    };
    (start, end.max(start))
}

/// Largest char boundary `<= pos`.
pub(crate) fn floor_boundary(text: &str, pos: usize) -> usize {
    let mut p = pos.min(text.len());
    while p > 0 && !text.is_char_boundary(p) {
        p -= 1;
    }
    p
}

/// Smallest char boundary `>= pos`.
pub(crate) fn ceil_boundary(text: &str, pos: usize) -> usize {
    let mut p = pos.min(text.len());
    while p < text.len() && !text.is_char_boundary(p) {
        p += 1;
    }
    p
}

/// Skip spaces and tabs (not line breaks) from `pos`.
pub(crate) fn skip_blanks(text: &str, pos: usize) -> usize {
    let bytes = text.as_bytes();
    let mut p = pos;
    while matches!(bytes.get(p), Some(b' ' | b'\t')) {
        p += 1;
    }
    p
}

/// Skip any whitespace, including at most `max_breaks` line breaks.
pub(crate) fn skip_ws_lines(text: &str, pos: usize, max_breaks: usize) -> usize {
    let bytes = text.as_bytes();
    let mut p = pos;
    let mut breaks = 0;
    while let Some(&b) = bytes.get(p) {
        match b {
            b' ' | b'\t' | b'\r' => p += 1,
            b'\n' if breaks < max_breaks => {
                breaks += 1;
                p += 1;
            }
            _ => break,
        }
    }
    p
}

/// Case-insensitive (Unicode simple lowercase) prefix test; returns the byte length matched in
/// `text` when `text[pos..]` starts with `word`.
pub(crate) fn starts_with_ci(text: &str, pos: usize, word: &str) -> Option<usize> {
    let rest = text.get(pos..)?;
    // While both sides are ASCII: one char per byte, ASCII case folding; the first non-ASCII
    // byte on either side hands over to the Unicode comparison below.
    let (rb, wb) = (rest.as_bytes(), word.as_bytes());
    let mut ascii = true;
    for (i, &w) in wb.iter().enumerate() {
        let c = rb.get(i)?;
        if c | w >= 0x80 {
            ascii = false;
            break;
        }
        if !c.eq_ignore_ascii_case(&w) {
            return None;
        }
    }
    if ascii {
        return Some(wb.len());
    }
    let mut it = rest.char_indices();
    for w in word.chars() {
        let (_, c) = it.next()?;
        if !chars_eq_ci(c, w) {
            return None;
        }
    }
    Some(it.next().map_or(rest.len(), |(i, _)| i))
}

fn chars_eq_ci(a: char, b: char) -> bool {
    // Two ASCII chars: the Unicode lower-case mapping is the ASCII one. (A non-ASCII char
    // may still lower-case to ASCII, the Kelvin sign to `k`: that takes the full path.)
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(&b);
    }
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

/// The engine's automaton takes ASCII literals only (matched ASCII-case-insensitively). A cue
/// with non-ASCII letters (`ich heiße`, `prénom`) is anchored on its longest ASCII run
/// (`ich hei`, `nom`) and verified around the hit; runs shorter than [`MIN_ANCHOR`] are not
/// used (too frequent), except for the cues in [`SHORT_ANCHOR_OK`].
pub(crate) const MIN_ANCHOR: usize = 3;
const SHORT_ANCHOR_OK: &[&str] = &["olá"];

struct Route {
    cue: usize,
    word: &'static str,
    /// Byte offset of the literal inside `word` (0 for ASCII cues).
    offset: usize,
    /// ASCII cue: the literal is the word (plus a separator suffix); no verification needed.
    exact: bool,
}

/// A cue resolved from a hit: index into the detector's cue table and the cue's byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CueHit {
    pub cue: usize,
    pub start: usize,
    pub end: usize,
}

/// ASCII trigger literals for a table of cue words, and the way back from a hit to its cue.
pub(crate) struct CueSet {
    literals: Vec<String>,
    routes: Vec<Route>,
}

impl CueSet {
    /// `cues`: (cue index, word, separator suffixes appended to ASCII words; `&[""]` for none).
    pub(crate) fn new<'a>(
        cues: impl IntoIterator<Item = (usize, &'static str, &'a [&'static str])>,
    ) -> CueSet {
        let mut set = CueSet {
            literals: Vec::new(),
            routes: Vec::new(),
        };
        for (cue, word, suffixes) in cues {
            if word.is_ascii() {
                for suffix in suffixes {
                    let lit = format!("{word}{suffix}").to_ascii_lowercase();
                    set.push(lit, cue, word, 0, true);
                }
            } else if let Some((offset, run)) = longest_ascii_run(word) {
                if run.trim().len() >= MIN_ANCHOR || SHORT_ANCHOR_OK.contains(&word) {
                    set.push(run.to_ascii_lowercase(), cue, word, offset, false);
                }
            }
        }
        set
    }

    fn push(&mut self, lit: String, cue: usize, word: &'static str, offset: usize, exact: bool) {
        if lit.is_empty() || self.literals.contains(&lit) {
            return;
        }
        self.literals.push(lit);
        self.routes.push(Route {
            cue,
            word,
            offset,
            exact,
        });
    }

    pub(crate) fn literals(&self) -> &[String] {
        &self.literals
    }

    /// The cue behind `hit` (verified for anchored cues), or `None`.
    pub(crate) fn resolve(&self, text: &str, hit_start: usize, trigger: usize) -> Option<CueHit> {
        let r = self.routes.get(trigger)?;
        if r.exact {
            return Some(CueHit {
                cue: r.cue,
                start: hit_start,
                end: hit_start + r.word.len(),
            });
        }
        let start = hit_start.checked_sub(r.offset)?;
        if !text.is_char_boundary(start) {
            return None;
        }
        let len = starts_with_ci(text, start, r.word)?;
        Some(CueHit {
            cue: r.cue,
            start,
            end: start + len,
        })
    }
}

/// Longest run of ASCII chars in `word`: (byte offset, run).
fn longest_ascii_run(word: &str) -> Option<(usize, &str)> {
    let mut best: Option<(usize, &str)> = None;
    let mut start: Option<usize> = None;
    let mut consider = |s: usize, e: usize| {
        if let Some(run) = word.get(s..e) {
            if best.is_none_or(|(_, b)| run.len() > b.len()) {
                best = Some((s, run));
            }
        }
    };
    for (i, c) in word.char_indices() {
        match (c.is_ascii(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                consider(s, i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        consider(s, word.len());
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_and_lines() {
        let t = "ab cd\r\nßx";
        assert!(boundary_before(t, 3));
        assert!(!boundary_before(t, 4));
        assert!(boundary_after(t, 2));
        assert_eq!(line_bounds(t, 1), (0, 5));
        assert_eq!(line_bounds(t, 8), (7, t.len()));
        assert_eq!(floor_boundary(t, 8), 7);
        assert_eq!(ceil_boundary(t, 8), 9);
        assert_eq!(starts_with_ci("Straße 5", 0, "STRASSE"), None);
        assert_eq!(starts_with_ci("STRAßE 5", 0, "straße"), Some(7));
        assert_eq!(starts_with_ci("Dr. Who", 0, "dr"), Some(2));
        assert_eq!(starts_with_ci("Dr", 0, "dr"), Some(2));
        assert_eq!(starts_with_ci("D", 0, "dr"), None);
        assert_eq!(starts_with_ci("x Mr", 2, "MR"), Some(2));
        // The Kelvin sign lower-cases to `k`: the Unicode path still applies.
        assert_eq!(starts_with_ci("\u{212A}ey", 0, "key"), Some(5));
        assert_eq!(skip_ws_lines("  \n \n x", 0, 1), 4);
        // Long lines are clipped, on char boundaries.
        let long = "é".repeat(2000);
        let (s, e) = line_bounds(&long, 2001);
        assert!(long.is_char_boundary(s) && long.is_char_boundary(e));
        assert!(2001 - s <= LINE_CAP + 1 && e - 2001 <= LINE_CAP + 1);
    }

    #[test]
    fn anchored_cues_resolve() {
        let words = ["ich heiße", "prénom", "chère", "olá", "hi"];
        let set = CueSet::new(words.iter().enumerate().map(|(i, w)| (i, *w, &[""][..])));
        let lits = set.literals();
        assert!(lits.iter().all(|l| l.is_ascii() && !l.is_empty()));
        assert!(lits.contains(&"ich hei".to_string()));
        assert!(lits.contains(&"nom".to_string()));
        assert!(lits.contains(&"ol".to_string()));
        assert!(!lits.iter().any(|l| l == "ch" || l == "re"));
        let t = "Prénom: X, ICH HEISSE, Ich Heiße Y";
        let nom = lits.iter().position(|l| l == "nom").unwrap();
        assert_eq!(
            set.resolve(t, 4, nom),
            Some(CueHit {
                cue: 1,
                start: 0,
                end: 7
            })
        );
        let hei = lits.iter().position(|l| l == "ich hei").unwrap();
        assert_eq!(set.resolve(t, 11, hei), None);
        let at = t.rfind("Ich").unwrap();
        assert_eq!(
            set.resolve(t, at, hei).map(|c| (c.start, c.end)),
            Some((at, at + 10))
        );
    }
}
