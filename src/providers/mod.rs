//! Wire formats spoken by providers: which endpoints exist, where credentials go, what errors
//! and streams look like.
//!
//! Owns: endpoint classification (`endpoint`), presets, the local `echo` answers.
//! Never: holds tenant policy or does detection.

pub mod echo;
pub mod endpoint;
pub mod presets;

pub use endpoint::{Endpoint, WireFormat};
