//! The request sanitizer: the glue between the body walker, the detection engine, the
//! effective policy and the request's vault, plus the matching response filter.
//!
//! Owns: [`Sanitizer`] (built once at start-up around the shared [`Engine`]), the leaf visitor
//! that rewrites every text leaf in one pass, [`SanitizeReport`] (content-free counts, the
//! `x-promptwall-sanitized` header value, a JSON form) and [`SanitizeError`] (refusals with
//! actionable, content-free messages).
//! Never: logs, stores or returns text or detected values (reports and errors carry entity
//! names, actions, counts, JSON paths with unknown keys rendered `*`, and byte offsets only);
//! forwards anything it could not walk (every error means "do not forward").
//! Called by: `server::service`, twice per request, in this order:
//!
//! ```text
//! let policy = policy_config.effective(tenant, provider);              // cached per pair
//! let mut vault = Vault::for_policy(TenantKey::derive(secret, tenant), &policy);
//! let report = sanitizer.sanitize_request(endpoint, &mut body, &policy, &mut vault)?;
//! //   Err(e) -> refuse: e.status(), e.code(), e.to_string() as the provider-shaped message
//! //   Ok     -> forward `body` (or the original bytes when !report.body_changed()),
//! //             header `x-promptwall-sanitized: report.header_value()` on the response
//! let filter = sanitizer.response_filter(endpoint, is_sse, &policy, &vault)?;
//! ```
//!
//! # Response side
//!
//! [`Sanitizer::response_options`] compiles the vault's restoration table (empty when the
//! policy says `restore = false`) and picks the response scanner of `scan_responses`. That
//! scanner ignores findings on this request's own replacements: a surrogate is a format-valid
//! fake (a Luhn-valid card, a plausible name) that a scanner would otherwise redact before it
//! is restored, breaking the round trip.
//!
//! # What happens to one text leaf
//!
//! 1. The engine scans the leaf (`Engine::scan_with` with a scratch taken from a small pool, so
//!    a warm request allocates nothing for leaves without findings).
//! 2. No finding and no `<` (the common case): the leaf is left alone, no allocation.
//! 3. Any finding whose action is `block` is recorded (entity, JSON path, byte range in the
//!    leaf) and the request will be refused; once something is blocked, later leaves are only
//!    scanned (to list every blocked value in one error), no longer rewritten.
//! 4. Otherwise the output is built once, left to right: every finding gets its policy
//!    action through [`Vault::replace`] (`allow` copies the value; counts per (entity,
//!    action)). Then any placeholder look-alike left in the result that is not one of the
//!    replacements just issued (typed by the user, or formed across a finding's boundary) is
//!    re-tokenised by [`Vault::neutralize`] into a `<PLACEHOLDER_..>` that restores to its own
//!    literal text. So a crafted `<PERSON_3f9a2c>` never reaches the model and can never be
//!    restored to a value: no restore injection. That second pass only runs when the result
//!    holds such a look-alike.
//!
//! Participant names (OpenAI `messages[].name`, which rejects whitespace and `<|\\/>`) get
//! their replacements in a token-safe form (`EMAIL_ADDRESS_3f9a2c`, `Maria_Fischer`), which
//! is not restored: the upstream would refuse the request otherwise.
//!
//! `TextKind::Identifier` leaves (`user`, `metadata.*`, `labels.*`, ...) are never
//! restorable: a restorable action (`pseudonymize`, `surrogate`) becomes `hash` there (keyed
//! per tenant, so still stable for abuse tracking), and look-alikes are hashed as
//! `<PLACEHOLDER:sha256:..>` instead of being neutralised. The report counts the action
//! actually applied.
//!
//! # Opaque text
//!
//! Thinking, redacted/signed parts and reasoning summaries must stay byte-identical
//! (PROTOCOLS §2.8): they are scanned read-only. A finding there whose action is `block`
//! refuses the request like anywhere else; any other finding is left in place (the provider
//! would reject a modified signature) and counted as `opaque_findings` in the report, so the
//! ledger shows what went out unmodified.
//!
//! # Media
//!
//! Images, audio, files and bare URL references cannot be text-scanned. With
//! `media = "refuse"` the first one refuses the request ([`SanitizeError::MediaRefused`]);
//! with `media = "forward"` they are forwarded and counted.
//!
//! # Errors leave the body half-rewritten
//!
//! On `Err` the body may already be partially rewritten: it must not be forwarded (nor the
//! original bytes). Every error is a refusal.

use std::fmt::{self, Write as _};
use std::sync::Arc;

use serde_json::{json, Value};

use super::policy::{is_entity_name, Action, EffectivePolicy, MediaPolicy, ScanResponses};
use super::restore::Restorer;
use super::stream::{response_filter, EngineScanner, FilterOptions, ScratchPool, TextScanner};
use super::vault::{find_lookalikes, Vault, NEUTRALIZED_ENTITY};
use super::walk::{self, MediaKind, Path, TextKind, Visitor, WalkStats, PRE_TOKENIZED};
use super::{ResponseFilter, TransformError};
use crate::detect::{Engine, Entity, Finding, Scratch};
use crate::providers::Endpoint;

/// Response header carrying [`SanitizeReport::header_value`].
pub const HEADER: &str = "x-promptwall-sanitized";

/// Upper bound of [`SanitizeReport::header_value`] in bytes.
pub const MAX_HEADER_LEN: usize = 512;

/// At most this many blocked values are listed in [`SanitizeError::Blocked`].
pub const MAX_BLOCKED_LISTED: usize = 16;

/// Entity names longer than this (custom detectors) render as `CUSTOM` in headers.
const MAX_ENTITY_NAME: usize = 48;

/// The reason string the visitor uses to stop the walker after a fatal refusal; never leaves
/// this module.
const STOP: &str = "promptwall_sanitizer_stop";

/// Scratches kept for reuse (one per concurrently sanitizing thread is enough).
/// Built once at start-up; shared by every request (cheap to clone).
#[derive(Clone)]
pub struct Sanitizer {
    engine: Arc<Engine>,
    /// Reusable engine scratch, shared with the response scanners.
    scratch: ScratchPool,
    /// Response scanners per `scan_responses` mode, built once.
    scan_secrets: Arc<dyn TextScanner>,
    scan_all: Arc<dyn TextScanner>,
}

impl fmt::Debug for Sanitizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sanitizer")
            .field("engine", &self.engine)
            .finish()
    }
}

impl Sanitizer {
    /// Wrap the shared engine (`Engine::builtin()` or `Engine::from_config(..)`).
    pub fn new(engine: Arc<Engine>) -> Self {
        let scratch = ScratchPool::default();
        let scan_secrets: Arc<dyn TextScanner> = Arc::new(EngineScanner {
            engine: Arc::clone(&engine),
            mode: ScanResponses::Secrets,
            scratch: scratch.clone(),
        });
        let scan_all: Arc<dyn TextScanner> = Arc::new(EngineScanner {
            engine: Arc::clone(&engine),
            mode: ScanResponses::All,
            scratch: scratch.clone(),
        });
        Sanitizer {
            engine,
            scratch,
            scan_secrets,
            scan_all,
        }
    }

    /// Scan responses under `scan_responses = "secrets"` with `engine`, which must be built
    /// from the same `[detection]` as the main engine with only the detectors that can report
    /// secrets ([`Engine::secrets_from_config`]): same findings, a fraction of the cost.
    pub fn with_secrets_engine(mut self, engine: Arc<Engine>) -> Self {
        self.scan_secrets = Arc::new(EngineScanner {
            engine,
            mode: ScanResponses::Secrets,
            scratch: ScratchPool::default(),
        });
        self
    }

    /// The shared engine.
    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// Sanitize a parsed request body of `endpoint` in place under `policy`, recording
    /// restorable replacements in `vault` (one vault per request and tenant).
    ///
    /// # Errors
    /// Every error is a refusal; the body must not be forwarded (it may be half-rewritten).
    /// [`SanitizeError::Blocked`] lists every value whose action is `block` (up to
    /// [`MAX_BLOCKED_LISTED`]); [`SanitizeError::MediaRefused`] for media under
    /// `media = "refuse"`; [`SanitizeError::Unwalkable`] / [`SanitizeError::PreTokenized`]
    /// when the body cannot be walked.
    pub fn sanitize_request(
        &self,
        endpoint: Endpoint,
        body: &mut Value,
        policy: &EffectivePolicy,
        vault: &mut Vault,
    ) -> Result<SanitizeReport, SanitizeError> {
        self.run(policy, vault, |v| walk::walk_request(endpoint, body, v))
    }

    /// Sanitize one free text (the `scrub` CLI, tests) as a prompt leaf at path `$`, with the
    /// same rules as a body leaf.
    ///
    /// # Errors
    /// [`SanitizeError::Blocked`] (paths render as `$`).
    pub fn sanitize_text(
        &self,
        text: &mut String,
        policy: &EffectivePolicy,
        vault: &mut Vault,
    ) -> Result<SanitizeReport, SanitizeError> {
        self.run(policy, vault, |v| {
            v.text(text, TextKind::Prompt, &Path::default())?;
            Ok(WalkStats {
                fields_scanned: 1,
                ..WalkStats::default()
            })
        })
    }

    /// Run `walk` with a fresh leaf visitor and turn its outcome into a report or a refusal.
    fn run(
        &self,
        policy: &EffectivePolicy,
        vault: &mut Vault,
        walk: impl FnOnce(&mut LeafVisitor<'_>) -> Result<WalkStats, TransformError>,
    ) -> Result<SanitizeReport, SanitizeError> {
        let mut v = LeafVisitor {
            engine: &self.engine,
            scratch: self.scratch.take(&self.engine),
            findings: Vec::new(),
            policy,
            vault,
            counts: Vec::new(),
            neutralized: 0,
            opaque_findings: 0,
            rewritten: 0,
            blocked: Vec::new(),
            blocked_total: 0,
            fatal: None,
        };
        let walked = walk(&mut v);
        self.scratch.put(std::mem::take(&mut v.scratch));
        if v.blocked_total > 0 {
            let omitted = v.blocked_total - v.blocked.len();
            return Err(SanitizeError::Blocked {
                entities: v.blocked,
                omitted,
            });
        }
        if let Some(e) = v.fatal {
            return Err(e);
        }
        let stats = walked.map_err(SanitizeError::from_walk)?;
        let mut counts = v.counts;
        counts.sort_by(|a, b| {
            a.entity
                .name()
                .cmp(b.entity.name())
                .then(a.action.strictness().cmp(&b.action.strictness()))
                .then(a.action.name().cmp(b.action.name()))
        });
        Ok(SanitizeReport {
            policy_version: policy.version().to_owned(),
            fields_scanned: stats.fields_scanned,
            media_parts: stats.media_parts,
            opaque_parts: stats.opaque_skipped,
            opaque_findings: v.opaque_findings,
            neutralized: v.neutralized,
            rewritten_fields: v.rewritten,
            counts,
        })
    }

    /// What the response filter of this request needs: the vault's restoration table (empty
    /// when `policy.restore` is false) and the response scanner of `policy.scan_responses`.
    /// Call after [`Sanitizer::sanitize_request`] succeeded.
    ///
    /// # Errors
    /// [`SanitizeError::Internal`] when the restoration table cannot be compiled.
    pub fn response_options(
        &self,
        policy: &EffectivePolicy,
        vault: &Vault,
    ) -> Result<FilterOptions, SanitizeError> {
        let restorer = if policy.restore {
            vault
                .restorer()
                .map_err(|_| SanitizeError::Internal("restoration table"))?
        } else {
            Restorer::empty()
        };
        let restoring = !restorer.is_empty();
        let opts = FilterOptions::new(restorer);
        let scanner = match policy.scan_responses {
            ScanResponses::Off => return Ok(opts),
            ScanResponses::Secrets => Arc::clone(&self.scan_secrets),
            ScanResponses::All => Arc::clone(&self.scan_all),
        };
        if !restoring {
            return Ok(opts.with_scanner(scanner));
        }
        // Surrogates are format-valid fakes: the response scanner would flag them (and redact
        // them before they are restored). Skip findings on this request's own replacements.
        let mut issued: Vec<String> = vault.restorable().map(|(k, _)| k.to_owned()).collect();
        issued.sort_unstable();
        Ok(opts.with_scanner(Arc::new(SkipIssued {
            inner: scanner,
            issued,
        })))
    }

    /// The response filter of this request: [`Sanitizer::response_options`] handed to
    /// [`response_filter`]. `streaming` as there (SSE upstream answer).
    ///
    /// # Errors
    /// As [`Sanitizer::response_options`].
    pub fn response_filter(
        &self,
        endpoint: Endpoint,
        streaming: bool,
        policy: &EffectivePolicy,
        vault: &Vault,
    ) -> Result<Box<dyn ResponseFilter>, SanitizeError> {
        Ok(response_filter(
            endpoint,
            streaming,
            self.response_options(policy, vault)?,
        ))
    }
}

/// A response scanner that ignores findings overlapping a replacement this request issued
/// (restorable pseudonyms, surrogates, neutralised look-alikes): those are restored to the
/// client's own values, never leaked ones.
struct SkipIssued {
    inner: Arc<dyn TextScanner>,
    issued: Vec<String>,
}

impl SkipIssued {
    fn overlaps_issued(&self, text: &str, start: usize, end: usize) -> bool {
        self.issued.iter().any(|key| {
            let mut lo = start.saturating_sub(key.len());
            while !text.is_char_boundary(lo) {
                lo -= 1;
            }
            let mut hi = end.saturating_add(key.len()).min(text.len());
            while !text.is_char_boundary(hi) {
                hi += 1;
            }
            text.get(lo..hi).is_some_and(|window| {
                window.match_indices(key.as_str()).any(|(i, _)| {
                    let s = lo + i;
                    s < end && start < s + key.len()
                })
            })
        })
    }
}

impl TextScanner for SkipIssued {
    fn find(&self, text: &str, out: &mut Vec<Finding>) {
        let start = out.len();
        self.inner.find(text, out);
        if out.len() == start {
            return;
        }
        let found = out.split_off(start);
        out.extend(
            found
                .into_iter()
                .filter(|f| !self.overlaps_issued(text, f.start, f.end)),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Report

/// How often one entity got one action in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityCount {
    pub entity: Entity,
    /// The action applied (for identifier leaves: `hash` where policy said a restorable one).
    pub action: Action,
    pub count: usize,
}

/// Content-free summary of one sanitized request (header, ledger, metrics, logs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SanitizeReport {
    /// [`EffectivePolicy::version`] of the policy applied.
    pub policy_version: String,
    /// Text leaves scanned (rewritable ones; opaque text not included).
    pub fields_scanned: usize,
    /// Media parts forwarded (images, audio, files, URL references).
    pub media_parts: usize,
    /// Parts left byte-identical on purpose (thinking, signed, reasoning, server-tool results).
    pub opaque_parts: usize,
    /// Findings inside opaque text that were forwarded unmodified (their action was not
    /// `block`).
    pub opaque_findings: usize,
    /// Placeholder look-alikes typed by the user and re-tokenised (or hashed in identifiers).
    pub neutralized: usize,
    /// Text leaves whose content changed.
    pub rewritten_fields: usize,
    /// Per (entity, action) counts, sorted by entity name, then action strictness.
    pub counts: Vec<EntityCount>,
}

impl SanitizeReport {
    /// Whether any leaf of the body was rewritten. When false the server may forward the
    /// client's original bytes instead of re-serializing.
    pub fn body_changed(&self) -> bool {
        self.rewritten_fields > 0
    }

    /// Total findings in rewritable text (all actions, `allow` included).
    pub fn total_findings(&self) -> usize {
        self.counts.iter().map(|c| c.count).sum()
    }

    /// The count of one (entity, action) pair.
    pub fn count(&self, entity: &Entity, action: Action) -> usize {
        self.counts
            .iter()
            .filter(|c| c.entity == *entity && c.action == action)
            .map(|c| c.count)
            .sum()
    }

    /// The value of the [`HEADER`] response header: ASCII, at most [`MAX_HEADER_LEN`] bytes,
    /// `; `-separated `key=value` items in this order:
    ///
    /// ```text
    /// v=<policy version, 16 hex>; fields=<n>; media=<n>
    ///   [; opaque=<n>]                 parts left byte-identical (when > 0)
    ///   [; opaque_findings=<n>]        findings forwarded inside them (when > 0)
    ///   [; neutralized=<n>]            look-alike placeholders re-tokenised (when > 0)
    ///   [; ENTITY=action:<n>]...       one per (entity, action), sorted by entity then action
    ///   [; omitted=<n>]                (entity, action) items left out to stay under the cap
    /// ```
    ///
    /// e.g. `v=3f9a2c0b1d2e4f50; fields=12; media=0; API_KEY=redact:1;
    /// EMAIL_ADDRESS=pseudonymize:2`. Lower-case keys are counters, upper-case keys entities
    /// (custom entity names that are not UPPER_SNAKE or longer than 48 bytes render as
    /// `CUSTOM`). Never contains text or values.
    pub fn header_value(&self) -> String {
        let mut out = String::with_capacity(96);
        let version: String = self
            .policy_version
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(32)
            .collect();
        let _ = write!(
            out,
            "v={version}; fields={}; media={}",
            self.fields_scanned, self.media_parts
        );
        for (key, n) in [
            ("opaque", self.opaque_parts),
            ("opaque_findings", self.opaque_findings),
            ("neutralized", self.neutralized),
        ] {
            if n > 0 {
                let _ = write!(out, "; {key}={n}");
            }
        }
        // Reserve room for "; omitted=<n>".
        const OMITTED_RESERVE: usize = "; omitted=".len() + 20;
        let mut item = String::with_capacity(64);
        for (i, c) in self.counts.iter().enumerate() {
            item.clear();
            let _ = write!(
                item,
                "; {}={}:{}",
                header_entity_name(&c.entity),
                c.action.name(),
                c.count
            );
            let last = i + 1 == self.counts.len();
            let room = if last {
                MAX_HEADER_LEN
            } else {
                MAX_HEADER_LEN - OMITTED_RESERVE
            };
            if out.len() + item.len() > room {
                let _ = write!(out, "; omitted={}", self.counts.len() - i);
                break;
            }
            out.push_str(&item);
        }
        out
    }

    /// JSON form (for logs, the ledger and refusal bodies' details):
    /// `{"policy_version":..,"fields_scanned":..,"media_parts":..,"opaque_parts":..,
    /// "opaque_findings":..,"neutralized":..,"rewritten_fields":..,
    /// "entities":[{"entity":"EMAIL_ADDRESS","action":"pseudonymize","count":2}]}`.
    pub fn to_json(&self) -> Value {
        let entities: Vec<Value> = self
            .counts
            .iter()
            .map(
                |c| json!({"entity": c.entity.name(), "action": c.action.name(), "count": c.count}),
            )
            .collect();
        json!({
            "policy_version": self.policy_version,
            "fields_scanned": self.fields_scanned,
            "media_parts": self.media_parts,
            "opaque_parts": self.opaque_parts,
            "opaque_findings": self.opaque_findings,
            "neutralized": self.neutralized,
            "rewritten_fields": self.rewritten_fields,
            "entities": entities,
        })
    }
}

impl fmt::Display for SanitizeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.header_value())
    }
}

/// An entity name safe for a header (ASCII UPPER_SNAKE, bounded).
fn header_entity_name(entity: &Entity) -> &str {
    let name = entity.name();
    if name.len() <= MAX_ENTITY_NAME && is_entity_name(name) {
        name
    } else {
        "CUSTOM"
    }
}

// ---------------------------------------------------------------------------------------------
// Errors

/// One blocked value: where it is, never what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockedSpan {
    /// Entity name (`PRIVATE_KEY`, a custom detector's name).
    pub entity: String,
    /// JSON path of the text leaf, e.g. `messages[2].content` (`<json>` marks a position
    /// inside a JSON-encoded argument string; unknown keys render `*`).
    pub path: String,
    /// Byte range inside that leaf's text (for a `<json>` path: inside the decoded string
    /// leaf of the JSON-encoded arguments).
    pub start: usize,
    pub end: usize,
}

impl fmt::Display for BlockedSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at {} (bytes {}..{})",
            self.entity, self.path, self.start, self.end
        )
    }
}

/// Why a request is refused. Messages name entity types, JSON paths and byte offsets, never
/// values or text; they are meant to be shown to the client as the provider-shaped error
/// message ([`SanitizeError::status`], [`SanitizeError::code`]).
#[derive(Debug, thiserror::Error)]
pub enum SanitizeError {
    /// Values whose policy action is `block`.
    #[error("{}", blocked_message(entities, *omitted))]
    Blocked {
        /// The first [`MAX_BLOCKED_LISTED`] blocked values, in body order.
        entities: Vec<BlockedSpan>,
        /// How many more were found but not listed.
        omitted: usize,
    },
    /// The body has content in a shape the walker does not know: it cannot be checked.
    #[error("Refused by promptwall: the request body has an unexpected shape at {path}, so it cannot be checked for personal data; fix the request body (see the provider's API reference)")]
    Unwalkable { path: String },
    /// A media part under `media = "refuse"`.
    #[error("Blocked by promptwall policy: {} at {path} cannot be checked for personal data and media is not allowed for this tenant and provider; remove it or ask your admin to change the policy", media_label(*kind))]
    MediaRefused { path: String, kind: MediaKind },
    /// Token arrays (embeddings / legacy completions) cannot be scanned.
    #[error("Refused by promptwall: pre-tokenized input (token arrays) cannot be checked for personal data; send the text instead")]
    PreTokenized,
    /// A bug or resource problem on our side (not the client's fault).
    #[error("promptwall could not sanitize the request ({0})")]
    Internal(&'static str),
}

fn blocked_message(entities: &[BlockedSpan], omitted: usize) -> String {
    let mut s = String::from("Blocked by promptwall policy: ");
    for (i, b) in entities.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "{b}");
    }
    if omitted > 0 {
        let _ = write!(s, " and {omitted} more");
    }
    let it = if entities.len() + omitted > 1 {
        "them"
    } else {
        "it"
    };
    let _ = write!(s, "; remove {it} or ask your admin to change the policy");
    s
}

fn media_label(kind: MediaKind) -> &'static str {
    match kind {
        MediaKind::Image => "an image",
        MediaKind::Audio => "an audio part",
        MediaKind::File => "a file",
        MediaKind::Url => "a URL reference",
    }
}

impl SanitizeError {
    /// Map a walker error (fail closed: every walk error is a refusal).
    fn from_walk(e: TransformError) -> Self {
        match e {
            TransformError::UnexpectedShape { path } => SanitizeError::Unwalkable { path },
            TransformError::Refused(reason) if reason == PRE_TOKENIZED => {
                SanitizeError::PreTokenized
            }
            TransformError::InvalidJson => SanitizeError::Unwalkable { path: "$".into() },
            TransformError::Refused(_) | TransformError::MalformedStream(_) => {
                SanitizeError::Internal("walk")
            }
        }
    }

    /// HTTP status (PROTOCOLS §4.3): 403 for policy refusals (SDKs don't retry it; send
    /// `x-should-retry: false`), 400 for bodies that cannot be checked, 500 for ours.
    pub fn status(&self) -> u16 {
        match self {
            SanitizeError::Blocked { .. } | SanitizeError::MediaRefused { .. } => 403,
            SanitizeError::Unwalkable { .. } | SanitizeError::PreTokenized => 400,
            SanitizeError::Internal(_) => 500,
        }
    }

    /// The provider-error `code` / `error_code` / `reason` to send.
    pub fn code(&self) -> &'static str {
        match self {
            SanitizeError::Blocked { .. } | SanitizeError::MediaRefused { .. } => {
                "promptwall_policy_violation"
            }
            SanitizeError::Unwalkable { .. } | SanitizeError::PreTokenized => {
                "promptwall_unscannable_request"
            }
            SanitizeError::Internal(_) => "promptwall_internal_error",
        }
    }

    /// Low-cardinality label for metrics and logs.
    pub fn label(&self) -> &'static str {
        match self {
            SanitizeError::Blocked { .. } => "blocked",
            SanitizeError::Unwalkable { .. } => "unwalkable",
            SanitizeError::MediaRefused { .. } => "media_refused",
            SanitizeError::PreTokenized => "pre_tokenized",
            SanitizeError::Internal(_) => "internal",
        }
    }

    /// Content-free JSON details for refusal bodies and the ledger:
    /// `{"reason":"blocked","entities":[{"entity":"PRIVATE_KEY","path":"messages[2].content",
    /// "start":10,"end":1700}],"omitted":0}`, `{"reason":"media_refused","path":..,"media":..}`,
    /// `{"reason":"unwalkable","path":..}`, `{"reason":"pre_tokenized"}`, `{"reason":"internal"}`.
    pub fn details_json(&self) -> Value {
        match self {
            SanitizeError::Blocked { entities, omitted } => {
                let list: Vec<Value> = entities
                    .iter()
                    .map(|b| json!({"entity": b.entity, "path": b.path, "start": b.start, "end": b.end}))
                    .collect();
                json!({"reason": self.label(), "entities": list, "omitted": omitted})
            }
            SanitizeError::MediaRefused { path, kind } => json!({
                "reason": self.label(),
                "path": path,
                "media": match kind {
                    MediaKind::Image => "image",
                    MediaKind::Audio => "audio",
                    MediaKind::File => "file",
                    MediaKind::Url => "url",
                },
            }),
            SanitizeError::Unwalkable { path } => json!({"reason": self.label(), "path": path}),
            SanitizeError::PreTokenized | SanitizeError::Internal(_) => {
                json!({"reason": self.label()})
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The leaf visitor

struct LeafVisitor<'a> {
    engine: &'a Engine,
    scratch: Scratch,
    findings: Vec<Finding>,
    policy: &'a EffectivePolicy,
    vault: &'a mut Vault,
    counts: Vec<EntityCount>,
    neutralized: usize,
    opaque_findings: usize,
    rewritten: usize,
    blocked: Vec<BlockedSpan>,
    blocked_total: usize,
    /// A refusal that stopped the walk (media).
    fatal: Option<SanitizeError>,
}

impl LeafVisitor<'_> {
    fn count(&mut self, entity: &Entity, action: Action) {
        if let Some(c) = self
            .counts
            .iter_mut()
            .find(|c| c.action == action && c.entity == *entity)
        {
            c.count += 1;
        } else {
            self.counts.push(EntityCount {
                entity: entity.clone(),
                action,
                count: 1,
            });
        }
    }

    /// Record every `block` finding of the current `findings`; whether there was one.
    fn record_blocks(&mut self, path: &Path) -> bool {
        let mut any = false;
        let mut rendered: Option<String> = None;
        for f in &self.findings {
            if self.policy.action_for(&f.entity) != Action::Block {
                continue;
            }
            any = true;
            self.blocked_total += 1;
            if self.blocked.len() < MAX_BLOCKED_LISTED {
                let path = rendered.get_or_insert_with(|| path.to_string()).clone();
                self.blocked.push(BlockedSpan {
                    entity: f.entity.name().to_owned(),
                    path,
                    start: f.start,
                    end: f.end,
                });
            }
        }
        any
    }

    /// The action applied in a leaf of `kind`: identifiers are never restorable.
    fn action(&self, entity: &Entity, kind: TextKind) -> Action {
        let a = self.policy.action_for(entity);
        if kind == TextKind::Identifier && a.is_restorable() {
            Action::Hash
        } else {
            a
        }
    }

    /// Build the rewritten leaf; `None` when nothing changes.
    ///
    /// Findings are replaced first (one pass over `text`); then every placeholder look-alike
    /// in the result that is not one of the replacements just issued is neutralised (a second
    /// pass only when there is one). Look-alikes are searched in the *result* so that none can
    /// survive or appear by accident: not one the user typed, not one straddling a finding
    /// (`<PERSON_` + a surrogate's digits + `>`), and a finding inside or across a look-alike
    /// is still replaced (no part of its value leaks).
    ///
    /// `token_safe`: the leaf is a participant name with a restricted charset (OpenAI's
    /// `messages[].name` rejects whitespace and `<|\\/>`): replacements are made to fit.
    fn rewrite(
        &mut self,
        text: &str,
        kind: TextKind,
        token_safe: bool,
    ) -> Result<Option<String>, TransformError> {
        let mut changed = false;
        // Output ranges of the replacements issued here (never neutralised).
        let mut issued: Vec<(usize, usize)> = Vec::new();
        let replaced = if self.findings.is_empty() {
            None
        } else {
            let mut out = String::with_capacity(text.len() + 32);
            let mut last = 0;
            for i in 0..self.findings.len() {
                let Some((entity, start, end)) = self
                    .findings
                    .get(i)
                    .map(|f| (f.entity.clone(), f.start, f.end))
                else {
                    continue;
                };
                let (Some(before), Some(value)) = (text.get(last..start), text.get(start..end))
                else {
                    // Offsets off char boundaries or out of order: fail closed.
                    return Err(TransformError::UnexpectedShape {
                        path: "finding offsets".into(),
                    });
                };
                out.push_str(before);
                last = end;
                let action = self.action(&entity, kind);
                self.count(&entity, action);
                if action == Action::Allow {
                    out.push_str(value);
                } else {
                    let r = self.vault.replace(&entity, value, action)?;
                    changed |= r != value;
                    let at = out.len();
                    push_replacement(&mut out, &r, token_safe);
                    issued.push((at, out.len()));
                }
            }
            out.push_str(text.get(last..).unwrap_or_default());
            Some(out)
        };
        let current: &str = replaced.as_deref().unwrap_or(text);
        let foreign: Vec<(usize, usize)> = find_lookalikes(current)
            .into_iter()
            .filter(|span| issued.binary_search(span).is_err())
            .collect();
        if foreign.is_empty() {
            return Ok(if changed { replaced } else { None });
        }
        let mut out = String::with_capacity(current.len() + 16);
        let mut last = 0;
        for (start, end) in foreign {
            let (Some(before), Some(literal)) = (current.get(last..start), current.get(start..end))
            else {
                continue;
            };
            out.push_str(before);
            last = end;
            self.neutralized += 1;
            if kind == TextKind::Identifier {
                let entity = Entity::Custom(Arc::from(NEUTRALIZED_ENTITY));
                let r = self.vault.replace(&entity, literal, Action::Hash)?;
                push_replacement(&mut out, &r, token_safe);
            } else {
                let r = self.vault.neutralize(literal);
                push_replacement(&mut out, &r, token_safe);
            }
        }
        out.push_str(current.get(last..).unwrap_or_default());
        Ok(Some(out))
    }
}

/// Append a replacement; in token-safe mode without `<` `>` and with whitespace, `|`, `\\`
/// and `/` turned into `_` (such a replacement is then not restored: names are labels).
fn push_replacement(out: &mut String, r: &str, token_safe: bool) {
    if !token_safe {
        out.push_str(r);
        return;
    }
    for c in r.chars() {
        match c {
            '<' | '>' => {}
            '|' | '\\' | '/' => out.push('_'),
            c if c.is_whitespace() => out.push('_'),
            c => out.push(c),
        }
    }
}

impl Visitor for LeafVisitor<'_> {
    fn text(
        &mut self,
        text: &mut String,
        kind: TextKind,
        path: &Path,
    ) -> Result<(), TransformError> {
        self.engine
            .scan_with(text, &mut self.scratch, &mut self.findings);
        if self.findings.is_empty() && memchr::memchr(b'<', text.as_bytes()).is_none() {
            return Ok(());
        }
        if self.record_blocks(path) || self.blocked_total > 0 {
            // The request is refused: keep scanning to list every blocked value, skip the work
            // of rewriting.
            return Ok(());
        }
        // Rare (a finding in a name): render the path only then.
        let token_safe = kind == TextKind::Name && path.to_string().ends_with(".name");
        if let Some(new) = self.rewrite(text, kind, token_safe)? {
            *text = new;
            self.rewritten += 1;
        }
        Ok(())
    }

    fn media(&mut self, kind: MediaKind, path: &Path) -> Result<(), TransformError> {
        match self.policy.media {
            MediaPolicy::Forward => Ok(()),
            MediaPolicy::Refuse => {
                self.fatal = Some(SanitizeError::MediaRefused {
                    path: path.to_string(),
                    kind,
                });
                Err(TransformError::Refused(STOP.to_owned()))
            }
        }
    }

    fn opaque_text(&mut self, text: &str, path: &Path) -> Result<(), TransformError> {
        self.engine
            .scan_with(text, &mut self.scratch, &mut self.findings);
        if self.findings.is_empty() {
            return Ok(());
        }
        self.record_blocks(path);
        let policy = self.policy;
        self.opaque_findings += self
            .findings
            .iter()
            .filter(|f| policy.action_for(&f.entity) != Action::Block)
            .count();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{Detector, Hit, ScanCtx, Trigger};
    use crate::transform::policy::PolicyConfig;
    use crate::transform::vault::TenantKey;

    /// A tiny detector: `x@y` e-mails, `sk-...` API keys, PEM blocks, and the literal
    /// `SECRETNAME` (an API key that also fits inside a placeholder look-alike).
    struct Fake;

    fn word(b: u8) -> bool {
        b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')
    }

    impl Detector for Fake {
        fn name(&self) -> &'static str {
            "fake"
        }
        fn triggers(&self) -> Vec<Trigger> {
            vec![
                Trigger::Literal("@".into()),
                Trigger::Literal("sk-".into()),
                Trigger::Literal("-----BEGIN".into()),
                Trigger::Literal("SECRETNAME".into()),
                Trigger::DigitRun { min_digits: 9 },
            ]
        }
        fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
            let b = cx.bytes();
            let mut push = |entity, start, end| {
                out.push(Finding {
                    entity,
                    start,
                    end,
                    score: 0.95,
                    detector: "fake".into(),
                })
            };
            for h in hits {
                match h.trigger {
                    0 => {
                        let mut s = h.start;
                        while s > 0 && word(b[s - 1]) {
                            s -= 1;
                        }
                        let mut e = h.end;
                        while e < b.len() && word(b[e]) {
                            e += 1;
                        }
                        if s < h.start && e > h.end {
                            push(Entity::EmailAddress, s, e);
                        }
                    }
                    1 => {
                        let mut e = h.end;
                        while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'-') {
                            e += 1;
                        }
                        push(Entity::ApiKey, h.start, e);
                    }
                    2 => {
                        if let Some(i) = cx.text[h.start..].find("-----END") {
                            let after = h.start + i + 8;
                            if let Some(j) = cx.text[after..].find("-----") {
                                push(Entity::PrivateKey, h.start, after + j + 5);
                            }
                        }
                    }
                    3 => push(Entity::ApiKey, h.start, h.end),
                    _ => push(Entity::PhoneNumber, h.start, h.end),
                }
            }
        }
    }

    fn sanitizer() -> Sanitizer {
        Sanitizer::new(Arc::new(
            Engine::with_detectors(vec![Box::new(Fake)]).unwrap(),
        ))
    }

    fn policy(toml_text: &str) -> EffectivePolicy {
        toml::from_str::<PolicyConfig>(toml_text)
            .unwrap()
            .effective("acme", "openai")
    }

    fn vault(p: &EffectivePolicy) -> Vault {
        Vault::for_policy(TenantKey::derive(b"test-secret", "acme"), p)
    }

    const EMAIL: &str = "jane.doe@corp.io";
    const KEY: &str = "sk-live-0123456789abcdef";
    const PEM: &str =
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";

    fn chat(texts: &[&str]) -> Value {
        let messages: Vec<Value> = texts
            .iter()
            .map(|t| json!({"role": "user", "content": t}))
            .collect();
        json!({"model": "gpt-4o", "messages": messages})
    }

    #[test]
    fn explicit_secret_pseudonymize_is_restored() {
        let s = sanitizer();
        let p = policy("[entities]\nAPI_KEY = \"pseudonymize\"\n");
        let mut v = vault(&p);
        let text = format!("mail {EMAIL}, key {KEY}.");
        let mut body = chat(&[&text]);
        let r = s
            .sanitize_request(Endpoint::OpenAiChat, &mut body, &p, &mut v)
            .unwrap();
        let out = body["messages"][0]["content"].as_str().unwrap().to_owned();
        assert!(!out.contains(EMAIL) && !out.contains(KEY), "{out}");
        assert!(out.contains(", key <API_KEY_"), "{out}");
        assert_eq!(r.count(&Entity::ApiKey, Action::Pseudonymize), 1);
        assert_eq!(v.restorable_len(), 2);
        assert_eq!(v.restorer().unwrap().restore(&out), text);
    }

    #[test]
    fn leaves_without_findings_are_untouched() {
        let s = sanitizer();
        let p = EffectivePolicy::default();
        let mut v = vault(&p);
        let mut body = chat(&["hello there", "nothing <b>to</b> see"]);
        let before = body.clone();
        let r = s
            .sanitize_request(Endpoint::OpenAiChat, &mut body, &p, &mut v)
            .unwrap();
        assert_eq!(body, before);
        assert_eq!(r.fields_scanned, 2);
        assert!(!r.body_changed());
        assert_eq!(r.total_findings(), 0);
        assert!(v.is_empty());
        assert_eq!(
            r.header_value(),
            format!("v={}; fields=2; media=0", p.version())
        );
    }

    #[test]
    fn default_policy_pseudonymizes_pii_and_redacts_secrets() {
        let s = sanitizer();
        let p = EffectivePolicy::default();
        let mut v = vault(&p);
        let text = format!("mail {EMAIL} twice {EMAIL}, key {KEY}.");
        let mut body = chat(&[&text]);
        let r = s
            .sanitize_request(Endpoint::OpenAiChat, &mut body, &p, &mut v)
            .unwrap();
        let out = body["messages"][0]["content"].as_str().unwrap().to_owned();
        assert!(!out.contains(EMAIL) && !out.contains(KEY), "{out}");
        assert!(out.contains(", key <API_KEY>."), "{out}");
        assert_eq!(out.matches("<EMAIL_ADDRESS_").count(), 2);
        assert_eq!(r.count(&Entity::EmailAddress, Action::Pseudonymize), 2);
        assert_eq!(r.count(&Entity::ApiKey, Action::Redact), 1);
        assert_eq!(r.rewritten_fields, 1);
        assert_eq!(r.neutralized, 0, "our own placeholders are not neutralised");
        // Only the e-mail is restorable; the key is not by default.
        assert_eq!(v.restorable_len(), 1);
        let restorer = v.restorer().unwrap();
        assert_eq!(
            restorer.restore(&out),
            format!("mail {EMAIL} twice {EMAIL}, key <API_KEY>.")
        );
        let h = r.header_value();
        assert!(
            h.ends_with("; API_KEY=redact:1; EMAIL_ADDRESS=pseudonymize:2"),
            "{h}"
        );
    }

    #[test]
    fn identifiers_are_hashed_never_restorable() {
        let s = sanitizer();
        let p = EffectivePolicy::default();
        let mut v = vault(&p);
        let mut body = json!({"model": "m", "user": EMAIL, "metadata": {"k": "<PERSON_abcdef>"},
            "messages": [{"role": "user", "content": "hi"}]});
        let r = s
            .sanitize_request(Endpoint::OpenAiChat, &mut body, &p, &mut v)
            .unwrap();
        let user = body["user"].as_str().unwrap();
        assert!(user.starts_with("<EMAIL_ADDRESS:sha256:"), "{user}");
        let meta = body["metadata"]["k"].as_str().unwrap();
        assert!(meta.starts_with("<PLACEHOLDER:sha256:"), "{meta}");
        assert_eq!(r.count(&Entity::EmailAddress, Action::Hash), 1);
        assert_eq!(r.neutralized, 1);
        assert!(v.is_empty(), "nothing restorable from identifiers");
    }

    #[test]
    fn blocked_values_are_listed_with_paths_and_offsets_never_values() {
        let s = sanitizer();
        let p = policy("[entities]\nAPI_KEY = \"block\"");
        let mut v = vault(&p);
        let a = format!("key: {KEY}");
        let b = format!("x {PEM} y {EMAIL}");
        let mut body = chat(&["fine", &a, &b]);
        let e = s
            .sanitize_request(Endpoint::OpenAiChat, &mut body, &p, &mut v)
            .unwrap_err();
        let SanitizeError::Blocked { entities, omitted } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(*omitted, 0);
        assert_eq!(
            entities,
            &vec![
                BlockedSpan {
                    entity: "API_KEY".into(),
                    path: "messages[1].content".into(),
                    start: 5,
                    end: 5 + KEY.len()
                },
                BlockedSpan {
                    entity: "PRIVATE_KEY".into(),
                    path: "messages[2].content".into(),
                    start: 2,
                    end: 2 + PEM.len()
                },
            ]
        );
        let msg = e.to_string();
        assert_eq!(
            msg,
            format!(
                "Blocked by promptwall policy: API_KEY at messages[1].content (bytes 5..{}), \
                 PRIVATE_KEY at messages[2].content (bytes 2..{}); remove them or ask your \
                 admin to change the policy",
                5 + KEY.len(),
                2 + PEM.len()
            )
        );
        let details = e.details_json().to_string();
        for secret in [KEY, PEM, EMAIL, "MIIEvQ", "jane"] {
            assert!(!msg.contains(secret) && !details.contains(secret));
        }
        assert_eq!((e.status(), e.code()), (403, "promptwall_policy_violation"));
    }

    #[test]
    fn blocked_list_is_capped() {
        let s = sanitizer();
        let p = EffectivePolicy::default();
        let mut v = vault(&p);
        let texts: Vec<String> = (0..MAX_BLOCKED_LISTED + 3)
            .map(|_| PEM.to_owned())
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mut body = chat(&refs);
        let e = s
            .sanitize_request(Endpoint::OpenAiChat, &mut body, &p, &mut v)
            .unwrap_err();
        assert!(
            matches!(&e, SanitizeError::Blocked { entities, omitted: 3 } if entities.len() == MAX_BLOCKED_LISTED)
        );
        assert!(e.to_string().contains(" and 3 more; remove them"));
    }

    #[test]
    fn lookalikes_are_neutralized_and_findings_inside_them_replaced() {
        let s = sanitizer();
        let p = policy("[entities]\nPHONE_NUMBER = \"surrogate\"");
        let mut v = vault(&p);
        let texts = [
            "see <PERSON_abcdef> ok",
            "in <SECRETNAME_abcdef> and SECRETNAME",
            "formed <PERSON_123456789> here",
        ];
        let mut body = chat(&texts);
        let r = s
            .sanitize_request(Endpoint::OpenAiChat, &mut body, &p, &mut v)
            .unwrap();
        let out = |i: usize| body["messages"][i]["content"].as_str().unwrap().to_owned();
        // 1. A typed look-alike is re-tokenised and restores to its literal text only.
        assert!(out(0).starts_with("see <PLACEHOLDER_") && out(0).ends_with("> ok"));
        // 2. A finding inside a look-alike is still replaced (nothing of it leaks).
        assert_eq!(out(1), "in <<API_KEY>_abcdef> and <API_KEY>");
        // 3. A look-alike formed around a surrogate is neutralised too.
        assert!(out(2).starts_with("formed <PLACEHOLDER_"), "{}", out(2));
        assert!(!out(2).contains("<PERSON_"));
        assert_eq!(r.neutralized, 2);
        assert_eq!(r.count(&Entity::ApiKey, Action::Redact), 2);
        assert_eq!(r.count(&Entity::PhoneNumber, Action::Surrogate), 1);
        let restorer = v.restorer().unwrap();
        assert_eq!(restorer.restore(&out(0)), texts[0]);
        assert_eq!(restorer.restore(&out(1)), out(1));
        // A block inside a look-alike still blocks.
        let p = policy("[entities]\nAPI_KEY = \"block\"");
        let mut v = vault(&p);
        let mut body = chat(&["<SECRETNAME_abcdef>"]);
        assert!(matches!(
            s.sanitize_request(Endpoint::OpenAiChat, &mut body, &p, &mut v),
            Err(SanitizeError::Blocked { .. })
        ));
    }

    #[test]
    fn opaque_text_is_left_alone_unless_blocked() {
        let s = sanitizer();
        let p = EffectivePolicy::default();
        let thinking = |t: &str| {
            json!({"model": "claude", "max_tokens": 10, "messages": [
                {"role": "user", "content": format!("hi {EMAIL}")},
                {"role": "assistant", "content": [
                    {"type": "thinking", "thinking": t, "signature": "c2ln"},
                    {"type": "text", "text": "ok"}]}]})
        };
        let mut v = vault(&p);
        let mut body = thinking(&format!("the user is {EMAIL}"));
        let r = s
            .sanitize_request(Endpoint::AnthropicMessages, &mut body, &p, &mut v)
            .unwrap();
        assert_eq!(
            body["messages"][1]["content"][0],
            thinking(&format!("the user is {EMAIL}"))["messages"][1]["content"][0]
        );
        assert!(!body["messages"][0]["content"]
            .as_str()
            .unwrap()
            .contains(EMAIL));
        assert_eq!(r.opaque_findings, 1);
        assert_eq!(r.opaque_parts, 1);
        assert!(r.header_value().contains("; opaque=1; opaque_findings=1"));

        let mut v = vault(&p);
        let mut body = thinking(&format!("key {PEM}"));
        let e = s
            .sanitize_request(Endpoint::AnthropicMessages, &mut body, &p, &mut v)
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("Blocked by promptwall policy: PRIVATE_KEY at messages[1].content[0]"),
            "{e}"
        );
    }

    #[test]
    fn media_follows_the_policy() {
        let s = sanitizer();
        let body = || {
            json!({"model": "m", "messages": [{"role": "user", "content": [
                {"type": "text", "text": "what is this?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}]})
        };
        let p = EffectivePolicy::default();
        let mut v = vault(&p);
        let mut b = body();
        let r = s
            .sanitize_request(Endpoint::OpenAiChat, &mut b, &p, &mut v)
            .unwrap();
        assert_eq!(r.media_parts, 1);
        assert_eq!(b, body());

        let p = policy("media = \"refuse\"");
        let mut v = vault(&p);
        let e = s
            .sanitize_request(Endpoint::OpenAiChat, &mut body(), &p, &mut v)
            .unwrap_err();
        assert!(
            matches!(&e, SanitizeError::MediaRefused { path, kind: MediaKind::Image } if path == "messages[0].content[1].image_url"),
            "{e:?}"
        );
        assert_eq!(e.status(), 403);
        assert!(e
            .to_string()
            .contains("an image at messages[0].content[1].image_url cannot"));
    }

    #[test]
    fn unwalkable_and_pre_tokenized_fail_closed() {
        let s = sanitizer();
        let p = EffectivePolicy::default();
        let mut v = vault(&p);
        let mut b = json!({"model": "m", "messages": {"role": "user"}});
        let e = s
            .sanitize_request(Endpoint::OpenAiChat, &mut b, &p, &mut v)
            .unwrap_err();
        assert!(matches!(&e, SanitizeError::Unwalkable { path } if path == "messages"));
        assert_eq!((e.status(), e.label()), (400, "unwalkable"));

        let mut b = json!({"model": "m", "input": [[1, 2, 3]]});
        let e = s
            .sanitize_request(Endpoint::OpenAiEmbeddings, &mut b, &p, &mut v)
            .unwrap_err();
        assert!(matches!(e, SanitizeError::PreTokenized));
        assert_eq!(e.code(), "promptwall_unscannable_request");
    }

    #[test]
    fn header_is_ascii_and_bounded() {
        let mut r = SanitizeReport {
            policy_version: "0123456789abcdef".into(),
            fields_scanned: 3,
            ..Default::default()
        };
        for i in 0..100 {
            r.counts.push(EntityCount {
                entity: Entity::Custom(Arc::from(format!("CUSTOM_ENTITY_NUMBER_{i}").as_str())),
                action: Action::Redact,
                count: i,
            });
        }
        r.counts.push(EntityCount {
            entity: Entity::Custom(Arc::from("weird name é")),
            action: Action::Mask,
            count: 1,
        });
        let h = r.header_value();
        assert!(h.len() <= MAX_HEADER_LEN, "{}", h.len());
        assert!(h.is_ascii());
        assert!(
            h.starts_with("v=0123456789abcdef; fields=3; media=0; CUSTOM_ENTITY_NUMBER_0=redact:0")
        );
        let omitted: usize = h.rsplit_once("; omitted=").unwrap().1.parse().unwrap();
        assert_eq!(h.matches("=redact:").count() + omitted, 101);
        // A short list is never truncated, and odd names render as CUSTOM.
        r.counts.drain(..100);
        assert_eq!(
            r.header_value(),
            "v=0123456789abcdef; fields=3; media=0; CUSTOM=mask:1"
        );
        let j = r.to_json();
        assert_eq!(j["entities"][0]["action"], "mask");
        assert_eq!(j["fields_scanned"], 3);
    }

    #[test]
    fn participant_names_get_token_safe_replacements() {
        let s = sanitizer();
        let p = EffectivePolicy::default();
        let mut v = vault(&p);
        let mut body = json!({"model": "m", "messages": [
            {"role": "user", "name": EMAIL, "content": "hi"},
            {"role": "user", "name": "<PERSON_abcdef>", "content": "hi"}]});
        s.sanitize_request(Endpoint::OpenAiChat, &mut body, &p, &mut v)
            .unwrap();
        let name = body["messages"][0]["name"].as_str().unwrap();
        assert!(
            name.starts_with("EMAIL_ADDRESS_") && name.len() == 20,
            "{name}"
        );
        let name = body["messages"][1]["name"].as_str().unwrap();
        assert!(name.starts_with("PLACEHOLDER_"), "{name}");
        for m in body["messages"].as_array().unwrap() {
            let n = m["name"].as_str().unwrap();
            assert!(!n.contains(['<', '>', '|', '/', '\\', ' ']), "{n}");
        }
    }

    #[test]
    fn sanitizer_is_shareable_and_sanitizes_free_text() {
        fn shareable<T: Send + Sync + Clone>() {}
        shareable::<Sanitizer>();
        let s = sanitizer();
        let p = EffectivePolicy::default();
        let mut v = vault(&p);
        let mut t = format!("mail {EMAIL}, key {KEY}");
        let r = s.sanitize_text(&mut t, &p, &mut v).unwrap();
        assert!(t.starts_with("mail <EMAIL_ADDRESS_") && t.ends_with(", key <API_KEY>"));
        assert_eq!((r.fields_scanned, r.total_findings()), (1, 2));
        let mut t = PEM.to_owned();
        let e = s.sanitize_text(&mut t, &p, &mut v).unwrap_err();
        assert!(e.to_string().contains("PRIVATE_KEY at $ (bytes 0.."), "{e}");
    }

    #[test]
    fn response_options_follow_the_policy() {
        let s = sanitizer();
        let p = EffectivePolicy::default();
        let mut v = vault(&p);
        let mut b = chat(&[EMAIL]);
        s.sanitize_request(Endpoint::OpenAiChat, &mut b, &p, &mut v)
            .unwrap();
        let o = s.response_options(&p, &v).unwrap();
        assert_eq!(o.restorer.len(), 1);
        assert!(o.scanner.is_some());
        let p2 = policy("restore = false\nscan_responses = \"off\"");
        let o = s.response_options(&p2, &v).unwrap();
        assert!(o.restorer.is_empty() && o.scanner.is_none());
    }
}
