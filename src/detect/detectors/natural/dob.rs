//! `DATE_OF_BIRTH`: a full date (numeric or worded, EN PT DE FR ES IT NL) right after a birth
//! cue (`DOB`, `date of birth`, `Geburtsdatum`, `né le`, `fecha de nacimiento`, `data de
//! nascimento`, `data di nascita`, `geboortedatum`, ...).
//!
//! Dates without a cue are never flagged (logs are full of dates). The date must start within a
//! few words of the cue, with no other digits in between, and be plausible: a real calendar date,
//! not in the future, at most 120 years ago (today = system clock when the detector is built).
//! Verb cues cover the narrative forms (`nasceu a`, `nació el`, `elle est née le`, `nacque il`);
//! `geboren` also works as a trailing cue, since German and Dutch put the participle last
//! (`sie wurde am 16. März 1959 geboren`, `zij is op 3 mei 1980 geboren`): the date must then
//! end at most [`TRAIL_GAP`] bytes / three words before it, in the same clause.
//! A year alone (`born in 1990`) is not a date of birth here: too weak to redact.
//! Span: the date only.
//!
//! Cost: three date regexes per cue window (80 bytes); the month-first date is matched by hand
//! at the window's first digit ([`DobDetector::mdy_at`]) instead of running its regex, whose
//! Unicode `\b` sent the regex crate off its lazy DFA on non-ASCII text: the detector went
//! from 9.0M to 5.8M instructions on the 4 MiB mixed corpus (callgrind). ~3.5M of what
//! remains is the regex crate's bounded backtracker (not yet attributed to one of the other
//! regexes; the day-first one has the same Unicode `\b`).

use std::borrow::Cow;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use regex::Regex;

use super::text::{boundary_after, boundary_before, ceil_boundary, line_bounds, prev_char, CueSet};
use crate::detect::{Detector, Entity, Finding, Hit, ScanCtx, Trigger};

/// `(cue, strong)`; strong cues are labels, weak ones verbs (`born`, `nacido`).
const CUES: &[(&str, bool)] = &[
    ("dob", true),
    ("d.o.b", true),
    ("date of birth", true),
    ("date_of_birth", true),
    ("dateofbirth", true),
    ("birth date", true),
    ("birth_date", true),
    ("birthdate", true),
    ("birthday", true),
    ("born", false),
    ("geburtsdatum", true),
    ("geburtstag", true),
    ("geb.", true),
    ("geboren", false),
    ("nasceu", false),
    ("nasci", false),
    ("nació", false),
    ("nacio", false),
    ("nacque", false),
    ("date de naissance", true),
    ("naissance", true),
    ("fecha de nacimiento", true),
    ("f. nacimiento", true),
    ("nacimiento", true),
    ("nacido", false),
    ("nacida", false),
    ("data de nascimento", true),
    ("nascimento", true),
    ("nascido", false),
    ("nascida", false),
    ("data di nascita", true),
    ("nascita", true),
    ("nato il", true),
    ("nata il", true),
    ("geboortedatum", true),
    ("geboren op", true),
    ("geb. datum", true),
];

/// Month names and abbreviations -> month number (lower-case; all seven languages).
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("janeiro", 1),
    ("januar", 1),
    ("jänner", 1),
    ("janvier", 1),
    ("enero", 1),
    ("gennaio", 1),
    ("januari", 1),
    ("janv", 1),
    ("jan", 1),
    ("ene", 1),
    ("gen", 1),
    ("february", 2),
    ("fevereiro", 2),
    ("februar", 2),
    ("février", 2),
    ("fevrier", 2),
    ("febrero", 2),
    ("febbraio", 2),
    ("februari", 2),
    ("févr", 2),
    ("fevr", 2),
    ("feb", 2),
    ("fev", 2),
    ("march", 3),
    ("março", 3),
    ("marco", 3),
    ("märz", 3),
    ("maerz", 3),
    ("mars", 3),
    ("marzo", 3),
    ("maart", 3),
    ("mär", 3),
    ("mrz", 3),
    ("mrt", 3),
    ("mar", 3),
    ("april", 4),
    ("abril", 4),
    ("avril", 4),
    ("aprile", 4),
    ("avr", 4),
    ("abr", 4),
    ("apr", 4),
    ("may", 5),
    ("maio", 5),
    ("mai", 5),
    ("mayo", 5),
    ("maggio", 5),
    ("mei", 5),
    ("mag", 5),
    ("june", 6),
    ("junho", 6),
    ("juni", 6),
    ("juin", 6),
    ("junio", 6),
    ("giugno", 6),
    ("giu", 6),
    ("jun", 6),
    ("july", 7),
    ("julho", 7),
    ("juli", 7),
    ("juillet", 7),
    ("julio", 7),
    ("luglio", 7),
    ("juil", 7),
    ("lug", 7),
    ("jul", 7),
    ("august", 8),
    ("agosto", 8),
    ("août", 8),
    ("aout", 8),
    ("augustus", 8),
    ("aug", 8),
    ("ago", 8),
    ("september", 9),
    ("setembro", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("settembre", 9),
    ("sept", 9),
    ("sep", 9),
    ("set", 9),
    ("october", 10),
    ("outubro", 10),
    ("oktober", 10),
    ("octobre", 10),
    ("octubre", 10),
    ("ottobre", 10),
    ("okt", 10),
    ("oct", 10),
    ("ott", 10),
    ("out", 10),
    ("november", 11),
    ("novembro", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("nov", 11),
    ("december", 12),
    ("dezembro", 12),
    ("dezember", 12),
    ("décembre", 12),
    ("decembre", 12),
    ("diciembre", 12),
    ("dicembre", 12),
    ("déc", 12),
    ("dec", 12),
    ("dez", 12),
    ("dic", 12),
];

/// Max bytes between the cue and the start of the date.
const GAP: usize = 40;
/// Bytes of text examined after a cue.
const WINDOW: usize = 80;
/// Trailing cue (`... 1959 geboren`): bytes examined before the cue, and the longest gap
/// allowed between the date's end and the cue.
const TRAIL_WINDOW: usize = 60;
const TRAIL_GAP: usize = 30;
/// The cue that may also follow its date.
const TRAILING_CUE: &str = "geboren";

struct Patterns {
    numeric: Regex,
    iso: Regex,
    worded_dmy: Regex,
    worded_mdy: Regex,
    /// What `worded_mdy` requires after `month[.]\s+`, anchored (see [`DobDetector::mdy_at`]).
    mdy_tail: Regex,
}

fn patterns() -> Option<&'static Patterns> {
    static P: OnceLock<Option<Patterns>> = OnceLock::new();
    P.get_or_init(|| {
        let mut names: Vec<&str> = MONTHS.iter().map(|(n, _)| *n).collect();
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        let alt = names.join("|");
        Some(Patterns {
            numeric: Regex::new(r"\b(\d{1,2})([./-])(\d{1,2})([./-])(\d{4}|\d{2})\b").ok()?,
            iso: Regex::new(r"\b(\d{4})([./-])(\d{1,2})([./-])(\d{1,2})\b").ok()?,
            worded_dmy: Regex::new(&format!(
                r"(?i)\b(\d{{1,2}})(?:st|nd|rd|th|er|º|°|\.)?\s*(?:de\s+|of\s+)?({alt})\.?,?\s*(?:de\s+|del\s+)?(\d{{4}})\b"
            ))
            .ok()?,
            worded_mdy: Regex::new(&format!(
                r"(?i)\b({alt})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"
            ))
            .ok()?,
            mdy_tail: Regex::new(r"(?i)\A(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b").ok()?,
        })
    })
    .as_ref()
}

/// Today's civil date (UTC) from the system clock.
pub(crate) fn today() -> (i32, u32, u32) {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days(i64::try_from(secs / 86_400).unwrap_or(0))
}

/// Days since 1970-01-01 -> (year, month, day) (proleptic Gregorian; H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        i32::try_from(y).unwrap_or(1970),
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// The date-of-birth detector.
pub struct DobDetector {
    today: (i32, u32, u32),
    cues: CueSet,
    literals: Vec<String>,
    /// Literals from this index on are the ` le <digit>` anchors of `né le` / `née le`.
    ne_le_from: usize,
    /// The literal of [`TRAILING_CUE`].
    trailing: Option<usize>,
}

/// `né le 3 mars 1985`: the accented cue has no usable ASCII anchor, so the detector anchors on
/// ` le ` + the date's first digit and checks `né`/`née` before it.
const NE_LE: &[&str] = &[
    " le 0", " le 1", " le 2", " le 3", " le 4", " le 5", " le 6", " le 7", " le 8", " le 9",
];
const NE_FORMS: &[&str] = &["née", "né", "nee", "ne"];

impl Default for DobDetector {
    fn default() -> Self {
        Self::new()
    }
}

impl DobDetector {
    pub fn new() -> DobDetector {
        Self::with_today(today())
    }

    /// For tests: a fixed "today".
    pub fn with_today(today: (i32, u32, u32)) -> DobDetector {
        let cues = CueSet::new(
            CUES.iter()
                .enumerate()
                .map(|(i, (w, _))| (i, *w, &[""][..])),
        );
        // Compile the patterns now (start-up), not on the first request.
        let _ = patterns();
        let mut literals = cues.literals().to_vec();
        let ne_le_from = literals.len();
        literals.extend(NE_LE.iter().map(|s| s.to_string()));
        let trailing = literals.iter().position(|l| l == TRAILING_CUE);
        DobDetector {
            today,
            cues,
            literals,
            ne_le_from,
            trailing,
        }
    }

    /// The cue range behind a hit, and whether the cue is a label (strong) or a verb.
    fn cue_at(&self, text: &str, hit: &Hit) -> Option<(usize, usize, bool)> {
        if hit.trigger >= self.ne_le_from {
            let before = text.get(..hit.start)?;
            let lower_tail: String = before
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .flat_map(char::to_lowercase)
                .collect();
            let form = NE_FORMS.iter().find(|f| lower_tail.ends_with(**f))?;
            // Byte length of the form as written (same char count).
            let n = form.chars().count();
            let start = before.char_indices().rev().nth(n - 1).map(|(i, _)| i)?;
            return Some((start, hit.start + 3, true));
        }
        let c = self.cues.resolve(text, hit.start, hit.trigger)?;
        let &(_, strong) = CUES.get(c.cue)?;
        Some((c.start, c.end, strong))
    }

    fn plausible(&self, y: i32, m: u32, d: u32) -> bool {
        let (ty, tm, td) = self.today;
        (1..=12).contains(&m)
            && d >= 1
            && d <= days_in_month(y, m)
            && y >= ty - 120
            && (y, m, d) <= (ty, tm, td)
    }

    fn year4(&self, raw: &str) -> Option<i32> {
        let v: i32 = raw.parse().ok()?;
        if raw.len() == 4 {
            return Some(v);
        }
        let cur = self.today.0 % 100;
        Some(if v <= cur { 2000 + v } else { 1900 + v })
    }

    /// The first plausible date in `win` (offsets relative to `win`), for a cue's window: the
    /// caller accepts it only if no ASCII digit precedes it (`gap_ok`), so the month-first
    /// pattern is only tried where such a date can be (see [`DobDetector::mdy_at`]).
    fn find_date(&self, win: &str) -> Option<(usize, usize)> {
        // Every pattern's numbers must parse (ASCII digits): no ASCII digit, no date.
        let d0 = win.bytes().position(|b| b.is_ascii_digit())?;
        let fast = self.mdy_at(win, d0);
        let mut best: Option<(usize, usize)> = None;
        let mut consider = |s: usize, e: usize| {
            if best.is_none_or(|(bs, _)| s < bs) {
                best = Some((s, e));
            }
        };
        self.each_date_with(win, true, fast.is_none(), &mut consider);
        if let Some(Some((s, e))) = fast {
            consider(s, e);
        }
        best
    }

    /// The plausible date in `win` that ends last (offsets relative to `win`).
    fn find_last_date(&self, win: &str) -> Option<(usize, usize)> {
        let mut best: Option<(usize, usize)> = None;
        self.each_date_with(win, false, true, |s, e| {
            if best.is_none_or(|(bs, be)| e > be || (e == be && s < bs)) {
                best = Some((s, e));
            }
        });
        best
    }

    /// Call `consider(start, end)` for plausible dates in `win`: per pattern the first one only
    /// when `first_only`, else every one. `mdy`: run the month-first pattern too.
    fn each_date_with(
        &self,
        win: &str,
        first_only: bool,
        mdy: bool,
        mut consider: impl FnMut(usize, usize),
    ) {
        let Some(p) = patterns() else {
            return;
        };
        for c in p.numeric.captures_iter(win) {
            let (Some(a), Some(s1), Some(b), Some(s2), Some(y), Some(all)) =
                (c.get(1), c.get(2), c.get(3), c.get(4), c.get(5), c.get(0))
            else {
                continue;
            };
            if s1.as_str() != s2.as_str() {
                continue;
            }
            let (Ok(a), Ok(b), Some(y)) = (
                a.as_str().parse(),
                b.as_str().parse(),
                self.year4(y.as_str()),
            ) else {
                continue;
            };
            if self.plausible(y, b, a) || self.plausible(y, a, b) {
                consider(all.start(), all.end());
                if first_only {
                    break;
                }
            }
        }
        for c in p.iso.captures_iter(win) {
            let (Some(y), Some(s1), Some(m), Some(s2), Some(d), Some(all)) =
                (c.get(1), c.get(2), c.get(3), c.get(4), c.get(5), c.get(0))
            else {
                continue;
            };
            if s1.as_str() != s2.as_str() {
                continue;
            }
            let (Ok(y), Ok(m), Ok(d)) =
                (y.as_str().parse(), m.as_str().parse(), d.as_str().parse())
            else {
                continue;
            };
            if self.plausible(y, m, d) {
                consider(all.start(), all.end());
                if first_only {
                    break;
                }
            }
        }
        for c in p.worded_dmy.captures_iter(win) {
            let (Some(d), Some(m), Some(y), Some(all)) = (c.get(1), c.get(2), c.get(3), c.get(0))
            else {
                continue;
            };
            let (Ok(d), Some(m), Ok(y)) =
                (d.as_str().parse(), month(m.as_str()), y.as_str().parse())
            else {
                continue;
            };
            if self.plausible(y, m, d) {
                consider(all.start(), all.end());
                if first_only {
                    break;
                }
            }
        }
        if !mdy {
            return;
        }
        for c in p.worded_mdy.captures_iter(win) {
            let (Some(m), Some(d), Some(y), Some(all)) = (c.get(1), c.get(2), c.get(3), c.get(0))
            else {
                continue;
            };
            let (Some(m), Ok(d), Ok(y)) =
                (month(m.as_str()), d.as_str().parse(), y.as_str().parse())
            else {
                continue;
            };
            if self.plausible(y, m, d) {
                consider(all.start(), all.end());
                if first_only {
                    break;
                }
            }
        }
    }

    /// `... 16. März 1959 geboren`: the date ending shortly before a trailing cue starting at
    /// `cue_start`, within its line and clause; absolute byte range.
    fn date_before(&self, text: &str, cue_start: usize) -> Option<(usize, usize)> {
        let (ls, _) = line_bounds(text, cue_start);
        let mut ws = ceil_boundary(text, cue_start.saturating_sub(TRAIL_WINDOW).max(ls));
        // Never start inside a word or number (`6. März` cut out of `16. März`).
        while ws < cue_start && !boundary_before(text, ws) {
            ws = ceil_boundary(text, ws + 1);
        }
        let win = text.get(ws..cue_start)?;
        let (s, e) = self.find_last_date(win)?;
        let gap = win.get(e..)?;
        if gap.len() > TRAIL_GAP || !trail_gap_ok(gap) {
            return None;
        }
        Some((ws + s, ws + e))
    }
}

/// Whether `c` matches the lower-case month-name letter `n` under `(?i)`: the regex crate
/// folds with Unicode simple case folding, which for the letters of [`MONTHS`] is the
/// one-char lower-case mapping plus `ſ` for `s` (checked against the regex crate over every
/// `char` in the tests).
fn folds_to(c: char, n: char) -> bool {
    if c == n {
        return true;
    }
    if c.is_ascii() {
        return c.to_ascii_lowercase() == n;
    }
    if c == 'ſ' {
        return n == 's';
    }
    let mut lower = c.to_lowercase();
    lower.next() == Some(n) && lower.next().is_none()
}

/// Where a case-insensitive copy of `name` ends `head`, its start.
fn folded_suffix(head: &str, name: &str) -> Option<usize> {
    let mut hc = head.char_indices().rev();
    let mut start = head.len();
    for n in name.chars().rev() {
        let (i, c) = hc.next()?;
        if !folds_to(c, n) {
            return None;
        }
        start = i;
    }
    Some(start)
}

/// Unicode `\b` before `head[s..]`, whose first char is a letter.
fn word_start(head: &str, s: usize) -> bool {
    head.get(..s)
        .and_then(|h| h.chars().next_back())
        .is_none_or(|p| !regex_syntax::is_word_character(p))
}

impl DobDetector {
    /// The month-first pattern (`March 3, 1990`) as [`DobDetector::find_date`]'s caller sees
    /// it, `d0` being the first ASCII digit of `win`, without running it over the window:
    /// `Some(date)` when that is decided here, `None` when the whole pattern must run.
    ///
    /// A date the caller accepts has no ASCII digit before it, and its day is ASCII digits
    /// after `month[.]\s+` (no digits), so its day starts at `d0`. Every match starting at or
    /// before `d0` has its day there too unless its day is a non-ASCII digit before `d0`: with
    /// no non-ASCII numeric char before `d0`, the first match of the pattern is the one at
    /// the smallest start `s` where a month name (case-insensitive) ending at `e` is preceded
    /// by `\b` and followed by `[.]\s+` up to `d0` (`e` is unique: names hold no dot or
    /// blank), and the rest matches from `d0`. If that match is not plausible, the next one
    /// starts after `d0`, and a month-first date after `d0` is never accepted: it loses to, or
    /// is rejected like, what the other patterns find. So only that match is needed.
    /// Running the pattern over the window cost ~32k instructions each (its Unicode `\b`
    /// sends the regex crate off its lazy DFA on non-ASCII text), most of the detector's cost.
    fn mdy_at(&self, win: &str, d0: usize) -> Option<Option<(usize, usize)>> {
        let before = win.get(..d0)?;
        if before.chars().any(|c| !c.is_ascii() && c.is_numeric()) {
            return None;
        }
        let name_end = before.trim_end_matches(char::is_whitespace);
        if name_end.len() == before.len() {
            return Some(None);
        }
        let head = name_end.strip_suffix('.').unwrap_or(name_end);
        let e = head.len();
        let s = MONTHS
            .iter()
            .filter_map(|(name, _)| folded_suffix(head, name))
            .filter(|&s| word_start(head, s))
            .min();
        let Some(s) = s else {
            return Some(None);
        };
        let p = patterns()?;
        let tail = win.get(d0..)?;
        let Some(c) = p.mdy_tail.captures(tail) else {
            return Some(None);
        };
        let (Some(d), Some(y), Some(all)) = (c.get(1), c.get(2), c.get(0)) else {
            return Some(None);
        };
        let (Some(m), Ok(d), Ok(y)) = (
            win.get(s..e).and_then(month),
            d.as_str().parse(),
            y.as_str().parse(),
        ) else {
            return Some(None);
        };
        Some(self.plausible(y, m, d).then_some((s, d0 + all.end())))
    }
}

/// Between a date and a trailing cue: blanks, a comma, at most three words (`in Köln`), no
/// digits and no clause punctuation.
fn trail_gap_ok(gap: &str) -> bool {
    if gap
        .chars()
        .any(|c| c.is_ascii_digit() || matches!(c, '.' | ';' | ':' | '!' | '?' | '(' | ')'))
    {
        return false;
    }
    gap.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .count()
        <= 3
}

/// Words allowed between a cue and the date (`born on`, `geb. am`, `née le`, `nacido el`).
const FILLER: &[&str] = &[
    "on", "is", "was", "the", "of", "at", "am", "ist", "le", "est", "el", "es", "fue", "em", "é",
    "foi", "a", "il", "è", "op", "is", "dd", "mm", "yyyy", "yy", "jjjj", "tt", "jj", "aaaa", "gg",
    "no", "dia", "día",
];

/// The text between a cue and its date: separators and at most three filler words, no digits.
fn gap_ok(gap: &str) -> bool {
    if gap.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let mut words = 0;
    for w in gap
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        words += 1;
        let lower = w.to_lowercase();
        if words > 3 || !FILLER.contains(&lower.as_str()) {
            return false;
        }
    }
    true
}

fn month(name: &str) -> Option<u32> {
    let lower = name.to_lowercase();
    MONTHS.iter().find(|(n, _)| *n == lower).map(|(_, m)| *m)
}

impl Detector for DobDetector {
    fn name(&self) -> &'static str {
        "date_of_birth"
    }

    fn triggers(&self) -> Vec<Trigger> {
        self.literals
            .iter()
            .map(|l| Trigger::Literal(Cow::Owned(l.clone())))
            .collect()
    }

    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let text = cx.text;
        let mut last_end = 0usize;
        for hit in hits {
            let Some((cs, ce, strong)) = self.cue_at(text, hit) else {
                continue;
            };
            let trailing = self.trailing.is_some_and(|t| t == hit.trigger);
            let hit = &Hit {
                start: cs,
                end: ce,
                trigger: hit.trigger,
            };
            if !boundary_before(text, hit.start) {
                continue;
            }
            if prev_char(text, hit.end).is_some_and(char::is_alphanumeric)
                && !boundary_after(text, hit.end)
            {
                continue;
            }
            if trailing {
                if let Some((start, end)) = self.date_before(text, hit.start) {
                    if start >= last_end {
                        last_end = end;
                        out.push(Finding {
                            entity: Entity::DateOfBirth,
                            start,
                            end,
                            score: 0.8,
                            detector: Cow::Borrowed("date_of_birth"),
                        });
                        continue;
                    }
                }
            }
            // Window: rest of the cue's line; the next line too when the rest is only a label end.
            let (_, le) = line_bounds(text, hit.end);
            let mut end = le;
            if text.get(hit.end..le).is_some_and(|r| {
                r.trim_matches(|c: char| c.is_whitespace() || c == ':')
                    .is_empty()
            }) && le < text.len()
            {
                end = line_bounds(text, le + 1).1;
            }
            let end = ceil_boundary(text, end.min(hit.end.saturating_add(WINDOW)));
            let Some(win) = text.get(hit.end..end) else {
                continue;
            };
            let Some((s, e)) = self.find_date(win) else {
                continue;
            };
            let gap = win.get(..s).unwrap_or("");
            if s > GAP || !gap_ok(gap) {
                continue;
            }
            let (start, end) = (hit.end + s, hit.end + e);
            if start < last_end {
                continue;
            }
            last_end = end;
            out.push(Finding {
                entity: Entity::DateOfBirth,
                start,
                end,
                score: if strong { 0.85 } else { 0.8 },
                detector: Cow::Borrowed("date_of_birth"),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `detect` keeps of `find_date`, against the same rule over every pattern.
    #[test]
    fn month_first_gate_keeps_accepted_dates() {
        let d = DobDetector::with_today((2026, 6, 15));
        let accepted = |r: Option<(usize, usize)>, win: &str| {
            r.filter(|&(s, _)| s <= GAP && gap_ok(win.get(..s).unwrap_or("")))
        };
        let reference = |win: &str| {
            let mut best: Option<(usize, usize)> = None;
            d.each_date_with(win, true, true, |s, e| {
                if best.is_none_or(|(bs, _)| s < bs) {
                    best = Some((s, e));
                }
            });
            best
        };
        let parts = [
            " ",
            ": ",
            "on ",
            "March ",
            "mar. ",
            "Sept.\t",
            "3 ",
            "12/03/1990",
            "1990-03-12",
            "3rd ",
            "May 3, 1990",
            "3 de março de 1985",
            "März",
            "1985",
            "é",
            "\u{b}",
            ".",
            "x",
            "ſept ",
            "١٢",
            "\n",
            "the ",
            "12 ",
            "juin 1990",
            "Oct 31 1975",
            // Case-folded names in the six languages, non-ASCII letters and digits around.
            "MARÇO ",
            "março ",
            "AOÛT ",
            "Août ",
            "DÉCEMBRE ",
            "Février ",
            "JÄNNER ",
            "OKTOBER ",
            "O\u{212a}T ",
            "diciembre ",
            "Giugno ",
            "ſeptember ",
            "ſet ",
            "Ʒ",
            "ü",
            "\u{2003}",
            "\u{a0}",
            "٣",
            "ⅷ",
            "²",
            "15",
            "7th, ",
            "4ST ",
            "5ſt ",
            ", ",
            "1999",
            "2030",
            "_",
            "\u{300}",
            "mei ",
            "ago. ",
            "dez ",
        ];
        let mut x: u32 = 3;
        let mut next = move |n: u32| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x % n
        };
        for round in 0..200_000 {
            let win: String = (0..1 + next(8))
                .map(|_| parts[next(parts.len() as u32) as usize])
                .collect();
            assert_eq!(
                accepted(d.find_date(&win), &win),
                accepted(reference(&win), &win),
                "round {round}: {win:?}"
            );
        }
        assert_eq!(d.mdy_at("born on March 3, 1990", 14), Some(Some((8, 21))));
        assert_eq!(d.mdy_at("é Sept.\u{b}3rd 1990", 9), Some(Some((3, 17))));
        // `ſept` matches the pattern, but `month` does not know it: not plausible.
        assert_eq!(d.mdy_at("é ſept.\u{b}3rd 1990", 10), Some(None));
        assert_eq!(d.mdy_at("DOB: 3", 5), Some(None));
        assert_eq!(d.mdy_at("١ May 3, 1990", 7), None);
    }

    /// `folds_to` and `word_start` against the regex crate, over every `char`.
    #[test]
    fn month_letters_fold_like_the_regex_crate() {
        let word = regex::Regex::new(r"\A\w\z").unwrap();
        let mut letters: Vec<char> = MONTHS.iter().flat_map(|(n, _)| n.chars()).collect();
        letters.sort_unstable();
        letters.dedup();
        let pats: Vec<(char, regex::Regex)> = letters
            .iter()
            .map(|&n| (n, regex::Regex::new(&format!("(?i)\\A{n}\\z")).unwrap()))
            .collect();
        let mut buf = [0u8; 4];
        for c in (0..=0x10_ffffu32).filter_map(char::from_u32) {
            let cs: &str = c.encode_utf8(&mut buf);
            for (n, re) in &pats {
                assert_eq!(folds_to(c, *n), re.is_match(cs), "{c:?} vs {n:?}");
            }
            assert_eq!(
                word_start(&format!("{c}a"), cs.len()),
                !word.is_match(cs),
                "{c:?}"
            );
        }
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        let (y, _, _) = today();
        assert!(y >= 2024);
    }

    #[test]
    fn plausibility() {
        let d = DobDetector::with_today((2026, 6, 15));
        assert!(d.plausible(1990, 2, 28));
        assert!(!d.plausible(1990, 2, 29));
        assert!(d.plausible(2000, 2, 29));
        assert!(!d.plausible(1900, 1, 1)); // > 120 years
        assert!(!d.plausible(2026, 7, 1)); // future
        assert_eq!(d.year4("85"), Some(1985));
        assert_eq!(d.year4("05"), Some(2005));
    }

    fn dates(text: &str) -> Vec<String> {
        let e = crate::detect::Engine::with_detectors(vec![Box::new(DobDetector::with_today((
            2026, 6, 15,
        )))])
        .unwrap();
        e.scan(text)
            .into_iter()
            .map(|f| text[f.start..f.end].to_string())
            .collect()
    }

    #[test]
    fn verb_cues_and_trailing_geboren() {
        let cases: &[(&str, &str)] = &[
            // PT / ES verb cues
            (
                "Beatriz Pereira: nasceu a 19 de junho de 1982.",
                "19 de junho de 1982",
            ),
            (
                "Nasceu em 3 de março de 1970, em Braga",
                "3 de março de 1970",
            ),
            ("ela nasceu no dia 4 de maio de 1990", "4 de maio de 1990"),
            ("nascida em 12/01/2003", "12/01/2003"),
            (
                "Sergio Martínez: nació el 7 de agosto de 1985.",
                "7 de agosto de 1985",
            ),
            ("NACIÓ EL 1 de enero de 1960", "1 de enero de 1960"),
            ("nacio el 02/03/1977", "02/03/1977"),
            ("nació el día 9 de mayo de 1999", "9 de mayo de 1999"),
            ("nacque il 5 aprile 1966", "5 aprile 1966"),
            // FR: single-digit days 4-9 after `née le`
            ("elle est née le 6 août 1963.", "6 août 1963"),
            ("il est né le 9 mars 1971", "9 mars 1971"),
            // DE / NL: the participle comes last
            (
                "sie wurde am 16. März 1959 geboren. Ruf sie an",
                "16. März 1959",
            ),
            ("Er ist am 3.4.1980 in Köln geboren.", "3.4.1980"),
            ("am 1. Mai 1990, geboren in Wien", "1. Mai 1990"),
            ("zij is op 3 mei 1980 geboren", "3 mei 1980"),
            // A date both before and after: the labelled one after `geboren am` wins.
            ("geboren am 2. Juni 1975", "2. Juni 1975"),
        ];
        let mut missed = Vec::new();
        for (text, want) in cases {
            let got = dates(text);
            if got != [*want] {
                missed.push(format!("{text:?}: want {want:?}, got {got:?}"));
            }
        }
        assert!(missed.is_empty(), "missed:\n{}", missed.join("\n"));
    }

    #[test]
    fn verb_cue_hard_negatives() {
        let texts = [
            // Stems inside other words
            "O evento internacional de 19 de junho de 1982 foi adiado.",
            "la selección nacional ganó el 7 de agosto de 1985",
            "Nascimento do projeto? Não: nascer do sol a 19 de junho de 2020 é irrelevante",
            // Trailing `geboren` too far, across a clause, or after a non-date
            "Termin am 16. März 2020. Das Kind wurde gestern geboren.",
            "Vertrag vom 16. März 1959 wurde in einer alten Berliner Stadt im Norden geboren",
            "sie wurde 1959 geboren",
            "am 31. Februar 1959 geboren",
            "am 16. März 2999 geboren",
            "ungeboren am 16. März 1959",
            "am 16. März 1959 geborene Kinder",
            // Day 4-9 after `le` without `né(e)`
            "le 6 août 1963 le contrat a été signé",
        ];
        let mut bad = Vec::new();
        for t in texts {
            let got = dates(t);
            if !got.is_empty() {
                bad.push(format!("{t:?} -> {got:?}"));
            }
        }
        assert!(bad.is_empty(), "false positives:\n{}", bad.join("\n"));
    }
}
