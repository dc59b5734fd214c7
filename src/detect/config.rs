//! The `[detection]` config section as written, its validation, and custom detectors.
//!
//! Owns: [`DetectionConfig`] (serde, `deny_unknown_fields`, every field defaulted), its checks,
//! and compiling it into an [`Engine`] (built-in catalogue + `[[detection.custom]]` detectors +
//! threshold, entity filters and allow-lists).
//! Never: reads files or the environment (the proxy config embeds this section), logs values.
//! Called by: `config` (the proxy's settings) through [`Engine::from_config`], tests, the CLI.
//!
//! ```toml
//! [detection]
//! min_score = 0.5                       # findings scoring below are dropped
//! disabled = ["PERSON"]                 # entity names (Entity::name()); or `enabled = [...]`
//! allow_values = ["support@example.com"]
//! allow_patterns = ['[a-z0-9.]+@example\.com']   # a finding whose whole value matches is kept clean
//! include_test_values = false           # true: treat test/documentation data like real data
//!
//! [[detection.custom]]
//! name = "acme_token"                   # detector name: [a-z0-9_-], unique
//! entity = "API_KEY"                    # built-in name, or a new UPPER_SNAKE name (custom entity)
//! pattern = 'acme_[A-Za-z0-9]{32}'      # `regex` syntax, size-limited (tenant input is untrusted)
//! keywords = []                         # optional literal triggers (ASCII, >= 3 chars)
//! validator = "none"                    # "luhn" | "mod97" | "none"
//! score = 0.9
//! ```
//!
//! # `include_test_values`
//! Off by default: the built-in detectors skip values that are documentation, test or
//! reserved examples by construction, because no real person or account can be behind them
//! and reporting them would flood code reviews and docs with findings. Set it to `true` for
//! previews, staging, test environments and benchmarks, where test data must be treated like
//! real data ("treat anything shaped like a secret as one"). It then lifts exactly these
//! exemptions:
//! - e-mail: reserved domains (`example.com/.net/.org` and their subdomains, `.example`,
//!   `.test`, `.invalid`, `.localhost`, `.local`, `localhost`) are reported (score 0.95);
//! - vendor tokens: documentation examples (`AKIA…EXAMPLE`, `ghp_EXAMPLE…`,
//!   `xoxb-…-EXAMPLE…`, anything containing `example`, the AWS example secret key) are
//!   reported as `API_KEY` at the detector's usual score, and well-formed GitHub/npm tokens
//!   failing their CRC32 checksum score 0.9 instead of 0.6;
//! - US SSN: numbers failing only the SSA issuance rules (area 000, 666, 900–999, group 00,
//!   serial 0000, published samples like `078-05-1120`) are scored like issuable ones: a
//!   dashed `ddd-dd-dddd` is reported even without a context word (0.75; 0.95 next to "SSN",
//!   "social security", ...), other shapes need the context word.
//!
//! Placeholders stay unreported in both modes: templates and references (`${VAR}`,
//! `<your-key>`, `{{ token }}`, `process.env.X`), dummy words (`changeme`), masks (`****`,
//! `ghp_XXXX…`, `000-00-0000`). `allow_values`/`allow_patterns` still apply.
//!
//! # Anchors for custom patterns
//! The engine never runs a regex over the whole text. A custom detector is triggered either by
//! its `keywords` (the pattern is then searched from 128 bytes before to 256 bytes after each
//! keyword) or, without keywords, by the literal prefixes every match must start with, which
//! are extracted from the pattern with `regex-syntax` (each must be ASCII and at least 3 bytes,
//! at most 64 of them); the pattern is then searched in the 1 KiB starting at each prefix, so a
//! custom match is at most 1 KiB long. A pattern without such a prefix and without keywords is
//! rejected with an error naming the detector.

use std::borrow::Cow;
use std::collections::HashSet;

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::{Deserialize, Serialize};

use super::detectors::secrets::util::{ceil_boundary, floor_boundary};
use super::engine::{Engine, EngineConfig, EngineError, DEFAULT_MIN_SCORE};
use super::types::{Detector, Entity, Finding, Hit, ScanCtx, Trigger};

/// Compiled-size cap for tenant-supplied patterns (regex `size_limit`).
const PATTERN_SIZE_LIMIT: usize = 1 << 20;
/// Lazy-DFA cache cap per pattern.
const PATTERN_DFA_LIMIT: usize = 2 << 20;
/// Longest accepted pattern source text.
const PATTERN_MAX_LEN: usize = 4096;
/// Window searched around a keyword hit.
const KEYWORD_BEFORE: usize = 128;
const KEYWORD_AFTER: usize = 256;
/// Window searched from a prefix hit (max custom match length).
const PREFIX_AFTER: usize = 1024;
/// Minimum length of a literal trigger (keyword or extracted prefix).
const MIN_LITERAL: usize = 3;
/// Maximum number of extracted prefixes.
const MAX_PREFIXES: usize = 64;

/// The `[detection]` section.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct DetectionConfig {
    /// Findings with a lower score are dropped (0.0..=1.0).
    pub min_score: f32,
    /// If non-empty, only these entities are reported.
    pub enabled: Vec<String>,
    /// Entities never reported.
    pub disabled: Vec<String>,
    /// Exact values never reported (e.g. a public support e-mail address).
    pub allow_values: Vec<String>,
    /// Regexes; a finding whose whole value matches one is dropped.
    pub allow_patterns: Vec<String>,
    /// Custom detectors (`[[detection.custom]]`).
    pub custom: Vec<CustomDetectorConfig>,
    /// Report documentation/test/reserved example values like real ones (see the module docs).
    pub include_test_values: bool,
}

impl Default for DetectionConfig {
    fn default() -> Self {
        DetectionConfig {
            min_score: DEFAULT_MIN_SCORE,
            enabled: Vec::new(),
            disabled: Vec::new(),
            allow_values: Vec::new(),
            allow_patterns: Vec::new(),
            custom: Vec::new(),
            include_test_values: false,
        }
    }
}

/// One `[[detection.custom]]` entry.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CustomDetectorConfig {
    pub name: String,
    /// A built-in entity name or a new UPPER_SNAKE name (becomes `Entity::Custom`).
    pub entity: String,
    pub pattern: String,
    pub keywords: Vec<String>,
    pub validator: ValidatorKind,
    pub score: f32,
}

impl Default for CustomDetectorConfig {
    fn default() -> Self {
        CustomDetectorConfig {
            name: String::new(),
            entity: String::new(),
            pattern: String::new(),
            keywords: Vec::new(),
            validator: ValidatorKind::None,
            score: 0.8,
        }
    }
}

/// Checksum run on a custom match (non-alphanumeric characters are ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ValidatorKind {
    /// Luhn mod 10 over the digits.
    Luhn,
    /// ISO 7064 MOD 97-10 (IBAN rule: move the first 4 characters to the end, letters = 10..35).
    Mod97,
    #[default]
    None,
}

fn is_upper_snake(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

fn valid_detector_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

fn entity_from_name(name: &str) -> Option<Entity> {
    Entity::from_builtin_name(name)
        .or_else(|| is_upper_snake(name).then(|| Entity::Custom(std::sync::Arc::from(name))))
}

fn compile_pattern(pattern: &str) -> Result<Regex, String> {
    if pattern.len() > PATTERN_MAX_LEN {
        return Err(format!("pattern longer than {PATTERN_MAX_LEN} bytes"));
    }
    RegexBuilder::new(pattern)
        .size_limit(PATTERN_SIZE_LIMIT)
        .dfa_size_limit(PATTERN_DFA_LIMIT)
        .build()
        .map_err(|e| e.to_string())
}

/// Literal prefixes every match of `pattern` starts with, lower-cased and deduplicated;
/// `None` if there is no usable set (see the module docs).
fn required_prefixes(pattern: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .ok()?;
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
    let lits = seq.literals()?;
    if lits.is_empty() || lits.len() > 4 * MAX_PREFIXES {
        return None;
    }
    let mut out: Vec<String> = Vec::new();
    for l in lits {
        let s = std::str::from_utf8(l.as_bytes()).ok()?;
        if s.len() < MIN_LITERAL || !s.is_ascii() {
            return None;
        }
        let s = s.to_ascii_lowercase();
        if !out.contains(&s) {
            out.push(s);
        }
    }
    (out.len() <= MAX_PREFIXES).then_some(out)
}

/// Build the engine for a `[detection]` section (see [`Engine::from_config`]); with
/// `secrets_only`, the built-in catalogue is reduced to its secret family
/// ([`Engine::secrets_from_config`]).
pub(crate) fn build_engine(
    cfg: &DetectionConfig,
    secrets_only: bool,
) -> Result<Engine, EngineError> {
    let mut problems: Vec<String> = Vec::new();
    if !(0.0..=1.0).contains(&cfg.min_score) {
        problems.push("detection.min_score must be within 0.0..=1.0".into());
    }

    let opts = super::detectors::CatalogueOptions {
        include_test_values: cfg.include_test_values,
    };
    let mut detectors = if secrets_only {
        super::detectors::secrets::all_with(opts)
    } else {
        super::detectors::builtin_with(opts)
    };
    let mut custom_entities: HashSet<String> = HashSet::new();
    let mut names: HashSet<&str> = HashSet::new();
    for (i, c) in cfg.custom.iter().enumerate() {
        let label = if c.name.is_empty() {
            format!("detection.custom[{i}]")
        } else {
            format!("detection.custom[{i}] ({})", c.name)
        };
        match build_custom(c) {
            Ok(d) => {
                if !names.insert(c.name.as_str()) {
                    problems.push(format!("{label}: duplicate detector name"));
                }
                custom_entities.insert(c.entity.clone());
                detectors.push(Box::new(d));
            }
            Err(errs) => problems.extend(errs.into_iter().map(|e| format!("{label}: {e}"))),
        }
    }

    let known = |n: &str| Entity::from_builtin_name(n).is_some() || custom_entities.contains(n);
    for (field, list) in [("enabled", &cfg.enabled), ("disabled", &cfg.disabled)] {
        for n in list {
            if !known(n) {
                problems.push(format!("detection.{field}: unknown entity {n:?}"));
            }
        }
    }

    let mut allow_patterns = None;
    if !cfg.allow_patterns.is_empty() {
        for (i, p) in cfg.allow_patterns.iter().enumerate() {
            if let Err(e) = compile_pattern(p) {
                problems.push(format!("detection.allow_patterns[{i}]: {e}"));
            }
        }
        let anchored: Vec<String> = cfg
            .allow_patterns
            .iter()
            .map(|p| format!("^(?:{p})$"))
            .collect();
        match RegexSetBuilder::new(&anchored)
            .size_limit(PATTERN_SIZE_LIMIT * 4)
            .dfa_size_limit(PATTERN_DFA_LIMIT * 4)
            .build()
        {
            Ok(set) => allow_patterns = Some(set),
            Err(e) => {
                if problems.is_empty() {
                    problems.push(format!("detection.allow_patterns: {e}"));
                }
            }
        }
    }

    if !problems.is_empty() {
        return Err(EngineError::Config(problems));
    }
    let engine_cfg = EngineConfig {
        min_score: cfg.min_score,
        enabled: (!cfg.enabled.is_empty()).then(|| cfg.enabled.iter().cloned().collect()),
        disabled: cfg.disabled.iter().cloned().collect(),
        allow_values: cfg.allow_values.iter().cloned().collect(),
        allow_patterns: allow_patterns.map(|s: RegexSet| s),
    };
    Engine::with_config(detectors, engine_cfg)
}

fn build_custom(c: &CustomDetectorConfig) -> Result<CustomDetector, Vec<String>> {
    let mut errs = Vec::new();
    if !valid_detector_name(&c.name) {
        errs.push("name must be 1-64 chars of [a-z0-9_-]".to_string());
    }
    let entity = entity_from_name(&c.entity);
    if entity.is_none() {
        errs.push(format!(
            "entity {:?} is neither a built-in entity nor an UPPER_SNAKE name",
            c.entity
        ));
    }
    if !(c.score > 0.0 && c.score <= 1.0) {
        errs.push("score must be within (0.0, 1.0]".into());
    }
    let regex = match compile_pattern(&c.pattern) {
        Ok(r) => Some(r),
        Err(e) => {
            errs.push(format!("pattern: {e}"));
            None
        }
    };
    for k in &c.keywords {
        if k.len() < MIN_LITERAL || !k.is_ascii() {
            errs.push(format!(
                "keyword {k:?} must be ASCII and at least {MIN_LITERAL} bytes"
            ));
        }
    }
    let (triggers, after, before) = if c.keywords.is_empty() {
        match regex.as_ref().and_then(|_| required_prefixes(&c.pattern)) {
            Some(p) => (p, PREFIX_AFTER, 0),
            None => {
                if regex.is_some() {
                    errs.push(
                        "pattern has no literal prefix (ASCII, >= 3 bytes) every match starts \
                         with: add `keywords`"
                            .into(),
                    );
                }
                (Vec::new(), 0, 0)
            }
        }
    } else {
        (
            c.keywords.iter().map(|k| k.to_ascii_lowercase()).collect(),
            KEYWORD_AFTER,
            KEYWORD_BEFORE,
        )
    };
    match (regex, entity) {
        (Some(regex), Some(entity)) if errs.is_empty() => Ok(CustomDetector {
            name: c.name.clone(),
            entity,
            regex,
            triggers,
            before,
            after,
            validator: c.validator,
            score: c.score,
        }),
        _ => Err(errs),
    }
}

/// A detector from `[[detection.custom]]`.
struct CustomDetector {
    name: String,
    entity: Entity,
    regex: Regex,
    triggers: Vec<String>,
    before: usize,
    after: usize,
    validator: ValidatorKind,
    score: f32,
}

impl Detector for CustomDetector {
    fn name(&self) -> &'static str {
        "custom"
    }

    fn triggers(&self) -> Vec<Trigger> {
        self.triggers
            .iter()
            .map(|t| Trigger::Literal(Cow::Owned(t.clone())))
            .collect()
    }

    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let text = cx.text;
        // Merge windows so every byte is searched at most once (linear in the text).
        let mut done = 0usize;
        let mut i = 0;
        while let Some(h) = hits.get(i) {
            let mut ws = floor_boundary(text, h.start.saturating_sub(self.before)).max(done);
            let mut we = ceil_boundary(text, h.end.saturating_add(self.after));
            i += 1;
            while let Some(n) = hits.get(i) {
                if n.start.saturating_sub(self.before) <= we {
                    we = ceil_boundary(text, n.end.saturating_add(self.after)).max(we);
                    i += 1;
                } else {
                    break;
                }
            }
            ws = floor_boundary(text, ws);
            let Some(window) = text.get(ws..we) else {
                done = we;
                continue;
            };
            for m in self.regex.find_iter(window) {
                if m.start() == m.end() {
                    continue;
                }
                if !self.validate(m.as_str()) {
                    continue;
                }
                out.push(Finding {
                    entity: self.entity.clone(),
                    start: ws + m.start(),
                    end: ws + m.end(),
                    score: self.score,
                    detector: Cow::Owned(self.name.clone()),
                });
            }
            done = we;
        }
    }
}

impl CustomDetector {
    fn validate(&self, value: &str) -> bool {
        match self.validator {
            ValidatorKind::None => true,
            ValidatorKind::Luhn => luhn(value),
            ValidatorKind::Mod97 => mod97(value),
        }
    }
}

// Custom detectors validate with the shared checks: separators are ignored, letters count
// only for MOD 97-10 (IBAN-style values).
fn luhn(value: &str) -> bool {
    let digits: Vec<u8> = value.bytes().filter(u8::is_ascii_digit).collect();
    super::checks::luhn_valid(&digits)
}

fn mod97(value: &str) -> bool {
    let compact: Vec<u8> = value.bytes().filter(u8::is_ascii_alphanumeric).collect();
    super::checks::iban_mod97_valid(&compact)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> DetectionConfig {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Wrap {
            detection: DetectionConfig,
        }
        toml::from_str::<Wrap>(s).unwrap().detection
    }

    #[test]
    fn empty_section_is_default() {
        let c = parse("[detection]\n");
        assert_eq!(c, DetectionConfig::default());
        assert_eq!(c.min_score, 0.5);
    }

    #[test]
    fn unknown_fields_are_rejected() {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Wrap {
            detection: DetectionConfig,
        }
        assert!(toml::from_str::<Wrap>("[detection]\nmin_scor = 0.3\n").is_err());
        assert!(toml::from_str::<Wrap>("[[detection.custom]]\nname='a'\nbogus=1\n").is_err());
    }

    #[test]
    fn example_in_docs_parses_and_builds() {
        let c = parse(
            r#"
[detection]
min_score = 0.6
disabled = ["PERSON"]
allow_values = ["support@example.com"]
allow_patterns = ['[a-z0-9.]+@example\.com']

[[detection.custom]]
name = "acme_token"
entity = "ACME_TOKEN"
pattern = 'acme_[A-Za-z0-9]{32}'
validator = "none"
score = 0.9

[[detection.custom]]
name = "employee_card"
entity = "CREDIT_CARD"
pattern = '\b\d{16}\b'
keywords = ["employee card"]
validator = "luhn"
"#,
        );
        assert_eq!(c.custom.len(), 2);
        let e = Engine::from_config(&c).unwrap();
        let body = "Z".repeat(32);
        let text =
            format!("use acme_{body} please; employee card 4111111111111111 / 4111111111111112");
        let f = e.scan(&text);
        let acme: Vec<_> = f.iter().filter(|f| f.detector == "acme_token").collect();
        assert_eq!(acme.len(), 1);
        assert_eq!(acme[0].entity.name(), "ACME_TOKEN");
        assert_eq!(&text[acme[0].start..acme[0].end], format!("acme_{body}"));
        // The built-in card detector finds the same span with a higher score and wins the
        // overlap; either way exactly the Luhn-valid number is reported as CREDIT_CARD.
        let cards: Vec<_> = f
            .iter()
            .filter(|f| f.entity.name() == "CREDIT_CARD")
            .collect();
        assert_eq!(cards.len(), 1);
        assert_eq!(&text[cards[0].start..cards[0].end], "4111111111111111");
    }

    #[test]
    fn errors_name_every_bad_detector() {
        let c = parse(
            r#"
[detection]
min_score = 2.0
enabled = ["NOPE"]

[[detection.custom]]
name = "bad_regex"
entity = "API_KEY"
pattern = 'abc('

[[detection.custom]]
name = "no_anchor"
entity = "API_KEY"
pattern = '[a-z]+\d+'

[[detection.custom]]
name = "bad_entity"
entity = "lower case"
pattern = 'abcdef'

[[detection.custom]]
name = "huge"
entity = "API_KEY"
pattern = 'abc\w{1000}\w{1000}\w{1000}'
"#,
        );
        let err = Engine::from_config(&c).unwrap_err().to_string();
        for needle in [
            "min_score",
            "NOPE",
            "bad_regex",
            "no_anchor",
            "bad_entity",
            "huge",
        ] {
            assert!(err.contains(needle), "{needle} missing from {err}");
        }
    }

    #[test]
    fn allow_lists_and_entity_filters_apply() {
        let c = parse(
            r#"
[detection]
allow_values = ["acme_AAAAAAAA"]
allow_patterns = ['acme_B+']
[[detection.custom]]
name = "acme"
entity = "ACME"
pattern = 'acme_[A-Z]{8}'
"#,
        );
        let e = Engine::from_config(&c).unwrap();
        let f = e.scan("acme_AAAAAAAA acme_BBBBBBBB acme_CCCCCCCC acme_BBBBBBBC");
        let vals: Vec<_> = f
            .iter()
            .filter(|f| f.detector == "acme")
            .map(|f| f.start)
            .collect();
        assert_eq!(vals, vec![28, 42]);

        let c = parse(
            "[detection]\ndisabled=['ACME']\n[[detection.custom]]\nname='acme'\nentity='ACME'\npattern='acme_[A-Z]{8}'\n",
        );
        let e = Engine::from_config(&c).unwrap();
        assert!(e.scan("acme_AAAAAAAA").iter().all(|f| f.detector != "acme"));
    }

    #[test]
    fn enabled_list_and_threshold() {
        let c = parse(
            r#"
[detection]
enabled = ["ACME"]
[[detection.custom]]
name = "acme"
entity = "ACME"
pattern = 'acme_[A-Z]{8}'
[[detection.custom]]
name = "weak"
entity = "API_KEY"
pattern = 'weak_[A-Z]{8}'
score = 0.4
"#,
        );
        let e = Engine::from_config(&c).unwrap();
        let f = e.scan("acme_AAAAAAAA weak_BBBBBBBB password=Hunter2!xyz");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].detector, "acme");

        let mut c = c;
        c.enabled.clear();
        c.min_score = 0.3;
        let e = Engine::from_config(&c).unwrap();
        let f = e.scan("weak_BBBBBBBB");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].detector, "weak");
    }

    #[test]
    fn default_config_builds_the_catalogue() {
        let e = Engine::from_config(&DetectionConfig::default()).unwrap();
        assert_eq!(e.detector_count(), super::super::detectors::builtin().len());
        assert_eq!(e.config().min_score, 0.5);
    }

    /// Entity names and values of the findings (split literals: no token-shaped strings in
    /// the repository).
    fn entities(e: &Engine, text: &str) -> Vec<(String, String)> {
        e.scan(text)
            .into_iter()
            .map(|f| (f.entity.name().to_owned(), text[f.start..f.end].to_owned()))
            .collect()
    }

    fn test_values_text() -> (String, Vec<(&'static str, String)>) {
        let aws = format!("AK{}AIOSFODNN7EXAMPLE", "I");
        let gh = format!("gh{}_EXAMPLENOTAREALGITHUBTOKEN0000000000", "p");
        let slack = format!("xo{}b-00000-00000-EXAMPLENOTAREALTOKEN", "x");
        let text = format!(
            "Contact jane.roe@example.com (SSN 934-27-4315). Deploy with {aws}, \
             push with {gh}, notify via {slack}."
        );
        let want = vec![
            ("EMAIL_ADDRESS", "jane.roe@example.com".to_owned()),
            ("US_SSN", "934-27-4315".to_owned()),
            ("API_KEY", aws),
            ("API_KEY", gh),
            ("API_KEY", slack),
        ];
        (text, want)
    }

    #[test]
    fn include_test_values_lifts_the_example_exemptions() {
        let c = parse("[detection]\ninclude_test_values = true\n");
        assert!(c.include_test_values);
        let strict = Engine::from_config(&c).unwrap();
        let (text, want) = test_values_text();
        let got = entities(&strict, &text);
        let want: Vec<(String, String)> =
            want.into_iter().map(|(e, v)| (e.to_owned(), v)).collect();
        assert_eq!(got, want);
        // Every finding clears a raised threshold too.
        assert!(strict.scan(&text).iter().all(|f| f.score >= 0.75));
    }

    #[test]
    fn default_mode_keeps_the_example_exemptions() {
        let (text, _) = test_values_text();
        for e in [
            Engine::from_config(&DetectionConfig::default()).unwrap(),
            Engine::from_config(&parse("[detection]\ninclude_test_values = false\n")).unwrap(),
        ] {
            assert!(entities(&e, &text).is_empty(), "{:?}", entities(&e, &text));
        }
        assert!(entities(&Engine::builtin().unwrap(), &text).is_empty());
    }

    #[test]
    fn include_test_values_keeps_placeholders_clean() {
        let c = parse("[detection]\ninclude_test_values = true\n");
        let strict = Engine::from_config(&c).unwrap();
        for t in [
            "api_key = \"${OPENAI_API_KEY}\"",
            "token: <your-key>",
            "password = changeme",
            "secret: ****",
            "Authorization: Bearer <token>",
            "AWS_SECRET_ACCESS_KEY={{ aws_secret }}",
            "GITHUB_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            "SSN: 000-00-0000",
            "SSN: XXX-XX-XXXX",
            "xoxb-your-token-here",
        ] {
            assert!(
                entities(&strict, t).is_empty(),
                "{t}: {:?}",
                entities(&strict, t)
            );
        }
    }

    #[test]
    fn include_test_values_respects_allow_lists() {
        let c = parse(
            "[detection]\ninclude_test_values = true\nallow_values = [\"help@example.com\"]\n",
        );
        let strict = Engine::from_config(&c).unwrap();
        assert!(entities(&strict, "write to help@example.com").is_empty());
        assert_eq!(
            entities(&strict, "write to ana@example.com"),
            vec![("EMAIL_ADDRESS".to_owned(), "ana@example.com".to_owned())]
        );
    }

    #[test]
    fn benchmark_config_uses_only_the_builtin_catalogue() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/py/pii_leak_benchmark.toml"
        );
        let root: toml::Value = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let c: DetectionConfig = root["detection"].clone().try_into().unwrap();
        assert!(
            c.custom.is_empty(),
            "no custom detectors in the benchmark config"
        );
        assert!(c.include_test_values);
        let e = Engine::from_config(&c).unwrap();
        let (text, want) = test_values_text();
        assert_eq!(entities(&e, &text).len(), want.len());
    }

    #[test]
    fn prefix_extraction() {
        assert_eq!(required_prefixes("acme_[a-z]+"), Some(vec!["acme_".into()]));
        assert_eq!(
            required_prefixes("(?:foo|bar)-\\d+").map(|v| v.len()),
            Some(2)
        );
        assert_eq!(required_prefixes("\\d+abc"), None);
        assert_eq!(required_prefixes("ab\\d"), None);
    }

    #[test]
    fn checksums() {
        assert!(luhn("4111 1111 1111 1111"));
        assert!(!luhn("4111 1111 1111 1112"));
        assert!(mod97("GB82 WEST 1234 5698 7654 32"));
        assert!(!mod97("GB82 WEST 1234 5698 7654 33"));
    }
}
