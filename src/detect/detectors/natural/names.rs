//! The person-name dictionaries (given names, surnames) and the stop list of words that are
//! names in the lists but mostly something else in prompts (tools, months, cities, groups).
//!
//! Data: `src/detect/data/{given_names,surnames}.txt`, compiled in with `include_str!`; provenance
//! and licences in `src/detect/data/NOTICE.md`, rebuilt by `src/detect/data/build_names.py`.
//! Built once per detector construction (a few ms); lookups are allocation-free given a scratch
//! buffer. Never logs or returns the looked-up text.
//!
//! One map from word to list flags (given / surname / stop / soft), hashed with a small
//! multiplicative hash: a lookup is one hash and one probe, ~300-360 instructions per token on
//! the mixed corpus, most of it lower-casing (was ~700 with four SipHash sets). The map is fixed after loading, so input can only
//! pick among the dictionary's own collision chains (no hash flooding).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

const GIVEN: &str = include_str!("../../data/given_names.txt");
const SURNAMES: &str = include_str!("../../data/surnames.txt");

/// Words never taken as name tokens even when the dictionaries contain them: tools, pronouns,
/// group nouns that follow salutations (`Dear team`, `Hi all`), job titles. Lower-case.
#[rustfmt::skip]
const STOP: &[&str] = &[
    "ansible", "kafka", "docker", "kubernetes", "terraform", "nginx", "redis", "postgres",
    "mysql", "mongo", "elastic", "grafana", "prometheus", "jupyter", "spark", "flask", "django",
    "rails", "sentry", "travis", "circle", "heroku", "vercel", "netlify", "ubuntu", "debian",
    "alpine", "fedora", "centos", "arch", "chrome", "firefox", "safari", "edge", "siri",
    "alexa", "cortana", "gemini", "gpt", "chatgpt", "openai", "anthropic", "mistral", "llama",
    "qwen", "deepseek", "copilot", "github", "gitlab", "jira", "google", "microsoft", "amazon",
    "aws", "azure", "linux", "windows", "mac", "apple", "python", "java", "go", "node", "react",
    "angular", "maven", "gradle", "kotlin", "scala", "perl", "php", "bash", "git", "sonar",
    "vault", "consul", "nomad", "argo", "flux", "istio", "envoy", "celery", "airflow", "hadoop",
    "hive", "pig", "neo", "oracle", "sql", "spring", "boot", "lambda", "bot", "ci", "cd", "api",
    "app", "server", "client", "service", "system", "root", "default", "main", "master",
    "production", "prod", "staging", "stage", "test", "tests", "demo", "example", "sample",
    "foo", "bar", "baz", "unknown", "none", "null", "nil", "true", "false", "anonymous",
    "guest", "hub", "lab", "cloud", "dev", "devops", "ops", "sre", "it", "hr", "qa", "ui", "ux",
    "january", "february", "march", "july", "september", "october", "november", "december",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "good",
    "great", "new", "old", "big", "small", "late", "happy", "glad", "sorry", "sure", "fine",
    "well", "done", "here", "there", "back", "again", "just", "also", "still", "not", "no",
    "yes", "ok", "okay", "thanks", "thank", "hello", "hi", "hey", "dear", "regards", "cheers",
    "please", "and", "or", "the", "a", "an", "this", "that", "these", "those", "my", "your",
    "our", "their", "his", "her", "we", "you", "they", "he", "she", "i", "me", "us", "them",
    "in", "on", "at", "to", "of", "for", "with", "from", "by", "as", "so", "if", "but",
    "because", "when", "while", "what", "who", "how", "why", "where", "trying", "working",
    "using", "looking", "going", "writing", "getting", "having", "doing", "currently", "now",
    "today", "tomorrow", "yesterday", "morning", "evening", "afternoon", "night", "day", "week",
    "month", "year", "time", "team", "teams", "all", "everyone", "everybody", "folks", "guys",
    "people", "friends", "friend", "colleagues", "colleague", "support", "admin",
    "administrator", "sir", "madam", "sirs", "customer", "customers", "clients", "user",
    "users", "world", "manager", "developer", "developers", "engineer", "engineers",
    "engineering", "security", "sales", "marketing", "finance", "legal", "board", "committee",
    "community", "member", "members", "partner", "partners", "owner", "owners", "hiring",
    "recruiter", "staff", "senior", "junior", "lead", "head", "chief", "director", "officer",
    "president", "ceo", "cto", "cfo", "coo", "vp", "robot", "bean", "caddy", "puppet", "nexus",
    "smith's", "self", "option", "some", "result", "string", "vec", "department", "office",
    "company", "inc", "ltd", "llc", "gmbh", "equipe", "equipa", "todos", "todas", "senhores",
    "senhoras", "colegas", "amigos", "cliente", "clientes", "senhor", "senhora", "alle",
    "allen", "kollegen", "kolleginnen", "damen", "herren", "kunde", "kunden", "leute", "tous",
    "toutes", "messieurs", "mesdames", "collègues", "équipe", "amis", "monsieur", "madame",
    "equipo", "señores", "señoras", "compañeros", "tutti", "colleghi", "signori", "signore",
    "amici", "squadra", "iedereen", "allemaal", "collega", "collega's", "heren", "dames",
    "klant", "klanten", "heer", "mevrouw", "team's", "sir/madam", "madam/sir", "mr", "mrs",
    "ms", "dr", "prof", "sr", "sra", "srta", "herr", "frau", "mme", "mlle", "dott", "sig",
    "dhr", "mevr", "miss", "dame",
];

/// Ambiguous words that are also common names (`Will`, `Mark`, `Paris`, `April`, `Jenkins`,
/// `Ruby`): a name token only next to a known, unambiguous name (`Mark Johnson`), else rejected
/// when alone and treated as an unknown word otherwise.
#[rustfmt::skip]
const SOFT: &[&str] = &[
    "jenkins", "ruby", "julia", "hugo", "will", "mark", "bill", "grant", "paris", "april",
    "may", "june", "august", "london", "berlin", "madrid", "roma", "rome", "lisboa", "lisbon",
    "amsterdam", "florence", "sydney", "austin", "dallas", "houston", "phoenix", "chelsea",
    "china", "india", "georgia", "virginia", "carolina", "jordan", "israel", "summer", "winter",
    "autumn", "dawn", "joy", "hope", "faith", "grace", "rose", "lily", "iris", "ivy", "holly",
    "sky", "star", "storm", "river", "rain", "sunny", "cash", "price", "king", "queen",
    "prince", "duke", "earl", "lord", "young", "long", "white", "black", "brown", "green",
    "gray", "grey", "rich", "swift", "sage", "falcon", "haskell", "karma", "packer", "jaeger",
    "flink", "beam", "word", "harbor", "chef", "claude", "pascal", "luigi", "cassandra", "ray",
    "ada", "rust", "helm", "slack", "vue", "cordova", "best", "little", "early", "ready",
];

/// Particles allowed between capitalised name tokens (`Maria da Silva`, `van der Berg`).
#[rustfmt::skip]
pub(crate) const PARTICLES: &[&str] = &[
    "da", "de", "do", "dos", "das", "del", "della", "delle", "degli", "dei", "di", "du", "des",
    "van", "der", "den", "ter", "ten", "von", "zu", "vom", "zum", "le", "la", "los", "las", "y",
    "e", "af", "op", "het", "'t", "d'", "l'",
];

/// Name dictionaries, built once.
const GIVEN_BIT: u8 = 1;
const SURNAME_BIT: u8 = 2;
const STOP_BIT: u8 = 4;
const SOFT_BIT: u8 = 8;

/// Word-at-a-time multiply-rotate hash (the Fx hash of rustc) for the read-only dictionary.
#[derive(Default, Clone, Copy)]
struct WordHasher(u64);

impl WordHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for WordHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

type WordMap = HashMap<&'static str, u8, BuildHasherDefault<WordHasher>>;

#[derive(Debug)]
pub struct Names {
    /// Word (lower case) -> `GIVEN_BIT | SURNAME_BIT | STOP_BIT | SOFT_BIT` flags.
    words: WordMap,
    given: usize,
    surnames: usize,
}

/// What the dictionaries know about a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Known {
    pub given: bool,
    pub surname: bool,
    pub stop: bool,
    /// Ambiguous (see `SOFT`).
    pub soft: bool,
}

impl Known {
    pub fn any(self) -> bool {
        self.given || self.surname
    }
}

impl Names {
    /// Parse the embedded lists (one lower-case name per line).
    pub fn load() -> Names {
        let lines = |s: &'static str| s.lines().map(str::trim).filter(|l| !l.is_empty());
        let mut words = WordMap::default();
        let mut add = |list: &mut dyn Iterator<Item = &'static str>, bit: u8| -> usize {
            let mut distinct = 0;
            for w in list {
                let f = words.entry(w).or_insert(0);
                if *f & bit == 0 {
                    distinct += 1;
                }
                *f |= bit;
            }
            distinct
        };
        let given = add(&mut lines(GIVEN), GIVEN_BIT);
        let surnames = add(&mut lines(SURNAMES), SURNAME_BIT);
        add(&mut STOP.iter().copied(), STOP_BIT);
        add(&mut SOFT.iter().copied(), SOFT_BIT);
        Names {
            words,
            given,
            surnames,
        }
    }

    pub fn given_len(&self) -> usize {
        self.given
    }

    pub fn surnames_len(&self) -> usize {
        self.surnames
    }

    fn flags(&self, lower: &str) -> u8 {
        self.words.get(lower).copied().unwrap_or(0)
    }

    /// Look a token up (any case). `buf` is scratch space reused across calls. Hyphenated and
    /// apostrophe-joined tokens are known when the whole or every part is known.
    pub(crate) fn lookup(&self, token: &str, buf: &mut String) -> Known {
        buf.clear();
        for c in token.chars() {
            match c {
                '\u{2019}' => buf.push('\''),
                c => buf.extend(c.to_lowercase()),
            }
        }
        let mut whole = self.lookup_lower(buf);
        if !whole.any() && !whole.stop && !buf.is_ascii() {
            // `Lucía` -> `lucia`: the lists hold many names only in their unaccented form.
            let folded: String = buf.chars().map(fold).collect();
            let f = self.lookup_lower(&folded);
            whole.given |= f.given;
            whole.surname |= f.surname;
        }
        if whole.any() || whole.stop || whole.soft || !buf.contains(['-', '\'']) {
            return whole;
        }
        let mut all = Known {
            given: true,
            surname: true,
            ..Known::default()
        };
        let mut any_part = false;
        for part in buf.split(['-', '\'']).filter(|p| p.chars().count() > 1) {
            let k = self.lookup_lower(part);
            all.given &= k.given || k.surname;
            all.surname &= k.surname || k.given;
            any_part = true;
        }
        if any_part && (all.given || all.surname) {
            Known {
                given: all.given && whole_first_part_given(self, buf),
                surname: true,
                ..Known::default()
            }
        } else {
            Known::default()
        }
    }

    fn lookup_lower(&self, lower: &str) -> Known {
        let f = self.flags(lower);
        Known {
            given: f & GIVEN_BIT != 0,
            surname: f & SURNAME_BIT != 0,
            stop: f & STOP_BIT != 0,
            soft: f & SOFT_BIT != 0,
        }
    }
}

/// Strip the diacritics of Latin letters used by the seven languages.
fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        c => c,
    }
}

/// `Jean-Pierre`: a given name when its first part is one.
fn whole_first_part_given(names: &Names, lower: &str) -> bool {
    lower
        .split(['-', '\''])
        .find(|p| p.chars().count() > 1)
        .is_some_and(|p| names.flags(p) & GIVEN_BIT != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionary_loads_fast_and_knows_common_names() {
        let t = std::time::Instant::now();
        let names = Names::load();
        let took = t.elapsed();
        println!(
            "name dictionary: {} given, {} surnames, built in {:?}",
            names.given_len(),
            names.surnames_len(),
            took
        );
        assert!(names.given_len() > 3000);
        assert!(names.surnames_len() > 3000);
        // Generous bound for unoptimised test builds on a shared machine.
        assert!(took.as_millis() < 200, "took {took:?}");
        let mut b = String::new();
        for g in [
            "John",
            "Maria",
            "Jürgen",
            "François",
            "Giuseppe",
            "Sanne",
            "João",
            "Carmen",
        ] {
            assert!(names.lookup(g, &mut b).given, "{g}");
        }
        for s in [
            "Smith", "Müller", "Dupont", "García", "Rossi", "Jansen", "Silva",
        ] {
            assert!(names.lookup(s, &mut b).surname, "{s}");
        }
        assert!(names.lookup("Jenkins", &mut b).soft);
        assert!(
            names.lookup("Kubernetes", &mut b).stop || !names.lookup("Kubernetes", &mut b).any()
        );
        assert!(names.lookup("Lucía", &mut b).given);
        assert!(names.lookup("Jean-Pierre", &mut b).given);
        assert!(!names.lookup("Kubectl", &mut b).any());
    }
}
