//! `PERSON`: person names in prose, letters, headers and records, by rules only (no ML).
//!
//! Cue-anchored: the engine's automaton finds the cues (self-introductions, salutations,
//! honorifics, signature closings, name fields, commit trailers) in EN PT DE FR ES IT NL; this
//! detector then reads at most four capitalised tokens (plus particles `da`, `van der`, `von`,
//! ...) right after the cue, on the same line (or the next line for signature closings), and
//! scores them with the shipped name dictionaries. It never scans text away from its cues and
//! never flags a bare dictionary word: a known token alone, without a cue, is not a finding.
//!
//! Scores by cue strength × dictionary evidence ("known" = in the given-name or surname list):
//!
//! | cue strength | two+ tokens known | one known | none known |
//! |---|---|---|---|
//! | strong: `my name is`, `ich heiße`, name fields, honorifics `Mr.`/`Herr`/`Mme`, bare closings, `Signed-off-by`, `Name <email>` | 0.92 | 0.82 | 0.62 |
//! | medium: `Dear`/`Prezado`/`Geachte`, `Dr.`/`Dra.`/`Frau`, FR `M.` (known first token only), `name:`/`nom:`, prose trailers, `Kind regards` | 0.88 | 0.72 if the first token is a given name (or any after an honorific), else 0.48 | 0.45 |
//! | weak: `Hi`/`Olá`/`Hallo`, `I'm`, `this is` | 0.8 | 0.6 if the first token is a given name; 0.55 for a known surname after another capitalised word | 0.3 |
//!
//! The engine drops < 0.5. Rejected outright: hard stop words (tools, pronouns, group nouns:
//! `Dear team`, `Hi all`, `Jenkins CI`), ambiguous names alone (`Hi Mark`, `Author: Jenkins`,
//! `Paris`, `April`: soft stop words count only next to an unambiguous known name), code
//! identifiers (`snake_case`, `camelCase`, `dotted.names`, `Self::X`, `Option<T>`, `name@`),
//! lower-case values (`name: nginx-deployment`), all-caps constants (`name='FRAME'`), field
//! values followed by more words (`name: Job queue name`).
//! Honorific abbreviations may carry an ordinal mark (`Dr.ª`, `Sr.ª`, `Sr.a`). The single-letter
//! French `M.` is also an initial, a unit and a label, so it needs a capital `M`, no digit or
//! initial before it, and a known, unambiguous first name token.
//! Opt-in extra: [`PersonDetector::scan_bare_pairs`] (cue-less "Given Surname"; a full pass).

use std::borrow::Cow;
use std::sync::Arc;

use super::names::{Known, Names, PARTICLES};
use super::text::{
    boundary_after, boundary_before, line_bounds, next_char, prev_char, skip_blanks, skip_ws_lines,
    CueSet,
};
use crate::detect::{Detector, Entity, Finding, Hit, ScanCtx, Trigger};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    Weak,
    Medium,
    Strong,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Name right after the cue (`my name is`, `je m'appelle`).
    Intro(Strength),
    /// Name right after the cue, optionally after an honorific (`Dear Mr.`).
    Salutation(Strength),
    /// Optional `.`, then the name (`Mr.`, `Herr`, `Mme`).
    Honorific(Strength),
    /// Closing at the start of a line; the name follows after a comma or on the next line.
    Closing,
    /// A key: the value after `:`/`=` (required when `sep`) is the name.
    Field { strength: Strength, sep: bool },
}

/// Which literals the automaton gets for a cue. Short cues carry the character that must follow
/// them, so they do not fire inside every word (`hi` in `this`, `sr` in `src`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// The word itself (lower-case and non-ASCII-capitalised forms).
    Word,
    /// Followed by ` `, `,` or `!` (`hi`).
    End,
    /// Followed by `.` or ` ` (`mr`, `dr`).
    Hon,
    /// Followed by `.` (`sig.`, `dott.`).
    Dot,
    /// Followed by `. ` (the single-letter `M. `: a bare `m.` ends too many words).
    DotSpace,
    /// A key followed by a separator (`from:`, `"nom":`, `name =`).
    Key,
}

impl Form {
    fn suffixes(self) -> &'static [&'static str] {
        match self {
            Form::Word => &[""],
            Form::End => &[" ", ",", "!"],
            Form::Hon => &[".", " "],
            Form::Dot => &["."],
            Form::DotSpace => &[". "],
            Form::Key => &[":", " :", "\":", "\" :", "=", " =", "':", "' :"],
        }
    }
}

struct Cue {
    word: &'static str,
    kind: Kind,
    form: Form,
}

const fn cue(word: &'static str, kind: Kind) -> Cue {
    Cue {
        word,
        kind,
        form: Form::Word,
    }
}

const fn cue_f(word: &'static str, kind: Kind, form: Form) -> Cue {
    Cue { word, kind, form }
}

use Kind::*;
use Strength::*;

const STRONG_FIELD: Kind = Field {
    strength: Strong,
    sep: true,
};
const TRAILER: Kind = Field {
    strength: Strong,
    sep: false,
};
/// Prose trailers (`reported by`, `assigned to`): no separator, and the phrase also precedes
/// non-names (`assigned to Instance {id}`), so a known name is needed.
const PROSE_TRAILER: Kind = Field {
    strength: Medium,
    sep: false,
};
const GENERIC_FIELD: Kind = Field {
    strength: Medium,
    sep: true,
};

/// The cue table. Non-ASCII cues are triggered in both their lower-case and capitalised forms.
const CUES: &[Cue] = &[
    // self-introductions
    cue("my name is", Intro(Strong)),
    cue("my name's", Intro(Strong)),
    cue("name is", Intro(Medium)),
    cue("i'm", Intro(Weak)),
    cue("i\u{2019}m", Intro(Weak)),
    cue("i am", Intro(Weak)),
    cue("this is", Intro(Weak)),
    cue("meu nome é", Intro(Strong)),
    cue("meu nome e", Intro(Strong)),
    cue("chamo-me", Intro(Strong)),
    cue("me chamo", Intro(Strong)),
    cue("ich heiße", Intro(Strong)),
    cue("ich heisse", Intro(Strong)),
    cue("mein name ist", Intro(Strong)),
    cue("ich bin", Intro(Weak)),
    cue("je m'appelle", Intro(Strong)),
    cue("je m\u{2019}appelle", Intro(Strong)),
    cue("mon nom est", Intro(Strong)),
    cue("je suis", Intro(Weak)),
    cue("me llamo", Intro(Strong)),
    cue("mi nombre es", Intro(Strong)),
    cue("soy", Intro(Weak)),
    cue("mi chiamo", Intro(Strong)),
    cue("il mio nome è", Intro(Strong)),
    cue("sono", Intro(Weak)),
    cue("ik heet", Intro(Strong)),
    cue("mijn naam is", Intro(Strong)),
    cue("ik ben", Intro(Weak)),
    cue("sou o", Intro(Weak)),
    cue("sou a", Intro(Weak)),
    // salutations
    cue("dear", Salutation(Medium)),
    cue("caro", Salutation(Medium)),
    cue("cara", Salutation(Weak)),
    cue("prezado", Salutation(Medium)),
    cue("prezada", Salutation(Medium)),
    cue("querido", Salutation(Medium)),
    cue("querida", Salutation(Medium)),
    cue("sehr geehrte", Salutation(Medium)),
    cue("sehr geehrter", Salutation(Medium)),
    cue("liebe", Salutation(Weak)),
    cue("lieber", Salutation(Weak)),
    cue("cher", Salutation(Medium)),
    cue("chere", Salutation(Medium)),
    cue("estimado", Salutation(Medium)),
    cue("estimada", Salutation(Medium)),
    cue("gentile", Salutation(Medium)),
    cue("gentilissimo", Salutation(Medium)),
    cue("gentilissima", Salutation(Medium)),
    cue("geachte", Salutation(Medium)),
    cue("beste", Salutation(Weak)),
    cue_f("hi", Salutation(Weak), Form::End),
    cue("hello", Salutation(Weak)),
    cue("hey", Salutation(Weak)),
    cue("hallo", Salutation(Weak)),
    cue("olá", Salutation(Weak)),
    cue("ola", Salutation(Weak)),
    cue_f("oi", Salutation(Weak), Form::End),
    cue("bom dia", Salutation(Weak)),
    cue("bonjour", Salutation(Weak)),
    cue("salut", Salutation(Weak)),
    cue("hola", Salutation(Weak)),
    cue("buenos días", Salutation(Weak)),
    cue("ciao", Salutation(Weak)),
    cue("buongiorno", Salutation(Weak)),
    cue("hoi", Salutation(Weak)),
    cue("goedemorgen", Salutation(Weak)),
    cue("guten tag", Salutation(Weak)),
    // honorifics
    cue_f("mr", Honorific(Strong), Form::Hon),
    cue_f("mrs", Honorific(Strong), Form::Hon),
    cue_f("ms", Honorific(Strong), Form::Hon),
    cue("miss", Honorific(Medium)),
    cue_f("dr", Honorific(Medium), Form::Hon),
    cue_f("dra", Honorific(Medium), Form::Hon),
    // French `M.` (Monsieur): only before a known name, see `SINGLE_LETTER_HONORIFIC`.
    cue_f("m", Honorific(Medium), Form::DotSpace),
    cue_f("prof", Honorific(Medium), Form::Hon),
    cue("herr", Honorific(Strong)),
    cue("frau", Honorific(Medium)),
    cue_f("mme", Honorific(Strong), Form::Hon),
    cue("mlle", Honorific(Strong)),
    cue("monsieur", Honorific(Strong)),
    cue("madame", Honorific(Strong)),
    cue_f("sr", Honorific(Medium), Form::Hon),
    cue_f("sra", Honorific(Strong), Form::Hon),
    cue_f("srta", Honorific(Strong), Form::Hon),
    cue("senhor", Honorific(Strong)),
    cue("senhora", Honorific(Strong)),
    cue_f("sig", Honorific(Strong), Form::Dot),
    cue("sig.ra", Honorific(Strong)),
    cue("signor", Honorific(Strong)),
    cue("signora", Honorific(Strong)),
    cue_f("dott", Honorific(Strong), Form::Dot),
    cue("dott.ssa", Honorific(Strong)),
    cue_f("dhr", Honorific(Strong), Form::Hon),
    cue_f("mevr", Honorific(Strong), Form::Hon),
    cue("mevrouw", Honorific(Strong)),
    cue("meneer", Honorific(Strong)),
    // signature closings
    cue("regards", Closing),
    cue("best", Closing),
    cue("cheers", Closing),
    cue("thanks", Closing),
    cue("thank you", Closing),
    cue("sincerely", Closing),
    cue("yours", Closing),
    cue("atenciosamente", Closing),
    cue("cumprimentos", Closing),
    cue("obrigado", Closing),
    cue("obrigada", Closing),
    cue("abraços", Closing),
    cue("abraço", Closing),
    cue("mit freundlichen grüßen", Closing),
    cue("mit freundlichen gruessen", Closing),
    cue("freundliche grüße", Closing),
    cue("viele grüße", Closing),
    cue("beste grüße", Closing),
    cue("liebe grüße", Closing),
    cue("gruß", Closing),
    cue("cordialement", Closing),
    cue("bien cordialement", Closing),
    cue("salutations", Closing),
    cue("merci", Closing),
    cue("saludos", Closing),
    cue("un saludo", Closing),
    cue("atentamente", Closing),
    cue("gracias", Closing),
    cue("cordiali saluti", Closing),
    cue("distinti saluti", Closing),
    cue("saluti", Closing),
    cue("grazie", Closing),
    cue("met vriendelijke groet", Closing),
    cue("vriendelijke groeten", Closing),
    cue("groeten", Closing),
    cue("groet", Closing),
    cue("bedankt", Closing),
    // fields and trailers
    cue("first_name", STRONG_FIELD),
    cue("firstname", STRONG_FIELD),
    cue("first name", STRONG_FIELD),
    cue("last_name", STRONG_FIELD),
    cue("lastname", STRONG_FIELD),
    cue("last name", STRONG_FIELD),
    cue("full_name", STRONG_FIELD),
    cue("fullname", STRONG_FIELD),
    cue("full name", STRONG_FIELD),
    cue("given_name", STRONG_FIELD),
    cue("family_name", STRONG_FIELD),
    cue_f("surname", STRONG_FIELD, Form::Key),
    cue("display_name", GENERIC_FIELD),
    cue_f("contact", GENERIC_FIELD, Form::Key),
    cue_f("customer", GENERIC_FIELD, Form::Key),
    cue_f("patient", STRONG_FIELD, Form::Key),
    cue_f("employee", GENERIC_FIELD, Form::Key),
    cue("vorname", STRONG_FIELD),
    cue("nachname", STRONG_FIELD),
    cue("prénom", STRONG_FIELD),
    cue("prenom", STRONG_FIELD),
    cue("nom de famille", STRONG_FIELD),
    cue("apellidos", STRONG_FIELD),
    cue("apellido", STRONG_FIELD),
    cue("cognome", STRONG_FIELD),
    cue("voornaam", STRONG_FIELD),
    cue("achternaam", STRONG_FIELD),
    cue("sobrenome", STRONG_FIELD),
    cue("apelido", STRONG_FIELD),
    cue("nome completo", STRONG_FIELD),
    cue("nombre completo", STRONG_FIELD),
    cue_f("author", STRONG_FIELD, Form::Key),
    cue_f("authors", STRONG_FIELD, Form::Key),
    cue_f("name", GENERIC_FIELD, Form::Key),
    cue_f("nome", GENERIC_FIELD, Form::Key),
    cue_f("nom", GENERIC_FIELD, Form::Key),
    cue_f("nombre", GENERIC_FIELD, Form::Key),
    cue_f("naam", GENERIC_FIELD, Form::Key),
    cue_f("from", GENERIC_FIELD, Form::Key),
    cue_f("assignee", STRONG_FIELD, Form::Key),
    cue_f("reporter", STRONG_FIELD, Form::Key),
    cue("signed-off-by", TRAILER),
    cue("co-authored-by", TRAILER),
    cue("reviewed-by", TRAILER),
    cue("reported-by", TRAILER),
    cue("acked-by", TRAILER),
    cue("tested-by", TRAILER),
    cue("reported by", PROSE_TRAILER),
    cue("written by", PROSE_TRAILER),
    cue("authored by", PROSE_TRAILER),
    cue("assigned to", PROSE_TRAILER),
];

/// Honorifics that may sit between a salutation and the name (`Dear Mr.`, `Sehr geehrter Herr`).
#[rustfmt::skip]
const INNER_HONORIFICS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "dra", "prof", "herr", "frau", "mme", "monsieur", "madame", "sr", "sra",
    "señor", "señora", "senhor", "senhora", "sig", "signor", "signora", "dott", "dhr", "mevr",
    "heer", "mevrouw",
];

/// The French `M.`: a capital `M`, and the name's first token must be a known given name or
/// surname (not an ambiguous word): `M.` is also an initial, a unit or a list label.
const SINGLE_LETTER_HONORIFIC: &str = "M";

/// Feminine/masculine ordinal indicators of abbreviated honorifics (`Dr.ª`, `Sr.ª`, `Sr.º`).
const ORDINAL_MARKS: &[char] = &['\u{aa}', '\u{ba}'];

/// Max bytes read after a cue.
const SPAN_LIMIT: usize = 160;
const MAX_TOKENS: usize = 4;

/// The person-name detector.
pub struct PersonDetector {
    names: Arc<Names>,
    cues: CueSet,
}

impl PersonDetector {
    pub fn new(names: Arc<Names>) -> PersonDetector {
        let cues = CueSet::new(
            CUES.iter()
                .enumerate()
                .map(|(i, c)| (i, c.word, c.form.suffixes())),
        );
        PersonDetector { names, cues }
    }
}

impl Detector for PersonDetector {
    fn name(&self) -> &'static str {
        "person"
    }

    fn triggers(&self) -> Vec<Trigger> {
        self.cues
            .literals()
            .iter()
            .map(|l| Trigger::Literal(Cow::Owned(l.clone())))
            .collect()
    }

    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let mut buf = String::new();
        let mut last: Option<(usize, usize, f32)> = None;
        for hit in hits {
            let Some(ch) = self.cues.resolve(cx.text, hit.start, hit.trigger) else {
                continue;
            };
            let Some(c) = CUES.get(ch.cue) else {
                continue;
            };
            let cue = Hit {
                start: ch.start,
                end: ch.end,
                trigger: hit.trigger,
            };
            let Some((start, end, score)) = self.at_cue(cx.text, &cue, c.kind, &mut buf) else {
                continue;
            };
            if score < 0.5 {
                continue;
            }
            if let Some((ls, le, lsc)) = last {
                if ls == start && le == end && lsc >= score {
                    continue;
                }
            }
            last = Some((start, end, score));
            out.push(Finding {
                entity: Entity::Person,
                start,
                end,
                score,
                detector: Cow::Borrowed("person"),
            });
        }
    }
}

/// Cue-less "Given Surname" pairs (opt-in; not part of the engine's trigger pass).
impl PersonDetector {
    /// Scan all of `text` for two or three capitalised tokens where the first is an unambiguous
    /// known given name and the next a known surname (`... asked Maria Santos to ...`), pushing
    /// `PERSON` findings scored 0.7 (0.6 when the pair opens a sentence, where capitals prove
    /// nothing). This is an extra full pass over the text (~ a tokenizer), so the engine does
    /// not run it: it is off by default and meant for callers that opt in (e.g. a config flag
    /// wired by the engine owner) and can afford it.
    pub fn scan_bare_pairs(&self, text: &str, out: &mut Vec<Finding>) {
        let b = text.as_bytes();
        let mut buf = String::new();
        let mut i = 0usize;
        while i < b.len() {
            // Next word start.
            let Some(&c) = b.get(i) else { break };
            let word_start = (c.is_ascii_uppercase() || c >= 0xC0) && boundary_before(text, i);
            if !word_start || !text.is_char_boundary(i) {
                i += 1;
                continue;
            }
            let cap = super::text::ceil_boundary(text, i.saturating_add(SPAN_LIMIT));
            let limit = b
                .get(i..cap)
                .and_then(|w| memchr::memchr(b'\n', w))
                .map_or(cap, |k| i + k);
            let Some(first) = token_at(text, i, limit) else {
                i += 1;
                continue;
            };
            let next = first.end.max(i + 1);
            if first.initial || first.caps || first.camel || identifier_follows(text, first.end) {
                i = next;
                continue;
            }
            let Some(fw) = text.get(first.start..first.end) else {
                i = next;
                continue;
            };
            let k1 = self.names.lookup(fw, &mut buf);
            if !k1.given || k1.soft || k1.stop {
                i = next;
                continue;
            }
            let Some(span) = self.read_name(text, first.start, limit, &mut buf) else {
                i = next;
                continue;
            };
            if span.n < 2 {
                i = next;
                continue;
            }
            let mut surname = false;
            let mut end = first.end;
            for &(s, e) in span.tokens.iter().take(span.n).skip(1) {
                let Some(w) = text.get(s..e) else { break };
                let k = self.names.lookup(w, &mut buf);
                if k.stop || !(k.surname || k.given) {
                    break;
                }
                surname |= k.surname && !k.soft;
                end = e;
            }
            if !surname {
                i = next;
                continue;
            }
            let sentence_start = text
                .get(..first.start)
                .map(|t| t.trim_end_matches([' ', '\t', '"', '\'', '(']))
                .is_none_or(|t| t.is_empty() || t.ends_with(['.', '!', '?', '\n', ':']));
            out.push(Finding {
                entity: Entity::Person,
                start: first.start,
                end,
                score: if sentence_start { 0.6 } else { 0.7 },
                detector: Cow::Borrowed("person_pair"),
            });
            i = end.max(i + 1);
        }
    }
}

/// One name candidate: token byte ranges (initials excluded) and the whole span.
struct NameSpan {
    start: usize,
    end: usize,
    tokens: [(usize, usize); MAX_TOKENS],
    n: usize,
}

impl PersonDetector {
    /// Evaluate one cue occurrence; `(start, end, score)` of the name it introduces.
    fn at_cue(
        &self,
        text: &str,
        hit: &Hit,
        kind: Kind,
        buf: &mut String,
    ) -> Option<(usize, usize, f32)> {
        if !boundary_before(text, hit.start) {
            return None;
        }
        // Cues ending in a letter must end a word (`dear` but not `dearest`).
        let last_is_alpha = prev_char(text, hit.end).is_some_and(char::is_alphabetic);
        if last_is_alpha && !boundary_after(text, hit.end) {
            return None;
        }
        let mut strength;
        let mut p;
        match kind {
            Intro(s) => {
                strength = s;
                p = skip_blanks(text, hit.end);
                if p == hit.end {
                    return None;
                }
                if let Some(&b':' | &b',') = text.as_bytes().get(p) {
                    p = skip_blanks(text, p + 1);
                }
            }
            Salutation(s) => {
                strength = s;
                p = skip_blanks(text, hit.end);
                if p == hit.end {
                    return None;
                }
                // `Dear Mr.`, `Sehr geehrte Frau Dr.`: up to two honorifics.
                for _ in 0..2 {
                    if let Some(after) = skip_honorific(text, p) {
                        p = after;
                        strength = Strong;
                    }
                }
            }
            Honorific(s) => {
                strength = s;
                p = hit.end;
                if text.as_bytes().get(p) == Some(&b'.') {
                    p += 1;
                    // `Dr.ª Ana`, `Sr.ª Costa`, `Sr.a Costa` (PT abbreviations).
                    if let Some(c) = next_char(text, p).filter(|c| ORDINAL_MARKS.contains(c)) {
                        p += c.len_utf8();
                    } else if text.as_bytes().get(p) == Some(&b'a')
                        && matches!(text.as_bytes().get(p + 1), Some(b' ' | b'\t'))
                    {
                        p += 1;
                    }
                }
                let q = skip_blanks(text, p);
                if q == p || q > p + 2 {
                    return None;
                }
                p = q;
                let cue_text = text.get(hit.start..hit.end).unwrap_or("");
                if cue_text.eq_ignore_ascii_case(SINGLE_LETTER_HONORIFIC) {
                    return self.single_letter_honorific(text, hit, cue_text, p, buf);
                }
                // `MS Shift-JIS`, `DR site`: an all-caps short honorific is an acronym unless
                // the name is all caps too (`MR JOHN SMITH` on a form).
                if cue_text.len() <= 3 && cue_text.chars().all(|c| c.is_ascii_uppercase()) {
                    let mut it = text.get(p..).unwrap_or("").chars();
                    let both_caps = it.next().is_some_and(char::is_uppercase)
                        && it.next().is_some_and(char::is_uppercase);
                    if !both_caps {
                        return None;
                    }
                }
            }
            Field { strength: s, sep } => {
                strength = s;
                p = field_value_start(text, hit, sep)?;
            }
            Closing => {
                let (at, s) = closing_name_start(text, hit)?;
                strength = s;
                p = at;
            }
        }
        let (_, line_end) = line_bounds(text, p);
        let limit = line_end.min(p.saturating_add(SPAN_LIMIT));
        let span = self.read_name(text, p, limit, buf)?;
        // A name on a signature line must be the whole line (or be followed by a separator).
        if kind == Closing && !closing_line_ok(text, span.end, line_end) {
            return None;
        }
        // A field value is the name alone (`name: Job queue name` is a description).
        if matches!(kind, Field { .. }) && !field_rest_ok(text, span.end, line_end) {
            return None;
        }
        // `Name <email>` (git trailers, mail headers) is a strong shape.
        if followed_by_email(text, span.end, line_end) {
            strength = Strong;
        }
        // After an honorific a lone surname is the norm (`Dr. Schmidt`).
        let surname_ok = matches!(kind, Honorific(_));
        let (end, score) = self.score(text, &span, strength, surname_ok, buf)?;
        Some((span.start, end, score))
    }

    /// `M. Amélie Martin`: capital `M`, not after a digit (`5 M. `) or another initial
    /// (`J. M. Smith`), and the first name token a known, unambiguous given name or surname.
    fn single_letter_honorific(
        &self,
        text: &str,
        hit: &Hit,
        cue_text: &str,
        p: usize,
        buf: &mut String,
    ) -> Option<(usize, usize, f32)> {
        if cue_text != SINGLE_LETTER_HONORIFIC {
            return None;
        }
        let before = text.get(..hit.start)?.trim_end_matches([' ', '\t']);
        if before.ends_with(|c: char| c.is_ascii_digit())
            || before
                .strip_suffix('.')
                .is_some_and(|b| b.chars().next_back().is_some_and(char::is_uppercase))
        {
            return None;
        }
        let (_, line_end) = line_bounds(text, p);
        let limit = line_end.min(p.saturating_add(SPAN_LIMIT));
        let span = self.read_name(text, p, limit, buf)?;
        let &(fs, fe) = span.tokens.first()?;
        let k = self.names.lookup(text.get(fs..fe)?, buf);
        if !k.any() || k.soft || k.stop {
            return None;
        }
        let (end, score) = self.score(text, &span, Medium, true, buf)?;
        Some((span.start, end, score))
    }

    /// Read 1–4 capitalised tokens (with particles and initials) from `p`, within `limit`.
    fn read_name(&self, text: &str, p: usize, limit: usize, buf: &mut String) -> Option<NameSpan> {
        let mut span = NameSpan {
            start: p,
            end: p,
            tokens: [(0, 0); MAX_TOKENS],
            n: 0,
        };
        let mut q = p;
        let mut first = true;
        while span.n < MAX_TOKENS && q < limit {
            if !first {
                // Particles: lower-case words (`da`, `van den`) before a capitalised token.
                let mut r = q;
                for _ in 0..3 {
                    match particle_at(text, r, limit) {
                        Some(after) => r = after,
                        None => break,
                    }
                }
                if r != q && !next_char(text, r).is_some_and(char::is_uppercase) {
                    break;
                }
                q = r;
            }
            let Some(tok) = token_at(text, q, limit) else {
                break;
            };
            if tok.initial {
                if first {
                    // A name does not start with a bare initial in our cues (`Dr. J.`): skip.
                    return None;
                }
            } else {
                let k = if tok.caps || tok.camel {
                    self.names.lookup(text.get(tok.start..tok.end)?, buf)
                } else {
                    Known::default()
                };
                if tok.camel && !k.any() {
                    if first {
                        return None;
                    }
                    break;
                }
                // ALL-CAPS tokens count only when known and longer than two letters (`AI`,
                // `HR`, `QA` are acronyms).
                if tok.caps && (!k.any() || tok.end - tok.start < 3) {
                    if first {
                        return None;
                    }
                    break;
                }
                if let Some(slot) = span.tokens.get_mut(span.n) {
                    *slot = (tok.start, tok.end);
                }
                span.n += 1;
            }
            if identifier_follows(text, tok.end) {
                if first {
                    return None;
                }
                // Drop the offending token.
                span.n = span.n.saturating_sub(usize::from(!tok.initial));
                break;
            }
            span.end = tok.end;
            first = false;
            // Continue only across one space.
            match text.as_bytes().get(tok.end) {
                Some(b' ') if tok.end + 1 < limit => q = tok.end + 1,
                _ => break,
            }
        }
        if span.n == 0 {
            return None;
        }
        // The span ends at the last real token or initial kept.
        let last_tok_end = span.tokens.get(span.n - 1).map_or(span.end, |t| t.1);
        span.end = span.end.max(last_tok_end);
        if let Some(t) = span.tokens.first() {
            span.start = t.0;
        }
        Some(span)
    }

    /// `(end, score)`: the span is cut before the first stop word.
    fn score(
        &self,
        text: &str,
        span: &NameSpan,
        strength: Strength,
        surname_ok: bool,
        buf: &mut String,
    ) -> Option<(usize, f32)> {
        let mut ks = [Known::default(); MAX_TOKENS];
        let mut kept = 0usize;
        let mut end = span.start;
        for (i, &(s, e)) in span.tokens.iter().take(span.n).enumerate() {
            let k = self.names.lookup(text.get(s..e)?, buf);
            if k.stop {
                break;
            }
            if let Some(slot) = ks.get_mut(i) {
                *slot = k;
            }
            kept += 1;
            end = e;
        }
        if kept == 0 {
            return None;
        }
        let ks = ks.get(..kept)?;
        // ALL-CAPS values (`name='FRAME'`, `NAME: ADMIN`) are constants unless they read as
        // a full name: two tokens or more, the first a known given name.
        let all_caps = span.tokens.iter().take(kept).all(|&(s, e)| {
            text.get(s..e)
                .is_some_and(|w| w.chars().all(|c| !c.is_lowercase()))
        });
        if all_caps && (kept < 2 || !ks.first().is_some_and(|k| k.given)) {
            return None;
        }
        let firm = ks.iter().filter(|k| k.any() && !k.soft).count();
        let soft = ks.iter().filter(|k| k.soft).count();
        if firm == 0 && soft > 0 && kept == 1 {
            // `Hi Mark`, `Author: Jenkins`: ambiguous word alone.
            return None;
        }
        let (known_count, first_given) = if firm > 0 {
            (
                ks.iter().filter(|k| k.any()).count(),
                ks.first().is_some_and(|k| k.given),
            )
        } else {
            // Ambiguous words count as unknown capitalised words.
            (0, false)
        };
        let pair = kept >= 2 && known_count >= 2;
        let one = known_count >= 1;
        let s = match strength {
            Strong if pair => 0.92,
            Strong if one => 0.82,
            Strong => 0.62,
            Medium if pair => 0.88,
            // `G.name = "Bull Graph"`: after a generic cue, one known token must be a given
            // name in first position.
            Medium if first_given || (one && surname_ok) => 0.72,
            Medium if one => 0.48,
            Medium => 0.45,
            Weak if pair => 0.8,
            Weak if first_given => 0.6,
            // `Hallo Sem Bakker`: a known surname after an unknown capitalised word.
            Weak if one && kept >= 2 => 0.55,
            Weak => 0.3,
        };
        Some((end, s))
    }
}

/// A capitalised token.
struct Tok {
    start: usize,
    end: usize,
    /// `J.`
    initial: bool,
    /// ALL CAPS (length > 1).
    caps: bool,
    /// camelCase inside (`McDonald` is allowed, `kubeCtl` is not a name).
    camel: bool,
}

fn token_at(text: &str, p: usize, limit: usize) -> Option<Tok> {
    let rest = text.get(p..limit)?;
    let mut it = rest.char_indices().peekable();
    let (_, c0) = it.next()?;
    if !c0.is_uppercase() {
        return None;
    }
    let mut end = c0.len_utf8();
    let mut letters = 1usize;
    let mut upper = 1usize;
    let mut camel = false;
    let mut prev_lower = false;
    while let Some(&(i, c)) = it.peek() {
        if c.is_alphabetic() {
            if c.is_uppercase() {
                upper += 1;
                if prev_lower {
                    camel = true;
                }
            }
            prev_lower = c.is_lowercase();
            letters += 1;
            end = i + c.len_utf8();
            it.next();
        } else if matches!(c, '\'' | '\u{2019}' | '-') {
            // Joiner only when a letter follows.
            let mut look = rest.get(i + c.len_utf8()..)?.chars();
            if look.next().is_some_and(char::is_alphabetic) {
                prev_lower = false;
                end = i + c.len_utf8();
                it.next();
            } else {
                break;
            }
        } else {
            break;
        }
    }
    // Possessive `John's` / `João’s`: the name is `John`.
    for poss in ["'s", "\u{2019}s"] {
        if rest.get(..end).is_some_and(|w| w.ends_with(poss)) && end > poss.len() + 1 {
            end -= poss.len();
            break;
        }
    }
    let word = rest.get(..end)?;
    // `Shift-JIS`: an all-caps part in a mixed-case token is an identifier, not a name.
    if upper != letters
        && word
            .split(['-', '\'', '\u{2019}'])
            .any(|part| part.chars().count() >= 2 && part.chars().all(char::is_uppercase))
    {
        camel = true;
    }
    // Mc/Mac/O'/D' prefixes and Di/De/La/Le (DiCaprio, DeMarco) make inner capitals legitimate.
    if camel
        && ["Mc", "Mac", "Di", "De", "La", "Le", "Van", "Von"]
            .iter()
            .any(|pre| word.starts_with(pre))
        && word.chars().skip(1).filter(|c| c.is_uppercase()).count() == 1
    {
        camel = false;
    }
    if letters == 1 {
        // `J.` initial, or a lone capital letter (not a name token).
        if rest.as_bytes().get(end) == Some(&b'.') {
            return Some(Tok {
                start: p,
                end: p + end + 1,
                initial: true,
                caps: false,
                camel: false,
            });
        }
        return None;
    }
    Some(Tok {
        start: p,
        end: p + end,
        initial: false,
        caps: upper == letters,
        camel,
    })
}

/// A lower-case particle and its trailing space (or `d'`); the position after it.
fn particle_at(text: &str, p: usize, limit: usize) -> Option<usize> {
    let rest = text.get(p..limit)?;
    PARTICLES.iter().find_map(|part| {
        let after = rest.strip_prefix(part)?;
        if part.ends_with('\'') {
            Some(p + part.len())
        } else if after.starts_with(' ') {
            Some(p + part.len() + 1)
        } else {
            None
        }
    })
}

/// After a token: `_x`, `.x`, `@`, `(`, a digit or `/` mean a code identifier, path or email.
fn identifier_follows(text: &str, end: usize) -> bool {
    let b = text.as_bytes();
    match b.get(end) {
        // `Option<String>`: a generic type (`Jane Doe <jane@x.org>` has a space first).
        Some(b'_' | b'@' | b'(' | b'/' | b'\\' | b'[' | b'{' | b'=' | b'<') => true,
        Some(c) if c.is_ascii_digit() => true,
        // `Self::Output`, `Foo.bar`
        Some(b'.' | b':') => b
            .get(end + 1)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b':'),
        _ => false,
    }
}

/// Skip an honorific (with optional dot) followed by blanks; position after it.
fn skip_honorific(text: &str, p: usize) -> Option<usize> {
    let rest = text.get(p..)?;
    // An ASCII first byte must start one of the honorifics (ASCII case-insensitively).
    if let Some(&c) = rest.as_bytes().first() {
        if c.is_ascii()
            && !INNER_HONORIFICS.iter().any(|h| {
                h.as_bytes()
                    .first()
                    .is_some_and(|f| f.eq_ignore_ascii_case(&c))
            })
        {
            return None;
        }
    }
    for h in INNER_HONORIFICS {
        let Some(n) = super::text::starts_with_ci(rest, 0, h) else {
            continue;
        };
        let mut q = p + n;
        if text.as_bytes().get(q) == Some(&b'.') {
            q += 1;
        } else if !boundary_after(text, q) {
            continue;
        }
        let r = skip_blanks(text, q);
        if r > q {
            return Some(r);
        }
    }
    None
}

/// Where a field's value starts: after optional closing quote, blanks, a `:`/`=` separator
/// (required when `sep`), blanks and an optional opening quote.
fn field_value_start(text: &str, hit: &Hit, sep: bool) -> Option<usize> {
    let b = text.as_bytes();
    // Keys must be keys: preceded by line start, a quote, `_`, `.`, `-`, `{`, `,` or blanks.
    let before = prev_char(text, hit.start);
    if before.is_some_and(|c| c.is_alphanumeric()) {
        return None;
    }
    let mut p = hit.end;
    if matches!(b.get(p), Some(b'"' | b'\'')) {
        p += 1;
    }
    p = skip_blanks(text, p);
    let mut had_sep = false;
    match b.get(p) {
        Some(b':') => {
            had_sep = true;
            p += 1;
        }
        Some(b'=') => {
            had_sep = true;
            p += 1;
            if b.get(p) == Some(&b'>') {
                p += 1;
            }
        }
        _ => {}
    }
    if sep && !had_sep {
        return None;
    }
    p = skip_blanks(text, p);
    // `authors = ["Jane Doe <jane@x.org>"]`
    if had_sep && b.get(p) == Some(&b'[') {
        p = skip_blanks(text, p + 1);
    }
    if matches!(b.get(p), Some(b'"' | b'\'')) {
        p += 1;
    }
    if !had_sep && p == hit.end {
        return None;
    }
    Some(p)
}

/// A closing must open its line and end it (`Best regards,`); the name follows after a comma on
/// the same line or on the next non-empty line.
fn closing_name_start(text: &str, hit: &Hit) -> Option<(usize, Strength)> {
    let (ls, le) = line_bounds(text, hit.start);
    let lead = text.get(ls..hit.start)?;
    // At the start of its line, after at most two short words (`Kind regards`, `With best
    // regards`, `Many thanks`), e-mail quote markers or a dash.
    // Read from the hit backwards and stop at the third word: a closing word in the middle of
    // a long line (a pasted paragraph has no line breaks) costs three words, not the line.
    let mut lead_words = lead
        .rsplit(|c: char| c.is_whitespace() || c == '>' || c == '-')
        .filter(|w| !w.is_empty());
    let mut lead_count = 0;
    for w in lead_words.by_ref().take(2) {
        if w.len() > 8 || !w.chars().all(char::is_alphabetic) {
            return None;
        }
        lead_count += 1;
    }
    if lead_words.next().is_some() {
        return None;
    }
    let rest = text.get(hit.end..le)?;
    let trimmed = rest.trim_start();
    if let Some(after_comma) = trimmed.strip_prefix(',') {
        if !after_comma.trim().is_empty() {
            // `Thanks, John`
            let off = rest.len() - after_comma.len();
            return Some((skip_blanks(text, hit.end + off), Strong));
        }
    }
    // `Best regards,` / `Cheers!` — the rest is a few words and punctuation only.
    // (`Thanks in advance,` / `Thanks for your help!` are closings too.)
    if rest.len() > 40
        || rest.chars().any(|c| c.is_ascii_digit())
        || rest.split_whitespace().count() > 5
    {
        return None;
    }
    if le >= text.len() {
        return None;
    }
    let p = skip_ws_lines(text, le, 2);
    // Must have crossed at least one line break.
    if p <= le {
        return None;
    }
    // A bare closing (`Best regards,`) is a strong signature cue; a longer line
    // (`Kind regards,`, `Thanks for the fix`) needs a known name on the next line.
    let strength = if lead_count == 0 && rest.split_whitespace().count() <= 2 {
        Strong
    } else {
        Medium
    };
    Some((p, strength))
}

/// After a name in a field value: end of line, a closing quote or a separator, not more words.
fn field_rest_ok(text: &str, end: usize, line_end: usize) -> bool {
    let Some(rest) = text.get(end..line_end) else {
        return false;
    };
    let r = rest.trim_start_matches([' ', '\t', '.']);
    r.is_empty()
        || r.starts_with([
            '"', '\'', '\u{201d}', ',', ';', '<', '(', ')', '}', ']', '|', '#', '/', '-',
            '\u{2013}',
        ])
}

/// On a signature line the name must be followed by end of line or a separator.
fn closing_line_ok(text: &str, end: usize, line_end: usize) -> bool {
    let Some(rest) = text.get(end..line_end) else {
        return false;
    };
    let r = rest.trim_start();
    r.is_empty()
        || r.starts_with([',', '|', '-', '\u{2013}', '\u{2014}', '(', '<', '/'])
        || r.chars()
            .all(|c| c.is_ascii_punctuation() || c.is_whitespace())
}

fn followed_by_email(text: &str, end: usize, line_end: usize) -> bool {
    let Some(rest) = text.get(end..line_end) else {
        return false;
    };
    let r = rest.trim_start_matches([' ', '"', '\'']);
    r.strip_prefix('<')
        .and_then(|r| r.split_once('>'))
        .is_some_and(|(inside, _)| inside.contains('@'))
}

#[cfg(test)]
mod tests {
    use crate::detect::{Engine, Entity};

    fn names(text: &str) -> Vec<(String, f32)> {
        let e = Engine::with_detectors(super::super::all()).unwrap();
        e.scan(text)
            .into_iter()
            .filter(|f| f.entity == Entity::Person)
            .map(|f| (text[f.start..f.end].to_string(), f.score))
            .collect()
    }

    #[test]
    fn portuguese_and_french_honorifics() {
        let cases: &[(&str, &str)] = &[
            (
                "Preciso de atualizar a ficha do Dra. Beatriz Pereira: nasceu a",
                "Beatriz Pereira",
            ),
            ("A Dra. Ana Martins ligou.", "Ana Martins"),
            (
                "Consulta com a Dr.ª Beatriz Rodrigues amanhã",
                "Beatriz Rodrigues",
            ),
            ("a Sr.ª Costa pediu", "Costa"),
            ("o Sr.º Pedro Oliveira", "Pedro Oliveira"),
            ("a Sr.a Ana Costa", "Ana Costa"),
            ("Sra. Sergio Martínez: nació el", "Sergio Martínez"),
            ("el Sr. Miguel Ferreira", "Miguel Ferreira"),
            ("le dossier de M. Amélie Martin: elle", "Amélie Martin"),
            ("Bonjour, M. Julien Durand.", "Julien Durand"),
            ("Réunion avec M. Dupont demain", "Dupont"),
        ];
        let mut missed = Vec::new();
        for (text, want) in cases {
            let got = names(text);
            if !got.iter().any(|(n, s)| n == want && *s >= 0.5) {
                missed.push(format!("{text:?}: want {want:?}, got {got:?}"));
            }
        }
        assert!(missed.is_empty(), "missed:\n{}", missed.join("\n"));
    }

    #[test]
    fn single_letter_m_needs_a_known_name() {
        let texts = [
            // Unknown or ambiguous capitalised words after `M.`
            "Voir la salle M. Ensuite on verra.",
            "Bloc M. Entrée par la cour.",
            "le titre de M. Sc. en informatique",
            "Zone M. Paris est fermée",
            // Lower-case `m.` (units, words ending in m)
            "il fait 5 m. Martin mesure",
            "the system. Martin said",
            // A unit or an initial before
            "longueur 5 M. Martin",
            "J. M. Martin wrote",
            // `Dra`/`Dr.ª` inside other words or without a name
            "Sandra. Silva",
            "a Dra. disse que sim",
        ];
        let mut bad = Vec::new();
        for t in texts {
            let got = names(t);
            if !got.is_empty() {
                bad.push(format!("{t:?} -> {got:?}"));
            }
        }
        assert!(bad.is_empty(), "false positives:\n{}", bad.join("\n"));
    }
}
