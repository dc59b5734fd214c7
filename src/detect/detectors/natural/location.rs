//! `LOCATION`: street addresses in EN PT DE FR ES IT NL, by rules.
//!
//! Triggered by the street lexicon (`Street`, `Rua`, `-straße`, `rue`, `Calle`, `Via`,
//! `-straat`, ...) and by address cues (`address`, `morada`, `Anschrift`, `adresse`,
//! `dirección`, `indirizzo`, `adres`, `ship to`). Around a trigger it reads only a bounded window
//! of the trigger's line and scores how many signals agree:
//! street type + capitalised name (0.45) + house number (+0.15) + postal code and city right
//! after (+0.2) + an address cue before (+0.15). A street without a number and without a cue, a
//! postal code alone, or a lower-case ambiguous type (`via`) alone stay below the threshold.
//! A cue followed by a postal code and city (`Adresse: 10115 Berlin`, `Address: London SW1A
//! 1AA`) scores 0.55.
//! Span: the street phrase, extended over the postal code and city when adjacent.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;

use super::text::{boundary_before, ceil_boundary, floor_boundary, line_bounds, CueSet};
use crate::detect::{Detector, Entity, Finding, Hit, ScanCtx, Trigger};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A word that starts or ends a street phrase (`Rua`, `Street`).
    Word,
    /// A compound suffix (`Hauptstraße`, `Kalverstraat`): must be followed by a house number.
    Suffix,
    /// An address cue.
    Cue,
}

/// Which street regexes a trigger needs (bit set over `Patterns::streets`).
const EN: u8 = 1;
const FIRST: u8 = 2;
const FR: u8 = 4;
const DE: u8 = 8;

/// (literal or cue word, kind, street regexes to run).
const TRIGGERS: &[(&str, Kind, u8)] = &[
    // EN (abbreviations carry their leading space so they do not fire inside words)
    ("street", Kind::Word, EN | FR),
    (" st", Kind::Word, EN | FR),
    ("avenue", Kind::Word, EN | FR),
    (" ave", Kind::Word, EN | FR),
    ("road", Kind::Word, EN | FR),
    (" rd", Kind::Word, EN | FR),
    ("lane", Kind::Word, EN | FR),
    (" ln", Kind::Word, EN | FR),
    ("boulevard", Kind::Word, EN | FR),
    ("blvd", Kind::Word, EN | FR),
    ("drive", Kind::Word, EN | FR),
    ("circle", Kind::Word, EN | FR),
    ("trail", Kind::Word, EN | FR),
    ("close", Kind::Word, EN | FR),
    ("mews", Kind::Word, EN | FR),
    ("gardens", Kind::Word, EN | FR),
    ("grove", Kind::Word, EN | FR),
    ("parkway", Kind::Word, EN | FR),
    ("pkwy", Kind::Word, EN | FR),
    ("court", Kind::Word, EN | FR),
    ("place", Kind::Word, EN | FR),
    ("terrace", Kind::Word, EN | FR),
    ("highway", Kind::Word, EN | FR),
    ("hwy", Kind::Word, EN | FR),
    ("square", Kind::Word, EN | FR),
    ("crescent", Kind::Word, EN | FR),
    (" way", Kind::Word, EN | FR),
    (" ct", Kind::Word, EN | FR),
    // PT
    ("rua", Kind::Word, FIRST),
    ("avenida", Kind::Word, FIRST),
    ("av.", Kind::Word, FIRST),
    ("travessa", Kind::Word, FIRST),
    ("largo", Kind::Word, FIRST),
    ("praça", Kind::Word, FIRST),
    ("praca", Kind::Word, FIRST),
    ("estrada", Kind::Word, FIRST),
    ("alameda", Kind::Word, FIRST),
    // ES
    ("calle ", Kind::Word, FIRST),
    ("avda", Kind::Word, FIRST),
    ("plaza", Kind::Word, FIRST),
    ("paseo", Kind::Word, FIRST),
    ("camino", Kind::Word, FIRST),
    ("carrer", Kind::Word, FIRST),
    ("glorieta", Kind::Word, FIRST),
    ("pasaje", Kind::Word, FIRST),
    ("ronda", Kind::Word, FIRST),
    ("carretera", Kind::Word, FIRST),
    ("travesía", Kind::Word, FIRST),
    ("travesia", Kind::Word, FIRST),
    // IT
    ("via", Kind::Word, FIRST),
    ("viale", Kind::Word, FIRST),
    ("piazza", Kind::Word, FIRST),
    ("corso", Kind::Word, FIRST),
    ("vicolo", Kind::Word, FIRST),
    ("strada", Kind::Word, FIRST),
    ("borgo", Kind::Word, FIRST),
    ("contrada", Kind::Word, FIRST),
    ("lungomare", Kind::Word, FIRST),
    // FR
    (" rue", Kind::Word, FR),
    ("chemin", Kind::Word, FR),
    ("impasse", Kind::Word, FR),
    ("quai", Kind::Word, FR),
    // DE / NL compounds
    ("stra", Kind::Suffix, DE),
    ("str.", Kind::Suffix, DE),
    ("weg", Kind::Suffix, DE),
    ("platz", Kind::Suffix, DE),
    ("allee", Kind::Suffix, DE),
    ("gasse", Kind::Suffix, DE),
    ("laan", Kind::Suffix, DE),
    ("plein", Kind::Suffix, DE),
    ("gracht", Kind::Suffix, DE),
    ("kade", Kind::Suffix, DE),
    ("singel", Kind::Suffix, DE),
    ("baan", Kind::Suffix, DE),
    ("steeg", Kind::Suffix, DE),
    ("hof", Kind::Suffix, DE),
    ("dijk", Kind::Suffix, DE),
    // cues
    ("address", Kind::Cue, 0),
    ("morada", Kind::Cue, 0),
    ("endereço", Kind::Cue, 0),
    ("endereco", Kind::Cue, 0),
    ("anschrift", Kind::Cue, 0),
    ("adresse", Kind::Cue, 0),
    ("dirección", Kind::Cue, 0),
    ("direccion", Kind::Cue, 0),
    ("domicilio", Kind::Cue, 0),
    ("indirizzo", Kind::Cue, 0),
    ("adres", Kind::Cue, 0),
    ("ship to", Kind::Cue, 0),
    ("wohnhaft", Kind::Cue, 0),
    ("woonachtig", Kind::Cue, 0),
    ("residente", Kind::Cue, 0),
];

/// Cue words looked for before a street (lower-case; word-bounded).
const CUE_WORDS: &[&str] = &[
    "address",
    "addr",
    "morada",
    "endereço",
    "endereco",
    "anschrift",
    "adresse",
    "dirección",
    "direccion",
    "domicilio",
    "indirizzo",
    "adres",
    "ship to",
    "wohnhaft",
    "woonachtig",
    "residente",
    "residence",
    "lives at",
    "located at",
    "mora na",
    "wohnt in",
    "habite",
    "vive en",
    "abita in",
    "woont aan",
];

/// Bytes of the line examined on each side of a trigger.
const SIDE: usize = 160;

struct Patterns {
    streets: Vec<Regex>,
    /// Postal code + city right after a street (anchored).
    postal: Regex,
    /// Any postal code shape of the seven locales, UK and US (unanchored; for cue blocks).
    any_postal: Regex,
}

fn patterns() -> Option<&'static Patterns> {
    static P: OnceLock<Option<Patterns>> = OnceLock::new();
    P.get_or_init(build).as_ref()
}

fn build() -> Option<Patterns> {
    let name = r"(?:[dlDL]['’])?\p{Lu}[\p{Ll}\p{Lu}'’.-]*";
    let conn = r"(?:de|da|do|dos|das|del|della|delle|dei|degli|di|du|des|la|le|las|los|of|the|y|e|van|der|den|von|dal|al)";
    let names = format!(r"{name}(?:\s(?:{conn}\s)*{name}){{0,4}}");
    let num = r"\d{1,5}(?:\s?[A-Za-z](?:\b|$))?(?:[-/]\d{1,4})?";
    let en = format!(
        r"\b(?P<num>\d{{1,5}}[A-Za-z]?)\s+{names}\s+(?P<kw>Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Parkway|Pkwy|Court|Ct|Place|Terrace|Way|Highway|Hwy|Square|Crescent|Circle|Cir|Trail|Close|Mews|Gardens|Grove)\b\.?(?:,?\s*(?:Apt|Apartment|Suite|Unit|Flat|Ste)\.?\s*#?[A-Za-z0-9-]+)?"
    );
    let first = format!(
        r"\b(?P<kw>(?i:rua|avenida|av\.|travessa|largo|praça|praca|estrada|alameda|calle|c/|avda\.?|plaza|paseo|camino|carrer|glorieta|pasaje|ronda|carretera|travesía|travesia|via|viale|piazza|piazzale|corso|vicolo|strada|borgo|contrada|lungomare))\s+(?:(?:{conn})\s+)*{names}(?:,?\s*(?:(?i:n\.?º|nº|n°|n\.|no\.|núm\.?|num\.?|nr\.?))?\s*(?P<num>{num})\b)?(?:,?\s*\d{{1,2}}\.?[ºª°]?\s*(?i:andar|piso|esq\.?|dto\.?|dta\.?|izq\.?|izda\.?|dcha\.?|frente|planta|scala\s+\w+|int\.?\s*\d+))?"
    );
    let fr = format!(
        r"\b(?P<num>\d{{1,4}}(?:\s?(?:bis|ter|[A-Za-z]\b))?),?\s+(?P<kw>(?i:rue|avenue|av\.|boulevard|bd|chemin|allée|allee|impasse|place|quai|cours|route))\s+(?:(?:de\s+la|de\s+l['’]|du|des|de|d['’])\s*)?{names}"
    );
    let de = r"\b(?P<kw>\p{Lu}[\p{L}-]*?(?i:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|straat|laan|plein|gracht|kade|singel|baan|steeg|hof|dijk|markt)|\p{Lu}\p{L}+\s(?:Straße|Strasse|Str\.|Weg|Platz|Allee|Gasse))\s+(?P<num>\d{1,4}(?:\s?[a-zA-Z]\b)?(?:[-/]\d{1,4})?)\b".to_string();
    let streets = [en, first, fr, de]
        .iter()
        .map(|p| Regex::new(p).ok())
        .collect::<Option<Vec<_>>>()?;
    let city = r"\p{Lu}[\p{L}'’.-]+(?:[ -](?:(?:de|di|del|do|da|sur|am|an|la|le|aan|den)[ -])?\p{Lu}[\p{L}'’.-]+){0,2}";
    let uk = r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}";
    let postal = Regex::new(&format!(
        r"^[ \t]*,?[ \t]*(?:\r?\n[ \t]*)?(?:(?:\d{{4}}-\d{{3}}|\d{{4}}\s?[A-Z]{{2}}|(?:[A-Z]{{1,2}}-)?\d{{5}})[ \t]+{city}\b(?:[ \t]*\([A-Z]{{2}}\))?|{city},?[ \t]+(?:[A-Z]{{2}}[ \t]+\d{{5}}(?:-\d{{4}})?|{uk})\b)"
    ))
    .ok()?;
    let any_postal = Regex::new(
        r"(?:^|[\s,])(\d{4}-\d{3}|\d{4} ?[A-Z]{2}|(?:[A-Z]{1,2}-)?\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\b",
    )
    .ok()?;
    Some(Patterns {
        streets,
        postal,
        any_postal,
    })
}

/// The street-address detector.
pub struct LocationDetector {
    cues: CueSet,
}

impl Default for LocationDetector {
    fn default() -> Self {
        Self::new()
    }
}

impl LocationDetector {
    pub fn new() -> LocationDetector {
        // Street-type abbreviations carry their leading blank and one following separator.
        let cues = CueSet::new(TRIGGERS.iter().enumerate().map(|(i, (w, _, _))| {
            let suffixes: &[&'static str] = if w.starts_with(' ') {
                &[" ", ".", ",", "\n"]
            } else {
                &[""]
            };
            (i, *w, suffixes)
        }));
        // Compile the patterns now (start-up), not on the first request.
        let _ = patterns();
        LocationDetector { cues }
    }

    /// Cheap checks before any regex runs.
    fn worth_it(text: &str, hit: &Hit, kind: Kind) -> bool {
        let b = text.as_bytes();
        match kind {
            Kind::Suffix => {
                // The compound must be followed by a blank and a digit (`...straße 12`).
                let mut p = hit.end;
                while b
                    .get(p)
                    .is_some_and(|c| c.is_ascii_alphabetic() || *c >= 0x80 || *c == b'.')
                {
                    p += 1;
                }
                matches!(b.get(p), Some(b' ' | b'\t'))
                    && b.get(p + 1).is_some_and(u8::is_ascii_digit)
            }
            Kind::Word => {
                let start = if b.get(hit.start) == Some(&b' ') {
                    hit.start + 1
                } else {
                    hit.start
                };
                if !boundary_before(text, start) {
                    return false;
                }
                // A house number shortly before on the line (`12 rue`, `350 Fifth Ave`), or a
                // capitalised word right after (`Rua Augusta`, `Calle Mayor`, `Via Roma`).
                let from = hit.start.saturating_sub(48);
                let before = b.get(from..hit.start).unwrap_or(&[]);
                let line_part = before
                    .iter()
                    .rposition(|&c| c == b'\n')
                    .map_or(before, |i| before.get(i + 1..).unwrap_or(&[]));
                if line_part.iter().any(u8::is_ascii_digit) {
                    return true;
                }
                let mut p = hit.end;
                while matches!(b.get(p), Some(b'.' | b' ' | b',' | b'/')) {
                    p += 1;
                }
                // Skip lower-case connectors (`Rua da Prata`, `Calle de Alcalá`).
                for _ in 0..2 {
                    let w = b.get(p..).unwrap_or(&[]);
                    let n = w.iter().take_while(|c| c.is_ascii_lowercase()).count();
                    if (1..=3).contains(&n) && matches!(w.get(n), Some(b' ')) {
                        p += n + 1;
                    } else if n == 1 && matches!(w.get(1), Some(b'\'')) {
                        p += 2;
                    }
                }
                text.get(p..)
                    .and_then(|r| r.chars().next())
                    .is_some_and(char::is_uppercase)
            }
            Kind::Cue => boundary_before(text, hit.start),
        }
    }

    /// A cue on the same line before `pos` (within the window) or on the previous line.
    fn has_cue(text: &str, pos: usize) -> bool {
        let (ls, _) = line_bounds(text, pos);
        let from = if ls > 0 {
            line_bounds(text, ls - 1).0
        } else {
            ls
        };
        let from = floor_boundary(text, from.max(pos.saturating_sub(SIDE)));
        let Some(before) = text.get(from..pos) else {
            return false;
        };
        let lower = before.to_lowercase();
        CUE_WORDS.iter().any(|c| {
            lower.match_indices(c).any(|(i, _)| {
                !lower
                    .get(..i)
                    .and_then(|s| s.chars().next_back())
                    .is_some_and(char::is_alphanumeric)
            })
        })
    }

    /// Postal code + city right after `end` (same line or the next one): the new end.
    fn postal_after(p: &Patterns, text: &str, end: usize) -> Option<usize> {
        let stop = ceil_boundary(text, end.saturating_add(120));
        let rest = text.get(end..stop)?;
        p.postal.find(rest).map(|m| end + m.end())
    }

    fn street_at(
        &self,
        p: &Patterns,
        text: &str,
        hit: &Hit,
        mask: u8,
    ) -> Option<(usize, usize, f32)> {
        let (ls, le) = line_bounds(text, hit.start);
        let ws = floor_boundary(text, ls.max(hit.start.saturating_sub(SIDE)));
        let we = ceil_boundary(text, le.min(hit.end.saturating_add(SIDE)));
        let win = text.get(ws..we)?;
        let mut best: Option<(usize, usize, f32)> = None;
        for (i, re) in p.streets.iter().enumerate() {
            if mask & (1 << i) == 0 {
                continue;
            }
            for c in re.captures_iter(win) {
                let Some(m) = c.get(0) else { continue };
                let (s, e) = (ws + m.start(), ws + m.end());
                // The match must contain the trigger.
                if !(s <= hit.start + 1 && hit.end <= e + 1) {
                    continue;
                }
                let number = c.name("num").is_some_and(|n| {
                    // `via Docker 20.10` is a version, not a house number.
                    let after = text.as_bytes().get(ws + n.end()).copied();
                    let after2 = text.as_bytes().get(ws + n.end() + 1).copied();
                    !(after == Some(b'.') && after2.is_some_and(|b| b.is_ascii_digit()))
                });
                let lower_kw = c
                    .name("kw")
                    .and_then(|k| k.as_str().chars().next())
                    .is_some_and(char::is_lowercase);
                let mut score: f32 = 0.45;
                if number {
                    score += 0.15;
                }
                let mut end = e;
                if let Some(pe) = Self::postal_after(p, text, e) {
                    score += 0.2;
                    end = pe;
                }
                if Self::has_cue(text, s) {
                    score += 0.15;
                }
                if lower_kw
                    && matches!(
                        c.name("kw").map(|k| k.as_str()),
                        Some("via" | "corso" | "largo" | "c/")
                    )
                {
                    score -= 0.15;
                }
                let score = score.min(0.9);
                if best.is_none_or(|b| score > b.2) {
                    best = Some((s, end, score));
                }
            }
        }
        best
    }

    /// An address cue and its value block (up to four lines): flagged when the block holds a
    /// postal code next to a capitalised city; 0.75 when a street-like line (a number or `S/N`
    /// and a capitalised word) precedes it, else 0.55 (`Adresse: 10115 Berlin`).
    fn cue_block(&self, p: &Patterns, text: &str, hit: &Hit) -> Option<(usize, usize, f32)> {
        let b = text.as_bytes();
        let mut q = hit.end;
        // Rest of a compound cue word (`Adresse` from `adres`, `addresses`), then `:`/`=`.
        while b.get(q).is_some_and(u8::is_ascii_alphabetic) {
            q += 1;
        }
        while matches!(b.get(q), Some(b' ' | b'\t' | b'"' | b'\'')) {
            q += 1;
        }
        let ship_to = text
            .get(hit.start..hit.end)
            .is_some_and(|c| c.eq_ignore_ascii_case("ship to"));
        if matches!(b.get(q), Some(b':' | b'=')) {
            q += 1;
        } else if !ship_to {
            return None;
        }
        q = super::text::skip_ws_lines(text, q, 1);
        while matches!(b.get(q), Some(b'"' | b'\'')) {
            q += 1;
        }
        // The block: up to four lines, 200 bytes, stopping at a blank line.
        let cap = ceil_boundary(text, q.saturating_add(200));
        let mut end = q;
        let mut lines = 0;
        loop {
            let le = line_bounds(text, end).1.min(cap);
            end = le;
            lines += 1;
            if lines >= 4 || le >= cap {
                break;
            }
            let mut next = le;
            if b.get(next) == Some(&b'\r') {
                next += 1;
            }
            if b.get(next) != Some(&b'\n') {
                break;
            }
            next += 1;
            let (ns, ne) = line_bounds(text, next);
            if text.get(ns..ne).is_none_or(|l| l.trim().is_empty()) {
                break;
            }
            end = next;
        }
        let end = floor_boundary(text, end);
        let block = text.get(q..end)?;
        if block.contains(['{', '}', '=', '<', '>']) || block.contains("://") {
            return None;
        }
        // A place-name-like line: a capitalised word, no `key: value` shape, a few words.
        let caps_on = |line: &str| {
            !line.contains([':', '=', '@'])
                && line.split_whitespace().count() <= 5
                && line.split(|c: char| !c.is_alphabetic()).any(|w| {
                    w.chars().next().is_some_and(char::is_uppercase) && w.chars().count() > 1
                })
        };
        for c in p.any_postal.captures_iter(block) {
            let Some(code) = c.get(1) else { continue };
            let (cs, ce) = (q + code.start(), q + code.end());
            let (ls, le) = line_bounds(text, cs);
            let le = le.min(end);
            let line = text.get(ls..le).unwrap_or("");
            let other = format!(
                "{}{}",
                text.get(ls.max(q)..cs).unwrap_or(""),
                text.get(ce..le).unwrap_or("")
            );
            let mut stop = le;
            let city_here = caps_on(&other);
            let city_next = !city_here && le < end && {
                let (ns, ne) = line_bounds(text, le + 1);
                let ne = ne.min(end);
                let ok = ns < ne && text.get(ns..ne).is_some_and(caps_on);
                if ok {
                    stop = ne;
                }
                ok
            };
            let city_prev = !city_here && !city_next && ls > q && {
                let (ps, pe) = line_bounds(text, ls - 1);
                text.get(ps.max(q)..pe).is_some_and(caps_on)
            };
            if !(city_here || city_next || city_prev) || line.trim().is_empty() {
                continue;
            }
            // Street-like first line before the postal line.
            let first_end = line_bounds(text, q).1.min(end);
            let street_like = ls > q
                && text.get(q..first_end).is_some_and(|first| {
                    caps_on(first)
                        && (first.chars().any(|c| c.is_ascii_digit())
                            || first.contains("S/N")
                            || first.contains("s/n"))
                });
            let stop = text.get(q..stop).map_or(stop, |s| {
                q + s.trim_end_matches([' ', '\t', '\r', '.', ',']).len()
            });
            return Some((q, stop, if street_like { 0.75 } else { 0.55 }));
        }
        None
    }
}

impl Detector for LocationDetector {
    fn name(&self) -> &'static str {
        "street_address"
    }

    fn triggers(&self) -> Vec<Trigger> {
        self.cues
            .literals()
            .iter()
            .map(|l| Trigger::Literal(Cow::Owned(l.clone())))
            .collect()
    }

    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let text = cx.text;
        let Some(p) = patterns() else { return };
        let mut found: Vec<(usize, usize, f32)> = Vec::new();
        for hit in hits {
            let Some(c) = self.cues.resolve(text, hit.start, hit.trigger) else {
                continue;
            };
            let Some(&(_, kind, mask)) = TRIGGERS.get(c.cue) else {
                continue;
            };
            let hit = &Hit {
                start: c.start,
                end: c.end,
                trigger: hit.trigger,
            };
            // Already inside the last finding (hits come sorted by start).
            if found
                .last()
                .is_some_and(|f| f.0 <= hit.start && hit.end <= f.1)
            {
                continue;
            }
            if !Self::worth_it(text, hit, kind) {
                continue;
            }
            let r = match kind {
                Kind::Cue => self.cue_block(p, text, hit),
                _ => self.street_at(p, text, hit, mask),
            };
            if let Some(f) = r {
                if f.2 >= 0.5 {
                    found.push(f);
                }
            }
        }
        out.extend(found.into_iter().map(|(start, end, score)| Finding {
            entity: Entity::Location,
            start,
            end,
            score,
            detector: Cow::Borrowed("street_address"),
        }));
    }
}
