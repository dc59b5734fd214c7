//! Context-driven personal data in natural-language text: person names, street addresses,
//! dates of birth, passport numbers, in EN PT DE FR ES IT NL.
//!
//! Owns: the detectors in this folder and the dictionaries under `src/detect/data/`
//! (provenance and licences in `src/detect/data/NOTICE.md`).
//! Never: scans text away from its triggers, logs text, or flags a value without its context
//! (cue word, street lexicon, birth cue, passport cue or MRZ structure).
//! Called by: the engine (`crate::detect::engine`) through [`all`].
//!
//! | Detector (`Finding::detector`) | Entity | Triggers | Scores |
//! |---|---|---|---|
//! | `person` | `PERSON` | self-introductions, salutations, honorifics, signature closings, name fields, commit trailers | 0.55–0.92 by cue strength × dictionary evidence |
//! | `date_of_birth` | `DATE_OF_BIRTH` | birth cues (labels; verbs `born`/`nasceu`/`nació`/`née le`; trailing `geboren`) | 0.8 (verb cue) / 0.85 (label cue) |
//! | `passport`, `mrz` | `PASSPORT` | passport cues; `P<` / `I<` MRZ lines | 0.6–0.85 by shape; 0.9–0.98 ICAO-validated |
//! | `street_address` | `LOCATION` | street lexicon, address cues | 0.5–0.9 by agreeing signals |
//!
//! All trigger literals are ASCII (the engine's contract); accented cues are anchored on an
//! ASCII run and verified around the hit (`text.rs`). Every look-around is bounded (a line
//! clipped to 512 bytes, windows of 40–160 bytes), so cost is linear in the number of hits.
//! Opt-in and not run by the engine: [`PersonDetector::scan_bare_pairs`] (cue-less
//! "Given Surname" pairs; an extra pass over the text).

use std::sync::Arc;

use crate::detect::Detector;

mod dob;
mod location;
mod names;
mod passport;
mod person;
pub(crate) mod text;

pub use dob::DobDetector;
pub use location::LocationDetector;
pub use names::Names;
pub use passport::PassportDetector;
pub use person::PersonDetector;

/// Every detector of this family, built once: dictionaries parsed and regexes compiled here
/// (a few milliseconds in release builds).
pub fn all() -> Vec<Box<dyn Detector>> {
    let names = Arc::new(Names::load());
    vec![
        Box::new(PersonDetector::new(names)),
        Box::new(DobDetector::new()),
        Box::new(PassportDetector::new()),
        Box::new(LocationDetector::new()),
    ]
}

#[cfg(test)]
mod tests;
