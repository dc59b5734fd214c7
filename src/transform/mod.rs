//! Transformations of provider bodies: sanitizing requests, restoring responses.
//!
//! Owns: body walkers per wire format (`walk`), the request-scoped placeholder vault and the
//! per-entity policy actions, the SSE framing and the streaming restorer.
//! Never: does I/O, logs text or values, or decides routing.
//! Called by: `server::service` (the request pipeline) and the `scrub` CLI.
//!
//! # Contract with the server
//!
//! Responses pass through a [`ResponseFilter`], one chunk at a time plus an end-of-stream call
//! (the pingora body-filter contract). A filter may hold back a few bytes (a possibly-started
//! placeholder) but must emit everything else at once; the server writes whatever the filter
//! emitted immediately.

pub mod walk;

use bytes::BytesMut;

/// Errors of this layer. Never carries text or detected values.
#[derive(Debug, thiserror::Error)]
pub enum TransformError {
    #[error("the body is not valid JSON")]
    InvalidJson,
    #[error("the body has an unexpected shape at {path}")]
    UnexpectedShape { path: String },
    #[error("the stream is malformed: {0}")]
    MalformedStream(&'static str),
    #[error("refused by policy: {0}")]
    Refused(String),
}

/// A streaming response transformation (restoration, response scanning).
pub trait ResponseFilter: Send {
    /// Feed one chunk of the upstream body; append what may be sent now to `out`.
    fn chunk(&mut self, input: &[u8], out: &mut BytesMut) -> Result<(), TransformError>;
    /// The upstream body ended; append everything still held back.
    fn finish(&mut self, out: &mut BytesMut) -> Result<(), TransformError>;
}

/// The identity filter: forwards every byte unchanged.
#[derive(Debug, Default)]
pub struct Passthrough;

impl ResponseFilter for Passthrough {
    fn chunk(&mut self, input: &[u8], out: &mut BytesMut) -> Result<(), TransformError> {
        out.extend_from_slice(input);
        Ok(())
    }
    fn finish(&mut self, _out: &mut BytesMut) -> Result<(), TransformError> {
        Ok(())
    }
}
