//! The person-name dictionaries (given names, surnames) and the stop list of words that are
//! names in the lists but mostly something else in prompts (tools, months, cities, groups).
//!
//! Data: `src/detect/data/{given_names,surnames}.txt`, compiled in with `include_str!`; provenance
//! and licences in `src/detect/data/NOTICE.md`, rebuilt by `src/detect/data/build_names.py`.
//! Built once per detector construction (a few ms); lookups are allocation-free given a scratch
//! buffer. Never logs or returns the looked-up text.

use std::collections::HashSet;

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
#[derive(Debug)]
pub struct Names {
    given: HashSet<&'static str>,
    surnames: HashSet<&'static str>,
    stop: HashSet<&'static str>,
    soft: HashSet<&'static str>,
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
        let lines = |s: &'static str| -> HashSet<&'static str> {
            s.lines().map(str::trim).filter(|l| !l.is_empty()).collect()
        };
        Names {
            given: lines(GIVEN),
            surnames: lines(SURNAMES),
            stop: STOP.iter().copied().collect(),
            soft: SOFT.iter().copied().collect(),
        }
    }

    pub fn given_len(&self) -> usize {
        self.given.len()
    }

    pub fn surnames_len(&self) -> usize {
        self.surnames.len()
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
        Known {
            given: self.given.contains(lower),
            surname: self.surnames.contains(lower),
            stop: self.stop.contains(lower),
            soft: self.soft.contains(lower),
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
        .is_some_and(|p| names.given.contains(p))
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
