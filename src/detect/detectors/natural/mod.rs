//! Context-driven personal data in natural-language text: person names, street addresses,
//! dates of birth, passport numbers, in EN PT DE FR ES IT NL.
//!
//! Owns: the detectors in this folder and the dictionaries under `src/detect/data/`.
//! Never: scans text away from its triggers, logs text, or flags a value without its context
//! (cue word, street lexicon, birth cue, passport cue or MRZ structure).
//! Called by: the engine (`crate::detect::engine`) through [`all`].

use std::sync::Arc;

use crate::detect::Detector;

mod dob;
mod location;
mod names;
mod passport;
mod person;
mod text;

pub use dob::DobDetector;
pub use location::LocationDetector;
pub use names::Names;
pub use passport::PassportDetector;
pub use person::PersonDetector;

/// Every detector of this family, built once (dictionaries parsed here).
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
