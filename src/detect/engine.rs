//! The engine: compiles every detector's triggers once, scans a text in one pass, dispatches
//! hits to detectors, filters and resolves overlaps deterministically.
//!
//! Owns: the trigger automaton (all `Trigger::Literal`s of all detectors in one
//! ASCII-case-insensitive Aho-Corasick DFA, [`dfa`]), the digit-run scan, the per-scan scratch,
//! the score threshold, allow-lists, entity enable/disable and the overlap rules.
//! Never: looks at text outside what detectors ask for, compiles anything per scan, logs or
//! stores text or values.
//! Called by: `transform` (request sanitizing, response scanning), the `scan`/`scrub` CLI, and
//! [`crate::detect::config`] (which builds an engine from the `[detection]` section).
//!
//! # Cost model
//! A scan is one overlapping Aho-Corasick pass over the text (every occurrence of every
//! literal, overlaps included) in a hand-rolled DFA loop whose cost per byte does not depend
//! on the number of literals (631 distinct built-in literals; a general automaton with
//! prefilter paid ~18/byte for the skip pass plus ~2.6/byte of overlapping re-search: that many
//! literals disable its prefilter). A long text is searched in four lanes side by side, because
//! one lane waits on its own table loads ([`dfa`]: 276 -> 396 MiB/s on the clean corpus for the
//! whole engine). When a detector asks for digit runs, one more scan finds ASCII digits eight
//! bytes at a time (SWAR) and measures each digit group eight bytes at a time too. Text
//! without triggers costs those passes and nothing else. Each detector then looks at bounded
//! windows around its own hits; detectors remember how far they scanned so repeated triggers
//! never rescan the same bytes (linear time overall).
//!
//! Digit runs are collected once per distinct `min_digits` and shared by every detector whose
//! only trigger is that digit run (already in text order: no copies per detector, no sort).
//! Literal hits arrive in order of their end; each is inserted in (start, end, trigger) order
//! as it is pushed (a longer literal overlapping shorter ones moves back a few places), so no
//! hit list is sorted per scan. Overlap resolution ranks only the findings that overlap
//! another one (per cluster of transitively overlapping spans); a lone finding is kept as is.
//!
//! Hard negatives: the digit-run pass recognises delimited UUIDs and ISO 8601 timestamps at
//! their first digit run and skips them whole ([`HardNegatives`]); no digit-run detector sees
//! their digits (in logs they carry most digit runs, and every detector rejected them anyway).
//!
//! Measured with callgrind on the criterion corpora of `benches/detect.rs` (4 MiB each,
//! steady state, `examples/bench_corpus_profile.rs`: `valgrind --tool=callgrind
//! --toggle-collect='*bench_corpus_profile*measured*' target/release/examples/bench_corpus_profile
//! clean all 1`): clean 27.5 instructions/byte (44.8 at the start of session 5, 54.7 before
//! session 3), mixed 48.7 (65.9, 81.7). Clean: literal DFA ~7.8/byte, the digit-run pass with
//! the UUID/timestamp recognition and per-class hit lists ~10/byte, then IP ~8.8 M instructions,
//! MAC ~4.5 M, the grouped national IDs ~8 M, crypto wallets ~2.3 M, phone ~1.9 M. Mixed adds
//! the secret assignments (~19 M), phone validation (~12.5 M), the natural-language detectors
//! (~15 M) and IP (~12 M). Per-change figures: `bench/results/2026-11-24-session5.md`.
//! The fixed cost of a scan with caller-owned scratch on a 19-byte text without findings is ~2.6k
//! instructions (was 8.5k; `bench_corpus_profile tiny all 1000`).
//!
//! # API
//! - [`Engine::builtin`], [`Engine::from_config`], [`Engine::with_detectors`],
//!   [`Engine::with_config`]: build once, share behind an `Arc`.
//! - [`Engine::scan`] (convenience), [`Engine::scan_with`] (caller-owned [`Scratch`] and output
//!   vector, allocation-light: use this on the hot path).
//!
//! # Overlap rules (documented contract)
//! Findings below the minimum score, of disabled entities, or whose value is allow-listed are
//! dropped first. The remaining findings are ranked and kept greedily, best first; a finding
//! that overlaps an already kept one is dropped entirely (never trimmed). Rank, best first:
//! 1. a secret beats PII (`Category::Secret` before `Category::Pii`): redaction is the stronger
//!    action, so the password inside `postgres://bob:pw@db.example.com` wins over an e-mail
//!    shaped `bob:pw@db.example.com`, and a token assignment wins over a phone number inside it;
//! 2. higher score (validated > unique prefix > context-dependent);
//! 3. longer span (more specific: a whole PEM block beats a token inside it);
//! 4. lower detector index (catalogue order: secrets, then PII, then natural language, then
//!    custom detectors from config);
//! 5. earlier start.
//!
//! The output is sorted by start, non-overlapping, on char boundaries and within the text.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use regex::RegexSet;

use super::types::{Category, Detector, Finding, Hit, ScanCtx, Trigger};

mod dfa;

use dfa::{LaneBufs, LiteralDfa};

/// Errors while building an engine. Messages name detectors, fields and patterns from the
/// configuration, never scanned text.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("could not build the trigger automaton: {0}")]
    Automaton(String),
    #[error("invalid detection config: {}", .0.join("; "))]
    Config(Vec<String>),
}

/// Default minimum score: findings below are dropped.
pub const DEFAULT_MIN_SCORE: f32 = 0.5;

/// Compiled knobs of the engine (built from the `[detection]` config section by
/// [`crate::detect::config`]).
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Findings with `score < min_score` are dropped.
    pub min_score: f32,
    /// When set, only these entity names are reported.
    pub enabled: Option<HashSet<String>>,
    /// Entity names never reported.
    pub disabled: HashSet<String>,
    /// Exact values never reported.
    pub allow_values: HashSet<String>,
    /// A finding whose whole value matches one of these is dropped (patterns are anchored).
    pub allow_patterns: Option<RegexSet>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            min_score: DEFAULT_MIN_SCORE,
            enabled: None,
            disabled: HashSet::new(),
            allow_values: HashSet::new(),
            allow_patterns: None,
        }
    }
}

/// Where one literal pattern of the automaton goes.
#[derive(Debug, Clone, Copy)]
struct Route {
    detector: u32,
    trigger: u32,
}

#[derive(Debug, Clone, Copy)]
struct DigitRoute {
    detector: u32,
    trigger: u32,
    min_digits: usize,
}

/// Immutable after build; share it behind an `Arc` across threads.
pub struct Engine {
    detectors: Vec<Box<dyn Detector>>,
    /// Every literal (lower-case, deduplicated) in one case-insensitive overlapping DFA.
    literals: Option<LiteralDfa>,
    /// The literals, indexed like the automaton's patterns.
    patterns: Vec<String>,
    /// `routes[route_start[p]..route_start[p + 1]]` are the routes of automaton pattern `p`.
    routes: Vec<Route>,
    route_start: Vec<u32>,
    /// Digit routes of detectors that also have other triggers (hits merged per detector).
    digit_routes: Vec<DigitRoute>,
    /// Distinct `min_digits` of digit-only detectors, ascending: one shared hit list each.
    digit_classes: Vec<usize>,
    /// Per detector: the index into `digit_classes` when its only trigger is one `DigitRun`.
    /// Those detectors share the class's hit list (already in text order, never sorted).
    digit_class_of: Vec<Option<u32>>,
    min_digit_run: usize,
    /// Digit runs inside UUIDs and ISO 8601 timestamps are not dispatched (see
    /// [`HardNegatives`]); off only in tests that prove the skip loses nothing.
    skip_hard_negatives: bool,
    config: EngineConfig,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("detectors", &self.detectors.len())
            .field("literals", &self.patterns.len())
            .field("automaton", &self.literals)
            .field("digit_routes", &self.digit_routes.len())
            .field("digit_classes", &self.digit_classes)
            .field("min_score", &self.config.min_score)
            .finish()
    }
}

/// Reusable per-scan memory. Create one per worker with [`Engine::scratch`] and pass it to
/// [`Engine::scan_with`]; after warm-up a scan allocates only for findings.
#[derive(Debug, Default)]
pub struct Scratch {
    hits: Vec<Vec<Hit>>,
    /// Digit runs per class of `Engine::digit_classes` (shared by digit-only detectors).
    class_hits: Vec<Vec<Hit>>,
    touched: Vec<u32>,
    /// Per detector: its hit list needs a sort (digit runs appended after literals, or
    /// pathological literal overlaps).
    unsorted: Vec<bool>,
    found: Vec<Finding>,
    origin: Vec<u32>,
    order: Vec<u32>,
    kept: BTreeMap<usize, (usize, u32)>,
    /// The literal automaton's per-lane match buffers.
    lanes: LaneBufs,
}

impl Scratch {
    fn reset(&mut self, detectors: usize, classes: usize) {
        if self.hits.len() != detectors {
            self.hits = vec![Vec::new(); detectors];
        }
        if self.class_hits.len() != classes {
            self.class_hits = vec![Vec::new(); classes];
        }
        for c in &mut self.class_hits {
            c.clear();
        }
        if self.unsorted.len() != detectors {
            self.unsorted = vec![false; detectors];
        }
        for &d in &self.touched {
            if let Some(h) = self.hits.get_mut(d as usize) {
                h.clear();
            }
            if let Some(u) = self.unsorted.get_mut(d as usize) {
                *u = false;
            }
        }
        self.touched.clear();
        self.found.clear();
        self.origin.clear();
        self.order.clear();
        self.kept.clear();
    }
}

impl Engine {
    /// The whole built-in catalogue with default settings.
    pub fn builtin() -> Result<Arc<Engine>, EngineError> {
        Self::with_detectors(super::detectors::builtin()).map(Arc::new)
    }

    /// Build from explicit detectors with default settings (tests, benches, custom sets).
    pub fn with_detectors(detectors: Vec<Box<dyn Detector>>) -> Result<Engine, EngineError> {
        Self::with_config(detectors, EngineConfig::default())
    }

    /// Build from the `[detection]` config section: the built-in catalogue plus custom
    /// detectors, filtered and thresholded as configured.
    ///
    /// # Errors
    /// [`EngineError::Config`] lists every problem found (bad entity names, patterns that do
    /// not compile or are too large, custom detectors without a literal anchor, ...).
    pub fn from_config(config: &super::config::DetectionConfig) -> Result<Engine, EngineError> {
        super::config::build_engine(config, false)
    }

    /// Like [`Engine::from_config`] with only the detectors that can report a secret (the
    /// built-in secret family and every custom detector; custom entities count as secrets).
    /// Its findings equal those of the full engine filtered to [`Category::Secret`]: detectors
    /// run independently and a secret outranks any PII finding it overlaps, so dropping the PII
    /// detectors never changes which secrets are kept. Used to scan responses under
    /// `scan_responses = "secrets"` at a fraction of the full catalogue's cost.
    ///
    /// # Errors
    /// As [`Engine::from_config`].
    pub fn secrets_from_config(
        config: &super::config::DetectionConfig,
    ) -> Result<Engine, EngineError> {
        super::config::build_engine(config, true)
    }

    /// Build from explicit detectors and compiled settings.
    pub fn with_config(
        detectors: Vec<Box<dyn Detector>>,
        config: EngineConfig,
    ) -> Result<Engine, EngineError> {
        let mut pattern_index: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut per_pattern: Vec<Vec<Route>> = Vec::new();
        let mut digit_routes = Vec::new();
        let mut digit_only: Vec<Option<usize>> = Vec::with_capacity(detectors.len());
        for (d, det) in detectors.iter().enumerate() {
            let d = u32::try_from(d)
                .map_err(|_| EngineError::Automaton("too many detectors".into()))?;
            let triggers = det.triggers();
            if let [Trigger::DigitRun { min_digits }] = triggers.as_slice() {
                digit_only.push(Some((*min_digits).max(1)));
                continue;
            }
            digit_only.push(None);
            for (t, trig) in triggers.into_iter().enumerate() {
                let t = u32::try_from(t)
                    .map_err(|_| EngineError::Automaton("too many triggers".into()))?;
                match trig {
                    Trigger::Literal(lit) => {
                        if lit.is_empty() || !lit.is_ascii() {
                            return Err(EngineError::Automaton(format!(
                                "detector {} declares an empty or non-ASCII literal",
                                det.name()
                            )));
                        }
                        let lit = lit.to_ascii_lowercase();
                        let idx = match pattern_index.get(&lit) {
                            Some(&i) => i,
                            None => {
                                patterns.push(lit.clone());
                                per_pattern.push(Vec::new());
                                pattern_index.insert(lit, patterns.len() - 1);
                                patterns.len() - 1
                            }
                        };
                        if let Some(routes) = per_pattern.get_mut(idx) {
                            routes.push(Route {
                                detector: d,
                                trigger: t,
                            });
                        }
                    }
                    Trigger::DigitRun { min_digits } => digit_routes.push(DigitRoute {
                        detector: d,
                        trigger: t,
                        min_digits: min_digits.max(1),
                    }),
                }
            }
        }
        let mut routes = Vec::new();
        let mut route_start = Vec::with_capacity(per_pattern.len() + 1);
        for r in per_pattern {
            route_start.push(routes.len() as u32);
            routes.extend(r);
        }
        route_start.push(routes.len() as u32);
        let literals = if patterns.is_empty() {
            None
        } else {
            Some(LiteralDfa::new(&patterns).map_err(EngineError::Automaton)?)
        };
        let mut digit_classes: Vec<usize> = digit_only.iter().flatten().copied().collect();
        digit_classes.sort_unstable();
        digit_classes.dedup();
        let digit_class_of = digit_only
            .iter()
            .map(|m| {
                m.and_then(|m| digit_classes.iter().position(|&c| c == m))
                    .map(|c| c as u32)
            })
            .collect();
        let min_digit_run = digit_routes
            .iter()
            .map(|r| r.min_digits)
            .chain(digit_classes.first().copied())
            .min()
            .unwrap_or(usize::MAX);
        Ok(Engine {
            detectors,
            literals,
            patterns,
            routes,
            route_start,
            digit_routes,
            digit_classes,
            digit_class_of,
            min_digit_run,
            skip_hard_negatives: true,
            config,
        })
    }

    /// The same engine dispatching every digit run, hard negatives included (see
    /// `HardNegatives` in this module): the reference of the tests that prove the skip loses no
    /// finding. Not for production: it only makes clean logs slower to scan.
    #[doc(hidden)]
    pub fn without_hard_negative_skip(mut self) -> Engine {
        self.skip_hard_negatives = false;
        self
    }

    /// Number of detectors in the engine.
    pub fn detector_count(&self) -> usize {
        self.detectors.len()
    }

    /// Names of the detectors, in catalogue order.
    pub fn detector_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.detectors.iter().map(|d| d.name())
    }

    /// The compiled settings.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Fresh scratch sized for this engine.
    pub fn scratch(&self) -> Scratch {
        let mut s = Scratch::default();
        s.reset(self.detectors.len(), self.digit_classes.len());
        s
    }

    /// Scan `text`; findings sorted by start, non-overlapping.
    pub fn scan(&self, text: &str) -> Vec<Finding> {
        let mut scratch = self.scratch();
        let mut out = Vec::new();
        self.scan_with(text, &mut scratch, &mut out);
        out
    }

    /// Scan `text`, writing findings into `out` (cleared first).
    pub fn scan_into(&self, text: &str, out: &mut Vec<Finding>) {
        let mut scratch = self.scratch();
        self.scan_with(text, &mut scratch, out);
    }

    /// Scan `text` with caller-owned scratch, writing findings into `out` (cleared first).
    /// Findings are sorted by start, non-overlapping, on char boundaries, within the text.
    pub fn scan_with(&self, text: &str, scratch: &mut Scratch, out: &mut Vec<Finding>) {
        out.clear();
        scratch.reset(self.detectors.len(), self.digit_classes.len());
        self.collect_hits(text, scratch);
        if scratch.touched.is_empty() {
            return;
        }
        // Detector order decides the order of `found` (ties in overlap resolution).
        scratch.touched.sort_unstable();
        let cx = ScanCtx { text };
        let Scratch {
            hits,
            class_hits,
            touched,
            unsorted,
            found,
            origin,
            ..
        } = scratch;
        for &d in touched.iter() {
            let Some(det) = self.detectors.get(d as usize) else {
                continue;
            };
            let h: &[Hit] = match self.digit_class_of.get(d as usize).copied().flatten() {
                // Digit runs come in text order, non-overlapping: already sorted.
                Some(c) => class_hits.get(c as usize).map_or(&[], Vec::as_slice),
                None => {
                    let Some(h) = hits.get_mut(d as usize) else {
                        continue;
                    };
                    let key = |h: &Hit| (h.start, h.end, h.trigger);
                    if unsorted.get(d as usize).copied().unwrap_or(true) {
                        h.sort_unstable_by_key(key);
                    }
                    debug_assert!(h.is_sorted_by_key(key));
                    h
                }
            };
            let before = found.len();
            det.detect(&cx, h, found);
            origin.resize(found.len(), d);
            debug_assert!(found.len() >= before);
        }
        self.filter_and_resolve(text, scratch, out);
    }

    fn collect_hits(&self, text: &str, scratch: &mut Scratch) {
        let Scratch {
            hits,
            class_hits,
            touched,
            unsorted,
            lanes,
            ..
        } = scratch;
        // Literal hits arrive in order of `end`; a hit that starts before hits already pushed
        // (a longer literal overlapping shorter ones) is inserted in place, so the lists are
        // sorted by (start, end, trigger) without a sort. Beyond `MAX_SHIFT` displaced hits
        // (pathological overlaps) the list is marked and sorted once instead: linear either way.
        const MAX_SHIFT: usize = 16;
        let mut push = |d: u32, hit: Hit| {
            let Some(v) = hits.get_mut(d as usize) else {
                return;
            };
            let key = |h: &Hit| (h.start, h.end, h.trigger);
            let k = key(&hit);
            // Common case: the hit sorts last (or is the list's first).
            match v.last() {
                None => {
                    touched.push(d);
                    v.push(hit);
                    return;
                }
                Some(p) if key(p) <= k => {
                    v.push(hit);
                    return;
                }
                Some(_) => {}
            }
            let mut i = v.len();
            while i > 0 && v.get(i - 1).is_some_and(|p| key(p) > k) {
                i -= 1;
                if v.len() - i > MAX_SHIFT {
                    i = v.len();
                    if let Some(u) = unsorted.get_mut(d as usize) {
                        *u = true;
                    }
                    break;
                }
            }
            v.insert(i, hit);
        };
        if let Some(dfa) = &self.literals {
            // One overlapping pass: every occurrence of every literal, overlaps included.
            dfa.for_each_match(text.as_bytes(), lanes, |p, start, end| {
                let (Some(&a), Some(&b)) = (self.route_start.get(p), self.route_start.get(p + 1))
                else {
                    return;
                };
                for r in self.routes.get(a as usize..b as usize).unwrap_or(&[]) {
                    push(
                        r.detector,
                        Hit {
                            start,
                            end,
                            trigger: r.trigger as usize,
                        },
                    );
                }
            });
        }
        if !self.digit_routes.is_empty() || !self.digit_classes.is_empty() {
            let skip = self.skip_hard_negatives;
            for_each_digit_run(
                text.as_bytes(),
                self.min_digit_run,
                skip,
                |start, end, digits| {
                    let hit = Hit {
                        start,
                        end,
                        trigger: 0,
                    };
                    for (v, &m) in class_hits.iter_mut().zip(&self.digit_classes) {
                        if digits < m {
                            break;
                        }
                        v.push(hit);
                    }
                    for r in &self.digit_routes {
                        if digits >= r.min_digits {
                            // Appended after the literal hits: sorted once in `scan_with`.
                            if let Some(v) = hits.get_mut(r.detector as usize) {
                                if v.is_empty() {
                                    touched.push(r.detector);
                                }
                                v.push(Hit {
                                    start,
                                    end,
                                    trigger: r.trigger as usize,
                                });
                            }
                            if let Some(u) = unsorted.get_mut(r.detector as usize) {
                                *u = true;
                            }
                        }
                    }
                },
            );
            for (d, c) in self.digit_class_of.iter().enumerate() {
                if let Some(c) = c {
                    if class_hits.get(*c as usize).is_some_and(|v| !v.is_empty()) {
                        touched.push(d as u32);
                    }
                }
            }
        }
    }

    fn keep(&self, text: &str, f: &Finding) -> bool {
        if !(f.start < f.end
            && f.end <= text.len()
            && text.is_char_boundary(f.start)
            && text.is_char_boundary(f.end))
        {
            return false;
        }
        // NaN scores are dropped too.
        if f.score.is_nan() || f.score < self.config.min_score {
            return false;
        }
        let name = f.entity.name();
        if let Some(enabled) = &self.config.enabled {
            if !enabled.contains(name) {
                return false;
            }
        }
        if self.config.disabled.contains(name) {
            return false;
        }
        let value = text.get(f.start..f.end).unwrap_or("");
        if self.config.allow_values.contains(value) {
            return false;
        }
        if let Some(set) = &self.config.allow_patterns {
            if set.is_match(value) {
                return false;
            }
        }
        true
    }

    fn filter_and_resolve(&self, text: &str, scratch: &mut Scratch, out: &mut Vec<Finding>) {
        let Scratch {
            found,
            origin,
            order,
            kept,
            ..
        } = scratch;
        for (i, f) in found.iter().enumerate() {
            if self.keep(text, f) {
                order.push(i as u32);
            }
        }
        let span = |i: &u32| found.get(*i as usize).map_or((0, 0), |f| (f.start, f.end));
        order.sort_unstable_by_key(span);
        let rank = |i: u32| {
            let f = found.get(i as usize);
            let d = origin.get(i as usize).copied().unwrap_or(u32::MAX);
            (f, d)
        };
        let by_rank = |&a: &u32, &b: &u32| {
            let (fa, da) = rank(a);
            let (fb, db) = rank(b);
            match (fa, fb) {
                (Some(fa), Some(fb)) => {
                    let sa = fa.entity.category() == Category::Secret;
                    let sb = fb.entity.category() == Category::Secret;
                    sb.cmp(&sa)
                        .then(fb.score.total_cmp(&fa.score))
                        .then(fb.len().cmp(&fa.len()))
                        .then(da.cmp(&db))
                        .then(fa.start.cmp(&fb.start))
                        .then(fa.end.cmp(&fb.end))
                        .then(a.cmp(&b))
                }
                _ => a.cmp(&b),
            }
        };
        out.reserve(order.len());
        // Findings in different clusters (maximal groups of transitively overlapping spans, in
        // start order) never overlap, so the greedy choice is made per cluster: a finding
        // alone in its cluster (the common case) is kept without ranking.
        let mut i = 0;
        while i < order.len() {
            let (_, mut max_end) = order.get(i).map_or((0, 0), span);
            let mut j = i + 1;
            while let Some(next) = order.get(j) {
                let (s, e) = span(next);
                if s >= max_end {
                    break;
                }
                max_end = max_end.max(e);
                j += 1;
            }
            let Some(cluster) = order.get_mut(i..j) else {
                break;
            };
            i = j;
            if let [only] = cluster {
                if let Some(f) = found.get(*only as usize) {
                    out.push(f.clone());
                }
                continue;
            }
            cluster.sort_unstable_by(by_rank);
            kept.clear();
            for &c in cluster.iter() {
                let Some(f) = found.get(c as usize) else {
                    continue;
                };
                // Kept intervals are disjoint, so the one with the greatest start before
                // `f.end` also has the greatest end: it is the only one that needs checking.
                let overlaps = kept
                    .range(..f.end)
                    .next_back()
                    .is_some_and(|(_, &(end, _))| end > f.start);
                if !overlaps {
                    kept.insert(f.start, (f.end, c));
                }
            }
            for (_, &(_, c)) in kept.iter() {
                if let Some(f) = found.get(c as usize) {
                    out.push(f.clone());
                }
            }
        }
    }
}

/// Index of the first ASCII digit at or after `i`. Eight bytes per step: in a word `w`,
/// `t = w ^ 0x30..` maps digits to bytes below 10, and `(t - 0x0a..) & !t & 0x80..` flags the
/// lowest byte below 10 exactly (borrows only create false flags above a true one; bytes
/// >= 0x80 never flag).
#[inline]
fn next_digit(bytes: &[u8], mut i: usize) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    while let Some(w) = bytes.get(i..i + 8) {
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or([0; 8]));
        let t = w ^ (0x30 * LO);
        let m = t.wrapping_sub(10 * LO) & !t & HI;
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    bytes
        .get(i..)?
        .iter()
        .position(u8::is_ascii_digit)
        .map(|off| i + off)
}

/// Number of ASCII digits at `bytes[i..]` before the first non-digit (or the end). Eight
/// bytes per step: with `t = w ^ 0x30..`, a byte is a digit iff `t < 10`; `(t & 0x7f) + 0x76`
/// sets the high bit exactly for `t & 0x7f >= 10` without carrying into the next byte, and
/// `| t` flags bytes >= 0x80.
#[inline]
fn digits_at(bytes: &[u8], i: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut n = i;
    while let Some(w) = bytes.get(n..n + 8) {
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or([0; 8]));
        let t = w ^ (0x30 * LO);
        let non_digit = (((t & (0x7f * LO)) + (0x76 * LO)) | t) & HI;
        if non_digit != 0 {
            return n - i + (non_digit.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n - i
        + bytes
            .get(n..)
            .unwrap_or(&[])
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
}

/// Maximal digit runs: digits, optionally joined by single separators from `" -./"`.
/// Calls `f(start, end, digit_count)` for runs with at least `min_digits` digits.
/// With `skip_hard_negatives`, the digits of a delimited UUID or ISO 8601 timestamp are not
/// runs at all (see [`HardNegatives`]).
#[inline]
fn for_each_digit_run(
    bytes: &[u8],
    min_digits: usize,
    skip_hard_negatives: bool,
    f: impl FnMut(usize, usize, usize),
) {
    for_each_digit_run_or_skip(bytes, min_digits, skip_hard_negatives, f, |_, _| {});
}

/// [`for_each_digit_run`], also calling `skipped(start, end)` for every hard-negative token
/// skipped (from the first digit of the token).
#[inline]
fn for_each_digit_run_or_skip(
    bytes: &[u8],
    min_digits: usize,
    skip_hard_negatives: bool,
    mut f: impl FnMut(usize, usize, usize),
    mut skipped: impl FnMut(usize, usize),
) {
    let mut i = 0;
    let mut hn = HardNegatives::default();
    while let Some(start) = next_digit(bytes, i) {
        let mut digits = digits_at(bytes, start);
        if skip_hard_negatives {
            if let Some(end) = hn.token_end(bytes, start, start + digits) {
                skipped(start, end);
                i = end;
                continue;
            }
        }
        let mut end = start + digits;
        while let (Some(&sep), Some(d)) = (bytes.get(end), bytes.get(end + 1)) {
            if !(matches!(sep, b' ' | b'-' | b'.' | b'/') && d.is_ascii_digit()) {
                break;
            }
            let g = digits_at(bytes, end + 1);
            end += 1 + g;
            digits += g;
        }
        if digits >= min_digits {
            f(start, end, digits);
        }
        // `bytes[end]` (if any) is not a digit.
        i = end + 1;
    }
}

/// Bytes of a hex token: hex digits and `-` (UUIDs).
const fn hex_dash_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_hexdigit() || b == b'-';
        c += 1;
    }
    t
}
static HEX_DASH: [bool; 256] = hex_dash_table();

/// True for a byte that may delimit a hard-negative token: not alphanumeric and none of the
/// bytes that glue tokens into larger ones (`-_.:/@+`, `\\`, `%`, `#`, `$`). Non-ASCII bytes
/// glue too (a token inside a word of another script is not delimited).
#[inline]
fn delimits(c: u8) -> bool {
    c.is_ascii()
        && !c.is_ascii_alphanumeric()
        && !matches!(
            c,
            b'-' | b'_' | b'.' | b':' | b'/' | b'@' | b'+' | b'\\' | b'%' | b'#' | b'$'
        )
}

/// The engine's hard negatives: tokens whose digits no digit-run detector may report, so their
/// digit runs are never dispatched. Logs are full of them (a request id and a timestamp per line
/// carry most of a log's digit runs), and dispatching each run to every digit-run detector only
/// for all of them to reject it was most of the cost of clean text.
///
/// - A UUID: exactly `8-4-4-4-12` hex digits, delimited on both sides (see [`delimits`]).
/// - An ISO 8601 timestamp `YYYY-MM-DD[T ]hh:mm:ss`, optionally with a fraction (`.`/`,`
///   digits) and a zone (`Z`, `±hh:mm`, `±hhmm`), delimited on both sides.
///
/// What the skip changes: only findings that lie inside such a token, which are false positives
/// by definition (issue #3 lists UUIDs and timestamps as hard negatives); the differential test
/// in `tests/detect_props.rs` found phone numbers in long timestamp fractions
/// (`09:15:02.5901427`). Nothing outside the tokens changes, because the tokens are delimited and
/// no digit run crosses their edges: in a UUID every digit group is glued to hex letters or `-`
/// (national-ID, phone and card detectors drop glued spans), no group is 2 hex digits long (MAC),
/// there is no `:` or `.` (IP), and no alphanumeric stretch is longer than 12 (IBAN, codice
/// fiscale, wallets); a timestamp's `hh:mm:ss` is not an IPv6 address (three groups, no `::`).
/// The test scans 6,000 texts that glue values of every digit-run detector to such tokens (and
/// near misses), with and without the skip, and compares the findings.
#[derive(Debug, Default)]
struct HardNegatives {
    /// The hex token `[..no_uuid_until)` around an earlier run was checked and is no UUID.
    no_uuid_until: usize,
}

impl HardNegatives {
    /// For a run starting at `p` (a digit with no digit before it): the end of the hard-negative
    /// token containing it, if any. Linear overall: each hex token is walked once.
    #[inline]
    /// `b[p..digits_end]` are the run's first digits (hex: the walk forward starts after them).
    fn token_end(&mut self, b: &[u8], p: usize, digits_end: usize) -> Option<usize> {
        if let Some(end) = iso_timestamp_end(b, p) {
            return Some(end);
        }
        if p < self.no_uuid_until {
            return None;
        }
        let is_hex = |i: usize| b.get(i).is_some_and(|&c| HEX_DASH[c as usize]);
        // The previous token ended before `p`, so this walk covers new bytes only.
        let mut s = p;
        while s > 0 && is_hex(s - 1) {
            s -= 1;
        }
        let mut e = digits_end;
        while is_hex(e) {
            e += 1;
        }
        self.no_uuid_until = e;
        (e - s == 36 && is_uuid(&b[s..e]) && delimited(b, s, e)).then_some(e)
    }
}

/// Both neighbours of `b[s..e]` delimit it (the text's start and end do), and no digit run
/// crosses its edges: a space between its edge digit and a digit outside would join them into
/// one run. So the runs outside a hard negative are the same with or without the skip.
#[inline]
fn delimited(b: &[u8], s: usize, e: usize) -> bool {
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let left = s == 0
        || b.get(s - 1)
            .is_some_and(|&c| delimits(c) && !(c == b' ' && s >= 2 && digit(s - 2) && digit(s)));
    let right = b
        .get(e)
        .is_none_or(|&c| delimits(c) && !(c == b' ' && e > 0 && digit(e - 1) && digit(e + 1)));
    left && right
}

/// The hard-negative tokens of `text` (byte spans), in order: what the engine's digit-run pass
/// skips. For the tests that check the skip.
#[doc(hidden)]
pub fn hard_negative_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    for_each_digit_run_or_skip(
        text.as_bytes(),
        1,
        true,
        |_, _, _| {},
        |s, e| spans.push((s, e)),
    );
    spans
}

/// `t` (36 bytes of hex digits and `-`) is `8-4-4-4-12`.
#[inline]
fn is_uuid(t: &[u8]) -> bool {
    t.iter()
        .enumerate()
        .all(|(i, &c)| (c == b'-') == matches!(i, 8 | 13 | 18 | 23))
}

/// The end of a delimited ISO 8601 timestamp starting at `p`, if one does.
#[inline]
fn iso_timestamp_end(b: &[u8], p: usize) -> Option<usize> {
    let at = |i: usize| b.get(p + i).copied().unwrap_or(0);
    let digits = |from: usize, n: usize| (from..from + n).all(|i| at(i).is_ascii_digit());
    if !(at(4) == b'-'
        && at(7) == b'-'
        && matches!(at(10), b'T' | b' ')
        && at(13) == b':'
        && at(16) == b':'
        && digits(0, 4)
        && digits(5, 2)
        && digits(8, 2)
        && digits(11, 2)
        && digits(14, 2)
        && digits(17, 2))
    {
        return None;
    }
    let mut e = 19;
    if matches!(at(e), b'.' | b',') && at(e + 1).is_ascii_digit() {
        e += 1;
        while at(e).is_ascii_digit() {
            e += 1;
        }
    }
    if at(e) == b'Z' {
        e += 1;
    } else if matches!(at(e), b'+' | b'-') && digits(e + 1, 2) {
        if at(e + 3) == b':' && digits(e + 4, 2) {
            e += 6;
        } else if digits(e + 3, 2) {
            e += 5;
        }
    }
    delimited(b, p, p + e).then_some(p + e)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::detect::Entity;

    /// Flags every occurrence of its literal, with a fixed entity and score.
    struct Lit {
        name: &'static str,
        lit: &'static str,
        entity: Entity,
        score: f32,
        extend: usize,
    }

    impl Detector for Lit {
        fn name(&self) -> &'static str {
            self.name
        }
        fn triggers(&self) -> Vec<Trigger> {
            vec![Trigger::Literal(Cow::Borrowed(self.lit))]
        }
        fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
            for h in hits {
                out.push(Finding {
                    entity: self.entity.clone(),
                    start: h.start,
                    end: (h.end + self.extend).min(cx.text.len()),
                    score: self.score,
                    detector: Cow::Borrowed(self.name),
                });
            }
        }
    }

    struct Digits;
    impl Detector for Digits {
        fn name(&self) -> &'static str {
            "digits"
        }
        fn triggers(&self) -> Vec<Trigger> {
            vec![Trigger::DigitRun { min_digits: 4 }]
        }
        fn detect(&self, _cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
            for h in hits {
                out.push(Finding {
                    entity: Entity::PhoneNumber,
                    start: h.start,
                    end: h.end,
                    score: 0.9,
                    detector: Cow::Borrowed("digits"),
                });
            }
        }
    }

    fn lit(name: &'static str, l: &'static str, e: Entity, s: f32, x: usize) -> Box<dyn Detector> {
        Box::new(Lit {
            name,
            lit: l,
            entity: e,
            score: s,
            extend: x,
        })
    }

    #[test]
    fn literals_are_case_insensitive_and_routed() {
        let e = Engine::with_detectors(vec![lit("a", "abc", Entity::ApiKey, 0.9, 0)]).unwrap();
        let f = e.scan("xx ABC yy abc");
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].start, f[0].end), (3, 6));
        assert_eq!((f[1].start, f[1].end), (10, 13));
    }

    #[test]
    fn min_score_drops_weak_findings() {
        let e = Engine::with_detectors(vec![lit("a", "abc", Entity::ApiKey, 0.4, 0)]).unwrap();
        assert!(e.scan("abc").is_empty());
    }

    #[test]
    fn secret_beats_pii_and_score_beats_length() {
        let e = Engine::with_detectors(vec![
            lit("pii", "bob", Entity::EmailAddress, 0.99, 10),
            lit("pw", "pw", Entity::Password, 0.7, 2),
            lit("weak", "xy", Entity::GenericSecret, 0.6, 10),
            lit("strong", "zz", Entity::ApiKey, 0.95, 0),
        ])
        .unwrap();
        let text = "bob:pw12@host xyzz......";
        let f = e.scan(text);
        let names: Vec<_> = f.iter().map(|f| f.detector.as_ref()).collect();
        assert_eq!(names, vec!["pw", "strong"]);
    }

    #[test]
    fn ties_break_by_detector_order() {
        let e = Engine::with_detectors(vec![
            lit("first", "abc", Entity::ApiKey, 0.9, 0),
            lit("second", "abc", Entity::ApiKey, 0.9, 0),
        ])
        .unwrap();
        let f = e.scan("abc");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].detector, "first");
    }

    #[test]
    fn digit_runs_join_single_separators() {
        let e = Engine::with_detectors(vec![Box::new(Digits)]).unwrap();
        let f = e.scan("call 4111 1111-1111.1111 now, 12 3, 5555");
        let spans: Vec<_> = f.iter().map(|f| (f.start, f.end)).collect();
        assert_eq!(spans, vec![(5, 24), (36, 40)]);
    }

    #[test]
    fn out_of_range_and_non_boundary_findings_are_dropped() {
        let e = Engine::with_detectors(vec![lit("a", "ab", Entity::ApiKey, 0.9, 1)]).unwrap();
        // "ab" followed by a multi-byte char: extend by 1 byte lands inside it.
        assert!(e.scan("abé").is_empty());
        assert_eq!(e.scan("ab").len(), 1);
    }

    #[test]
    fn allow_values_enabled_disabled() {
        let mut cfg = EngineConfig::default();
        cfg.allow_values.insert("abc1".into());
        let e = Engine::with_config(vec![lit("a", "abc", Entity::ApiKey, 0.9, 1)], cfg).unwrap();
        let f = e.scan("abc1 abc2");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].start, 5);

        let cfg = EngineConfig {
            disabled: ["API_KEY".to_string()].into_iter().collect(),
            ..EngineConfig::default()
        };
        let e = Engine::with_config(vec![lit("a", "abc", Entity::ApiKey, 0.9, 1)], cfg).unwrap();
        assert!(e.scan("abc1").is_empty());
    }

    #[test]
    fn overlapping_literals_all_reported() {
        // Literals that contain, prefix and suffix each other: every occurrence is a hit.
        let e = Engine::with_detectors(vec![
            lit("a", "abcd", Entity::ApiKey, 0.9, 0),
            lit("b", "bc", Entity::Password, 0.9, 0),
            lit("c", "cdef", Entity::Jwt, 0.9, 0),
            lit("d", "ab", Entity::AuthHeader, 0.9, 0),
            lit("e", "f", Entity::PrivateKey, 0.9, 0),
        ])
        .unwrap();
        let mut s = e.scratch();
        e.collect_hits("xabcdefx abcd", &mut s);
        let mut got: Vec<(u32, usize)> = s
            .touched
            .iter()
            .flat_map(|&d| s.hits[d as usize].iter().map(move |h| (d, h.start)))
            .collect();
        got.sort_unstable();
        assert_eq!(
            got,
            vec![
                (0, 1),
                (0, 9),
                (1, 2),
                (1, 10),
                (2, 3),
                (3, 1),
                (3, 9),
                (4, 6)
            ]
        );
    }

    #[test]
    fn collected_hits_equal_one_overlapping_pass() {
        let mut x: u32 = 7;
        let mut next = move |n: u32| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x % n
        };
        for round in 0..40 {
            let mut dets: Vec<Box<dyn Detector>> = Vec::new();
            for i in 0..(2 + next(6)) {
                let len = 1 + next(4) as usize;
                let l: String = (0..len).map(|_| char::from(b'a' + next(3) as u8)).collect();
                let l: &'static str = Box::leak(l.into_boxed_str());
                let name: &'static str = Box::leak(format!("d{i}").into_boxed_str());
                dets.push(lit(name, l, Entity::ApiKey, 0.9, 0));
            }
            let e = Engine::with_detectors(dets).unwrap();
            let text: String = (0..200)
                .map(|_| char::from(b"abcAB x"[next(7) as usize]))
                .collect();
            let mut s = e.scratch();
            e.collect_hits(&text, &mut s);
            let mut got: Vec<(u32, usize, usize)> = s
                .touched
                .iter()
                .flat_map(|&d| s.hits[d as usize].iter().map(move |h| (d, h.start, h.end)))
                .collect();
            got.sort_unstable();
            let mut want = Vec::new();
            let reference = aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&e.patterns)
                .unwrap();
            for m in reference.find_overlapping_iter(&text) {
                let p = m.pattern().as_usize();
                for r in &e.routes[e.route_start[p] as usize..e.route_start[p + 1] as usize] {
                    want.push((r.detector, m.start(), m.end()));
                }
            }
            want.sort_unstable();
            assert_eq!(got, want, "round {round}");
        }
    }

    fn xorshift(x: &mut u64) {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
    }

    #[test]
    fn digit_runs_match_naive_walk() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for round in 0..400 {
            let len = (round % 50) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    xorshift(&mut x);
                    match x % 8 {
                        0..=3 => b'0' + (x >> 8) as u8 % 10,
                        4 => b" -./"[(x >> 8) as usize % 4],
                        5 => [0x2f, 0x3a, 0xb0, 0xb9][(x >> 8) as usize % 4],
                        _ => (x >> 8) as u8,
                    }
                })
                .collect();
            for i in 0..=len {
                let want = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
                assert_eq!(digits_at(&bytes, i), want, "round {round} at {i}");
            }
            // The reference walk: digits joined by single separators followed by a digit.
            let mut want = Vec::new();
            let mut i = 0;
            while i < len {
                if !bytes[i].is_ascii_digit() {
                    i += 1;
                    continue;
                }
                let start = i;
                let mut digits = 0;
                let mut end = i;
                while i < len {
                    if bytes[i].is_ascii_digit() {
                        digits += 1;
                        i += 1;
                        end = i;
                    } else if b" -./".contains(&bytes[i])
                        && i + 1 < len
                        && bytes[i + 1].is_ascii_digit()
                    {
                        i += 1;
                    } else {
                        break;
                    }
                }
                want.push((start, end, digits));
                i = end.max(start + 1);
            }
            let mut got = Vec::new();
            for_each_digit_run(&bytes, 1, false, |s, e, d| got.push((s, e, d)));
            assert_eq!(got, want, "round {round}");
        }
    }

    #[test]
    fn hard_negatives_are_delimited_uuids_and_timestamps() {
        fn spans(t: &str) -> Vec<&str> {
            hard_negative_spans(t)
                .into_iter()
                .map(|(s, e)| &t[s..e])
                .collect()
        }
        let u = "3f9a2c1e-4b5d-4e6f-8a9b-0c1d2e3f4a5b";
        assert_eq!(spans(&format!("id={u} ok")), vec![u]);
        assert_eq!(spans(&format!("\"{}\"", u.to_uppercase())).len(), 1);
        assert_eq!(spans(u), vec![u], "the text's edges delimit");
        // Glued, too long or too short, or continued by a space and a digit: not skipped.
        for t in [
            format!("x{u}"),
            format!("{u}x"),
            format!("{u}-1"),
            format!("{u}.1"),
            format!("{u}:80"),
            // (ends with a digit: `7 12` would be one run)
            "3f9a2c1e-4b5d-4e6f-8a9b-0c1d2e3f4a57 12".to_string(),
            format!("{u}0"),
            u[1..].to_string(),
            u.replacen('-', "", 1),
        ] {
            assert!(spans(&t).is_empty(), "{t}");
        }
        for (t, want) in [
            ("at 2025-03-12T09:15:02Z ok", "2025-03-12T09:15:02Z"),
            ("at 2025-03-12 09:15:02,123 INFO", "2025-03-12 09:15:02,123"),
            (
                "[2025-03-12T09:15:02.123456+01:00]",
                "2025-03-12T09:15:02.123456+01:00",
            ),
            ("2025-03-12T09:15:02-0500\n", "2025-03-12T09:15:02-0500"),
            ("2025-03-12 09:15:02 UTC", "2025-03-12 09:15:02"),
        ] {
            assert_eq!(spans(t), vec![want], "{t}");
        }
        for t in [
            "2025-03-12T09:15:02Z.",
            "2025-03-12T9:15:02Z",
            "12025-03-12T09:15:02Z",
            "v2025-03-12T09:15:02Z",
            "2025-03-12t09:15:02Z",
            "2025-03-12T09:15:02 7",
            "2025-03-12T09:15:02+01:0",
        ] {
            assert!(spans(t).is_empty(), "{t}");
        }
    }

    #[test]
    fn next_digit_matches_naive_search() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for round in 0..300 {
            let len = (round % 40) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    xorshift(&mut x);
                    // Mostly non-digits, bytes around '0'..'9' and high bytes included.
                    match x % 9 {
                        0 => b'0' + (x >> 8) as u8 % 10,
                        1 => 0x2f,
                        2 => 0x3a,
                        3 => 0xb0 + (x >> 8) as u8 % 10,
                        4 => (x >> 8) as u8,
                        _ => b'a' + (x >> 8) as u8 % 26,
                    }
                })
                .collect();
            for i in 0..=len {
                let want = bytes[i..]
                    .iter()
                    .position(u8::is_ascii_digit)
                    .map(|o| i + o);
                assert_eq!(next_digit(&bytes, i), want, "round {round} at {i}");
            }
        }
    }

    #[test]
    fn literal_dfa_equals_reference_on_mixed_bytes() {
        let mut x: u32 = 11;
        let mut next = move |n: u32| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x % n
        };
        let alphabet = "aAbB-_: 1é";
        let chars: Vec<char> = alphabet.chars().collect();
        for round in 0..40 {
            let mut dets: Vec<Box<dyn Detector>> = Vec::new();
            for i in 0..(1 + next(12)) {
                let len = 1 + next(5) as usize;
                let l: String = (0..len)
                    .map(|_| char::from(b"abAB-_: 1"[next(9) as usize]))
                    .collect();
                let l: &'static str = Box::leak(l.into_boxed_str());
                let name: &'static str = Box::leak(format!("d{i}").into_boxed_str());
                dets.push(lit(name, l, Entity::ApiKey, 0.9, 0));
            }
            let e = Engine::with_detectors(dets).unwrap();
            let text: String = (0..300)
                .map(|_| chars[next(chars.len() as u32) as usize])
                .collect();
            let mut got = Vec::new();
            e.literals.as_ref().unwrap().for_each_match(
                text.as_bytes(),
                &mut LaneBufs::default(),
                |p, s, end| got.push((p, s, end)),
            );
            got.sort_unstable();
            let reference = aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&e.patterns)
                .unwrap();
            let mut want: Vec<_> = reference
                .find_overlapping_iter(&text)
                .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
                .collect();
            want.sort_unstable();
            assert_eq!(got, want, "round {round}");
        }
    }

    #[test]
    fn scratch_reuse_gives_same_results() {
        let e = Engine::with_detectors(vec![
            lit("a", "abc", Entity::ApiKey, 0.9, 0),
            Box::new(Digits),
        ])
        .unwrap();
        let mut s = e.scratch();
        let mut out = Vec::new();
        e.scan_with("abc 12345", &mut s, &mut out);
        assert_eq!(out.len(), 2);
        e.scan_with("nothing here", &mut s, &mut out);
        assert!(out.is_empty());
        e.scan_with("abc", &mut s, &mut out);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn many_overlapping_findings_resolve_quickly() {
        let e = Engine::with_detectors(vec![lit("a", "a", Entity::ApiKey, 0.9, 3)]).unwrap();
        let text = "a".repeat(200_000);
        let f = e.scan(&text);
        assert_eq!(f.len(), 50_000);
        assert!(f.windows(2).all(|w| w[0].end <= w[1].start));
    }
}
