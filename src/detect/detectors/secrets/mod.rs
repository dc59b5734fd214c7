//! Credentials: vendor tokens, private keys, JWTs, connection strings, auth headers, secret
//! assignments, Kubernetes Secret manifests.
//!
//! Owns: every detector of `Category::Secret` entities (DETECTORS.md §1–§4).
//! Never: rescans the whole text (each detector looks at bounded windows around its own
//! triggers), logs or stores values, flags placeholders/references (§3) or promptwall's own
//! replacement tokens (`<ENTITY>` / `<ENTITY_ab12>`).
//! Called by: the engine, through [`all`].
//!
//! # Spans
//! Tokens, keys and JWTs: the whole token. PEM/PuTTY: the whole block. Assignments, headers,
//! URIs, flags: the **value only**, so the key (`password:`, `Authorization: Bearer`,
//! `postgres://app:…@db`) stays readable for the model.
//!
//! # Scores
//! Checksum/structure-validated 0.95–0.99; unique prefix with exact shape 0.85–0.95;
//! context-anchored (assignments, headers) 0.7–0.9; weak signals below 0.5 (dropped by default).

mod assign;
mod headers;
mod jwt;
mod k8s;
mod pem;
mod tokens;
mod uri;
pub(crate) mod util;

use super::CatalogueOptions;
use crate::detect::Detector;

/// Every secret detector with the default options, most specific first (the order breaks
/// score ties).
pub fn all() -> Vec<Box<dyn Detector>> {
    all_with(CatalogueOptions::default())
}

/// Every secret detector with `opts` (`include_test_values` reaches the vendor-token
/// detectors: documentation `EXAMPLE` tokens and checksum-failing GitHub/npm tokens).
pub fn all_with(opts: CatalogueOptions) -> Vec<Box<dyn Detector>> {
    let mut v: Vec<Box<dyn Detector>> =
        vec![Box::new(pem::PemPrivateKey), Box::new(jwt::JwtDetector)];
    v.extend(tokens::all(opts.include_test_values));
    v.push(Box::new(uri::UriCredentials));
    v.push(Box::new(headers::AuthHeader));
    v.push(Box::new(k8s::KubernetesSecret));
    v.push(Box::new(assign::SecretAssignment));
    v
}

#[cfg(test)]
mod tests;
