//! Wire formats spoken by providers: which endpoints exist, where credentials go, what errors
//! and streams look like.
//!
//! Never: holds tenant policy or does detection.

pub mod endpoint;

pub use endpoint::{Endpoint, WireFormat};
