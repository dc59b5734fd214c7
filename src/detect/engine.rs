//! The engine: compiles every detector's triggers once, scans a text in one pass, dispatches
//! hits to detectors, resolves overlaps deterministically.

use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::types::{Detector, Finding, Hit, ScanCtx, Trigger};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("could not build the trigger automaton: {0}")]
    Automaton(String),
}

/// Knobs of the engine (filled from the `[detection]` config section).
#[derive(Debug, Clone, Default)]
pub struct EngineConfig {}

/// Literal trigger -> (detector index, trigger index within the detector).
struct LiteralRoute {
    detector: usize,
    trigger: usize,
}

struct DigitRoute {
    detector: usize,
    trigger: usize,
    min_digits: usize,
}

/// Immutable after build; share it behind an `Arc` across threads.
pub struct Engine {
    detectors: Vec<Box<dyn Detector>>,
    literals: Option<AhoCorasick>,
    literal_routes: Vec<Vec<LiteralRoute>>,
    digit_routes: Vec<DigitRoute>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("detectors", &self.detectors.len())
            .finish()
    }
}

impl Engine {
    /// The whole built-in catalogue.
    pub fn builtin() -> Result<Arc<Engine>, EngineError> {
        Self::with_detectors(super::detectors::builtin()).map(Arc::new)
    }

    /// Build from explicit detectors (tests, benches, custom sets).
    pub fn with_detectors(detectors: Vec<Box<dyn Detector>>) -> Result<Engine, EngineError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut literal_routes: Vec<Vec<LiteralRoute>> = Vec::new();
        let mut digit_routes = Vec::new();
        for (d, det) in detectors.iter().enumerate() {
            for (t, trig) in det.triggers().into_iter().enumerate() {
                match trig {
                    Trigger::Literal(lit) => {
                        let lit = lit.to_ascii_lowercase();
                        let idx = match patterns.iter().position(|p| *p == lit) {
                            Some(i) => i,
                            None => {
                                patterns.push(lit);
                                literal_routes.push(Vec::new());
                                patterns.len() - 1
                            }
                        };
                        literal_routes[idx].push(LiteralRoute {
                            detector: d,
                            trigger: t,
                        });
                    }
                    Trigger::DigitRun { min_digits } => digit_routes.push(DigitRoute {
                        detector: d,
                        trigger: t,
                        min_digits,
                    }),
                }
            }
        }
        let literals = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
                    .map_err(|e| EngineError::Automaton(e.to_string()))?,
            )
        };
        Ok(Engine {
            detectors,
            literals,
            literal_routes,
            digit_routes,
        })
    }

    /// Scan `text`; findings sorted by start, non-overlapping.
    pub fn scan(&self, text: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        self.scan_into(text, &mut out);
        out
    }

    /// Scan `text`, appending findings to `out` (cleared first).
    pub fn scan_into(&self, text: &str, out: &mut Vec<Finding>) {
        out.clear();
        let mut hits: Vec<Vec<Hit>> = vec![Vec::new(); self.detectors.len()];
        if let Some(ac) = &self.literals {
            for m in ac.find_overlapping_iter(text) {
                for r in &self.literal_routes[m.pattern().as_usize()] {
                    hits[r.detector].push(Hit {
                        start: m.start(),
                        end: m.end(),
                        trigger: r.trigger,
                    });
                }
            }
        }
        if !self.digit_routes.is_empty() {
            for_each_digit_run(text.as_bytes(), |start, end, digits| {
                for r in &self.digit_routes {
                    if digits >= r.min_digits {
                        hits[r.detector].push(Hit {
                            start,
                            end,
                            trigger: r.trigger,
                        });
                    }
                }
            });
        }
        let cx = ScanCtx { text };
        for (d, h) in hits.iter_mut().enumerate() {
            if h.is_empty() {
                continue;
            }
            h.sort_by_key(|h| (h.start, h.end));
            self.detectors[d].detect(&cx, h, out);
        }
        out.retain(|f| {
            f.start < f.end
                && f.end <= text.len()
                && text.is_char_boundary(f.start)
                && text.is_char_boundary(f.end)
        });
        resolve_overlaps(out);
    }
}

/// Maximal digit runs: digits, optionally joined by single separators from " -./".
fn for_each_digit_run(bytes: &[u8], mut f: impl FnMut(usize, usize, usize)) {
    let mut i = 0;
    let n = bytes.len();
    while i < n {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        let mut digits = 0;
        while i < n {
            let b = bytes[i];
            if b.is_ascii_digit() {
                digits += 1;
                i += 1;
                end = i;
            } else if matches!(b, b' ' | b'-' | b'.' | b'/')
                && i + 1 < n
                && bytes[i + 1].is_ascii_digit()
            {
                i += 1;
            } else {
                break;
            }
        }
        f(start, end, digits);
    }
}

/// Keep a non-overlapping set: higher score wins, then longer span, then earlier start.
fn resolve_overlaps(findings: &mut Vec<Finding>) {
    if findings.len() < 2 {
        findings.sort_by_key(|f| f.start);
        return;
    }
    findings.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings.drain(..) {
        if kept.iter().all(|k| f.end <= k.start || f.start >= k.end) {
            kept.push(f);
        }
    }
    kept.sort_by_key(|f| f.start);
    *findings = kept;
}
