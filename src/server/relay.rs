//! The response body relayed to the client: the upstream body, through the response filter.
//!
//! Owns: [`Relay`] (an `http_body::Body`: coalescing what is ready, the idle timer, in-band
//! failure) and [`Finaliser`] (metrics and the summary line when the body is done or dropped).
//! Never: waits for upstream bytes that have not arrived before sending what it holds, logs
//! or keeps body content.
//! Called by: `server::service::respond`.
//!
//! # Coalescing
//! A frame handed to hyper becomes one write (one `writev`, one chunk of the chunked
//! encoding). An upstream that sends a burst (a provider flushing several SSE events at once,
//! or a whole answer generated before the client asked) still reaches us one upstream chunk
//! per turn of hyper's client connection task, so relaying frame by frame cost one syscall
//! per event, and the end of the body (`0\r\n\r\n`) was a separate small write that the
//! kernel sometimes sent milliseconds later (seen on loopback: about 1% of 20-event streams
//! ended ~2.5 ms after their last event; `bench/results/2026-12-05-session9.md`).
//!
//! So, after the first frame, a poll that has output takes every upstream chunk that is ready,
//! running each through the filter on its own (the filter still sees the upstream's chunking),
//! and then yields to the scheduler instead of sending: it wakes its own task and returns
//! pending. The connection task (woken by our read) decodes its next chunk, if its buffer
//! holds one, and we run again. We yield again while that brings chunks, and send everything as
//! one frame as soon as a turn brings none, or [`MAX_BATCH`] bytes are gathered. hyper polls a
//! pending body twice in one pass of the server connection (it re-checks a pending write,
//! `proto/h1/dispatch.rs`), so one yield is [`YIELD_POLLS`] pending polls. Should that change,
//! the cost stays bounded: one extra pass per frame if hyper polls once, no coalescing if it
//! polls more often. Nothing waits for the network: a turn is one task switch on the same
//! thread (for an event that arrives alone, a few µs before it is sent). The first frame of a
//! response is sent without yielding (time to first byte). When the upstream has ended, the
//! last frame reports end of stream, so hyper writes it together with the terminating chunk.
//!
//! Measured (`bench/results/2026-12-05-session9.md`): a 20-event stream that arrives in one
//! upstream write now leaves in two writes instead of 21 (first event; the rest with the
//! terminator), and the ~2.5 ms stalls are gone.
//!
//! # Failure
//! Output of the chunks before a failure is sent first; the output of the chunk that failed
//! is dropped; then an in-band error frame ends an SSE stream, or the body is aborted (fail
//! closed: nothing the filter could not process reaches the client).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use hyper::body::{Body as HttpBody, Frame};

use super::context::RequestContext;
use super::forward::ByteStream;
use crate::error::{ApiError, ErrorClass};
use crate::providers::Endpoint;
use crate::telemetry::{self, Metrics};
use crate::transform::{ResponseFilter, TransformError};

/// Output bytes gathered into one frame at most; past this a frame is sent even when more
/// upstream chunks are ready (they are taken on the next poll).
pub const MAX_BATCH: usize = 64 * 1024;

/// Pending polls that make one yield (see "Coalescing"): hyper polls a pending body twice in
/// one pass of the connection task.
const YIELD_POLLS: u8 = 2;

/// Records metrics and the summary line when the response body is done or dropped
/// (client disconnect included). The future ledger record is written here too.
pub struct Finaliser {
    pub metrics: Arc<Metrics>,
    pub cx: RequestContext,
}

impl Drop for Finaliser {
    fn drop(&mut self) {
        telemetry::log_summary(&self.cx);
        self.metrics.record(&self.cx);
    }
}

enum State {
    Open,
    /// Output before a failure was sent; the failure goes out on the next poll.
    Failing(ApiError),
    Done,
}

pub struct Relay {
    src: ByteStream,
    filter: Box<dyn ResponseFilter>,
    idle: Duration,
    /// One idle timer per response, re-armed when the upstream goes quiet after progress
    /// (extending a registered timer is an atomic store; a fresh `timeout()` per chunk
    /// registered and removed a timer entry under the driver's lock every time).
    idle_timer: Pin<Box<tokio::time::Sleep>>,
    /// The timer runs from the last upstream chunk: false when a chunk came since it was set.
    armed: bool,
    /// Set when the response is SSE: where to send an in-band error frame.
    sse: Option<Endpoint>,
    buf: BytesMut,
    state: State,
    /// A frame was sent (the first frame never waits for more).
    sent: bool,
    /// Pending polls left before what is held is sent (see "Coalescing").
    wait_polls: u8,
    fin: Finaliser,
}

impl Relay {
    pub fn new(
        src: ByteStream,
        filter: Box<dyn ResponseFilter>,
        idle: Duration,
        sse: Option<Endpoint>,
        fin: Finaliser,
    ) -> Self {
        Relay {
            src,
            filter,
            idle,
            idle_timer: Box::pin(tokio::time::sleep(idle)),
            armed: true,
            sse,
            buf: BytesMut::with_capacity(8 * 1024),
            state: State::Open,
            sent: false,
            wait_polls: 0,
            fin,
        }
    }

    fn emit(&mut self) -> Frame<Bytes> {
        self.sent = true;
        self.wait_polls = 0;
        let out = self.buf.split().freeze();
        self.fin.cx.bytes_out += out.len() as u64;
        Frame::data(out)
    }

    /// A failure: what was gathered before it goes out first, then the failure.
    fn fail_after(&mut self, err: ApiError) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        if self.buf.is_empty() {
            return self.fail(err);
        }
        self.state = State::Failing(err);
        Poll::Ready(Some(Ok(self.emit())))
    }

    /// Ends the body after a failure: one in-band error frame for SSE, else abort the body.
    fn fail(&mut self, err: ApiError) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        self.state = State::Done;
        self.fin.cx.error = Some(err.class.label());
        Poll::Ready(Some(match self.sse {
            Some(endpoint) => {
                let frame = err.sse_frame(endpoint.wire_format(), endpoint);
                self.fin.cx.bytes_out += frame.len() as u64;
                Ok(Frame::data(frame))
            }
            None => Err(std::io::Error::other(err.message.to_string())),
        }))
    }

    fn upstream_fault(&mut self, kind: &'static str) {
        if let Some(p) = self.fin.cx.provider.as_deref() {
            self.fin.metrics.upstream_error(p, kind);
        }
    }
}

impl HttpBody for Relay {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        let this = self.get_mut();
        match std::mem::replace(&mut this.state, State::Open) {
            State::Open => {}
            State::Failing(err) => return this.fail(err),
            State::Done => {
                this.state = State::Done;
                return Poll::Ready(None);
            }
        }
        let mut got = false;
        while this.buf.len() < MAX_BATCH {
            match this.src.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => {
                    got = true;
                    this.armed = false;
                    let before = this.buf.len();
                    if let Err(e) = this.filter.chunk(&chunk, &mut this.buf) {
                        this.buf.truncate(before);
                        return this.fail_after(filter_error(e));
                    }
                }
                Poll::Ready(None) => {
                    let before = this.buf.len();
                    if let Err(e) = this.filter.finish(&mut this.buf) {
                        this.buf.truncate(before);
                        return this.fail_after(filter_error(e));
                    }
                    this.state = State::Done;
                    if this.buf.is_empty() {
                        return Poll::Ready(None);
                    }
                    // `is_end_stream` is now true: hyper writes this with the last chunk.
                    return Poll::Ready(Some(Ok(this.emit())));
                }
                Poll::Ready(Some(Err(fault))) => {
                    this.upstream_fault("body");
                    return this
                        .fail_after(ApiError::new(ErrorClass::BadGateway, fault.to_string()));
                }
                Poll::Pending => break,
            }
        }
        if !this.buf.is_empty() {
            // hyper's client hands over one upstream chunk per turn of its connection task
            // (on this thread): give it turns while they bring more, then send it all.
            if got {
                this.wait_polls = YIELD_POLLS;
            }
            if this.sent && this.buf.len() < MAX_BATCH && this.wait_polls > 0 {
                this.wait_polls -= 1;
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            return Poll::Ready(Some(Ok(this.emit())));
        }
        // Nothing to send: wait for the upstream, at most `idle` since its last chunk.
        if !this.armed {
            let deadline = tokio::time::Instant::now() + this.idle;
            this.idle_timer.as_mut().reset(deadline);
            this.armed = true;
        }
        match this.idle_timer.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => {
                this.upstream_fault("idle_timeout");
                let e = ApiError::new(
                    ErrorClass::Timeout,
                    format!(
                        "the upstream sent nothing for {:?}; the stream was closed",
                        this.idle
                    ),
                );
                this.fail(e)
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self.state, State::Done)
    }
}

/// A response filter failed mid-body: the status is already sent, so this becomes the in-band
/// error frame (SSE) or an aborted body. A refusal keeps its policy shape.
fn filter_error(e: TransformError) -> ApiError {
    match e {
        TransformError::Refused(rule) => ApiError::policy(rule),
        _ => ApiError::new(
            ErrorClass::Internal,
            "the response could not be processed; it was cut off",
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use http_body_util::BodyExt;
    use tokio::sync::mpsc;

    use super::*;
    use crate::server::forward::BodyFault;
    use crate::transform::Passthrough;

    /// Fails on a chunk that contains `BAD`; else forwards it.
    struct FailOnBad;

    impl ResponseFilter for FailOnBad {
        fn chunk(&mut self, input: &[u8], out: &mut BytesMut) -> Result<(), TransformError> {
            out.extend_from_slice(input);
            if input.windows(3).any(|w| w == b"BAD") {
                return Err(TransformError::MalformedStream("bad chunk"));
            }
            Ok(())
        }

        fn finish(&mut self, _out: &mut BytesMut) -> Result<(), TransformError> {
            Ok(())
        }
    }

    fn relay(src: ByteStream, filter: Box<dyn ResponseFilter>, idle: Duration) -> Relay {
        let fin = Finaliser {
            metrics: Arc::new(Metrics::new()),
            cx: RequestContext::new("req-test".into()),
        };
        Relay::new(src, filter, idle, Some(Endpoint::OpenAiChat), fin)
    }

    /// Upstream chunks delivered the way hyper's client does: one per turn of another task
    /// (a channel of one slot).
    fn channel_stream(cap: usize) -> (mpsc::Sender<Result<Bytes, BodyFault>>, ByteStream) {
        let (tx, rx) = mpsc::channel(cap);
        let stream = futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        });
        (tx, Box::pin(stream))
    }

    /// Every frame (data as text), and whether the body said end-of-stream after the last.
    async fn frames(mut body: Relay) -> (Vec<Result<String, String>>, bool) {
        let mut out = Vec::new();
        while let Some(frame) = body.frame().await {
            match frame {
                Ok(f) => {
                    let data = f.into_data().unwrap_or_default();
                    out.push(Ok(String::from_utf8_lossy(&data).into_owned()));
                }
                Err(e) => out.push(Err(e.to_string())),
            }
            if body.is_end_stream() {
                return (out, true);
            }
        }
        (out, false)
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_burst_leaves_as_first_frame_then_one_frame_with_the_end() {
        let (tx, src) = channel_stream(1);
        let producer = tokio::spawn(async move {
            for i in 0..20 {
                if tx
                    .send(Ok(Bytes::from(format!("data: {i}\n\n"))))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        });
        let (got, eos) = frames(relay(src, Box::new(Passthrough), Duration::from_secs(5))).await;
        producer.await.ok();
        let text: String = got
            .iter()
            .filter_map(|f| f.as_ref().ok())
            .cloned()
            .collect();
        let want: String = (0..20).map(|i| format!("data: {i}\n\n")).collect();
        assert_eq!(text, want);
        assert!(eos, "the last frame carries end of stream");
        assert_eq!(
            got.first(),
            Some(&Ok("data: 0\n\n".to_owned())),
            "first frame alone"
        );
        assert!(
            got.len() <= 3,
            "20 chunks coalesced into {} frames",
            got.len()
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_chunk_that_arrives_alone_is_sent_without_waiting_for_the_next() {
        let (tx, src) = channel_stream(1);
        let (seen_tx, mut seen_rx) = mpsc::channel::<(String, Instant)>(8);
        let consumer = tokio::spawn(async move {
            let mut body = relay(src, Box::new(Passthrough), Duration::from_secs(5));
            while let Some(Ok(f)) = body.frame().await {
                let data = f.into_data().unwrap_or_default();
                let text = String::from_utf8_lossy(&data).into_owned();
                if seen_tx.send((text, Instant::now())).await.is_err() {
                    return;
                }
            }
        });
        for part in ["a", "b"] {
            tx.send(Ok(Bytes::from(part))).await.ok();
            // The next part comes 300 ms later; this one must not wait for it.
            let sent = Instant::now();
            let Some((text, at)) = seen_rx.recv().await else {
                panic!("the relay ended early");
            };
            assert_eq!(text, part);
            assert!(at.duration_since(sent) < Duration::from_millis(200));
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        drop(tx);
        consumer.await.ok();
    }

    #[tokio::test(flavor = "current_thread")]
    async fn output_before_a_filter_failure_is_sent_then_the_error_frame_and_not_the_failed_chunk()
    {
        let src: ByteStream = Box::pin(futures_util::stream::iter(
            ["data: 1\n\n", "data: 2\n\n", "data: BAD\n\n", "data: 4\n\n"]
                .map(|s| Ok(Bytes::from(s))),
        ));
        let (got, _) = frames(relay(src, Box::new(FailOnBad), Duration::from_secs(5))).await;
        let text: Vec<String> = got.into_iter().filter_map(Result::ok).collect();
        let all = text.concat();
        assert!(all.starts_with("data: 1\n\ndata: 2\n\n"), "{all}");
        assert!(!all.contains("BAD") && !all.contains("data: 4"), "{all}");
        let last = text.last().cloned().unwrap_or_default();
        assert!(
            last.contains("error"),
            "an in-band error frame ends the stream: {last}"
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn an_upstream_fault_after_data_sends_the_data_then_the_error() {
        let src: ByteStream = Box::pin(futures_util::stream::iter([
            Ok(Bytes::from("data: 1\n\n")),
            Ok(Bytes::from("data: 2\n\n")),
            Err(BodyFault::Upstream),
        ]));
        let (got, eos) = frames(relay(src, Box::new(Passthrough), Duration::from_secs(5))).await;
        let text: Vec<String> = got.into_iter().filter_map(Result::ok).collect();
        assert_eq!(text.concat().matches("data: ").count(), 3, "{text:?}");
        assert!(text.concat().starts_with("data: 1\n\ndata: 2\n\n"));
        assert!(text.last().is_some_and(|t| t.contains("error")));
        assert!(eos);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_silent_upstream_ends_the_stream_after_the_idle_time() {
        let (tx, src) = channel_stream(1);
        tx.send(Ok(Bytes::from("data: 1\n\n"))).await.ok();
        let started = Instant::now();
        let (got, eos) = frames(relay(src, Box::new(Passthrough), Duration::from_millis(80))).await;
        drop(tx);
        assert!(started.elapsed() >= Duration::from_millis(80));
        assert_eq!(got.first(), Some(&Ok("data: 1\n\n".to_owned())));
        assert!(got
            .last()
            .is_some_and(|f| f.as_ref().is_ok_and(|t| t.contains("error"))));
        assert!(eos);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_non_sse_body_is_aborted_on_failure() {
        let src: ByteStream = Box::pin(futures_util::stream::iter(
            ["{\"a\":", "BAD"].map(|s| Ok(Bytes::from(s))),
        ));
        let fin = Finaliser {
            metrics: Arc::new(Metrics::new()),
            cx: RequestContext::new("req-test".into()),
        };
        let body = Relay::new(src, Box::new(FailOnBad), Duration::from_secs(5), None, fin);
        let (got, _) = frames(body).await;
        assert!(matches!(got.last(), Some(Err(_))), "{got:?}");
        assert!(!got
            .iter()
            .any(|f| f.as_ref().is_ok_and(|t| t.contains("BAD"))));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_large_burst_is_cut_into_frames_of_at_most_max_batch() {
        let chunk = Bytes::from(vec![b'x'; 16 * 1024]);
        let src: ByteStream = Box::pin(futures_util::stream::iter(
            std::iter::repeat_n(chunk, 13).map(Ok),
        ));
        let (got, eos) = frames(relay(src, Box::new(Passthrough), Duration::from_secs(5))).await;
        let sizes: Vec<usize> = got
            .iter()
            .filter_map(|f| f.as_ref().ok())
            .map(String::len)
            .collect();
        assert_eq!(sizes.iter().sum::<usize>(), 13 * 16 * 1024);
        assert!(sizes.iter().all(|&n| n <= MAX_BATCH), "{sizes:?}");
        assert!(eos);
    }
}
