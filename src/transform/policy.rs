//! Per-entity policy actions and the layered `[policy]` configuration.
//!
//! Owns: [`Action`] (what happens to a detected value), the serde shape of the `[policy]`
//! TOML section ([`PolicyConfig`], `deny_unknown_fields`), and its resolution into the
//! [`EffectivePolicy`] for one (tenant, provider) pair, with a stable `version` hash and a
//! table rendering for `check-config --tenant X --provider Y`.
//! Never: applies actions to text (that is `vault`), logs values, or reads files.
//! Called by: `config` (validation at start-up), `server::service` (one effective policy per
//! request, best resolved once per (tenant, provider) at start-up), `cli` (`check-config`).
//!
//! # Layering
//!
//! ```toml
//! [policy]                          # global layer (over the built-in defaults)
//! default_secret = "redact"         # every Category::Secret entity not listed
//! default_pii = "pseudonymize"      # every Category::Pii entity not listed
//! restore = true                    # restore pseudonyms/surrogates in responses
//! scan_responses = "secrets"        # off | secrets | all
//! media = "forward"                 # forward | refuse
//! mask_keep_last = 4
//! [policy.entities]
//! PRIVATE_KEY = "block"
//! IP_ADDRESS = "mask"
//! [policy.provider.deepseek]        # provider layer: same keys except provider/tenant
//! default_pii = "redact"
//! [policy.tenant.acme]              # tenant layer: same keys except provider/tenant
//! entities = { PERSON = "allow" }
//! ```
//!
//! For every setting the value is resolved as follows (`g` = global or built-in default,
//! `p` = the provider layer's explicit value, `t` = the tenant layer's explicit value; within a
//! layer an `entities` entry beats that layer's `default_secret`/`default_pii`):
//!
//! A layer's `entities` entry replaces the value of the layers below it; a layer's
//! `default_secret`/`default_pii` applies to the entities that layer does not list, but only
//! *tightens* an entity entry of a lower layer (and the built-in `PRIVATE_KEY = "block"`): a
//! provider's `default_secret = "redact"` does not unblock private keys, and a provider's
//! `default_pii = "redact"` also covers a globally listed `IP_ADDRESS = "mask"`.
//!
//! | set in            | result                   |
//! |-------------------|--------------------------|
//! | neither           | `g`                      |
//! | provider only     | `p` (may loosen or tighten `g`: the operator's call per provider) |
//! | tenant only       | `t` (may loosen or tighten `g`) |
//! | both              | the **stricter** of `p` and `t` |
//!
//! So a tenant can never loosen what a provider layer says explicitly: a provider configured
//! to "receive no PII in any form" (`default_pii = "redact"`) stays so even for a tenant with
//! `PERSON = "allow"`. Strictness: `block > redact > hash > mask > surrogate = pseudonymize >
//! allow` (ties keep the provider's value); `restore = false` is stricter than `true`;
//! `scan_responses`: `all > secrets > off`; `media`: `refuse > forward`; a smaller
//! `mask_keep_last` is stricter.
//!
//! Built-in defaults: secrets `redact`, `PRIVATE_KEY` `block`, PII `pseudonymize` and
//! restored, `scan_responses = "secrets"`, `media = "forward"`, `mask_keep_last = 4`.
//!
//! # Restoring secrets
//!
//! Pseudonyms and surrogates of PII (and of custom entities) are restored in responses when
//! `restore = true`. A built-in secret entity (`API_KEY`, `PASSWORD`, ...) is restored only
//! when the operator names it in an `entities` table (any layer) with `pseudonymize` or
//! `surrogate` and that is also the resolved action, e.g. `[policy.entities] API_KEY =
//! "pseudonymize"`: [`EffectivePolicy::restores`]. A `default_secret = "pseudonymize"` alone
//! gives secrets placeholders that are *not* restored. The trade-off of opting in: the
//! provider still only sees a placeholder (`<API_KEY_3f9a2c>`), but the value travels back to
//! the same tenant in the response (and its placeholder is a stable, per-tenant handle for
//! it), so a model that echoes the key makes it reappear in the client's output, logs and
//! transcripts. Use it where the caller needs its own credential back verbatim (code the
//! model edits, configuration it reformats, test environments and benchmarks).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::detect::{Category, Entity};

/// What happens to one detected value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Forward unchanged.
    Allow,
    /// Replace with a placeholder `<ENTITY_3f9a2c>` the model copies verbatim; restored.
    Pseudonymize,
    /// Replace with a realistic, format-valid fake of the same shape; restored.
    Surrogate,
    /// Keep the last `mask_keep_last` alphanumerics, `*` for the others; not restored.
    Mask,
    /// `<ENTITY:sha256:ab12cd34>` (keyed, truncated); not restored.
    Hash,
    /// `<ENTITY>`; not restored.
    Redact,
    /// Refuse the whole request.
    Block,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::Allow,
        Action::Pseudonymize,
        Action::Surrogate,
        Action::Mask,
        Action::Hash,
        Action::Redact,
        Action::Block,
    ];

    /// Config spelling.
    pub fn name(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Pseudonymize => "pseudonymize",
            Action::Surrogate => "surrogate",
            Action::Mask => "mask",
            Action::Hash => "hash",
            Action::Redact => "redact",
            Action::Block => "block",
        }
    }

    /// Higher is stricter (reveals less). Pseudonymize and surrogate tie.
    pub fn strictness(self) -> u8 {
        match self {
            Action::Allow => 0,
            Action::Pseudonymize | Action::Surrogate => 1,
            Action::Mask => 2,
            Action::Hash => 3,
            Action::Redact => 4,
            Action::Block => 5,
        }
    }

    /// Whether the replacement is recorded for restoration in responses.
    pub fn is_restorable(self) -> bool {
        matches!(self, Action::Pseudonymize | Action::Surrogate)
    }

    /// The stricter of two actions; `self` wins ties.
    pub fn stricter(self, other: Action) -> Action {
        if other.strictness() > self.strictness() {
            other
        } else {
            self
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which response texts are scanned for secrets/PII on the way back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScanResponses {
    Off,
    Secrets,
    All,
}

impl ScanResponses {
    pub fn name(self) -> &'static str {
        match self {
            ScanResponses::Off => "off",
            ScanResponses::Secrets => "secrets",
            ScanResponses::All => "all",
        }
    }
}

/// What to do with binary payloads (images, audio, files) that cannot be text-scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaPolicy {
    Forward,
    Refuse,
}

impl MediaPolicy {
    pub fn name(self) -> &'static str {
        match self {
            MediaPolicy::Forward => "forward",
            MediaPolicy::Refuse => "refuse",
        }
    }
}

/// One provider or tenant layer, as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyLayer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_secret: Option<Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_pii: Option<Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan_responses: Option<ScanResponses>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<MediaPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mask_keep_last: Option<usize>,
    /// Entity name (`Entity::name`, or a custom detector's name) -> action.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub entities: BTreeMap<String, Action>,
}

/// The `[policy]` section as written: the global layer plus per-provider and per-tenant layers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_secret: Option<Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_pii: Option<Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan_responses: Option<ScanResponses>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<MediaPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mask_keep_last: Option<usize>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub entities: BTreeMap<String, Action>,
    /// Provider id (as in the routing config) -> layer.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub provider: BTreeMap<String, PolicyLayer>,
    /// Tenant id -> layer.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tenant: BTreeMap<String, PolicyLayer>,
}

/// A problem in the `[policy]` section; names the key path, never a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct PolicyError {
    pub path: String,
    pub problem: &'static str,
}

/// Largest accepted `mask_keep_last`.
pub const MAX_MASK_KEEP_LAST: usize = 16;

const DEFAULT_MASK_KEEP_LAST: usize = 4;

/// Whether `name` can appear in a placeholder: `[A-Z][A-Z0-9_]*`, not ending in `_`.
pub fn is_entity_name(name: &str) -> bool {
    let b = name.as_bytes();
    matches!(b.first(), Some(c) if c.is_ascii_uppercase())
        && !name.ends_with('_')
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
}

fn category_of(name: &str) -> Category {
    // Custom (unknown) entities are secrets unless listed: fail closed, as `Entity::category`.
    Entity::from_builtin_name(name).map_or(Category::Secret, |e| e.category())
}

impl PolicyConfig {
    fn global_layer(&self) -> PolicyLayer {
        PolicyLayer {
            default_secret: self.default_secret,
            default_pii: self.default_pii,
            restore: self.restore,
            scan_responses: self.scan_responses,
            media: self.media,
            mask_keep_last: self.mask_keep_last,
            entities: self.entities.clone(),
        }
    }

    /// Check every layer; reports every problem at once. `custom_entities` are the names of
    /// the configured custom detectors (accepted in `entities` besides the built-ins).
    pub fn validate(&self, custom_entities: &[&str]) -> Result<(), Vec<PolicyError>> {
        let mut errors = Vec::new();
        let mut check = |prefix: String, layer: &PolicyLayer| {
            for name in layer.entities.keys() {
                if !is_entity_name(name) {
                    errors.push(PolicyError {
                        path: format!("{prefix}.entities.{name}"),
                        problem: "entity names are UPPER_SNAKE ([A-Z][A-Z0-9_]*)",
                    });
                } else if Entity::from_builtin_name(name).is_none()
                    && !custom_entities.contains(&name.as_str())
                {
                    errors.push(PolicyError {
                        path: format!("{prefix}.entities.{name}"),
                        problem: "unknown entity (neither built-in nor a custom detector)",
                    });
                }
            }
            if layer.mask_keep_last.is_some_and(|n| n > MAX_MASK_KEEP_LAST) {
                errors.push(PolicyError {
                    path: format!("{prefix}.mask_keep_last"),
                    problem: "must be at most 16",
                });
            }
        };
        check("policy".to_owned(), &self.global_layer());
        for (name, layer) in &self.provider {
            check(format!("policy.provider.{name}"), layer);
        }
        for (name, layer) in &self.tenant {
            check(format!("policy.tenant.{name}"), layer);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The effective policy for a (tenant, provider) pair. Unknown tenant/provider ids simply
    /// have no layer.
    pub fn effective(&self, tenant: &str, provider: &str) -> EffectivePolicy {
        let global = self.global_layer();
        let empty = PolicyLayer::default();
        let p = self.provider.get(provider).unwrap_or(&empty);
        let t = self.tenant.get(tenant).unwrap_or(&empty);

        let default_secret_g = global.default_secret.unwrap_or(Action::Redact);
        let default_pii_g = global.default_pii.unwrap_or(Action::Pseudonymize);
        let default_secret = resolve(
            default_secret_g,
            p.default_secret,
            t.default_secret,
            Action::stricter,
        );
        let default_pii = resolve(
            default_pii_g,
            p.default_pii,
            t.default_pii,
            Action::stricter,
        );

        let mut names: Vec<String> = Entity::BUILTIN
            .iter()
            .map(|e| e.name().to_owned())
            .collect();
        for layer in [&global, p, t] {
            names.extend(layer.entities.keys().cloned());
        }
        names.sort();
        names.dedup();

        let mut entities = BTreeMap::new();
        let mut restored_secrets = BTreeSet::new();
        for name in names {
            let cat = category_of(&name);
            // An entity entry of a layer replaces lower layers' values; a layer's default only
            // tightens an entity entry of a lower layer (or the built-in PRIVATE_KEY block).
            let layer_value = |layer: &PolicyLayer, lower_explicit: Option<Action>| {
                layer.entities.get(&name).copied().or_else(|| {
                    let d = match cat {
                        Category::Secret => layer.default_secret,
                        Category::Pii => layer.default_pii,
                    }?;
                    Some(lower_explicit.map_or(d, |e| e.stricter(d)))
                })
            };
            let builtin_explicit = (name == "PRIVATE_KEY").then_some(Action::Block);
            let g_explicit = global.entities.get(&name).copied().or(builtin_explicit);
            let g = g_explicit.unwrap_or(match cat {
                Category::Secret => global.default_secret.unwrap_or(Action::Redact),
                Category::Pii => global.default_pii.unwrap_or(Action::Pseudonymize),
            });
            let p_explicit = p.entities.get(&name).copied().or(g_explicit);
            let action = resolve(
                g,
                layer_value(p, g_explicit),
                layer_value(t, p_explicit),
                Action::stricter,
            );
            if cat == Category::Secret
                && Entity::from_builtin_name(&name).is_some()
                && action.is_restorable()
                && [&global, p, t]
                    .iter()
                    .any(|layer| layer.entities.get(&name).is_some_and(|a| a.is_restorable()))
            {
                restored_secrets.insert(name.clone());
            }
            entities.insert(name, action);
        }

        let restore = resolve(
            global.restore.unwrap_or(true),
            p.restore,
            t.restore,
            |a, b| a && b,
        );
        let scan_responses = resolve(
            global.scan_responses.unwrap_or(ScanResponses::Secrets),
            p.scan_responses,
            t.scan_responses,
            std::cmp::max,
        );
        let media = resolve(
            global.media.unwrap_or(MediaPolicy::Forward),
            p.media,
            t.media,
            std::cmp::max,
        );
        let mask_keep_last = resolve(
            global.mask_keep_last.unwrap_or(DEFAULT_MASK_KEEP_LAST),
            p.mask_keep_last,
            t.mask_keep_last,
            std::cmp::min,
        )
        .min(MAX_MASK_KEEP_LAST);

        let mut eff = EffectivePolicy {
            tenant: tenant.to_owned(),
            provider: provider.to_owned(),
            default_secret,
            default_pii,
            entities,
            restored_secrets,
            restore,
            scan_responses,
            media,
            mask_keep_last,
            version: String::new(),
        };
        eff.version = eff.compute_version();
        eff
    }
}

/// PII and custom entities are restorable; built-in secrets only when in `restored_secrets`.
pub(crate) fn restorable_entity(entity: &Entity, restored_secrets: &BTreeSet<String>) -> bool {
    entity.category() == Category::Pii
        || matches!(entity, Entity::Custom(_))
        || restored_secrets.contains(entity.name())
}

fn resolve<T: Copy>(g: T, p: Option<T>, t: Option<T>, stricter: impl Fn(T, T) -> T) -> T {
    match (p, t) {
        (None, None) => g,
        (Some(p), None) => p,
        (None, Some(t)) => t,
        (Some(p), Some(t)) => stricter(p, t),
    }
}

/// The resolved policy for one (tenant, provider) pair. Cheap to share behind an `Arc`.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectivePolicy {
    pub tenant: String,
    pub provider: String,
    /// For custom entities not listed in `entities`.
    pub default_secret: Action,
    pub default_pii: Action,
    /// Every built-in entity plus every entity named in any layer.
    pub entities: BTreeMap<String, Action>,
    /// Built-in secret entities an `entities` table sets to a restorable action (and that
    /// resolve to one): restored like PII (see "Restoring secrets" in the module docs).
    pub restored_secrets: BTreeSet<String>,
    pub restore: bool,
    pub scan_responses: ScanResponses,
    pub media: MediaPolicy,
    pub mask_keep_last: usize,
    version: String,
}

impl Default for EffectivePolicy {
    /// The built-in defaults (no `[policy]` section), for tenant `""` and provider `""`.
    fn default() -> Self {
        PolicyConfig::default().effective("", "")
    }
}

impl EffectivePolicy {
    /// The action for one entity.
    pub fn action_for(&self, entity: &Entity) -> Action {
        self.entities
            .get(entity.name())
            .copied()
            .unwrap_or(match entity.category() {
                Category::Secret => self.default_secret,
                Category::Pii => self.default_pii,
            })
    }

    /// Whether replacements of `entity` made with a restorable action are restored in
    /// responses (ignoring `restore`): PII and custom entities always, built-in secrets only
    /// when listed in [`EffectivePolicy::restored_secrets`].
    pub fn restores(&self, entity: &Entity) -> bool {
        restorable_entity(entity, &self.restored_secrets)
    }

    /// Stable hash of the effective settings (not of the tenant/provider names): 16 hex chars.
    /// Recorded in the ledger so a disclosure can be tied to the policy that allowed it.
    pub fn version(&self) -> &str {
        &self.version
    }

    fn compute_version(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"promptwall-policy/v1\n");
        h.update(
            format!(
                "default_secret={}\ndefault_pii={}\nrestore={}\nscan_responses={}\nmedia={}\nmask_keep_last={}\n",
                self.default_secret,
                self.default_pii,
                self.restore,
                self.scan_responses.name(),
                self.media.name(),
                self.mask_keep_last
            )
            .as_bytes(),
        );
        for (name, action) in &self.entities {
            h.update(format!("{name}={action}\n").as_bytes());
        }
        // Only when non-empty, so policies without restored secrets keep their version.
        for name in &self.restored_secrets {
            h.update(format!("restored_secret={name}\n").as_bytes());
        }
        hex::encode(h.finalize()).chars().take(16).collect()
    }
}

impl fmt::Display for EffectivePolicy {
    /// The table printed by `check-config --tenant X --provider Y`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "effective policy for tenant {:?}, provider {:?} (version {})",
            self.tenant, self.provider, self.version
        )?;
        writeln!(f, "  {:<20} {}", "restore", self.restore)?;
        writeln!(
            f,
            "  {:<20} {}",
            "scan_responses",
            self.scan_responses.name()
        )?;
        writeln!(f, "  {:<20} {}", "media", self.media.name())?;
        writeln!(f, "  {:<20} {}", "mask_keep_last", self.mask_keep_last)?;
        writeln!(f, "  {:<20} {}", "default_secret", self.default_secret)?;
        writeln!(f, "  {:<20} {}", "default_pii", self.default_pii)?;
        writeln!(f)?;
        writeln!(
            f,
            "  {:<20} {:<8} {:<13} restored",
            "ENTITY", "CATEGORY", "ACTION"
        )?;
        for (name, action) in &self.entities {
            let cat = match category_of(name) {
                Category::Secret => "secret",
                Category::Pii => "pii",
            };
            let restored = action.is_restorable()
                && self.restore
                && !(cat == "secret"
                    && Entity::from_builtin_name(name).is_some()
                    && !self.restored_secrets.contains(name));
            writeln!(
                f,
                "  {:<20} {:<8} {:<13} {}",
                name,
                cat,
                action.name(),
                if restored { "yes" } else { "no" }
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(toml_text: &str) -> PolicyConfig {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Root {
            policy: PolicyConfig,
        }
        toml::from_str::<Root>(toml_text).unwrap().policy
    }

    const EXAMPLE: &str = r#"
        [policy]
        default_secret = "redact"
        default_pii = "pseudonymize"
        restore = true
        scan_responses = "secrets"
        media = "forward"
        [policy.entities]
        PRIVATE_KEY = "block"
        IP_ADDRESS = "mask"
        [policy.provider.deepseek]
        default_pii = "redact"
        [policy.provider.local]
        default_pii = "allow"
        default_secret = "allow"
        restore = false
        [policy.tenant.acme]
        entities = { PERSON = "allow", EMAIL_ADDRESS = "hash" }
        restore = true
        scan_responses = "all"
    "#;

    #[test]
    fn defaults() {
        let p = EffectivePolicy::default();
        assert_eq!(p.action_for(&Entity::ApiKey), Action::Redact);
        assert_eq!(p.action_for(&Entity::PrivateKey), Action::Block);
        assert_eq!(p.action_for(&Entity::EmailAddress), Action::Pseudonymize);
        assert_eq!(
            p.action_for(&Entity::Custom("EMPLOYEE_ID".into())),
            Action::Redact
        );
        assert!(p.restore);
        assert_eq!(p.scan_responses, ScanResponses::Secrets);
        assert_eq!(p.mask_keep_last, 4);
    }

    #[test]
    fn layering_tenant_loosens_global_but_not_provider() {
        let cfg = parse(EXAMPLE);
        cfg.validate(&[]).unwrap();
        let acme_openai = cfg.effective("acme", "openai");
        assert_eq!(acme_openai.action_for(&Entity::Person), Action::Allow);
        assert_eq!(acme_openai.action_for(&Entity::EmailAddress), Action::Hash);
        assert_eq!(acme_openai.action_for(&Entity::IpAddress), Action::Mask);
        assert_eq!(acme_openai.scan_responses, ScanResponses::All);

        let acme_deepseek = cfg.effective("acme", "deepseek");
        assert_eq!(acme_deepseek.action_for(&Entity::Person), Action::Redact);
        assert_eq!(
            acme_deepseek.action_for(&Entity::EmailAddress),
            Action::Redact
        );
        assert_eq!(
            acme_deepseek.action_for(&Entity::PhoneNumber),
            Action::Redact
        );

        let other_deepseek = cfg.effective("other", "deepseek");
        assert_eq!(other_deepseek.action_for(&Entity::Person), Action::Redact);

        // A provider layer may loosen the global layer; the tenant cannot re-enable restore.
        let acme_local = cfg.effective("acme", "local");
        assert_eq!(acme_local.action_for(&Entity::PhoneNumber), Action::Allow);
        assert!(!acme_local.restore);
        assert_eq!(acme_local.action_for(&Entity::ApiKey), Action::Allow);
        // A layer default never loosens a lower layer's entity entry or the built-in block.
        assert_eq!(acme_local.action_for(&Entity::IpAddress), Action::Mask);
        assert_eq!(acme_local.action_for(&Entity::PrivateKey), Action::Block);
        // ... but tightens it.
        assert_eq!(acme_deepseek.action_for(&Entity::IpAddress), Action::Redact);
    }

    #[test]
    fn version_is_stable_and_content_sensitive() {
        let cfg = parse(EXAMPLE);
        let a = cfg.effective("acme", "openai");
        assert_eq!(a.version(), cfg.effective("acme", "openai").version());
        assert_eq!(a.version().len(), 16);
        assert_ne!(a.version(), cfg.effective("acme", "deepseek").version());
        // Same content under other names: same version.
        assert_eq!(
            cfg.effective("x", "openai").version(),
            cfg.effective("y", "anthropic").version()
        );
    }

    #[test]
    fn unknown_keys_and_entities_are_rejected() {
        #[derive(Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        struct Root {
            #[allow(dead_code)]
            policy: PolicyConfig,
        }
        assert!(toml::from_str::<Root>("[policy]\ndefault_pi = \"redact\"").is_err());
        assert!(toml::from_str::<Root>("[policy]\ndefault_pii = \"obliterate\"").is_err());
        assert!(toml::from_str::<Root>("[policy.tenant.a]\nfoo = 1").is_err());
        let cfg = parse("[policy.entities]\nEMPLOYEE_ID = \"redact\"\nbad-name = \"allow\"\n[policy.tenant.t]\nmask_keep_last = 99");
        let errs = cfg.validate(&[]).unwrap_err();
        assert_eq!(errs.len(), 3, "{errs:?}");
        let errs = cfg.validate(&["EMPLOYEE_ID"]).unwrap_err();
        assert_eq!(errs.len(), 2);
    }

    #[test]
    fn custom_entity_listed_in_a_layer() {
        let cfg = parse("[policy.entities]\nEMPLOYEE_ID = \"pseudonymize\"");
        let p = cfg.effective("t", "p");
        assert_eq!(
            p.action_for(&Entity::Custom("EMPLOYEE_ID".into())),
            Action::Pseudonymize
        );
    }

    #[test]
    fn display_lists_every_entity() {
        let p = parse(EXAMPLE).effective("acme", "deepseek");
        let table = p.to_string();
        assert!(table.contains(p.version()));
        for e in Entity::BUILTIN {
            assert!(table.contains(e.name()), "{}", e.name());
        }
        assert!(table
            .lines()
            .any(|l| l.contains("PRIVATE_KEY") && l.contains("block")));
    }

    #[test]
    fn secrets_are_restored_only_when_listed_explicitly() {
        // Default: secrets redacted, never restored.
        let d = EffectivePolicy::default();
        assert!(d.restored_secrets.is_empty());
        assert!(!d.restores(&Entity::ApiKey));
        assert!(d.restores(&Entity::EmailAddress));
        assert!(d.restores(&Entity::Custom("EMPLOYEE_ID".into())));

        // A default alone gives placeholders that are not restored.
        let p = parse("[policy]\ndefault_secret = \"pseudonymize\"\n").effective("t", "p");
        assert_eq!(p.action_for(&Entity::ApiKey), Action::Pseudonymize);
        assert!(!p.restores(&Entity::ApiKey));

        // Any layer may opt in, per entity.
        for text in [
            "[policy.entities]\nAPI_KEY = \"pseudonymize\"\n",
            "[policy.provider.p]\nentities = { API_KEY = \"surrogate\" }\n",
            "[policy.tenant.t]\nentities = { API_KEY = \"pseudonymize\" }\n",
        ] {
            let p = parse(text).effective("t", "p");
            assert!(p.restores(&Entity::ApiKey), "{text}");
            assert!(!p.restores(&Entity::Password), "{text}");
            assert_eq!(p.restored_secrets.len(), 1, "{text}");
            let row = p.to_string();
            let row = row.lines().find(|l| l.contains("API_KEY")).unwrap();
            assert!(row.ends_with("yes"), "{row}");
            // Other pairs without the layer keep the default.
            let other = parse(text).effective("other", "other");
            let global = text.starts_with("[policy.entities]");
            assert_eq!(other.restores(&Entity::ApiKey), global, "{text}");
        }

        // A stricter resolved action wins and is not restored.
        let p = parse(
            "[policy.entities]\nAPI_KEY = \"pseudonymize\"\n\
             [policy.provider.p]\nentities = { API_KEY = \"redact\" }\n\
             [policy.tenant.t]\nentities = { API_KEY = \"pseudonymize\" }\n",
        )
        .effective("t", "p");
        assert_eq!(p.action_for(&Entity::ApiKey), Action::Redact);
        assert!(!p.restores(&Entity::ApiKey));

        // The opt-in is part of the policy version.
        let listed = parse("[policy.entities]\nAPI_KEY = \"pseudonymize\"\n").effective("t", "p");
        let mut same_map = listed.clone();
        same_map.restored_secrets.clear();
        assert_ne!(listed.version(), same_map.compute_version());
        assert_eq!(
            EffectivePolicy::default().version(),
            PolicyConfig::default().effective("", "").version()
        );
    }

    #[test]
    fn benchmark_config_restores_api_keys() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/py/pii_leak_benchmark.toml"
        );
        let root: toml::Value = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let cfg: PolicyConfig = root["policy"].clone().try_into().unwrap();
        let p = cfg.effective("bench", "capture");
        assert_eq!(p.action_for(&Entity::ApiKey), Action::Pseudonymize);
        assert!(p.restore && p.restores(&Entity::ApiKey));
        assert!(!p.restores(&Entity::Password));
    }

    #[test]
    fn strictness_order() {
        let order = [
            Action::Allow,
            Action::Pseudonymize,
            Action::Mask,
            Action::Hash,
            Action::Redact,
            Action::Block,
        ];
        for w in order.windows(2) {
            assert!(w[0].strictness() < w[1].strictness());
            assert_eq!(w[0].stricter(w[1]), w[1]);
            assert_eq!(w[1].stricter(w[0]), w[1]);
        }
        assert_eq!(
            Action::Surrogate.stricter(Action::Pseudonymize),
            Action::Surrogate
        );
    }
}
