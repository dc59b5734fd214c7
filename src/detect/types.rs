//! Vocabulary shared by the engine and every detector.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// Coarse class of an entity: decides default policy (secrets are redacted and never
/// restored; PII is pseudonymized and restored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Secret,
    Pii,
}

/// What was found. Names follow Microsoft Presidio's where one exists.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Entity {
    // --- secrets ---
    /// A provider- or vendor-issued token with a known format (AWS, GitHub, Slack, OpenAI, ...).
    ApiKey,
    /// PEM / OpenSSH / PGP / PuTTY private key material.
    PrivateKey,
    /// A password, secret or token assigned to a secret-like key, in a URI, header or flag.
    Password,
    /// Connection string / URI carrying credentials.
    ConnectionString,
    /// JSON Web Token (JWS or JWE).
    Jwt,
    /// Authorization / API-key header value.
    AuthHeader,
    /// Keyword-anchored high-entropy value that matched no named format.
    GenericSecret,
    // --- PII (Presidio names) ---
    EmailAddress,
    PhoneNumber,
    CreditCard,
    IbanCode,
    UsSsn,
    UsItin,
    EuVat,
    UkNino,
    UkNhs,
    PtNif,
    EsNif,
    ItFiscalCode,
    NlBsn,
    FrNir,
    DeTaxId,
    IpAddress,
    MacAddress,
    CryptoWallet,
    DateOfBirth,
    Passport,
    Location,
    Person,
    /// A custom detector from config; the entity name is the user's.
    Custom(Arc<str>),
}

impl Entity {
    /// Stable upper-case name used in config, placeholders, headers, metrics and the ledger.
    pub fn name(&self) -> &str {
        match self {
            Entity::ApiKey => "API_KEY",
            Entity::PrivateKey => "PRIVATE_KEY",
            Entity::Password => "PASSWORD",
            Entity::ConnectionString => "CONNECTION_STRING",
            Entity::Jwt => "JWT",
            Entity::AuthHeader => "AUTH_HEADER",
            Entity::GenericSecret => "GENERIC_SECRET",
            Entity::EmailAddress => "EMAIL_ADDRESS",
            Entity::PhoneNumber => "PHONE_NUMBER",
            Entity::CreditCard => "CREDIT_CARD",
            Entity::IbanCode => "IBAN_CODE",
            Entity::UsSsn => "US_SSN",
            Entity::UsItin => "US_ITIN",
            Entity::EuVat => "EU_VAT",
            Entity::UkNino => "UK_NINO",
            Entity::UkNhs => "UK_NHS",
            Entity::PtNif => "PT_NIF",
            Entity::EsNif => "ES_NIF",
            Entity::ItFiscalCode => "IT_FISCAL_CODE",
            Entity::NlBsn => "NL_BSN",
            Entity::FrNir => "FR_NIR",
            Entity::DeTaxId => "DE_TAX_ID",
            Entity::IpAddress => "IP_ADDRESS",
            Entity::MacAddress => "MAC_ADDRESS",
            Entity::CryptoWallet => "CRYPTO",
            Entity::DateOfBirth => "DATE_OF_BIRTH",
            Entity::Passport => "PASSPORT",
            Entity::Location => "LOCATION",
            Entity::Person => "PERSON",
            Entity::Custom(name) => name,
        }
    }

    /// Every built-in entity, for config validation and docs.
    pub const BUILTIN: &'static [Entity] = &[
        Entity::ApiKey,
        Entity::PrivateKey,
        Entity::Password,
        Entity::ConnectionString,
        Entity::Jwt,
        Entity::AuthHeader,
        Entity::GenericSecret,
        Entity::EmailAddress,
        Entity::PhoneNumber,
        Entity::CreditCard,
        Entity::IbanCode,
        Entity::UsSsn,
        Entity::UsItin,
        Entity::EuVat,
        Entity::UkNino,
        Entity::UkNhs,
        Entity::PtNif,
        Entity::EsNif,
        Entity::ItFiscalCode,
        Entity::NlBsn,
        Entity::FrNir,
        Entity::DeTaxId,
        Entity::IpAddress,
        Entity::MacAddress,
        Entity::CryptoWallet,
        Entity::DateOfBirth,
        Entity::Passport,
        Entity::Location,
        Entity::Person,
    ];

    /// Parse a built-in entity name (as returned by [`Entity::name`]).
    pub fn from_builtin_name(name: &str) -> Option<Entity> {
        Self::BUILTIN.iter().find(|e| e.name() == name).cloned()
    }

    pub fn category(&self) -> Category {
        match self {
            Entity::ApiKey
            | Entity::PrivateKey
            | Entity::Password
            | Entity::ConnectionString
            | Entity::Jwt
            | Entity::AuthHeader
            | Entity::GenericSecret => Category::Secret,
            // Custom detectors are treated as secrets unless policy says otherwise: fail closed.
            Entity::Custom(_) => Category::Secret,
            _ => Category::Pii,
        }
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One detection: a byte range of the scanned text (always on UTF-8 char boundaries).
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub entity: Entity,
    /// Byte offset of the first byte of the value.
    pub start: usize,
    /// Byte offset one past the last byte of the value.
    pub end: usize,
    /// Confidence in 0.0..=1.0. Validated formats score >= 0.9.
    pub score: f32,
    /// Which detector produced it (stable, low cardinality: safe for metrics).
    pub detector: Cow<'static, str>,
}

impl Finding {
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// What makes the engine call a detector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// An ASCII literal, matched ASCII-case-insensitively anywhere in the text
    /// (word boundaries are the detector's business). Keep literals specific: the automaton's
    /// cost per byte does not depend on the number of literals, but every occurrence is a hit
    /// the detector must look at, so a literal that occurs in most texts (`"="`, `" "`) makes
    /// the scan cost per byte of the detector's verification.
    Literal(Cow<'static, str>),
    /// A maximal run of ASCII digits, where single separators from `" -./"` may join digit
    /// groups (so `4111 1111-1111 1111` is one run), with at least `min_digits` digits.
    DigitRun { min_digits: usize },
}

/// One occurrence of a trigger in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Byte range of the matched literal or digit run.
    pub start: usize,
    pub end: usize,
    /// Index into the detector's own `triggers()` list.
    pub trigger: usize,
}

/// What a detector sees of the text being scanned.
#[derive(Debug, Clone, Copy)]
pub struct ScanCtx<'a> {
    pub text: &'a str,
}

impl<'a> ScanCtx<'a> {
    pub fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }
}

/// A detector: built once at start-up, shared by all threads, called per text with its hits.
pub trait Detector: Send + Sync {
    /// Stable identifier (`"github_token"`, `"email"`, ...), used as `Finding::detector`.
    fn name(&self) -> &'static str;
    /// Called once when the engine is built.
    fn triggers(&self) -> Vec<Trigger>;
    /// Called once per scanned text when at least one of this detector's triggers occurred.
    /// `hits` are sorted by `start`. Push findings (char-boundary offsets) into `out`.
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>);
}
