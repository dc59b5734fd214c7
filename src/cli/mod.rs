//! Command-line tools over the detection engine: `scan` (JSON Lines) and `scrub` (plain text).
//! (being built)
