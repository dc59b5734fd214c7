//! Restoring the values the proxy replaced: whole strings and streams of text fragments.
//!
//! Owns: [`Restorer`] (the request's `replacement -> original` table compiled once: a sorted
//! key table for up to 64 keys, an Aho-Corasick automaton beyond) and [`TextRestorer`] (one
//! output stream's incremental state).
//! Never: restores anything that is not in the current request's vault (unknown look-alike
//! placeholders pass untouched), logs text, or holds back more than the longest possible
//! partial match.
//! Called by: `transform::stream` (response filters) and the lead's non-streaming paths.
//!
//! # Streaming
//!
//! [`TextRestorer::push`] emits every byte that can no longer be part of a replacement and
//! holds back only the tail that is still a proper prefix of some key (at most
//! `longest key - 1` bytes). The output of a stream is the same for every split of its text
//! into fragments, and equals [`Restorer::restore`] of the concatenated text: matching is
//! leftmost-longest, and a complete match is only taken once no longer key can still start at
//! or before it.
//!
//! # JSON-escaped mode
//!
//! Tool-call argument fragments (`function.arguments`, `partial_json`) are JSON *text*: a
//! placeholder sits inside a JSON string literal there. In [`Escape::Json`] mode the keys are
//! matched in their JSON-escaped form and the originals are inserted JSON-escaped (`"`, `\`,
//! control characters), so the restored arguments stay valid JSON. The HTML-safe spellings
//! `\u003c` / `\u003e` of a placeholder's brackets are matched as well.
//! The JSON-escaped table is compiled on first use when the key set is small (most
//! responses carry no tool arguments), up front for a large one.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Input, MatchKind};

use super::TransformError;

/// How restored originals are written into the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// Plain text (message content).
    None,
    /// The text is the inside of a JSON string literal, or JSON text whose string literals
    /// hold the placeholders (tool-call arguments).
    Json,
}

/// Up to this many keys are matched by [`Finder::Small`]; more use an Aho-Corasick automaton.
const SMALL_KEY_SET: usize = 64;

/// Leftmost-longest search over the keys.
#[derive(Debug)]
enum Finder {
    /// Few keys (the usual request: a handful of findings): pattern ids ordered by key (stable,
    /// so equal keys keep the lower id first), and per first byte the range of that order whose
    /// keys start with it. Building is a sort; a search tests only the keys starting with the
    /// byte at each position. Building even a noncontiguous-NFA automaton (plus its Teddy
    /// prefilter) cost ~340k instructions per matcher, two matchers per request with findings
    /// (callgrind, bench/results/2026-11-23-session2.md), more than the rest of the request.
    Small {
        order: Vec<u32>,
        ranges: Box<[(u32, u32); 256]>,
    },
    Ac(AhoCorasick),
}

/// One compiled key set (plain or JSON-escaped).
#[derive(Debug)]
struct Matcher {
    finder: Finder,
    /// Pattern id -> key.
    keys: Vec<String>,
    /// Pattern id -> replacement (already escaped for this matcher's mode).
    replacements: Vec<String>,
    /// Keys sorted, for "is this a proper prefix of some key" queries.
    sorted: Vec<String>,
    /// Bytes that start some key.
    first: [bool; 256],
    /// Length of the longest key, in bytes.
    max_len: usize,
}

impl Matcher {
    fn build(pairs: Vec<(String, String)>) -> Result<Self, TransformError> {
        if pairs.len() <= SMALL_KEY_SET {
            return Ok(Self::small(pairs));
        }
        // A noncontiguous NFA: the automatic choice (a DFA for small pattern sets) cost
        // ~3M instructions per request to build.
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::NoncontiguousNFA))
            .build(pairs.iter().map(|(k, _)| k.as_str()))
            .map_err(|_| TransformError::MalformedStream("restore table too large"))?;
        Ok(Self::assemble(pairs, Finder::Ac(ac)))
    }

    /// A [`Finder::Small`] matcher (any number of keys; meant for up to [`SMALL_KEY_SET`]).
    fn small(pairs: Vec<(String, String)>) -> Self {
        let mut order: Vec<u32> = (0..pairs.len() as u32).collect();
        let key = |i: &u32| pairs.get(*i as usize).map_or("", |(k, _)| k.as_str());
        order.sort_by(|a, b| key(a).cmp(key(b)));
        // Sorted keys with the same first byte are contiguous: each range only grows.
        let mut ranges = Box::new([(0u32, 0u32); 256]);
        for (i, id) in order.iter().enumerate() {
            if let Some(&b) = key(id).as_bytes().first() {
                let r = &mut ranges[usize::from(b)];
                if r.0 == r.1 {
                    r.0 = i as u32;
                }
                r.1 = i as u32 + 1;
            }
        }
        Self::assemble(pairs, Finder::Small { order, ranges })
    }

    fn assemble(pairs: Vec<(String, String)>, finder: Finder) -> Self {
        let mut first = [false; 256];
        let mut max_len = 0;
        for (k, _) in &pairs {
            if let Some(b) = k.as_bytes().first() {
                first[usize::from(*b)] = true;
            }
            max_len = max_len.max(k.len());
        }
        let mut sorted: Vec<String> = pairs.iter().map(|(k, _)| k.clone()).collect();
        sorted.sort();
        let (keys, replacements) = pairs.into_iter().unzip();
        Matcher {
            finder,
            keys,
            replacements,
            sorted,
            first,
            max_len,
        }
    }

    /// The leftmost-longest key occurrence starting at or after `from`:
    /// `(start, end, pattern id)`. Among equal keys the lowest pattern id wins.
    fn find(&self, buf: &str, from: usize) -> Option<(usize, usize, usize)> {
        match &self.finder {
            Finder::Ac(ac) => ac
                .find(Input::new(buf).span(from..buf.len()))
                .map(|m| (m.start(), m.end(), m.pattern().as_usize())),
            Finder::Small { order, ranges } => {
                let hay = buf.as_bytes();
                for (p, b) in hay.iter().enumerate().skip(from) {
                    if !self.first[usize::from(*b)] {
                        continue;
                    }
                    let (lo, hi) = ranges[usize::from(*b)];
                    let rest = hay.get(p..).unwrap_or_default();
                    let mut best: Option<(usize, usize)> = None;
                    for &id in order.get(lo as usize..hi as usize).unwrap_or_default() {
                        let k = self.keys.get(id as usize).map_or(&[][..], |k| k.as_bytes());
                        if rest.starts_with(k) && best.is_none_or(|(len, _)| k.len() > len) {
                            best = Some((k.len(), id as usize));
                        }
                    }
                    if let Some((len, id)) = best {
                        return Some((p, p + len, id));
                    }
                }
                None
            }
        }
    }

    /// Whether `s` is a proper prefix of some key (so more text could complete a match).
    fn is_proper_prefix(&self, s: &str) -> bool {
        let idx = self.sorted.partition_point(|k| k.as_str() < s);
        self.sorted
            .get(idx..)
            .unwrap_or_default()
            .iter()
            .take_while(|k| k.starts_with(s))
            .any(|k| k.len() > s.len())
    }

    /// Earliest position `>= from` where the rest of `buf` could still grow into a key.
    fn earliest_partial(&self, buf: &str, from: usize) -> usize {
        let bytes = buf.as_bytes();
        let lo = from.max(buf.len().saturating_sub(self.max_len.saturating_sub(1)));
        for p in lo..buf.len() {
            let starts_key = bytes.get(p).is_some_and(|b| self.first[usize::from(*b)]);
            if starts_key && buf.is_char_boundary(p) {
                if let Some(rest) = buf.get(p..) {
                    if self.is_proper_prefix(rest) {
                        return p;
                    }
                }
            }
        }
        buf.len()
    }

    fn replacement(&self, pattern: usize) -> &str {
        self.replacements.get(pattern).map_or("", String::as_str)
    }

    /// Restore `buf`; push finished output to `out` and the undecided tail to `held`
    /// (or to `out` as well when `last`).
    fn run(&self, buf: &str, out: &mut String, held: &mut String, last: bool) {
        let mut cursor = 0;
        loop {
            let partial = if last {
                buf.len()
            } else {
                self.earliest_partial(buf, cursor)
            };
            match self.find(buf, cursor) {
                Some((start, end, id)) if start < partial => {
                    out.push_str(slice(buf, cursor, start));
                    out.push_str(self.replacement(id));
                    cursor = end;
                }
                _ => {
                    out.push_str(slice(buf, cursor, partial));
                    held.push_str(slice(buf, partial, buf.len()));
                    return;
                }
            }
        }
    }
}

/// `&s[a..b]` without a panic path: the callers only pass char boundaries (match bounds of
/// UTF-8 keys in UTF-8 text, or checked positions).
fn slice(s: &str, a: usize, b: usize) -> &str {
    s.get(a..b).unwrap_or_default()
}

/// JSON-escape `s` as the inside of a string literal (no surrounding quotes), exactly as
/// serde_json writes it: `\"`, `\\`, `\b \f \n \r \t`, other control characters as
/// `\u00xx`; everything else (including non-ASCII) unchanged. A string without such bytes is
/// copied (the usual key or value; formatting through a `Value` cost ~1.8k instructions each).
pub fn json_escape(s: &str) -> String {
    let needs = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    if !s.bytes().any(needs) {
        return s.to_owned();
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let b = c as u32 as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[b >> 4]));
                out.push(char::from(HEX[b & 0xf]));
            }
            c => out.push(c),
        }
    }
    out
}

/// `s` with `<` and `>` spelled as `lt` / `gt` (one allocation).
fn swap_brackets(s: &str, lt: &str, gt: &str) -> String {
    let mut out = String::with_capacity(s.len() + 10);
    for c in s.chars() {
        match c {
            '<' => out.push_str(lt),
            '>' => out.push_str(gt),
            c => out.push(c),
        }
    }
    out
}

#[derive(Debug)]
struct Tables {
    plain: Matcher,
    /// The JSON-escaped spellings (tool-call arguments). Built on first use when the key set
    /// is small (most responses never need it: ~40k instructions per request with findings);
    /// a large set is built up front, so its one possible failure stays at construction.
    json: OnceLock<Matcher>,
}

impl Tables {
    fn json(&self) -> &Matcher {
        self.json
            .get_or_init(|| Matcher::small(json_pairs(&self.plain.keys, &self.plain.replacements)))
    }
}

/// The JSON-escaped key -> replacement pairs for the plain pairs, in pattern order: per key,
/// the `\u003c`/`\u003C` bracket spellings first (encoders that HTML-escape, Go's
/// encoding/json, write `<`/`>` that way), then the plain JSON escape.
fn json_pairs(keys: &[String], replacements: &[String]) -> Vec<(String, String)> {
    let mut json: Vec<(String, String)> = Vec::with_capacity(keys.len());
    for (k, v) in keys.iter().zip(replacements) {
        let (ek, ev) = (json_escape(k), json_escape(v));
        if ek.contains(['<', '>']) {
            for (lt, gt) in [("\\u003c", "\\u003e"), ("\\u003C", "\\u003E")] {
                json.push((swap_brackets(&ek, lt, gt), ev.clone()));
            }
        }
        json.push((ek, ev));
    }
    json
}

/// How many pairs [`json_pairs`] makes (`json_escape` leaves `<` and `>` alone).
fn json_pair_count(keys: &[String]) -> usize {
    keys.iter()
        .map(|k| if k.contains(['<', '>']) { 3 } else { 1 })
        .sum()
}

/// The request's restoration table, compiled once; cheap to clone (shared).
///
/// Built by [`crate::transform::vault::Vault::restorer`]; an empty table makes every
/// operation a copy (the fast path for requests where nothing was replaced).
#[derive(Debug, Clone, Default)]
pub struct Restorer {
    tables: Option<Arc<Tables>>,
}

impl Restorer {
    /// A restorer that restores nothing.
    pub fn empty() -> Self {
        Restorer { tables: None }
    }

    /// Compile `(replacement, original)` pairs. Empty keys are ignored.
    pub fn new<I>(pairs: I) -> Result<Self, TransformError>
    where
        I: IntoIterator<Item = (String, String)>,
    {
        let plain: Vec<(String, String)> =
            pairs.into_iter().filter(|(k, _)| !k.is_empty()).collect();
        if plain.is_empty() {
            return Ok(Self::empty());
        }
        let plain = Matcher::build(plain)?;
        let json = OnceLock::new();
        if json_pair_count(&plain.keys) > SMALL_KEY_SET {
            let built = Matcher::build(json_pairs(&plain.keys, &plain.replacements))?;
            let _ = json.set(built);
        }
        Ok(Restorer {
            tables: Some(Arc::new(Tables { plain, json })),
        })
    }

    /// Cheap pre-check: whether `text` contains a byte that starts some key (plain or
    /// JSON-escaped spelling). When it does not, no restoration can change `text` or any JSON
    /// string decoded from it (JSON escapes start with `\\`, which is checked too).
    pub fn may_occur_in(&self, text: &str) -> bool {
        let Some(t) = &self.tables else {
            return false;
        };
        text.bytes().any(|b| {
            let i = usize::from(b);
            // Every JSON-escaped key starts with its plain key's first byte or with `\\`.
            b == b'\\' || t.plain.first[i]
        })
    }

    /// Whether `text` is exactly one of this request's replacements (plain spelling).
    pub fn is_replacement(&self, text: &str) -> bool {
        self.tables.as_ref().is_some_and(|t| {
            t.plain
                .sorted
                .binary_search_by(|k| k.as_str().cmp(text))
                .is_ok()
        })
    }

    /// Whether nothing can ever be restored (the filters then pass bytes through).
    pub fn is_empty(&self) -> bool {
        self.tables.is_none()
    }

    /// Number of restorable keys.
    pub fn len(&self) -> usize {
        self.tables
            .as_ref()
            .map_or(0, |t| t.plain.replacements.len())
    }

    /// Restore a complete plain-text string.
    pub fn restore<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.restore_with(text, Escape::None)
    }

    /// Restore a complete JSON text / string-literal inside (tool-call arguments).
    pub fn restore_json<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.restore_with(text, Escape::Json)
    }

    /// Restore a complete string in the given mode.
    pub fn restore_with<'a>(&self, text: &'a str, escape: Escape) -> Cow<'a, str> {
        let Some(t) = &self.tables else {
            return Cow::Borrowed(text);
        };
        let m = match escape {
            Escape::None => &t.plain,
            Escape::Json => t.json(),
        };
        if m.find(text, 0).is_none() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + 16);
        let mut held = String::new();
        m.run(text, &mut out, &mut held, true);
        Cow::Owned(out)
    }

    /// A streaming restorer for one output stream.
    pub fn stream(&self, escape: Escape) -> TextRestorer {
        TextRestorer {
            tables: self.tables.clone(),
            escape,
            held: String::new(),
            scratch: String::new(),
        }
    }
}

/// One output stream's incremental restorer (one per choice / block / part / tool call).
#[derive(Debug, Clone)]
pub struct TextRestorer {
    tables: Option<Arc<Tables>>,
    escape: Escape,
    held: String,
    scratch: String,
}

impl TextRestorer {
    /// Feed the next fragment; append everything that is decided to `out`.
    pub fn push(&mut self, fragment: &str, out: &mut String) {
        let Some(t) = &self.tables else {
            out.push_str(fragment);
            return;
        };
        let m = match self.escape {
            Escape::None => &t.plain,
            Escape::Json => t.json(),
        };
        if self.held.is_empty() {
            m.run(fragment, out, &mut self.held, false);
        } else {
            self.scratch.clear();
            self.scratch.push_str(&self.held);
            self.scratch.push_str(fragment);
            self.held.clear();
            m.run(&self.scratch, out, &mut self.held, false);
        }
    }

    /// The stream ended: append the held tail (restoring any match it completes).
    pub fn finish(&mut self, out: &mut String) {
        if self.held.is_empty() {
            return;
        }
        let held = std::mem::take(&mut self.held);
        match &self.tables {
            Some(t) => {
                let m = match self.escape {
                    Escape::None => &t.plain,
                    Escape::Json => t.json(),
                };
                m.run(&held, out, &mut self.held, true);
            }
            None => out.push_str(&held),
        }
    }

    /// Bytes currently held back.
    pub fn held_len(&self) -> usize {
        self.held.len()
    }

    pub fn escape(&self) -> Escape {
        self.escape
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn restorer(pairs: &[(&str, &str)]) -> Restorer {
        Restorer::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()))).unwrap()
    }

    fn stream_all(r: &Restorer, parts: &[&str], escape: Escape) -> String {
        let mut s = r.stream(escape);
        let mut out = String::new();
        for p in parts {
            s.push(p, &mut out);
        }
        s.finish(&mut out);
        out
    }

    #[test]
    fn whole_string_restore_replaces_known_keys_only() {
        let r = restorer(&[
            ("<PERSON_3f9a2c>", "Alice"),
            ("<EMAIL_ADDRESS_00aa11>", "a@b.c"),
        ]);
        assert_eq!(
            r.restore("Hi <PERSON_3f9a2c>, mail <EMAIL_ADDRESS_00aa11> or <PERSON_ffffff>"),
            "Hi Alice, mail a@b.c or <PERSON_ffffff>"
        );
        assert!(matches!(r.restore("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn empty_restorer_is_identity() {
        let r = Restorer::empty();
        assert!(r.is_empty());
        assert_eq!(
            stream_all(&r, &["<PER", "SON_3f9a2c>"], Escape::None),
            "<PERSON_3f9a2c>"
        );
    }

    #[test]
    fn split_placeholder_is_restored_and_held_minimally() {
        let r = restorer(&[("<PERSON_3f9a2c>", "Alice")]);
        let mut s = r.stream(Escape::None);
        let mut out = String::new();
        s.push("Hello <PER", &mut out);
        assert_eq!(out, "Hello ");
        assert_eq!(s.held_len(), 4);
        s.push("SON_3f9a2c>!", &mut out);
        assert_eq!(out, "Hello Alice!");
        assert_eq!(s.held_len(), 0);
    }

    #[test]
    fn text_that_cannot_start_a_key_is_not_held() {
        let r = restorer(&[("<PERSON_3f9a2c>", "Alice")]);
        let mut s = r.stream(Escape::None);
        let mut out = String::new();
        s.push("a < b and <PERSON_x", &mut out);
        assert_eq!(out, "a < b and <PERSON_x");
        s.push("<", &mut out);
        assert_eq!(s.held_len(), 1);
        s.finish(&mut out);
        assert_eq!(out, "a < b and <PERSON_x<");
    }

    #[test]
    fn longer_key_wins_even_when_split() {
        let r = restorer(&[("jane@example.com", "A"), ("jane@example.com.au", "B")]);
        assert_eq!(r.restore("x jane@example.com.au y"), "x B y");
        assert_eq!(
            stream_all(&r, &["x jane@example.com", ".au y"], Escape::None),
            "x B y"
        );
        assert_eq!(
            stream_all(&r, &["x jane@example.com", " y"], Escape::None),
            "x A y"
        );
    }

    #[test]
    fn leftmost_partial_beats_later_complete_key() {
        let r = restorer(&[("abcdef", "1"), ("cd", "2")]);
        assert_eq!(stream_all(&r, &["abcd", "ef"], Escape::None), "1");
        assert_eq!(stream_all(&r, &["abcd", "x"], Escape::None), "ab2x");
        assert_eq!(r.restore("abcdx"), "ab2x");
    }

    #[test]
    fn json_mode_escapes_the_original() {
        let r = restorer(&[("<PERSON_3f9a2c>", "O'Brien \"Bob\" \\ é\n")]);
        let args = stream_all(&r, &["{\"name\": \"<PERS", "ON_3f9a2c>\"}"], Escape::Json);
        let v: serde_json::Value = serde_json::from_str(&args).unwrap();
        assert_eq!(v["name"], "O'Brien \"Bob\" \\ é\n");
        let whole = r.restore_json(r#"{"n":"<PERSON_3f9a2c>"}"#);
        let v: serde_json::Value = serde_json::from_str(&whole).unwrap();
        assert_eq!(v["n"], "O'Brien \"Bob\" \\ é\n");
    }

    #[test]
    fn json_mode_matches_html_escaped_placeholders() {
        let r = restorer(&[("<PERSON_3f9a2c>", "Ann \"A\"")]);
        let args = stream_all(
            &r,
            &["{\"n\":\"\\u003cPERSON_3f", "9a2c\\u003e\"}"],
            Escape::Json,
        );
        let v: serde_json::Value = serde_json::from_str(&args).unwrap();
        assert_eq!(v["n"], "Ann \"A\"");
        // Plain text is not JSON: the escaped spelling is left alone there.
        assert_eq!(
            r.restore("\\u003cPERSON_3f9a2c\\u003e"),
            "\\u003cPERSON_3f9a2c\\u003e"
        );
    }

    #[test]
    fn multibyte_text_around_keys() {
        let r = restorer(&[("<LOCATION_abcdef>", "Zürich")]);
        assert_eq!(
            stream_all(&r, &["ñ日本<LOC", "ATION_abcdef>語"], Escape::None),
            "ñ日本Zürich語"
        );
    }

    /// The small-set finder and the automaton agree (leftmost-longest, lowest id among equal
    /// keys) on overlapping, nested, duplicate and multibyte keys.
    #[test]
    fn small_finder_matches_the_automaton() {
        let keys = [
            "ab", "abc", "b", "bca", "abc", "<P_1>", "<P_12>", "ä", "äb", "x", "xyz", "yz",
        ];
        let pairs: Vec<(String, String)> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.to_string(), format!("[{i}]")))
            .collect();
        let small = Matcher::build(pairs.clone()).unwrap();
        assert!(matches!(small.finder, Finder::Small { .. }));
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::NoncontiguousNFA))
            .build(keys)
            .unwrap();
        let big = Matcher {
            finder: Finder::Ac(ac),
            ..Matcher::build(pairs).unwrap()
        };
        let alphabet = [
            "a", "b", "c", "x", "y", "z", "ä", "<", "P", "_", "1", "2", ">", " ",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..3000 {
            let mut text = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 24) as usize;
            let mut x = seed;
            for _ in 0..len {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(alphabet[((x >> 33) % alphabet.len() as u64) as usize]);
            }
            for from in 0..=text.len() {
                if text.is_char_boundary(from) {
                    assert_eq!(
                        small.find(&text, from),
                        big.find(&text, from),
                        "{text:?} @ {from}"
                    );
                }
            }
            let (mut o1, mut h1, mut o2, mut h2) = Default::default();
            small.run(&text, &mut o1, &mut h1, false);
            big.run(&text, &mut o2, &mut h2, false);
            assert_eq!((o1, h1), (o2, h2), "{text:?}");
        }
    }

    #[test]
    fn json_escape_is_serde_json_s() {
        let mut all = String::new();
        for b in 0u8..0x80 {
            all.push(char::from(b));
        }
        for s in [
            "",
            "plain",
            "a\"b\\c",
            "tab\tnl\ncr\r",
            "\u{7f}é日本\u{1}",
            all.as_str(),
        ] {
            let want = serde_json::Value::String(s.to_owned()).to_string();
            assert_eq!(format!("\"{}\"", json_escape(s)), want, "{s:?}");
        }
    }
}
