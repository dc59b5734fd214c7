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

/// Byte range of the line containing `pos` (without the line break).
pub(crate) fn line_bounds(text: &str, pos: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let pos = pos.min(bytes.len());
    let start = bytes
        .get(..pos)
        .and_then(|b| memchr::memrchr(b'\n', b))
        .map_or(0, |i| i + 1);
    let end = bytes
        .get(pos..)
        .and_then(|b| memchr::memchr(b'\n', b))
        .map_or(bytes.len(), |i| pos + i);
    // Drop a trailing '\r' of CRLF text.
    let end = if end > start && bytes.get(end - 1) == Some(&b'\r') {
        end - 1
    } else {
        end
    };
    (start, end)
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
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

/// The literal forms a cue needs in the engine's ASCII-case-insensitive automaton: the
/// lower-case form and, when the cue has non-ASCII letters, the form with those upper-cased
/// (`olá` / `olÁ` cover `Olá`, `OLÁ`, ...).
pub(crate) fn literal_forms(word: &str) -> Vec<String> {
    let lower = word.to_lowercase();
    let upper: String = lower
        .chars()
        .flat_map(|c| {
            let v: Vec<char> = if c.is_ascii() {
                vec![c]
            } else {
                c.to_uppercase().collect()
            };
            v
        })
        .collect();
    if upper == lower {
        vec![lower]
    } else {
        vec![lower, upper]
    }
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
        assert_eq!(skip_ws_lines("  \n \n x", 0, 1), 4);
    }
}
