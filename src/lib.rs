//! promptwall: a reverse proxy between applications and LLM providers.
//!
//! Map of the rooms (each module's own doc says what it owns and must never do):
//!
//! - [`config`]: the TOML file as written (raw, `deny_unknown_fields`) and the checked,
//!   compiled runtime form (`Settings`) shared behind an `Arc`.
//! - [`server`]: listener, graceful shutdown, and `service.rs`, the one place where the order of
//!   the request pipeline is written down.
//! - [`providers`]: wire formats (OpenAI, Anthropic, Gemini, echo): endpoint classification,
//!   credentials, error shapes, stream framing.
//! - [`detect`]: the detection engine. Knows nothing of HTTP, tenants or JSON.
//! - [`transform`]: walkers over provider bodies, the placeholder vault, the streaming restorer.
//! - [`telemetry`]: logs and metrics, content-free by construction.
//! - [`error`]: the edge where any layer's error becomes a status and a provider-shaped body.
//!
//! Dependencies point one way: `server` knows every room; `transform` knows `detect` and
//! `providers`; `detect` knows nothing else of the crate.

pub mod cli;
pub mod config;
pub mod detect;
pub mod error;
pub mod providers;
pub mod server;
pub mod telemetry;
pub mod transform;
