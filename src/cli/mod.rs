//! Command-line tools over the detection engine: `scan` (JSON Lines in, findings out) and
//! `scrub` (plain text in, text with `<ENTITY>` tags out).
//!
//! Owns: reading and writing the CLI's stream formats, bounding memory per record/block, and
//! turning malformed input into per-line error records instead of aborting.
//! Never: prints detected values or prompt text into error messages (only line numbers and
//! categories); never buffers a whole unbounded input.
//! Called by: `main.rs` (`promptwall scan`, `promptwall scrub`), tests and tooling.

mod scan;
mod scrub;

pub use scan::{scan, ScanSummary, MAX_LINE_BYTES};
pub use scrub::{scrub, scrub_text, ScrubSummary, BLOCK_HARD_CAP, BLOCK_SOFT_CAP};

#[cfg(test)]
pub(crate) mod test_support {
    //! A tiny deterministic detector so the CLI tests do not depend on the real catalogue.
    use std::borrow::Cow;

    use crate::detect::{Detector, Engine, Entity, Finding, Hit, ScanCtx, Trigger};

    struct TestDetector;

    const END: &str = "-----END TEST KEY-----";

    impl Detector for TestDetector {
        fn name(&self) -> &'static str {
            "cli_test"
        }
        fn triggers(&self) -> Vec<Trigger> {
            vec![
                Trigger::Literal(Cow::Borrowed("TOKEN42")),
                Trigger::Literal(Cow::Borrowed("-----BEGIN TEST KEY-----")),
            ]
        }
        fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
            for h in hits {
                let (entity, end) = if h.trigger == 0 {
                    (Entity::ApiKey, h.end)
                } else {
                    match cx.text[h.end..].find(END) {
                        Some(i) => (Entity::PrivateKey, h.end + i + END.len()),
                        None => continue,
                    }
                };
                out.push(Finding {
                    entity,
                    start: h.start,
                    end,
                    score: 0.9,
                    detector: Cow::Borrowed("cli_test"),
                });
            }
        }
    }

    pub(crate) fn engine() -> Engine {
        Engine::with_detectors(vec![Box::new(TestDetector)]).unwrap()
    }
}
