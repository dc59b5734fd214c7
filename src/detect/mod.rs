//! Detection engine: finds credentials and personal data in text, in one pass.
//!
//! Owns: the `Finding`/`Entity` vocabulary, the `Detector` contract, the engine that compiles
//! every detector's triggers once into one automaton and dispatches hits.
//! Never: knows about HTTP, JSON bodies, tenants or policy; never logs text or values.
//! Called by: `transform` (request sanitizing, response scanning) and the `scan`/`scrub` CLI.
//!
//! # The contract between the engine and detectors
//!
//! A detector declares [`Trigger`]s once, at build time. The engine finds every trigger of
//! every detector in a single pass over the text (one Aho-Corasick automaton for literals,
//! matched ASCII-case-insensitively, plus the digit-run scan when any detector asks for it),
//! then calls each detector that had hits with its own hits, in text order. A detector looks
//! only at a window around its hits; it never scans the whole text by itself.

pub mod checks;
pub mod detectors;
pub mod engine;
mod types;

/// The `[detection]` config section and custom detectors.
pub mod config;

pub use config::{CustomDetectorConfig, DetectionConfig, ValidatorKind};
pub use engine::{hard_negative_spans, Engine, EngineConfig, EngineError, Scratch};
pub use types::{Category, Detector, Entity, Finding, Hit, ScanCtx, Trigger};

/// Load process-wide detector data that is otherwise loaded on first use (libphonenumber's
/// metadata and the default regions' phone validators, ~90 ms): `serve` calls it on a
/// background thread once it listens, so neither start-up nor the first request pays it.
pub fn warm_up() {
    detectors::pii::warm_up_phone_metadata();
}
