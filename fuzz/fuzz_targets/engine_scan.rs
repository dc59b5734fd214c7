//! Fuzz target: `Engine::scan` never panics, and every finding lies within the text, on char
//! boundaries, sorted and non-overlapping. Run: `cargo +nightly fuzz run engine_scan`.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use promptwall::detect::Engine;

fn engine() -> &'static Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE.get_or_init(|| match Engine::builtin() {
        Ok(e) => e,
        Err(e) => panic!("engine does not build: {e}"),
    })
}

fuzz_target!(|data: &[u8]| {
    // Arbitrary bytes become text the way the proxy sees it: lossy UTF-8.
    let text = String::from_utf8_lossy(data);
    let findings = engine().scan(&text);
    let mut prev_end = 0;
    for f in &findings {
        assert!(f.start < f.end, "empty or inverted span");
        assert!(f.end <= text.len(), "span out of bounds");
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end), "not on char boundaries");
        assert!(f.start >= prev_end, "unsorted or overlapping");
        assert!((0.0..=1.0).contains(&f.score), "score out of range");
        prev_end = f.end;
    }
});
